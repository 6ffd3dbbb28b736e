"""The catalogue decides: every finding's severity, title and hint come from one table.

A finding is made only by ``perfxl.core.catalogue.finding``; every code any stage uses is in
the table with a message template; the findings of real runs carry the table's severity and
hint; a problem in a YAML definition is a finding with its own D code and its location.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from perfxl.checks.run import RunOptions, check_file
from perfxl.core.catalogue import RULES, finding
from perfxl.core.errors import DefinitionError
from perfxl.define.model import LoadOptions, load_document

from .conftest import MINIMAL, ROOT

PACKAGE = ROOT / "perfxl"
CODE = re.compile(r"""["']([DROSFMITE]\d{3})["']""")


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_code_used_in_the_package_is_catalogued_and_every_rule_has_templates():
    used = {code for path in _sources() for code in CODE.findall(path.read_text(encoding="utf-8"))}
    assert used, "the pattern finds the codes the package uses"
    assert used <= set(RULES), sorted(used - set(RULES))
    for code, rule in RULES.items():
        assert rule.code == code
        assert rule.message.strip() and rule.hint.strip() and rule.title.strip(), code
        # both templates parse, and name fields only (no positional {} nor attribute access)
        for template in (rule.message, rule.hint):
            for _, name, spec, conversion in string.Formatter().parse(template):
                assert name is None or name.isidentifier(), (code, name)
                assert not spec and not conversion, code


def test_only_the_catalogue_builds_a_finding():
    """No emitter hand-builds ``Finding(code, severity, …)``: severity and hint would drift."""
    builders = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ("Finding", "Diagnostic"):
                    builders.append(str(path.relative_to(ROOT)))
    assert builders == ["perfxl/core/catalogue.py"]


def test_finding_fills_templates_and_takes_severity_and_hint_from_the_table():
    f = finding("M008", sheet="表1", cell="D9", project="项目甲", label="当年财政拨款", value=-5)
    assert f.severity == RULES["M008"].severity and f.hint == RULES["M008"].hint
    assert f.message == "「项目甲」D9：当年财政拨款为负数 -5"
    assert f.to_dict() == {
        "code": "M008",
        "severity": "warning",
        "sheet": "表1",
        "cell": "D9",
        "message": "「项目甲」D9：当年财政拨款为负数 -5",
        "hint": "请确认是否填错",
    }
    y = finding("D014", file="p.yaml", line=3, column=7, value="20x4")
    assert y.format() == "p.yaml:3:7：错误：年度「20x4」无效（应是 4 位年份，如 2024）"
    assert y.to_dict()["file"] == "p.yaml" and (y.to_dict()["line"], y.to_dict()["column"]) == (
        3,
        7,
    )
    with pytest.raises(KeyError):  # a field the template needs cannot be forgotten
        finding("M008", label="x")


def _all_checked_findings(sample_books, tmp_path):
    """Findings of checking every sample workbook, a set of damaged or edited inputs, and
    the corpus of published forms."""
    import openpyxl

    paths = [path for _, path in sample_books.values()]
    damaged = {
        "empty.xlsx": b"",
        "text.xlsx": b"not a workbook at all",
        "cut.xlsx": paths[0].read_bytes()[:500],
    }
    for name, data in damaged.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    paths.append(tmp_path / "missing.xlsx")
    # an edited sample: typed values, a deleted label, a stray note
    edited = tmp_path / "edited.xlsx"
    wb = openpyxl.load_workbook(sample_books["minhang-2024-declaration"][1])
    ws = wb.worksheets[1]
    ws["A3"] = "改过的标签"
    ws.cell(row=5, column=ws.max_column + 2, value="表外备注")
    wb.save(edited)
    paths.append(edited)
    # real published forms, rebuilt as plain workbooks perfxl did not make
    from tests.corpus import FORMS

    for name, module in sorted(FORMS.items()):
        paths.append(module.FORM.save(tmp_path / f"{name}.xlsx"))
    findings = []
    for path in paths:
        findings.extend(check_file(path, RunOptions()).findings)
    return findings


def test_every_finding_of_a_check_has_the_catalogue_severity_and_hint(sample_books, tmp_path):
    findings = _all_checked_findings(sample_books, tmp_path)
    seen = {f.code for f in findings}
    assert {"R001", "R002", "R003", "S002", "S005", "I019"} <= seen, sorted(seen)
    for f in findings:
        rule = RULES[f.code]
        assert f.severity == rule.severity, (f.code, f.message)
        if not any(name for _, name, _, _ in string.Formatter().parse(rule.hint)):
            assert f.hint == rule.hint, f.code


# (what is changed in the minimal definition, the code it must give)
YAML_PROBLEMS = [
    ("year: 2024\n", "year: [2024\n", "D001"),
    ("  - name: 测试项目\n", "  - name: 测试项目\n    name: 又一个\n", "D003"),
    ("layout: declaration\n", "", "D007"),
    ("layout: declaration\n", "layout: declaratoin\n", "D008"),
    ("year: 2024\n", "year: 2024\nframework: national-2099\n", "D009"),
    ("year: 2024\n", "year: 2024\ncolour: red\n", "D010"),
    ("year: 2024\n", "year: 2024\n年度: 2024\n", "D011"),
    ("money_unit: 元\n", "money_unit: 千元\n", "D012"),
    ("year: 2024\n", "", "D013"),
    ("year: 2024\n", "year: 二〇二四\n", "D014"),
    ("year: 2024\n", "year: 2024\nblank_rows: 999\n", "D015"),
    ("    funds: {", "    funds: 1000\n    old_funds: {", "D010"),
    ("    annual_goal: 完成测试工作。\n", "", "D020"),
    ("    start: 2024-01-01\n", "    start: 2025-01-01\n", "D022"),
    ("    indicators:\n", "    indicators: 很多\n    old_indicators:\n", "D010"),
    ('      - [产出指标, 数量指标, 测试完成数, "=10.00(件)"]\n', "      - 一条指标\n", "D024"),
    (
        '[产出指标, 数量指标, 测试完成数, "=10.00(件)"]',
        '[产出指标, 数量指标, 测试完成数, "=10", 多, 余]',
        "D025",
    ),
    (
        '[产出指标, 数量指标, 测试完成数, "=10.00(件)"]',
        "{level1: 产出指标, level2: 数量指标, name: 测试完成数}",
        "D026",
    ),
    ("[产出指标, 数量指标,", "[产出指数, 数量指标,", "D028"),
    ("[满意度指标, 服务对象满意度指标,", "[满意度指标, 数量指标,", "D029"),
    ("    start: 2024-01-01\n", "    start: 2024-13-01\n", "D034"),
    ("    start: 2024-01-01\n", "    start: 明年\n", "D036"),
    ("annual_total: 1000.00", "annual_total: 一千", "D037"),
    ("    annual_goal: 完成测试工作。\n", "    annual_goal: [一, 二]\n", "D039"),
]


@pytest.mark.parametrize(("old", "new", "code"), YAML_PROBLEMS)
def test_each_yaml_problem_has_its_code_and_location(write_yaml, old, new, code):
    assert old in MINIMAL, old
    path = write_yaml(MINIMAL.replace(old, new, 1))
    with pytest.raises(DefinitionError) as info:
        load_document(path)
    found = info.value.diagnostics
    assert code in [d.code for d in found], [d.format() for d in found]
    for d in found:
        rule = RULES[d.code]
        assert d.severity == rule.severity and d.code.startswith("D")
        assert d.file == str(path) and d.location is not None
        assert d.format().startswith(
            f"{d.location}：{'错误' if d.severity == 'error' else '警告'}："
        )
    assert str(info.value) == "\n".join(d.format() for d in found if d.severity == "error")


def test_yaml_warnings_and_notes_have_codes_too(write_yaml):
    path = write_yaml(
        MINIMAL.replace("[产出指标, 数量指标,", "[产出, 数量指标,")
        .replace("[满意度指标, 服务对象满意度指标,", "[满意度指标, 数量指标,")
        .replace("    end: 2024-12-31\n", "    end: 2024年12月\n")
        .replace("annual_other: 0", "annual_other: -1")
        .replace("name: 测试项目", "name: 测试/项目")
    )
    doc = load_document(path, LoadOptions(lenient_levels=True))
    by_code = {d.code: d for d in doc.diagnostics}
    assert {"D030", "D031", "D032", "D035", "D038"} <= set(by_code), sorted(by_code)
    assert "工作表名写成「测试／项目」" in by_code["D032"].message
    assert (
        by_code["D031"].severity == "info"
        and "已按规范名称写成「产出指标」" in by_code["D031"].message
    )
    assert by_code["D035"].severity == "warning" and by_code["D038"].severity == "warning"
    for d in doc.diagnostics:
        assert d.severity == RULES[d.code].severity


def test_the_reader_and_the_loader_name_a_bad_value_from_the_same_catalogue():
    """F005/F007 hints are the catalogue's, not a second wording in the reader."""
    from perfxl.layout.templates import FieldSpec
    from perfxl.read.convert import convert_cell
    from perfxl.read.locate import Cell

    found: list = []
    money = FieldSpec("funds.x", "金额", "money")
    date = FieldSpec("start", "开始日期", "date")
    convert_cell(money, Cell("一百", 3, 2), "金额", found, "表", "项目")
    convert_cell(date, Cell(45292.0, 4, 2), "开始日期", found, "表", "项目")
    convert_cell(date, Cell("2024年1月2日", 5, 2), "开始日期", found, "表", "项目")
    assert [f.code for f in found] == ["F005", "F007", "F007"]
    for f in found:
        assert f.hint == RULES[f.code].hint and f.severity == RULES[f.code].severity
        assert f.message.startswith("「项目」C")
