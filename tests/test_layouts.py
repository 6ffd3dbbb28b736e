"""Every seed form as a layout: samples, frameworks' dependent dropdowns, self-eval formulas,
custom layouts from --templates."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from perfxl.core import scoring
from perfxl.define.model import LoadOptions, load_document
from perfxl.layout.templates import TemplateSet, builtin_templates_dir, template_set
from perfxl.write.workbook import DocumentWriter

from .conftest import SAMPLES
from .helpers import calamine_values, expected_strings, strings_in, validation_at

SAMPLE_FILES = {
    "declaration": "minhang-2024-declaration.yaml",
    "target-2020": "putuo-2020-target.yaml",
    "approval": "zaozhuang-2021-approval.yaml",
    "self-eval": "jiading-2024-self-eval.yaml",
}
# layouts with no published form to transcribe: their example is plainly synthetic
SYNTHETIC_FILES = {"monitor": "synthetic/monitor-2025.yaml"}


@pytest.fixture
def books(sample_books):
    return sample_books


def test_every_layout_has_a_sample_and_every_sample_generates(books):
    layouts = {doc.layout.id for doc, _ in books.values()}
    assert layouts == set(SAMPLE_FILES)
    assert set(template_set().layout_ids()) == set(SAMPLE_FILES) | set(SYNTHETIC_FILES)
    for name in SYNTHETIC_FILES.values():
        assert (SAMPLES / name).read_text(encoding="utf-8").startswith("# 合成示例"), name
    counts = {name: len(doc.projects) for name, (doc, _) in books.items()}
    assert counts == {
        "minhang-2024-declaration": 11,
        "putuo-2020-target": 3,
        "shanghai-2020-target": 5,
        "zaozhuang-2021-approval": 6,
        "jiading-2024-self-eval": 4,
    }


def test_every_sample_value_is_in_its_workbook(books):
    for name, (doc, path) in books.items():
        missing = expected_strings(doc) - strings_in(calamine_values(path))
        assert not missing, (name, sorted(missing)[:5])


def test_sample_indicator_counts_match_the_seeds(books):
    def counts(stem):
        return [len(p.indicators) for p in books[stem][0].projects]

    assert counts("minhang-2024-declaration") == [9, 8, 12, 9, 8, 14, 8, 6, 10, 8, 9]
    assert counts("putuo-2020-target") == [16, 16, 15]
    assert counts("shanghai-2020-target") == [23, 27, 21, 21, 15]
    assert counts("zaozhuang-2021-approval") == [8, 7, 8, 7, 8, 7]
    assert counts("jiading-2024-self-eval") == [9, 7, 6, 12]


def _list_values(wb, name: str) -> list[str]:
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    ws = wb[sheet]
    min_col, min_row, _, max_row = range_boundaries(ref.replace("$", ""))
    return [ws.cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]


@pytest.mark.parametrize(
    "framework_id", ["national-2021", "national-2015", "shanghai-2020", "shandong-2021"]
)
def test_framework_lists_behind_the_names(tmp_path, framework_id, write_yaml):
    layout = "approval" if framework_id == "shandong-2021" else "declaration"
    ts = template_set()
    fw = ts.framework(framework_id)
    first = fw.children(())[0]
    second = fw.children((first,))[0]
    level = [first, second] + ([fw.children((first, second))[0]] if fw.depth == 3 else [])
    if layout == "approval":
        text = f"""
            layout: approval
            framework: {framework_id}
            year: 2021
            department: 局
            unit: 中心
            projects:
              - name: 项目
                project_type: 新增
                start: 2021-01-01
                end: 2021-12-31
                funds: {{amount: 1}}
                annual_goal: 目标
                indicators:
                  - [{level[0]}, {level[1]}, {level[2]}, 指标, "1", 人]
            """
    else:
        text = f"""
            layout: declaration
            framework: {framework_id}
            year: 2024
            department: 局
            unit: 中心
            projects:
              - name: 项目
                start: 2024-01-01
                end: 2024-12-31
                funds: {{annual_total: 1}}
                annual_goal: 目标
                indicators:
                  - [{level[0]}, {level[1]}, 指标, "=1(件)"]
            """
    doc = load_document(write_yaml(text))
    out = tmp_path / "fw.xlsx"
    DocumentWriter(ts).write(doc, out)
    wb = openpyxl.load_workbook(out)
    assert _list_values(wb, "IND_L1") == fw.children(())
    for path in fw.parent_paths():
        assert _list_values(wb, "IND_" + "_".join(path)) == fw.children(path)
    ws = wb["项目"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == level[-1])
    _, formula = validation_at(ws, cell.coordinate)
    first_col = next(c.column_letter for c in ws[cell.row] if c.value == level[0])
    cols_start = "ABCDEFGH".index(first_col)
    assert cols_start in (0, 1)
    cols = "ABCDEFGH"[cols_start:]
    refs = '&"_"&'.join(f"${cols[i]}{cell.row}" for i in range(fw.depth - 1))
    assert formula == f'INDIRECT("IND_"&{refs})'
    # the INDIRECT argument evaluates to a defined name holding the right children
    name = "IND_" + "_".join(level[:-1])
    assert level[-1] in _list_values(wb, name)


def test_approval_unit_column_has_a_dropdown(books):
    _, path = books["zaozhuang-2021-approval"]
    ws = openpyxl.load_workbook(path)["劳动能力鉴定费用"]
    header = next(c for row in ws.iter_rows() for c in row if c.value == "计量单位")
    dv, formula = validation_at(ws, ws.cell(row=header.row + 1, column=header.column).coordinate)
    assert formula == "L_计量单位"


def test_self_eval_python_scores_match_the_seed(books):
    doc, _ = books["jiading-2024-self-eval"]
    for project in doc.projects:
        computed = scoring.project_scores(project, doc.layout.roles.execution)
        reported = project.values
        assert computed["execution_rate"] == reported["reported.execution_rate"]
        assert computed["execution_score"] == reported["reported.execution_score"]
        assert computed["total"] == reported["reported.total"]
        assert computed["grade"] == reported["reported.grade"]
        assert computed["weight_total"] == Decimal(100)
    assert [
        scoring.project_scores(p, doc.layout.roles.execution)["total"] for p in doc.projects
    ] == [
        Decimal("100.00"),
        Decimal("99.92"),
        Decimal("99.45"),
        Decimal("99.00"),
    ]


def test_self_eval_formulas_and_their_cached_values(books):
    doc, path = books["jiading-2024-self-eval"]
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    for project in doc.projects:
        ws, wv = formulas[project.name], values[project.name]
        expected = scoring.project_scores(project, doc.layout.roles.execution)
        label = next(c for row in ws.iter_rows() for c in row if c.value == "年度资金总额")
        rate, score = ws.cell(row=label.row, column=8), ws.cell(row=label.row, column=9)
        assert rate.value.startswith("=IF(") and "ROUND(" in rate.value
        assert score.value.startswith("=IF(") and "MIN(1," in score.value
        assert wv[rate.coordinate].value == float(expected["execution_rate"])
        assert wv[score.coordinate].value == float(expected["execution_score"])
        total_row = next(r for r in ws.iter_rows() if r[0].value == "总分")
        assert total_row[7].value.startswith("=I") and "SUM(H" in total_row[7].value
        assert wv.cell(row=total_row[0].row, column=8).value == float(expected["total"])
        grade_row = next(r for r in ws.iter_rows() if r[0].value == "评分等级")
        assert '"优"' in grade_row[6].value
        assert wv.cell(row=grade_row[0].row, column=7).value == expected["grade"]


@pytest.mark.parametrize(
    "total, grade",
    [
        (95, "优"),
        (90, "优"),
        (89.99, "良"),
        (80, "良"),
        (79.5, "中"),
        (60, "中"),
        (59.99, "差"),
        (0, "差"),
    ],
)
def test_grades(total, grade):
    assert scoring.grade(Decimal(str(total))) == grade


def test_execution_score_rules():
    assert scoring.execution_rate(Decimal("149.10"), Decimal("147.94")) == Decimal("99.22")
    assert scoring.execution_score(10, Decimal("149.10"), Decimal("147.94")) == Decimal("9.92")
    assert scoring.execution_score(10, Decimal("80.15"), Decimal("75.71")) == Decimal("9.45")
    assert scoring.execution_score(10, Decimal("100"), Decimal("120")) == Decimal("10.00")  # capped
    assert scoring.execution_score(10, None, Decimal("1")) == Decimal("0.00")
    assert scoring.execution_rate(Decimal("0"), Decimal("0")) == Decimal("0.00")


def test_target_2020_layout_labels(books):
    _, path = books["putuo-2020-target"]
    ws = openpyxl.load_workbook(path).worksheets[1]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for label in (
        "申报单位名称：",
        "项目名称*",
        "项目概况*",
        "本项目上年度市级财政资金使用情况",
        "2020年绩效目标",
        "一级目标",
        "指标目标值",
    ):
        assert label in texts


def test_custom_layout_from_templates_folder(tmp_path, write_yaml, run_cli):
    """A new form needs no Python: copy a layout, change its files, point --templates at it."""
    custom = tmp_path / "mine"
    src = builtin_templates_dir() / "layouts" / "declaration"
    dst = custom / "layouts" / "short-form"
    shutil.copytree(src, dst)
    manifest = (dst / "layout.yaml").read_text(encoding="utf-8")
    manifest = manifest.replace("id: declaration", "id: short-form").replace(
        "title: 财政项目支出绩效目标申报表", "title: 区级简易绩效目标表"
    )
    (dst / "layout.yaml").write_text(manifest, encoding="utf-8")
    # also a framework of its own, only in the custom folder
    (custom / "frameworks").mkdir()
    (custom / "frameworks" / "mini.yaml").write_text(
        "id: mini\nname: 简化指标体系\nlevels: [一级指标, 二级指标]\n"
        "tree:\n  产出指标: [数量指标]\n  效益指标: [社会效益指标]\n  满意度指标: [服务对象满意度指标]\n",
        encoding="utf-8",
    )
    ts = TemplateSet((custom,))
    assert "short-form" in ts.layout_ids() and "declaration" in ts.layout_ids()
    path = write_yaml(
        """
        layout: short-form
        framework: mini
        year: 2025
        department: 局
        unit: 中心
        projects:
          - name: 自定义表项目
            start: 2025-01-01
            end: 2025-12-31
            funds: {annual_total: 5}
            annual_goal: 目标
            indicators:
              - [产出指标, 数量指标, 件数, "=5(件)"]
        """
    )
    out = tmp_path / "custom.xlsx"
    code, _, err = run_cli("generate", str(path), "--templates", str(custom), "-o", str(out))
    assert code == 0, err
    wb = openpyxl.load_workbook(out)
    texts = {c.value for c in wb["自定义表项目"]["A"]} | {wb["自定义表项目"]["A1"].value}
    assert "区级简易绩效目标表" in texts
    assert _list_values(wb, "IND_L1") == ["产出指标", "效益指标", "满意度指标"]
    meta = {
        r[0]: r[1] for r in wb["_perfxl"].iter_rows(min_col=1, max_col=2, values_only=True) if r[0]
    }
    assert meta["layout"] == "short-form" and meta["framework"] == "mini"
    # without --templates the layout is unknown
    code, _, err = run_cli("generate", str(path), "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "表样「short-form」不存在" in err


def test_custom_template_overrides_a_builtin_file(tmp_path, minimal_yaml):
    custom = tmp_path / "override"
    (custom / "common").mkdir(parents=True)
    styles = (builtin_templates_dir() / "common" / "styles.yaml").read_text(encoding="utf-8")
    (custom / "common" / "styles.yaml").write_text(
        styles.replace("font_name: 黑体", "font_name: 楷体"), encoding="utf-8"
    )
    doc = load_document(minimal_yaml, LoadOptions(templates=(custom,)))
    out = tmp_path / "o.xlsx"
    DocumentWriter(TemplateSet((custom,))).write(doc, out)
    ws = openpyxl.load_workbook(out)["测试项目"]
    assert ws["A1"].font.name == "楷体"


def test_broken_template_is_a_clear_error(tmp_path, minimal_yaml, run_cli):
    custom = tmp_path / "broken"
    dst = custom / "layouts" / "declaration"
    shutil.copytree(builtin_templates_dir() / "layouts" / "declaration", dst)
    (dst / "sheet.yaml.j2").write_text("rows: {% for x in %}", encoding="utf-8")
    code, _, err = run_cli(
        "generate", str(minimal_yaml), "--templates", str(custom), "-o", str(tmp_path / "o.xlsx")
    )
    assert code == 2
    assert "模板语法错误" in err and "Traceback" not in err
    assert not (tmp_path / "o.xlsx").exists()


def test_missing_templates_folder(run_cli, minimal_yaml, tmp_path):
    code, _, err = run_cli("generate", str(minimal_yaml), "--templates", str(tmp_path / "nope"))
    assert code == 2 and "模板文件夹不存在" in err


def test_samples_are_documented():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for stem in SAMPLE_FILES.values():
        assert stem in readme


@pytest.mark.parametrize(
    ("typed", "path", "canonical"),
    [
        # an explanation in brackets, at the end or inside the name (Dongguan 2019 批复表)
        ("数量指标(或建筑规模指标)", ("产出指标",), "数量指标"),
        ("时效指标（工期指标、形象进度指标）", ("产出指标",), "时效指标"),
        ("预算(或投资规模)控制指标", ("产出指标",), "成本指标"),
        # several names of the level written as one, sharing their ending
        ("社会、经济、生态效益 指标", ("效益指标",), "社会效益指标"),
        ("经济、社会效益指标", ("效益指标",), "经济效益指标"),
        # …but only when every one of them belongs here
        ("社会、文化效益指标", ("效益指标",), None),
        ("数量、社会效益指标", ("产出指标",), None),
    ],
)
def test_level_names_of_provincial_templates_resolve(typed, path, canonical):
    from perfxl.layout.templates import template_set

    fw = template_set().framework("national-2015")
    match = fw.resolve(1, typed, path)
    assert match.canonical == canonical
    assert match.alias_used is (canonical is not None)
