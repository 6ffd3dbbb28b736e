"""perfxl status: a generated 30-unit round joined with its roster."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import perfxl
from perfxl.rounds.status import normalise, parse_deadline, similarity
from tests.helpers import calamine_values
from tests.rounds import Return, roster_csv, roster_units, write_return

DEADLINE = "2025-03-31"


def _time(day: str, hour: int = 10) -> float:
    return dt.datetime.fromisoformat(f"{day} {hour:02d}:00:00").timestamp()


ON_TIME, LATE = _time("2025-03-20"), _time("2025-04-03")
RENAMED = "示例金桥区城市管理执法队（已更名为综合行政执法队）"


@pytest.fixture(scope="module")
def round_30(tmp_path_factory):
    """30 units: 0–9 passed, 10–11 warnings only, 12–13 errors, 14 late, 15 late with errors,
    16 sent three times, 17 renamed itself in a form from blank, 18 a form from elsewhere
    with a similar name, 19 its name spaced out, 20 a form from elsewhere with the exact
    name, 21–24 passed, 25–29 nothing; and a stranger's file."""
    base = tmp_path_factory.mktemp("round")
    units = roster_units(30)
    roster = roster_csv(units, base / "名单.csv")
    inbox = base / "收件箱"
    (inbox / "第二批").mkdir(parents=True)
    plan: dict[int, list[tuple[str, Return]]] = {}
    for i in [*range(10), *range(21, 25)]:
        plan[i] = [(units[i].unit, Return(mtime=ON_TIME))]
    plan[10] = [(units[10].unit, Return(stale_goal=True, mtime=ON_TIME))]
    plan[11] = [(units[11].unit, Return(stale_goal=True, mtime=ON_TIME))]
    plan[12] = [(units[12].unit, Return(bad=(1,), mtime=ON_TIME))]
    plan[13] = [(units[13].unit, Return(bad=(1, 4), mtime=ON_TIME))]
    plan[14] = [(units[14].unit, Return(mtime=LATE))]
    plan[15] = [(units[15].unit, Return(bad=(2,), mtime=LATE))]
    plan[16] = [
        (units[16].unit, Return(bad=(1, 4), mtime=_time("2025-03-10"))),
        (f"第二批/{units[16].unit}(2)", Return(bad=(4,), mtime=_time("2025-03-15"))),
        (f"{units[16].unit}-修改", Return(stale_goal=True, mtime=_time("2025-03-25"))),
    ]
    plan[17] = [("回执17", Return(unit_name=RENAMED, mtime=ON_TIME))]
    similar = units[18].unit.replace("区", "区新", 1)
    plan[18] = [("回执18", Return(unit_name=similar, identity=False, mtime=ON_TIME))]
    spaced = " ".join(units[19].unit[i : i + 3] for i in range(0, len(units[19].unit), 3))
    plan[19] = [("回执19", Return(unit_name=spaced, identity=False, mtime=ON_TIME))]
    plan[20] = [("回执20", Return(identity=False, mtime=ON_TIME))]
    for i, files in plan.items():
        for name, spec in files:
            write_return(units[i], spec, inbox / f"{name}.xlsx")
    stranger = units[0].__class__("外省某县水利局", "外省某县水利工程服务站")
    write_return(stranger, Return(identity=False, mtime=ON_TIME), inbox / "水利.xlsx")
    result = perfxl.status(roster, [inbox], base / "回收情况.xlsx", deadline=DEADLINE, workers=2)
    return {"base": base, "units": units, "roster": roster, "inbox": inbox, "result": result}


def _unit(result, unit):
    return next(u for u in result.units if u.unit == unit.unit)


def test_every_unit_has_its_state(round_30) -> None:
    result, units = round_30["result"], round_30["units"]
    states = {u.unit: (u.state, u.late) for u in result.units}
    expected = {}
    for i, unit in enumerate(units):
        state = "passed"
        if i in (10, 11, 16):
            state = "warnings"
        elif i in (12, 13, 15):
            state = "errors"
        elif i >= 25:
            state = "missing"
        expected[unit.unit] = (state, i in (14, 15))
    assert states == expected
    assert [u.unit for u in result.units] == [u.unit for u in units]  # roster order
    assert _unit(result, units[13]).errors == 2
    assert _unit(result, units[13]).label == "有错误（2）"
    assert _unit(result, units[15]).label == "有错误（1），逾期"
    assert _unit(result, units[25]).label == "未交"
    assert result.summary == {
        "units": 30,
        "returned": 25,
        "missing": 5,
        "errors": 3,
        "warnings": 3,
        "passed": 19,
        "late": 2,
        "files": 28,
        "unmatched": 1,
        "to_confirm": 1,
    }
    assert not result.ok and result.readable


