"""perfxl compare: a generated last-year / this-year pair with one planted change per unit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import perfxl
from perfxl.rounds.compare import goal_key, pair_projects, project_key
from perfxl.rounds.status import similarity
from tests.helpers import calamine_values
from tests.rounds import PLANTED, roster_units, write_year_pair


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    base = tmp_path_factory.mktemp("years")
    units = roster_units(len(PLANTED))
    last, this = write_year_pair(base, units)
    result = perfxl.compare(last, this, base / "对比.xlsx", workers=2)
    return {"base": base, "last": last, "this": this, "units": units, "result": result}


def test_each_planted_change_is_found_and_nothing_else(pair) -> None:
    result, units = pair["result"], pair["units"]
    found = {
        case: sorted(f.finding.code for f in result.findings if f.unit == unit.unit)
        for unit, case in zip(units, PLANTED)
    }
    expected = {case: [code] if code else [] for case, code in PLANTED.items()}
    expected["money-up"] = ["C003", "C006"]  # its indicators are last year's too
    assert found == expected
    assert not result.ok and result.readable


def test_every_finding_names_its_cell_on_both_sides(pair) -> None:
    result, units = pair["result"], pair["units"]
    by_case = {
        case: next(f for f in result.findings if f.unit == unit.unit)
        for unit, case in zip(units, PLANTED)
        if PLANTED[case] and case != "money-up"
    }
    lower = by_case["lower-target"]
    assert (lower.this.sheet, lower.this.cell) == (lower.last.sheet, lower.last.cell)
    assert lower.this.cell == "F14"  # 服务达标率, the second indicator's target
    assert Path(lower.last.file).parent.name == "2024" and Path(lower.this.file).parent.name == "2025"
    assert "「≥90.00(%)」比上年的「≥95.00(%)」" in lower.finding.message
    assert lower.last.place in lower.finding.message
    actual = by_case["below-actual"]
    # the 自评's 实际完成值 column (its 年度指标值 is E14), not the target's
    assert actual.last.cell == "F14"
    assert "98.00(%)" in actual.finding.message
    copied = by_case["copied-goal"]
    assert copied.this.cell == copied.last.cell == "D11"
    near = by_case["near-goal"]
    assert "相似度 0.9" in near.finding.message
    dropped = by_case["dropped"]
    assert "服务覆盖率" in dropped.finding.message and dropped.last.cell
    money = next(f for f in result.findings if f.finding.code == "C006")
    assert "增加 50%（超过 20%）" in money.finding.message and money.this.cell and money.last.cell
    ended = by_case["ended"]
    assert ended.this is None and ended.last is not None
    new = by_case["new"]
    assert new.last is None and new.this is not None


def test_pairs_and_unpaired_are_listed(pair) -> None:
    result, units = pair["result"], pair["units"]
    names = dict(zip(PLANTED, units))
    similar = [p for p in result.pairs if p.match == "similar"]
    assert [p.unit for p in similar] == [names["renamed"].unit]
    assert similar[0].similarity >= 0.8 and similar[0].name.endswith("日常运转项目")
    assert {(u.side, u.unit) for u in result.unpaired} == {
        ("last", names["ended"].unit),
        ("this", names["new"].unit),
    }
    assert result.summary["pairs"] == len(PLANTED) - 2


def test_the_money_share_is_an_option(pair) -> None:
    result = perfxl.compare(pair["last"], pair["this"], money_share=0.6, workers=1)
    assert "C006" not in {f.finding.code for f in result.findings}
    assert "C003" in {f.finding.code for f in result.findings}


def test_the_workbook_has_results_pairs_unpaired_and_unreadable(pair) -> None:
    (written,) = pair["result"].written
    sheets = calamine_values(Path(written))
    assert list(sheets) == ["对比结果", "项目配对", "未配对", "无法读取"]
    rows = sheets["对比结果"]
    head = rows[1]
    codes = [row[head.index("代码")] for row in rows[2:]]
    assert sorted(codes) == sorted(f.finding.code for f in pair["result"].findings)
    lower = next(row for row in rows[2:] if row[head.index("代码")] == "C004")
    assert lower[head.index("本年位置")].endswith("!F14")
    assert lower[head.index("上年位置")].endswith("!F14")
    assert len(sheets["项目配对"]) == 1 + len(pair["result"].pairs)
    assert len(sheets["未配对"]) == 3


def test_command_json_is_the_library_result_and_exit_codes(pair, run_cli, tmp_path) -> None:
    code, out, _ = run_cli("compare", str(pair["last"]), str(pair["this"]), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["summary"] == pair["result"].summary
    first = data["findings"][0]
    assert {"code", "severity", "sheet", "cell", "message", "hint", "this", "last"} <= set(first)
    # a year compared with itself, each project paired exactly, goals and indicators the same
    code, out, _ = run_cli("compare", str(pair["this"]), str(pair["this"]), "-q")
    assert code == 1 and "C001" in out and "C003" in out
    # a damaged file: listed, the rest compared, exit 2
    broken = tmp_path / "2025"
    broken.mkdir()
    for path in Path(pair["this"]).iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    (broken / "坏.xlsx").write_bytes(b"PK\x03\x04 damaged")
    code, out, _ = run_cli("compare", str(pair["last"]), str(broken), "-q")
    assert code == 2 and "无法读取" in out and "坏.xlsx" in out


def test_a_project_only_renamed_by_its_year_pairs_exactly() -> None:
    assert project_key("2024年征地养老费支出") == project_key("2025年 征地养老费支出")
    assert goal_key("2024年，完成工作。") == goal_key("2025年完成工作")
    assert similarity("abcd", "abce") == 0.75


def test_pairing_prefers_the_closest_name_and_never_reuses_a_project() -> None:
    from perfxl.rounds.compare import Project

    def p(name: str, unit: str = "示例单位") -> Project:
        return Project("f.xlsx", name, unit, "", name, "B3", "declaration")

    last = [p("示例中心设备购置项目"), p("示例中心设备维护项目"), p("其他单位项目", "别的单位")]
    this = [p("示例中心设备维护费项目"), p("示例中心设备购置费项目"), p("完全不同的新项目")]
    pairs, unpaired_last, unpaired_this = pair_projects(last, this)
    assert {(a.name, b.name, how) for a, b, how, _ in pairs} == {
        ("示例中心设备维护项目", "示例中心设备维护费项目", "similar"),
        ("示例中心设备购置项目", "示例中心设备购置费项目", "similar"),
    }
    assert [x.name for x in unpaired_last] == ["其他单位项目"]
    assert [x.name for x in unpaired_this] == ["完全不同的新项目"]


def test_outputs_never_land_among_the_inputs(pair, run_cli, tmp_path) -> None:
    inside = Path(pair["this"]) / "对比.xlsx"
    code, _, err = run_cli("compare", str(pair["last"]), str(pair["this"]), "-o", str(inside))
    assert code == 2 and "对比结果工作簿" in err and not inside.exists()
    # a comparison workbook (or any perfxl output) left among the forms is skipped, said so
    mixed = tmp_path / "2025"
    mixed.mkdir()
    for path in Path(pair["this"]).iterdir():
        (mixed / path.name).write_bytes(path.read_bytes())
    (written,) = pair["result"].written
    (mixed / "对比.xlsx").write_bytes(Path(written).read_bytes())
    result = perfxl.compare(pair["last"], mixed, workers=1)
    assert result.readable and len(result.skipped) == 1 and "对比结果表" in result.skipped[0].reason
    assert result.summary == {**pair["result"].summary, "this_files": 11}  # counted, not used


def test_bad_calls_are_refused(pair, run_cli, tmp_path) -> None:
    code, _, err = run_cli("compare", str(tmp_path / "无"), str(pair["this"]))
    assert code == 2 and "文件或文件夹不存在" in err
    (tmp_path / "空").mkdir()
    code, _, err = run_cli("compare", str(tmp_path / "空"), str(pair["this"]))
    assert code == 2 and "没有找到任何工作簿" in err
    with pytest.raises(perfxl.PerfxlError, match="目标文字相似度"):
        perfxl.compare(pair["last"], pair["this"], text_similarity=0)


def test_published_forms_of_other_provinces_pair_with_themselves(tmp_path) -> None:
    """The 14 real forms of tests/corpus/ (read by the vocabulary) compared with themselves:
    every project pairs exactly, none is left over, nothing is unreadable, and each project
    with indicators has the same set as «last year» (C003)."""
    from tests.corpus import FORMS

    paths = [module.FORM.save(tmp_path / f"{name}.xlsx") for name, module in FORMS.items()]
    result = perfxl.compare(paths, paths, workers=2)
    assert result.readable and not result.unpaired
    assert result.pairs and all(p.match == "exact" for p in result.pairs)
    assert all(p.last.file == p.this.file for p in result.pairs)
    with_indicators = [p for p in result.pairs if "C003" in p.codes]
    assert len(with_indicators) == len(result.pairs)
