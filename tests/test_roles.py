"""Rules read the roles a layout declares, never its key names.

A copy of a shipped layout with every field key renamed (only ``name``, the project's name
that every layout shares, is kept) still gets its money, text and self-evaluation findings;
before the roles, the checks looked for ``funds.annual_total`` and ``execution_weight`` and
found nothing to check in such a layout.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from perfxl.checks.run import RunOptions, check_file
from perfxl.core.errors import DefinitionError, TemplateError
from perfxl.define.model import LoadOptions, load_document
from perfxl.layout.templates import TemplateSet, builtin_templates_dir, template_set
from perfxl.read.locate import layout_map
from perfxl.write.workbook import DocumentWriter

from .conftest import MINIMAL, SAMPLES

GROUP_NAMES = {"funds": "geld", "reported": "bericht"}


def new_key(key: str) -> str:
    """Every key but the project name gets another spelling, groups included."""
    if key == "name":
        return key
    if "." in key:
        group, member = key.split(".", 1)
        return f"{GROUP_NAMES[group]}.x_{member}"
    return f"x_{key}"


def _rename_values(data: Any, keys: dict[str, str]) -> Any:
    if isinstance(data, str):
        return keys.get(data, data)
    if isinstance(data, list):
        return [_rename_values(v, keys) for v in data]
    if isinstance(data, dict):
        return {k: _rename_values(v, keys) for k, v in data.items()}
    return data


def renamed_layout(layout_id: str, root: Path) -> dict[str, str]:
    """Copy a shipped layout under ``root/layouts`` with its field keys renamed; the map."""
    source = builtin_templates_dir() / "layouts" / layout_id
    target = root / "layouts" / layout_id
    shutil.copytree(source, target)
    data = yaml.safe_load((source / "layout.yaml").read_text(encoding="utf-8"))
    keys = {f["key"]: new_key(f["key"]) for f in data["fields"]}
    keys.update({f["key"]: new_key(f["key"]) for f in data.get("document_fields") or []})
    for spec in (*data["fields"], *(data.get("document_fields") or [])):
        spec["key"] = keys[spec["key"]]
    data["groups"] = {GROUP_NAMES[g]: meta for g, meta in data["groups"].items()}
    data["roles"] = _rename_values(data["roles"], keys)
    for column in data["cover"]["columns"]:
        column["field"] = keys[column["field"]]
    data["blank"]["amount_field"] = keys[data["blank"]["amount_field"]]
    (target / "layout.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    sheet = (source / "sheet.yaml.j2").read_text(encoding="utf-8")
    for old, new in sorted(keys.items(), key=lambda kv: -len(kv[0])):
        # a bound cell ({field: key}) and the self-evaluation's list of money rows ("key")
        sheet = re.sub(rf'(field: |\("){re.escape(old)}(?=[,}}"\s])', rf"\g<1>{new}", sheet)
    (target / "sheet.yaml.j2").write_text(sheet, encoding="utf-8")
    assert old_keys_gone(target, keys), "every field key renamed"
    return keys


def old_keys_gone(folder: Path, keys: dict[str, str]) -> bool:
    text = (folder / "layout.yaml").read_text(encoding="utf-8")
    sheet = (folder / "sheet.yaml.j2").read_text(encoding="utf-8")
    dotted = [k for k in keys if "." in k]
    return not any(k in text or f"field: {k}" in sheet for k in dotted)


def rename_definition(data: dict[str, Any], keys: dict[str, str]) -> dict[str, Any]:
    """A definition written for the shipped layout, spelled for the renamed one."""
    plain = {k: v for k, v in keys.items() if "." not in k}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "projects":
            value = [rename_project(p, keys) for p in value]
        out[plain.get(key, key)] = value
    return out


def rename_project(project: dict[str, Any], keys: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in project.items():
        if key in GROUP_NAMES:
            out[GROUP_NAMES[key]] = {
                keys[f"{key}.{member}"].split(".", 1)[1]: v for member, v in value.items()
            }
        elif key == "indicators":
            out[key] = value
        else:
            out[keys[key]] = value
    return out


def check_renamed(data: dict[str, Any], templates: Path, tmp_path: Path, tamper=None) -> dict:
    source = tmp_path / "renamed.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    doc = load_document(source, LoadOptions(templates=(templates,)))
    out = tmp_path / "renamed.xlsx"
    DocumentWriter(template_set((templates,))).write(doc, out)
    if tamper is not None:
        tamper(out)
    found: dict[str, list] = {}
    for f in check_file(out, RunOptions(templates=(templates,))).findings:
        found.setdefault(f.code, []).append(f)
    return found


def test_renamed_declaration_keeps_its_money_and_text_checks(tmp_path):
    templates = tmp_path / "templates"
    keys = renamed_layout("declaration", templates)
    assert keys["funds.annual_total"] == "geld.x_annual_total"
    data = yaml.safe_load(
        MINIMAL.replace("annual_appropriation: 1000.00", "annual_appropriation: 900.00").replace(
            "完成测试工作。", "2023年完成测试工作，服务对象满意度达到100%。"
        )
    )
    found = check_renamed(rename_definition(data, keys), templates, tmp_path)
    (m001,) = found["M001"]
    assert "年度资金申请总额 1,000.00 ≠" in m001.message and "900.00" in m001.message
    assert "2023年" in found["T001"][0].message  # the goal text's year
    assert "服务对象满意度100%" in found["T003"][0].message  # the goal against its indicator
    # the loader reads the dates by their roles too: a completion before the start
    bad = MINIMAL.replace("end: 2024-12-31", "end: 2023-12-31")
    source = tmp_path / "dates.yaml"
    source.write_text(
        yaml.safe_dump(rename_definition(yaml.safe_load(bad), keys), allow_unicode=True),
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as info:
        load_document(source, LoadOptions(templates=(templates,)))
    assert [d.code for d in info.value.diagnostics] == ["D022"]


def test_renamed_self_evaluation_keeps_its_money_and_formula_checks(tmp_path):
    templates = tmp_path / "templates"
    keys = renamed_layout("self-eval", templates)
    data = yaml.safe_load((SAMPLES / "jiading-2024-self-eval.yaml").read_text(encoding="utf-8"))
    data["projects"] = data["projects"][:1]
    data["projects"][0]["funds"]["total"][2] = 9.99  # 全年执行数 no longer the parts' sum
    sheet = data["projects"][0]["name"]

    def tamper(path: Path) -> None:
        wb = openpyxl.load_workbook(path)
        ws = wb[sheet]
        weight = next(c for row in ws.iter_rows() for c in row if c.value == "分数")
        rate = ws.cell(row=weight.row + 1, column=weight.column + 1)
        rate.value = 42  # a typed 执行率 instead of the formula
        grade_row = next(r for r in ws.iter_rows() if r[0].value == "评分等级")
        grade_row[6].value = "差"
        wb.save(path)

    found = check_renamed(rename_definition(data, keys), templates, tmp_path, tamper)
    assert "M005" in found and "M006" in found  # the money rows, by their roles
    (e001,) = found["E001"]
    assert "执行率填的是 42" in e001.message
    assert "E007" in found  # the grade cell, found by its id


def test_every_shipped_layout_declares_roles_its_sheet_has():
    ts = template_set()
    for layout_id in ts.layout_ids():
        layout = ts.layout(layout_id)
        roles = layout.roles
        assert roles.goal is not None and roles.goal in roles.goal_texts, layout_id
        if layout.indicators.column("score") is not None:  # a self-evaluation form
            assert roles.execution is not None
            assert set(roles.execution.cells.values()) <= set(layout_map(ts, layout_id).formulas)


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ({"goal": "no_such_field"}, "roles.goal 指向的字段「no_such_field」不存在"),
        ({"sums": [{"total": "annual_goal", "parts": ["start"]}]}, "类型是 longtext"),
        ({"sums": [{"total": "funds.annual_total"}]}, "必须含 total 和 parts"),
        ({"colour": "red"}, "roles 中的「colour」未知"),
        (
            {"execution": {"total": "funds.total", "budget": 1, "executed": 2, "weight": "x"}},
            "roles.execution.total 的字段「funds.total」类型是 money，应是 money_row",
        ),
        ({"execution": {"total": "funds.total"}}, "roles.execution 缺少「budget」"),
    ],
)
def test_a_role_naming_an_unknown_field_is_a_chinese_template_error(tmp_path, roles, message):
    source = builtin_templates_dir() / "layouts" / "declaration"
    target = tmp_path / "layouts" / "declaration"
    shutil.copytree(source, target)
    data = yaml.safe_load((source / "layout.yaml").read_text(encoding="utf-8"))
    data["roles"] = roles
    (target / "layout.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        TemplateSet((tmp_path,)).layout("declaration")
    assert message in str(info.value) and "layout.yaml" in str(info.value)


def test_a_formula_cell_id_missing_from_the_sheet_is_a_template_error(tmp_path):
    source = builtin_templates_dir() / "layouts" / "self-eval"
    target = tmp_path / "layouts" / "self-eval"
    shutil.copytree(source, target)
    text = (target / "layout.yaml").read_text(encoding="utf-8")
    (target / "layout.yaml").write_text(
        text.replace("grade: grade}", "grade: 等级}"), encoding="utf-8"
    )
    ts = TemplateSet((tmp_path,))
    with pytest.raises(TemplateError, match="公式单元格 id「等级」在 sheet.yaml.j2 中不存在"):
        layout_map(ts, "self-eval")