def test_matched_by_identity_name_filename_or_similar_name(round_30) -> None:
    result, units = round_30["result"], round_30["units"]
    assert {r.match for r in _unit(result, units[0]).returns} == {"key"}
    renamed = _unit(result, units[17]).returns[0]
    assert (renamed.match, renamed.unit_in_file) == ("key", RENAMED)
    similar = _unit(result, units[18]).returns[0]
    assert similar.match == "similar" and similar.similarity is not None
    assert similar.similarity == pytest.approx(
        similarity(normalise(similar.unit_in_file or ""), normalise(units[18].unit)), abs=1e-3
    )
    assert [u.unit for u in result.to_confirm] == [units[18].unit]
    assert _unit(result, units[19]).returns[0].match == "name"  # spaces do not count
    assert _unit(result, units[20]).returns[0].match == "name"
    (stranger,) = result.unmatched
    assert Path(stranger.path).name == "水利.xlsx"
    assert stranger.unit_in_file == "外省某县水利工程服务站"
    assert "不在名单中" in stranger.reason


def test_the_newest_of_several_returns_counts_and_the_changes_are_named(round_30) -> None:
    result, units = round_30["result"], round_30["units"]
    unit = _unit(result, units[16])
    names = [Path(r.path).name for r in unit.returns]
    assert names == [
        f"{units[16].unit}-修改.xlsx",
        f"{units[16].unit}(2).xlsx",
        f"{units[16].unit}.xlsx",
    ]
    assert [Path(r.path).name for r in unit.latest] == names[:1]
    assert unit.state == "warnings" and not unit.late  # first sent in time
    # what the newest fixed and brought, compared by code and cell with the one before it
    second = perfxl.check([unit.returns[1].path], workers=1).files[0]
    newest = perfxl.check([unit.returns[0].path], workers=1).files[0]

    def keys(report):
        return {f"{f.code} {f.sheet}!{f.cell}" for f in report.findings if f.severity != "info"}

    assert set(unit.fixed) == keys(second) - keys(newest) and unit.fixed
    assert set(unit.new) == keys(newest) - keys(second) and unit.new
    assert {k.split()[0] for k in unit.fixed} == {"I012"}
    assert {k.split()[0] for k in unit.new} == {"T001"}


def test_the_workbook_lists_every_unit_the_units_to_chase_and_the_strangers(round_30) -> None:
    result, units = round_30["result"], round_30["units"]
    (written,) = result.written
    sheets = calamine_values(Path(written))
    assert list(sheets) == ["回收情况", "催报名单", "未识别文件", "待确认"]
    overview = sheets["回收情况"]
    head = overview[1]
    assert overview[0][0].startswith("共 30 个单位：已交 25")
    assert [row[head.index("实施单位")] for row in overview[2:]] == [u.unit for u in units]
    row16 = overview[2 + 16]
    assert row16[head.index("状态")] == "仅有警告"
    assert row16[head.index("交回次数")] == 3
    assert row16[head.index("最新一次改正的问题")].startswith("I012 ")
    chase = sheets["催报名单"]
    chase_head = chase[1]
    chased = {row[chase_head.index("实施单位")]: row for row in chase[2:]}
    expected = {units[i].unit for i in (12, 13, 14, 15, 25, 26, 27, 28, 29)}
    assert set(chased) == expected
    row = chased[units[25].unit]
    assert (row[chase_head.index("原因")], row[chase_head.index("联系人")]) == ("未交", "联系人25")
    assert row[chase_head.index("电话")] == units[25].phone
    assert chased[units[15].unit][chase_head.index("原因")] == "有错误 1 个、逾期"
    strangers = sheets["未识别文件"]
    assert len(strangers) == 3 and strangers[2][1].endswith("水利.xlsx")
    assert sheets["待确认"][2][1] == units[18].unit


def test_command_exit_codes_text_and_json(round_30, run_cli) -> None:
    roster, inbox = str(round_30["roster"]), str(round_30["inbox"])
    code, out, _ = run_cli("status", "--roster", roster, inbox, "--deadline", DEADLINE, "-q")
    assert code == 1
    assert "催报名单（9 个单位）" in out and "未识别文件" in out and "相似度" in out
    code, out, _ = run_cli("status", "--roster", roster, inbox, "--format", "json", "-q")
    assert code == 1
    data = json.loads(out)
    assert data["summary"]["missing"] == 5 and data["summary"]["late"] == 0  # no deadline
    assert len(data["units"]) == 30 and data["unmatched"][0]["path"].endswith("水利.xlsx")


