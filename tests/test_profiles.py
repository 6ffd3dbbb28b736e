"""Scoring profiles (templates/profiles/): the national default and the Hubei variant give
different scores and findings for the same self-evaluation, chosen by --profile on check and
generate (and recorded in the workbook), and LibreOffice computes the Hubei execution score
the same as perfxl."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml

from perfxl.api import check, generate
from perfxl.checks.rules import _formula_score
from perfxl.checks.run import RunOptions, check_file
from perfxl.core import scoring
from perfxl.core.errors import PerfxlError
from perfxl.layout.templates import template_set
from perfxl.read.convert import TypedIndicator

from .conftest import SAMPLES
from .libreoffice import convert, require_soffice

JIADING = SAMPLES / "jiading-2024-self-eval.yaml"


def _profile(name):
    return template_set().profile(name)


def test_the_shipped_profiles():
    national, hubei = _profile("national"), _profile("hubei")
    assert (national.execution_points, national.indicator_points) == (10, 90)
    assert (hubei.execution_points, hubei.indicator_points) == (20, 80)
    assert national.qualitative_bands == (80, 60) and hubei.qualitative_bands == (80, 50)
    assert national.reason_below == 90 and hubei.reason_below is None
    assert set(template_set().profile_ids()) >= {"national", "hubei"}


def _indicator(target, actual):
    return TypedIndicator({"target": target, "actual": actual}, {}, set(), 0)


@pytest.mark.parametrize(
    ("target", "actual", "national", "hubei"),
    [
        ("≤10.00(天)", "15.00(天)", "5.00", "6.67"),  # (1 − 5/10)·10 against 10/15·10
        ("≤10.00(天)", "25.00(天)", "0.00", "4.00"),  # past twice the target: 0 nationally
        ("≤2.75(万人)", "2.76(万人)", "9.96", "9.96"),  # the Jiading case: both ≈ the same
        ("≤10.00(天)", "8.00(天)", "10", "10"),  # within the target: full marks in both
        ("≥90.00(%)", "45.00(%)", "5.00", "5.00"),  # positive indicators do not differ
    ],
)
def test_the_reverse_formula_differs(target, actual, national, hubei):
    weight = Decimal(10)
    ind = _indicator(target, actual)
    assert _formula_score(ind, weight, _profile("national")) == Decimal(national)
    assert _formula_score(ind, weight, _profile("hubei")) == Decimal(hubei)


def _jiading_variant(tmp_path, change):
    data = yaml.safe_load(JIADING.read_text(encoding="utf-8"))
    data["projects"] = data["projects"][:1]
    change(data["projects"][0])
    path = tmp_path / "自评.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _codes(report):
    found: dict[str, list] = {}
    for f in report.findings:
        found.setdefault(f.code, []).append(f)
    return found


def test_national_and_hubei_give_different_findings_for_the_same_form(tmp_path):
    def partly(project):
        # 部分达成 scored 5.5 of 10 (55 %): below the national band (60–80 %), inside Hubei's (50–80 %)
        ind = project["indicators"][2]
        ind["actual"], ind["score"], ind["deviation"] = (
            "部分达成年度指标",
            5.5,
            "抽查发现个别材料不全",
        )

    source = _jiading_variant(tmp_path, partly)
    (made,) = generate(source, tmp_path / "表").written
    national = _codes(check(made).files[0])
    assert "E010" in national and "60%–80%" in national["E010"][0].message
    assert "E004" not in national and "E011" not in national
    hubei = _codes(check(made, profile="hubei").files[0])
    assert "E010" not in hubei
    (e004,) = hubei["E004"]  # the 90 indicator points are 10 too many in Hubei
    assert "不是 80 分" in e004.message and "湖北" in e004.hint
    (e011,) = hubei["E011"]
    assert "分数是 10" in e011.message and "20 分" in e011.message
    with pytest.raises(PerfxlError, match="计分规则「shanghai」不存在"):
        check(made, profile="shanghai")


def test_a_low_execution_rate_needs_a_reason_nationally_only(tmp_path):
    def low(project):
        project["funds"]["total"] = [7.80, 1.55, 1.20]  # 77.42 %
        project["funds"]["appropriation"] = [7.80, 1.55, 1.20]

    made = generate(_jiading_variant(tmp_path, low), tmp_path / "表").written[0]
    (e012,) = _codes(check(made).files[0])["E012"]
    assert "77.42% 低于 90%" in e012.message
    assert "E012" not in _codes(check(made, profile="hubei").files[0])


def test_generate_with_the_hubei_profile_writes_20_points_and_records_it(tmp_path):
    source = _jiading_variant(tmp_path, lambda p: p.pop("execution_weight"))
    (made,) = generate(source, tmp_path / "湖北", profile="hubei").written
    wb = openpyxl.load_workbook(made)
    ws = wb["其他社会保障类"]
    header = next(c for row in ws.iter_rows() for c in row if c.value == "分数")
    assert ws.cell(header.row + 1, header.column).value == 20
    assert wb.custom_doc_props["perfxl_profile"].value == "hubei"
    found = _codes(check_file(Path(made), RunOptions()))  # checked by the recorded profile
    assert "E011" not in found and "E004" in found  # 90 indicator points, 80 in Hubei
    (default,) = generate(source, tmp_path / "全国").written
    ws = openpyxl.load_workbook(default)["其他社会保障类"]
    assert ws.cell(header.row + 1, header.column).value == 10


@pytest.mark.libreoffice
@pytest.mark.slow
def test_the_hubei_execution_score_recalculated_in_libreoffice(tmp_path):
    require_soffice()

    def partial(project):
        project.pop("execution_weight")
        project["funds"]["total"] = [7.80, 1.55, 1.20]

    source = _jiading_variant(tmp_path, partial)
    (made,) = generate(source, tmp_path / "湖北", profile="hubei").written
    (resaved,) = convert(
        [__import__("pathlib").Path(made)], "xlsx", tmp_path / "lo", tmp_path / "p"
    )
    ws = openpyxl.load_workbook(resaved, data_only=True)["其他社会保障类"]
    header = next(c for row in ws.iter_rows() for c in row if c.value == "得分")
    shown = ws.cell(header.row + 1, header.column).value
    expected = scoring.execution_score(20, Decimal("1.55"), Decimal("1.20"))
    assert Decimal(str(shown)) == expected == Decimal("15.48")
    assert "E002" not in _codes(check_file(resaved, RunOptions(profile="hubei")))
