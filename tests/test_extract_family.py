"""extract of a form read by the vocabulary writes a definition in a layout of ours: the
one whose required fields the form fills (else the one missing the fewest, named in a
comment), with what that layout has no field for under each project's extra:. A form that
fits goes YAML → workbook → read again with the same projects, names and targets; one that
does not is refused by generate only for what the published form itself lacks or gets wrong."""

from __future__ import annotations

import re

import pytest
import yaml

import perfxl
from perfxl.checks.run import RunOptions, check_file

from .corpus import FORMS

# a definition error for each error the check finds in the published form itself
SAME_PROBLEM = {"D026": "I008", "D027": "I020", "D029": "I002"}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forms")
    paths = [m.FORM.save(folder / f"{n}.xlsx") for n, m in sorted(FORMS.items())]
    result = perfxl.extract(paths, workers=1)
    return {f.path: f for f in result.files}, dict(zip(sorted(FORMS), paths))


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_form_of_another_province_is_written_in_a_layout_of_ours(name, extracted, tmp_path):
    files, paths = extracted
    report = files[str(paths[name])]
    text = report.definition_yaml
    data = yaml.safe_load(text)
    assert data["layout"] != "family" and "按通用词表读取" in text
    loaded = perfxl.load(text)
    if not loaded.ok:
        errors = [d for d in loaded.diagnostics if d.severity == "error"]
        own = {f.code for f in report.findings}
        stated = re.search(r"# 原表没有、表样必填的栏目（generate 前请补写）：(.*)", text)
        for diag in errors:
            if diag.code == "D020":
                label = re.search(r"必填项「([^」]+)」", diag.message).group(1)
                assert stated and label in stated.group(1), diag.message
            else:
                assert SAME_PROBLEM.get(diag.code) in own, diag.message
        return
    generated = perfxl.generate(loaded, tmp_path / "again.xlsx")
    assert generated.ok
    before = report.projects
    after = check_file(tmp_path / "again.xlsx", RunOptions(want_projects=True)).as_dict()
    assert after["layout"] == data["layout"]
    assert [p["fields"]["name"] for p in after["projects"]] == [p["fields"]["name"] for p in before]
    for old, new in zip(before, after["projects"]):
        assert [(i["name"], i["target"]) for i in new["indicators"]] == [
            (i["name"], i["target"]) for i in old["indicators"]
        ]


def test_nothing_read_is_dropped(extracted):
    """Every header value read ends in a field of the layout or in extra:."""
    files, paths = extracted
    for name, path in paths.items():
        report = files[str(path)]
        data = yaml.safe_load(report.definition_yaml)
        for project, old in zip(data["projects"], report.projects):
            written = yaml.safe_dump(project, allow_unicode=True)
            for key, value in old["fields"].items():
                if value in (None, ""):
                    continue
                text = str(value).rstrip("0").rstrip(".") if "." in str(value) else str(value)
                assert text.split("\n")[0][:20] in written, (name, key, value)


def test_forms_that_hold_every_required_field_load_as_they_are(extracted):
    """The self-evaluations of 池州, 廊坊, 青神, 中江 and 永德 hold every field the self-eval
    layout requires: their definitions load (and so generate, above) with no change."""
    files, paths = extracted
    for name in (
        "anhui_chizhou_2022_ziping",
        "hebei_langfang_2019_ziping",
        "sichuan_qingshen_2023_ziping",
        "sichuan_zhongjiang_2022_ziping",
        "yunnan_yongde_2022_ziping",
    ):
        text = files[str(paths[name])].definition_yaml
        assert yaml.safe_load(text)["layout"] == "self-eval"
        assert perfxl.load(text).ok, name


def test_the_loader_keeps_extra_out_of_the_workbook_and_still_refuses_unknown_keys(tmp_path):
    base = (
        "layout: self-eval\nyear: 2024\nprojects:\n"
        "  - name: 示例项目\n    department: 示例局\n    unit: 示例中心\n"
        "    funds: {total: [10, 10, 9]}\n    annual_goal: 完成示例\n"
        "    indicators:\n      - [产出指标, 数量指标, 示例数, =3个, =3个, 90, 90]\n"
    )
    loaded = perfxl.load(base + "    extra: {项目负责人: 某某, 联系电话: '0000'}\n")
    assert loaded.ok, loaded.error
    assert "extra" not in loaded.document.projects[0].values
    wrong = perfxl.load(base + "    extras: {项目负责人: 某某}\n")
    assert not wrong.ok and any(d.code == "D010" for d in wrong.diagnostics)