def test_a_complete_round_exits_0_and_an_unreadable_file_2(tmp_path, run_cli) -> None:
    units = roster_units(3)
    roster = roster_csv(units, tmp_path / "名单.csv")
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for unit in units:
        write_return(unit, Return(), inbox / f"{unit.unit}.xlsx")
    # the workbook is not written into the inbox (the next run would read it as a return)
    inside = inbox / "回收情况.xlsx"
    code, _, err = run_cli("status", "--roster", str(roster), str(inbox), "-o", str(inside), "-q")
    assert code == 2 and "回收情况工作簿" in err and not inside.exists()
    out = tmp_path / "回收情况.xlsx"
    code, text, _ = run_cli("status", "--roster", str(roster), str(inbox), "-o", str(out), "-q")
    assert code == 0, text
    # a copy of it put among the returns anyway, and the roster there too, are not returns
    (inbox / "回收情况-副本.xlsx").write_bytes(out.read_bytes())
    (inbox / "名单.csv").write_bytes(roster.read_bytes())
    result = perfxl.status(inbox / "名单.csv", inbox, workers=1)
    (own,) = result.unmatched
    assert own.readable and "回收情况表" in own.reason and result.ok and result.readable
    (inbox / "名单.csv").unlink()
    (inbox / "回收情况-副本.xlsx").unlink()
    # a damaged file named as a unit: that unit has an error, the call says a file is unreadable
    (inbox / f"{units[1].unit}.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    result = perfxl.status(roster, inbox, workers=1)
    unit = result.units[1]
    assert unit.state == "errors" and unit.returns[0].match == "filename"
    assert not unit.returns[0].readable and not result.readable
    code, _, _ = run_cli("status", "--roster", str(roster), str(inbox), "-q")
    assert code == 2


def test_an_empty_inbox_is_a_round_where_nobody_returned(tmp_path) -> None:
    units = roster_units(4)
    roster = roster_csv(units, tmp_path / "名单.csv")
    (tmp_path / "收件箱").mkdir()
    result = perfxl.status(roster, tmp_path / "收件箱", workers=1)
    assert [u.state for u in result.units] == ["missing"] * 4
    assert len(result.to_chase) == 4 and not result.ok


def test_bad_calls_are_refused_in_chinese(tmp_path, run_cli) -> None:
    units = roster_units(2)
    units[1].code = units[0].code = "DW0001"
    roster = roster_csv(units, tmp_path / "名单.csv")
    (tmp_path / "in").mkdir()
    code, _, err = run_cli("status", "--roster", str(roster), str(tmp_path / "in"))
    assert code == 2 and "单位编码「DW0001」重复" in err
    code, _, err = run_cli(
        "status", "--roster", str(roster), str(tmp_path / "in"), "--deadline", "3月底"
    )
    assert code == 2 and "截止日期「3月底」无效" in err
    code, _, err = run_cli("status", "--roster", str(tmp_path / "无.csv"), str(tmp_path / "in"))
    assert code == 2 and "文件不存在" in err


def test_deadline_and_names() -> None:
    assert parse_deadline("2025-03-31") == dt.datetime(2025, 4, 1)
    assert parse_deadline("2025年3月31日") == dt.datetime(2025, 4, 1)
    assert parse_deadline("2025-03-31 17:00") == dt.datetime(2025, 3, 31, 17, 0)
    assert parse_deadline(dt.date(2025, 3, 31)) == dt.datetime(2025, 4, 1)
    assert (
        normalise("示例（东湖）区　档案馆 ")
        == normalise("示例(东湖)区档案馆")
        == "示例(东湖)区档案馆"
    )
    assert normalise("【示例】") == "(示例)"
    assert similarity("示例东湖区档案馆", "示例东湖区档案馆") == 1.0


def test_the_roster_reads_code_contact_and_phone(tmp_path) -> None:
    from perfxl.define.roster import load_roster

    path = tmp_path / "名单.yaml"
    path.write_text(
        "departments:\n"
        "  - {department: 示例局, unit: 示例中心, code: A01, contact: 联系人甲, phone: '0000-1'}\n"
        "  - {主管部门: 示例局, 实施单位: 示例所, 联系人: 联系人乙, 电话: '0000-2'}\n",
        encoding="utf-8",
    )
    first, second = load_roster(path).units
    assert (first.code, first.key, first.contact, first.phone) == (
        "A01",
        "A01",
        "联系人甲",
        "0000-1",
    )
    assert second.code == "" and second.key.startswith("u-") and second.contact == "联系人乙"
    assert second.key == load_roster(path).units[1].key  # derived the same way every time


def test_forms_sent_per_project_are_owed_each(tmp_path) -> None:
    """blank --per-project sends one form per project: a unit that returned one of two is
    still chased for the other, and a resubmission replaces only its own form."""
    roster = tmp_path / "名单.csv"
    roster.write_text(
        "主管部门,实施单位,项目名称,联系人\n示例局,示例中心,甲项目,联系人甲\n示例局,示例中心,乙项目,\n"
        "示例局,示例所,丙项目,联系人丙\n",
        encoding="utf-8",
    )
    sent = perfxl.blank(roster, tmp_path / "空白", layout="declaration", year=2025, per_project=True)
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    by_name = {Path(f.output).name: Path(f.output) for f in sent.files}
    first = next(p for name, p in by_name.items() if "甲项目" in name)
    (inbox / first.name).write_bytes(first.read_bytes())
    result = perfxl.status(roster, inbox, workers=1)
    centre, office = result.units
    assert centre.missing_forms == ("乙项目",) and "缺 1 张表" in centre.label
    assert centre.to_chase and not centre.complete and not result.ok
    assert office.state == "missing"
    second = next(p for name, p in by_name.items() if "乙项目" in name)
    (inbox / second.name).write_bytes(second.read_bytes())
    centre = perfxl.status(roster, inbox, workers=1).units[0]
    assert centre.missing_forms == () and len(centre.latest) == 2  # two forms, both newest
