"""The hostile-input suite: one bad input never costs the others.

Every case is built in ``tmp_path`` from workbooks perfxl generated from the sample data (plainly
synthetic), with one part changed as a broken exporter or an attacker would change it (see
tests/hostile_files.py). For each case, next to good workbooks in the same batch:

- no traceback, and the exit code the documentation gives (docs/check.md: 2 when a file cannot
  be read, 1 when a file has errors);
- a Chinese message that names the bad file;
- every input byte-identical afterwards, and no partial or temporary file left (TMPDIR is a
  folder of the test's own, and must be empty again);
- every good file reported exactly as when it is checked alone (and merged as without the bad
  one).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from perfxl import api
from tests import hostile_files as hf
from tests.conftest import ROOT, SAMPLES

GOOD_SAMPLES = ("minhang-2024-declaration", "jiading-2024-self-eval")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def goods(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The good workbooks, generated once for the module."""
    folder = tmp_path_factory.mktemp("good")
    result = api.generate([SAMPLES / f"{name}.yaml" for name in GOOD_SAMPLES], folder, workers=1)
    assert result.ok, result
    return {path.stem: path for path in sorted(folder.glob("*.xlsx"))}


@pytest.fixture(scope="module")
def alone(goods: dict[str, Path]) -> dict[str, dict]:
    """Each good workbook's report when it is checked alone (the path left out)."""
    return {
        name: _comparable(api.check(path, workers=1).files[0].to_dict())
        for name, path in goods.items()
    }


def _comparable(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in ("path", "annotated")}


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Batch:
    """A folder of inputs (the good workbooks and the bad ones), a private TMPDIR, and the
    assertions every case makes."""

    def __init__(self, tmp_path: Path, goods: dict[str, Path], monkeypatch: pytest.MonkeyPatch):
        self.root = tmp_path
        self.inputs = tmp_path / "回收"
        self.inputs.mkdir()
        for path in goods.values():
            shutil.copy2(path, self.inputs / path.name)
        self.goods = list(goods)
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        monkeypatch.setenv("TMPDIR", str(self.tmp))
        monkeypatch.setattr(tempfile, "tempdir", str(self.tmp))
        self.bad: list[Path] = []

    def add(self, name: str, build: Callable[[Path, Path], Path], good: str = GOOD_SAMPLES[0]):
        path = build(self.inputs / f"{good}.xlsx", self.inputs / name)
        self.bad.append(path)
        return path

    def snapshot(self) -> None:
        self.before = _digest(self.inputs)

    def check_untouched(self, outputs: set[str] = frozenset()) -> None:
        assert _digest(self.inputs) == self.before, "an input was changed"
        assert not list(self.tmp.iterdir()), f"left in TMPDIR: {list(self.tmp.iterdir())}"
        left = {p.name for p in self.root.iterdir()} - {"回收", "tmp", *outputs}
        assert not left, f"partial or temporary files left: {left}"


def _check(batch: Batch, run_cli, *extra: str) -> tuple[int, dict, str]:
    batch.snapshot()
    code, out, err = run_cli("check", str(batch.inputs), "--format", "json", "-j", "1", *extra)
    assert "Traceback" not in out + err
    return code, json.loads(out), err


def _assert_reports(data: dict, batch: Batch, alone: dict, bad_codes: dict[str, str]) -> None:
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    assert len(by_name) == len(batch.goods) + len(batch.bad), "every input is in the report"
    for name in batch.goods:
        assert _comparable(by_name[f"{name}.xlsx"]) == alone[name], f"{name} reported differently"
    for path in batch.bad:
        report = by_name[path.name]
        codes = [f["code"] for f in report["findings"]]
        assert bad_codes[path.name] in codes, (path.name, codes)
        message = next(
            f["message"] for f in report["findings"] if f["code"] == bad_codes[path.name]
        )
        assert path.name in message and CHINESE.search(message), message


# --- item 13: sheets and counts a form cannot have ------------------------------------------

# (file name, builder, code): each would abort python-calamine (SIGABRT), hang it or take
# gigabytes, were it handed over unmeasured
SHEET_CASES = [
    (
        "单元格XFD1048576.xlsx",
        lambda g, o: hf.with_sheet(g, o, hf.extra_cell("XFD1048576", 1048576)),
        "R009",
    ),
    (
        "行号4294967295.xlsx",
        lambda g, o: hf.with_sheet(g, o, hf.extra_cell("A4294967295", 4294967295)),
        "R010",
    ),
    ("列超出XFD.xlsx", lambda g, o: hf.with_sheet(g, o, hf.extra_cell("XFE30", 30)), "R010"),
    ("共享字符串4294967295.xlsx", lambda g, o: hf.sst_counts(g, o, 4294967295, 4294967295), "R010"),
    (
        "单元格ZZ100000.xlsx",
        lambda g, o: hf.with_sheet(g, o, hf.extra_cell("ZZ100000", 100000)),
        "R009",
    ),
    ("一万六千列.xlsx", lambda g, o: hf.streamed_sheet(g, o, hf.filled_rows(27, 1, 16384)), "R009"),
]


ODS_CASES = [
    (
        "重复一万六千列.ods",
        lambda g, o: hf.ods(
            o,
            '<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>',
        ),
        "R009",
    ),
    (
        "重复一百万行.ods",
        lambda g, o: hf.ods(
            o,
            f'<table:table-row table:number-rows-repeated="1048576">{hf.ODS_CELL}</table:table-row>',
        ),
        "R009",
    ),
    (
        "重复行数超出范围.ods",
        lambda g, o: hf.ods(
            o,
            f'<table:table-row table:number-rows-repeated="4294967295">{hf.ODS_CELL}</table:table-row>',
        ),
        "R010",
    ),
]
SHEET_CASES += ODS_CASES


@pytest.mark.parametrize("name, build, code", SHEET_CASES, ids=[c[0] for c in SHEET_CASES])
def test_a_sheet_no_form_can_have_is_that_file_own_error(
    tmp_path, goods, alone, monkeypatch, run_cli, name, build, code
):
    batch = Batch(tmp_path, goods, monkeypatch)
    batch.add(name, build)
    exit_code, data, _ = _check(batch, run_cli)
    assert exit_code == 2
    _assert_reports(data, batch, alone, {name: code})
    batch.check_untouched()


def test_a_style_only_cell_far_away_is_no_content(tmp_path, goods, alone, monkeypatch, run_cli):
    """Formatting a range leaves cells without values (calamine skips them): not a finding."""
    batch = Batch(tmp_path, goods, monkeypatch)

    def style_only(good: Path, out: Path) -> Path:
        cell = b'<row r="100000"><c r="ZZ100000" s="3"/></row></sheetData>'
        return hf.with_sheet(good, out, lambda xml: xml.replace(b"</sheetData>", cell, 1))

    path = batch.add("格式单元格.xlsx", style_only)
    exit_code, data, _ = _check(batch, run_cli)
    reports = {Path(f["path"]).name: f for f in data["files"]}
    assert _comparable(reports[path.name]) == alone[GOOD_SAMPLES[0]]
    batch.check_untouched()


def test_a_million_filled_rows_is_one_finding_quickly_and_small(
    tmp_path, goods, alone, monkeypatch, run_cli
):
    """Issue 15 item 3: a sheet of 1,000,000 filled indicator rows (built streaming, 12 MB on
    disk, 120 MB inflated) is refused at row 10,001 of the scan: one R009, a small JSON report."""
    batch = Batch(tmp_path, goods, monkeypatch)
    path = batch.add(
        "一百万行.xlsx",
        lambda g, o: hf.streamed_sheet(g, o, hf.indicator_rows(g, 27, 1_000_000)),
    )
    started = time.perf_counter()
    exit_code, data, _ = _check(batch, run_cli)
    elapsed = time.perf_counter() - started
    assert exit_code == 2
    _assert_reports(data, batch, alone, {path.name: "R009"})
    [report] = [f for f in data["files"] if Path(f["path"]).name == path.name]
    assert [f["code"] for f in report["findings"]] == ["R009"]
    assert "第 10001 行" in report["findings"][0]["message"]
    assert len(json.dumps(report, ensure_ascii=False)) < 2000
    assert elapsed < 20  # two good files and the refusal; about 1.5 s on a 2-core machine
    batch.check_untouched()


def test_thousands_of_rows_within_the_bounds_list_each_finding_at_most_100_times(
    tmp_path, goods, alone, monkeypatch, run_cli
):
    """3,000 pasted indicator rows (within the 10,000-row bound) are read and checked; each
    code is listed at most 100 times and the rest counted in one R013, so neither the text
    nor the JSON report grows with the rows."""
    from perfxl.checks.run import MAX_SAME

    batch = Batch(tmp_path, goods, monkeypatch)
    path = batch.add(
        "三千行.xlsx", lambda g, o: hf.streamed_sheet(g, o, hf.indicator_rows(g, 27, 3000))
    )
    exit_code, data, _ = _check(batch, run_cli)
    assert exit_code == 1
    _assert_reports(data, batch, alone, {path.name: "R013"})
    [report] = [f for f in data["files"] if Path(f["path"]).name == path.name]
    codes = [f["code"] for f in report["findings"]]
    assert max(codes.count(c) for c in set(codes)) <= MAX_SAME
    folded = [f for f in report["findings"] if f["code"] == "R013"]
    assert any("还有 2900 个" in f["message"] for f in folded), folded
    assert len(json.dumps(report["findings"], ensure_ascii=False)) < 200_000
    batch.check_untouched()


def test_a_million_row_check_keeps_memory_flat(tmp_path, goods):
    """The same file checked by a fresh process: its peak memory stays that of a small batch."""
    path = hf.streamed_sheet(
        goods[GOOD_SAMPLES[0]],
        tmp_path / "一百万行.xlsx",
        hf.indicator_rows(goods[GOOD_SAMPLES[0]], 27, 1_000_000),
    )
    script = (
        "import json, resource, sys; from perfxl import api; "
        "r = api.check(sys.argv[1], workers=1); "
        "print(json.dumps([r.files[0].findings[0].code, "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    code, peak_kib = json.loads(done.stdout)
    assert code == "R009"
    # the file is held once (12 MB) with 1 MiB pieces inflated; a million rows read would
    # take gigabytes
    assert peak_kib < 250 * 1024, peak_kib


# --- item 13: a worker that dies is that file's own finding -----------------------------------

CRASHING = [
    ("单元格XFD1048576.xlsx", hf.extra_cell("XFD1048576", 1048576)),
    ("单元格A1048576.xlsx", hf.extra_cell("A1048576", 1048576)),
]


@pytest.fixture
def unbounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader with the sheet bounds lifted to Excel's grid, as if the guard let these
    files through: python-calamine then aborts its process (SIGABRT) on them. The worker
    processes are forked and inherit the patch."""
    from perfxl.read import bounds, guard, locate

    lifted = functools.partial(
        guard.Limits,
        max_sheet_rows=bounds.EXCEL_ROWS,
        max_sheet_columns=bounds.EXCEL_COLUMNS,
    )
    monkeypatch.setattr(locate, "Limits", lifted)


def _crash_batch(tmp_path, goods, monkeypatch) -> Batch:
    batch = Batch(tmp_path, goods, monkeypatch)
    for name, edit in CRASHING[:1]:
        batch.add(name, lambda g, o, edit=edit: hf.with_sheet(g, o, edit))
    # the XFD cell and an A1048576 cell in one sheet: 17 billion cells
    batch.add(
        CRASHING[1][0],
        lambda g, o: hf.with_sheet(
            g,
            o,
            lambda xml: hf.extra_cell("A1048576", 1048576)(
                xml.replace(
                    b"</sheetData>", b'<row r="27"><c r="XFD27"><v>1</v></c></row></sheetData>', 1
                )
            ),
        ),
    )
    return batch


def test_a_worker_killed_by_a_file_is_that_file_own_error(
    tmp_path, goods, alone, monkeypatch, run_cli, unbounded
):
    batch = _crash_batch(tmp_path, goods, monkeypatch)
    batch.snapshot()
    code, out, err = run_cli("check", str(batch.inputs), "--format", "json", "-j", "2")
    assert "Traceback" not in out + err
    assert code == 2
    data = json.loads(out)
    _assert_reports(data, batch, alone, {p.name: "R011" for p in batch.bad})
    batch.check_untouched()


def test_a_worker_killed_by_a_file_leaves_the_merge_of_the_others(
    tmp_path, goods, monkeypatch, unbounded
):
    batch = _crash_batch(tmp_path, goods, monkeypatch)
    batch.snapshot()
    merged = api.merge(batch.inputs, tmp_path / "汇总.xlsx", workers=2)
    reference = api.merge(list(goods.values()), tmp_path / "单独.xlsx", workers=1)
    assert (merged.merged_files, merged.projects, merged.indicators) == (
        reference.merged_files,
        reference.projects,
        reference.indicators,
    )
    reasons = {Path(where).name: why for where, why in merged.not_merged}
    assert set(reasons) == {p.name for p in batch.bad}
    assert all("意外终止" in why and name in why for name, why in reasons.items())
    assert _sheet(merged.output, "指标") == _sheet(reference.output, "指标")
    batch.check_untouched({"汇总.xlsx", "单独.xlsx"})


def _sheet(path: Path, name: str) -> list[list]:
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
    return [row[:1] + row[2:] for row in rows]  # the source file's folder differs


# --- item 14: NaN, infinities and 1e1000000 in a money cell ----------------------------------

F6 = b'<c r="F6" s="7"><v>1094910000.00</v>'  # 年度资金申请总额 of the first project


def _money_cell(value: str, as_text: bool) -> Callable[[Path, Path], Path]:
    cell = (
        f'<c r="F6" s="7" t="inlineStr"><is><t>{value}</t></is>'
        if as_text
        else f'<c r="F6" s="7"><v>{value}</v>'
    ).encode()

    def build(good: Path, out: Path) -> Path:
        def edit(xml: bytes) -> bytes:
            assert F6 in xml
            return xml.replace(F6, cell)

        return hf.with_sheet(good, out, edit)

    return build


MONEY_CASES = [
    ("NaN", False, "M015"),
    ("Inf", False, "M015"),
    ("-Inf", False, "M015"),
    ("1e1000000", False, "M015"),  # a number no double holds: read as an infinity
    ("1e300", False, "M016"),
    ("NaN", True, "M015"),
    ("Infinity", True, "M015"),
    ("1e1000000", True, "M016"),
    ("1e400", True, "M016"),
    ("9999999999999999万", True, "M016"),
]


@pytest.mark.parametrize(
    "value, as_text, code",
    MONEY_CASES,
    ids=[f"{v}{'-文本' if t else ''}" for v, t, _ in MONEY_CASES],
)
def test_a_money_cell_that_is_no_amount_is_a_money_finding(
    tmp_path, goods, alone, monkeypatch, run_cli, value, as_text, code
):
    batch = Batch(tmp_path, goods, monkeypatch)
    path = batch.add("金额异常.xlsx", _money_cell(value, as_text))
    exit_code, data, _ = _check(batch, run_cli)
    assert exit_code == 1  # readable, with an error
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    for name in batch.goods:
        assert _comparable(by_name[f"{name}.xlsx"]) == alone[name]
    findings = [f for f in by_name[path.name]["findings"] if f["cell"] == "F6"]
    assert [f["code"] for f in findings] == [code], findings  # one finding, not F005 + F001
    assert CHINESE.search(findings[0]["message"]) and "年度资金申请总额" in findings[0]["message"]
    batch.check_untouched()


def test_money_that_is_no_amount_merges_without_it(tmp_path, goods, monkeypatch):
    """merge of NaN, an infinity and 1e1000000 amounts: the summary is written, the cell is
    left empty, every project counted."""
    batch = Batch(tmp_path, goods, monkeypatch)
    for i, (value, as_text, _) in enumerate(MONEY_CASES[:4] + MONEY_CASES[7:8]):
        batch.add(f"金额异常{i}.xlsx", _money_cell(value, as_text))
    batch.snapshot()
    # the bad copies are the same unit's project again: merged side by side, not as duplicates
    merged = api.merge(batch.inputs, tmp_path / "汇总.xlsx", workers=1, duplicates="keep")
    assert merged.merged_files == len(batch.goods) + len(batch.bad)
    assert not merged.not_merged
    rows = _sheet(merged.output, "项目")
    header = rows[0]
    column = header.index(next(h for h in header if str(h).startswith("年度资金申请总额")))
    bad_rows = [r for r in rows[1:] if r[1] == "征地养老费支出" and r[column] in ("", None)]
    assert len(bad_rows) == len(batch.bad)
    batch.check_untouched({"汇总.xlsx"})


# --- item 15: check --annotate on files openpyxl cannot load -----------------------------------


def _renamed_sheet(good: Path, out: Path) -> Path:
    workbook = hf.part(good, "xl/workbook.xml")
    first = re.search(rb'<sheet name="([^"]*)" sheetId="2"', workbook).group(1)
    odd = 'name="征地[养老]:费*?/支出"'.encode()
    return hf.rewrite(
        good, out, {"xl/workbook.xml": workbook.replace(b'name="' + first + b'"', odd)}
    )


ANNOTATE_CASES = [
    (
        "样式编号越界.xlsx",
        lambda g, o: hf.with_sheet(
            g, o, lambda x: x.replace(b'<c r="F6" s="7">', b'<c r="F6" s="999">')
        ),
    ),
    ("没有样式部件.xlsx", lambda g, o: hf.rewrite(g, o, {"xl/styles.xml": None})),
    ("没有内容类型.xlsx", lambda g, o: hf.rewrite(g, o, {"[Content_Types].xml": None})),
    ("工作表名含方括号.xlsx", _renamed_sheet),
    (
        "属性XML损坏.xlsx",
        lambda g, o: hf.rewrite(
            g,
            o,
            {
                "docProps/core.xml": b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="x"><dc:title>'
            },
        ),
    ),
]


@pytest.mark.parametrize("name, build", ANNOTATE_CASES, ids=[c[0] for c in ANNOTATE_CASES])
def test_an_annotated_copy_openpyxl_cannot_make_is_a_values_copy(
    tmp_path, goods, alone, monkeypatch, run_cli, name, build
):
    batch = Batch(tmp_path, goods, monkeypatch)
    path = batch.add(name, build)
    out = tmp_path / "批注"
    exit_code, data, _ = _check(batch, run_cli, "--annotate", str(out))
    assert exit_code == 1  # the good forms have errors; every file was read
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    assert all(f["code"] != "O001" for r in by_name.values() for f in r["findings"])
    written = {p.name for p in out.iterdir()}
    assert written == {f"{Path(n).stem}（检查结果）.xlsx" for n in by_name}
    import python_calamine

    copy = python_calamine.CalamineWorkbook.from_path(str(out / f"{path.stem}（检查结果）.xlsx"))
    result = copy.get_sheet_by_name("检查结果").to_python()
    assert path.name in result[0][0]
    assert "格式无法保留" in result[1][0]  # the note: values only
    assert len(copy.sheet_names) >= 2
    batch.check_untouched({"批注"})


def test_an_annotated_copy_too_large_for_openpyxl_is_that_file_message(
    tmp_path, goods, alone, monkeypatch, run_cli
):
    """A sheet of 51,000 filled cells (within the reading bounds) would take openpyxl minutes:
    the copy is refused before openpyxl loads it, the others are written."""
    from perfxl.report.annotate import MAX_CELLS

    batch = Batch(tmp_path, goods, monkeypatch)
    path = batch.add(
        "很多单元格.xlsx", lambda g, o: hf.streamed_sheet(g, o, hf.filled_rows(27, 1700, 30))
    )
    out = tmp_path / "批注"
    started = time.perf_counter()
    exit_code, data, _ = _check(batch, run_cli, "--annotate", str(out))
    assert time.perf_counter() - started < 60
    assert exit_code == 2  # docs/check.md: 2 when an annotated copy could not be written
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    [message] = [f["message"] for f in by_name[path.name]["findings"] if f["code"] == "O001"]
    assert path.name in message and str(MAX_CELLS) in message
    assert {p.name for p in out.iterdir()} == {f"{n}（检查结果）.xlsx" for n in batch.goods}
    batch.check_untouched({"批注"})


@pytest.mark.libreoffice
def test_a_values_copy_opens_in_libreoffice(tmp_path, goods, monkeypatch, run_cli):
    from tests.libreoffice import convert, pdf_text

    batch = Batch(tmp_path, {GOOD_SAMPLES[0]: goods[GOOD_SAMPLES[0]]}, monkeypatch)
    path = batch.add("样式编号越界.xlsx", ANNOTATE_CASES[0][1])
    out = tmp_path / "批注"
    run_cli("check", str(path), "--annotate", str(out), "-q")
    [pdf] = convert(
        [out / f"{path.stem}（检查结果）.xlsx"], "pdf", tmp_path / "pdf", tmp_path / "profile"
    )
    text = pdf_text(pdf)
    if text is not None:
        assert "格式无法保留" in text and path.name in text


# --- issue 15 item 1: rosters for blank -----------------------------------------------------

ROSTER = """\
layout: declaration
year: 2025
{extra}departments:
  - {{department: 测试区财政局, unit: {unit}}}
  - {{department: 测试区财政局, unit: 测试区好单位}}
"""


class RosterRun:
    """A roster in its own folder, blank run on it, and the same checks as for returned files:
    the roster unchanged, nothing partial left, TMPDIR empty."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli):
        self.root, self.run_cli = tmp_path, run_cli
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        monkeypatch.setenv("TMPDIR", str(self.tmp))
        monkeypatch.setattr(tempfile, "tempdir", str(self.tmp))
        self.out = tmp_path / "空白表"

    def blank(self, roster: Path) -> tuple[int, str]:
        before = hashlib.sha256(roster.read_bytes()).hexdigest() if roster.is_file() else None
        code, out, err = self.run_cli("blank", str(roster), "-o", str(self.out), "-j", "1")
        assert "Traceback" not in out + err
        if before is not None:
            assert hashlib.sha256(roster.read_bytes()).hexdigest() == before
        assert not list(self.tmp.iterdir())
        if self.out.exists():
            assert not [p for p in self.out.iterdir() if p.name.startswith(".")], "temporary left"
        return code, out + err


@pytest.mark.parametrize("value", ["abc", "100000000", "-3", "２０"])
def test_a_roster_blank_rows_out_of_bounds_is_refused(tmp_path, monkeypatch, run_cli, value):
    run = RosterRun(tmp_path, monkeypatch, run_cli)
    roster = tmp_path / "名单.yaml"
    roster.write_text(
        ROSTER.format(extra=f"blank_rows: {value}\n", unit="测试区甲单位"), encoding="utf-8"
    )
    started = time.perf_counter()
    code, text = run.blank(roster)
    assert time.perf_counter() - started < 10
    assert code == 2
    assert "名单.yaml" in text and "空白指标行数" in text and "0 到 200" in text
    assert not run.out.exists()  # nothing planned is written


def test_a_roster_csv_field_past_the_csv_limit_is_refused(tmp_path, monkeypatch, run_cli):
    run = RosterRun(tmp_path, monkeypatch, run_cli)
    roster = tmp_path / "名单.csv"
    roster.write_text(
        '主管部门,实施单位\n测试区财政局,测试区好单位\n测试区财政局,"' + "长" * 140_000 + '"\n',
        encoding="utf-8",
    )
    code, text = run.blank(roster)
    assert code == 2
    assert "名单.csv" in text and "第 3 行" in text and "131072" in text
    assert not run.out.exists()


@pytest.mark.parametrize("name", ["名单.csv", "名单.yaml", "名单.xlsx"])
def test_a_roster_that_is_a_folder_is_a_read_error(tmp_path, monkeypatch, run_cli, name):
    run = RosterRun(tmp_path, monkeypatch, run_cli)
    roster = tmp_path / name
    roster.mkdir()
    code, text = run.blank(roster)
    assert code == 2
    assert name in text and "无法读取" in text and "文件夹" in text and "写入" not in text


def test_a_hostile_roster_workbook_is_refused_by_the_guard(tmp_path, monkeypatch, run_cli, goods):
    run = RosterRun(tmp_path, monkeypatch, run_cli)
    roster = hf.with_sheet(
        goods[GOOD_SAMPLES[0]], tmp_path / "名单.xlsx", hf.extra_cell("XFD1048576", 1048576)
    )
    code, text = run.blank(roster)
    assert code == 2
    assert "名单.xlsx" in text and "无法读取名单" in text


def test_a_unit_name_of_300_characters_gets_a_short_unique_file_name(
    tmp_path, monkeypatch, run_cli
):
    import python_calamine

    run = RosterRun(tmp_path, monkeypatch, run_cli)
    long_a = "测试区" + "很长的单位名称" * 42 + "甲"
    long_b = "测试区" + "很长的单位名称" * 42 + "乙"  # the same first 80 characters
    assert len(long_a) == 298
    roster = tmp_path / "名单.yaml"
    text = (
        ROSTER.format(extra="", unit=long_a) + f"  - {{department: 测试区财政局, unit: {long_b}}}\n"
    )
    roster.write_text(text, encoding="utf-8")
    code, out = run.blank(roster)
    assert code == 0, out
    forms = sorted(p for p in run.out.iterdir() if p.suffix == ".xlsx")
    assert len(forms) == 3
    assert all(len(p.name.encode("utf-8")) <= 255 for p in forms)
    long_forms = [p for p in forms if p.name.startswith("测试区很长")]
    assert len(long_forms) == 2 and long_forms[0].name != long_forms[1].name
    for path, unit in zip(sorted(long_forms, key=lambda p: len(p.name)), (long_a, long_b)):
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        strings = {
            v
            for n in book.sheet_names
            for row in book.get_sheet_by_name(n).to_python()
            for v in row
        }
        assert unit in strings  # the full name, in the form's 实施单位 cell
        custom = hf.part(path, "docProps/custom.xml").decode("utf-8")
        assert 'name="perfxl_unit"' in custom and unit[:200] in custom
    manifest = (run.out / "清单.csv").read_text(encoding="utf-8-sig")
    assert long_a in manifest and long_b in manifest


# --- issue 15 item 4: parser messages in Chinese, with the place --------------------------------

_ENGLISH_WORDS = re.compile(r"\b(?!YAML\b|XML\b|Excel\b|WPS\b|Tab\b|perfxl_year\b)[A-Za-z]{3,}\b")


def _english(message: str) -> list[str]:
    """English words of a message, leaving out what it quotes (file, part and sheet names)."""
    return _ENGLISH_WORDS.findall(re.sub(r"「[^」]*」", "", message))


YAML_CASES = [
    ("tab", "a:\n\tb: 1\n", "制表符"),
    ("colon", "a: b: c\n", "键: 值"),
    ("quote", 'a: "abc\n', "引号没有闭合"),
    ("bracket", "a: [1, 2\n", "方括号"),
    ("brace", "a: {b: 1\n", "花括号"),
    ("indent", "a:\n  b: 1\n c: 2\n", "缩进"),
    ("alias", "a: *x\n", "别名"),
    ("anchor", "a: &x 1\nb: &x 2\n", "锚点"),
    ("two documents", "a: 1\n---\nb: 2\n", "多个文档"),
    ("escape", 'a: "\\q"\n', "转义"),
    ("control character", "a: b\nc: \x07\n", "控制字符"),
    ("at sign", "a: @x\n", "「@」"),
    ("block scalar", "a: |0\n  x\n", "缩进数字"),
    ("directive", "%YAML 1.1\n%YAML 1.1\n---\na: 1\n", "%YAML"),
]


@pytest.mark.parametrize("text, words", [c[1:] for c in YAML_CASES], ids=[c[0] for c in YAML_CASES])
def test_a_yaml_syntax_error_is_said_in_chinese_with_its_place(
    tmp_path, monkeypatch, run_cli, text, words
):
    """The D001 text of PyYAML (libyaml's words or its own) is never shown in English."""
    good = tmp_path / "好.yaml"
    shutil.copy2(SAMPLES / "minhang-2024-declaration.yaml", good)
    bad = tmp_path / "坏.yaml"
    bad.write_text(text, encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    out = tmp_path / "输出"
    code, stdout, stderr = run_cli("generate", str(good), str(bad), "-o", str(out), "-j", "1")
    assert "Traceback" not in stdout + stderr
    assert code == 2
    [line] = [
        ln
        for ln in (stdout + stderr).splitlines()
        if "坏.yaml:" in ln and "D001" in ln or "坏.yaml:" in ln and "YAML 格式错误" in ln
    ][:1]
    assert re.search(r"坏\.yaml:\d+:\d+", line), line  # file, line and column
    assert words in line, line
    assert not _english(line.split("：", 1)[1]), line
    assert not list(tmp.iterdir())


R004_CASES = [
    ("工作表XML截断.xlsx", {hf.FIRST_SHEET: None}, "xl/worksheets/sheet2.xml", "XML"),
    ("共享字符串截断.xlsx", {"xl/sharedStrings.xml": None}, "xl/sharedStrings.xml", "XML"),
    (
        "样式XML损坏.xlsx",
        {
            "xl/styles.xml": b'<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><x'
        },
        "xl/styles.xml",
        "XML",
    ),
    ("工作表部件缺失.xlsx", {"xl/worksheets/sheet3.xml": None}, "", "找不到"),
]


@pytest.mark.parametrize("name, changes, where, words", R004_CASES, ids=[c[0] for c in R004_CASES])
def test_a_reader_failure_is_a_chinese_r004_with_the_place(
    tmp_path, goods, alone, monkeypatch, run_cli, name, changes, where, words
):
    def build(good: Path, out: Path) -> Path:
        truncated = {
            part: (hf.part(good, part)[:3000] if body is None and "sheet3" not in part else body)
            for part, body in changes.items()
        }
        return hf.rewrite(good, out, truncated)

    batch = Batch(tmp_path, goods, monkeypatch)
    path = batch.add(name, build)
    exit_code, data, _ = _check(batch, run_cli)
    assert exit_code == 2
    _assert_reports(data, batch, alone, {path.name: "R004"})
    [report] = [f for f in data["files"] if Path(f["path"]).name == path.name]
    message = report["findings"][0]["message"]
    assert words in message and where in message, message
    if where:
        assert re.search(r"第 \d+ 行第 \d+ 列", message), message
    assert not _english(message), message
    batch.check_untouched()


# --- issue 15 item 5: the recorded year in other digits --------------------------------------


def _recorded_year(value: str) -> Callable[[Path, Path], Path]:
    def build(good: Path, out: Path) -> Path:
        custom = hf.part(good, "docProps/custom.xml").decode("utf-8")
        changed = re.sub(
            r'(name="perfxl_year"><vt:lpwstr>)[^<]*', lambda m: m.group(1) + value, custom
        )
        assert changed != custom
        return hf.rewrite(good, out, {"docProps/custom.xml": changed.encode("utf-8")})

    return build


@pytest.mark.parametrize(
    "value, damaged",
    [
        ("２０２４", False),
        ("٢٠٢٤", False),
        ("२०२४", False),
        ("²⁰²⁴", True),
        ("二〇二四", True),
        ("20x4", True),
    ],
)
def test_a_recorded_year_in_other_digits_is_read_or_said_damaged(
    tmp_path, goods, alone, monkeypatch, run_cli, value, damaged
):
    batch = Batch(tmp_path, goods, monkeypatch)
    path = batch.add("年度属性.xlsx", _recorded_year(value))
    exit_code, data, _ = _check(batch, run_cli)
    assert exit_code == 1  # read; the form's own errors
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    for name in batch.goods:
        assert _comparable(by_name[f"{name}.xlsx"]) == alone[name]
    findings = by_name[path.name]["findings"]
    codes = [f["code"] for f in findings]
    reference = [f["code"] for f in alone[GOOD_SAMPLES[0]]["findings"]]
    if damaged:
        [note] = [f for f in findings if f["code"] == "R012"]
        assert value in note["message"] and path.name in note["message"]
        assert sorted(c for c in codes if c != "R012") == sorted(reference)
    else:
        assert sorted(codes) == sorted(reference)  # read as 2024, checked as the original
    assert api.check(batch.inputs / path.name, workers=1).files[0].year == 2024
    batch.check_untouched()


# --- issue 15 item 2 (landed before this suite): recursive YAML and 1e400 ----------------------

RECURSIVE_CASES = [
    ("自引用.yaml", "layout: declaration\nyear: 2024\nprojects: &p [*p]\n", "D045"),
    (
        "嵌套600层.yaml",
        "layout: declaration\nyear: 2024\nprojects: " + "[" * 600 + "]" * 600 + "\n",
        "D043",
    ),
]


@pytest.mark.parametrize("name, text, code", RECURSIVE_CASES, ids=[c[0] for c in RECURSIVE_CASES])
def test_recursive_yaml_is_refused_in_a_batch(tmp_path, monkeypatch, run_cli, name, text, code):
    """generate writes nothing unless every definition is good (docs: 全部无错才写): the bad
    file is named with its code, the good one is checked, nothing is left behind."""
    good = tmp_path / "好.yaml"
    shutil.copy2(SAMPLES / "minhang-2024-declaration.yaml", good)
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    started = time.perf_counter()
    out = tmp_path / "输出"
    exit_code, stdout, stderr = run_cli("generate", str(good), str(bad), "-o", str(out), "-j", "1")
    assert time.perf_counter() - started < 10
    assert "Traceback" not in stdout + stderr
    assert exit_code == 2
    assert f"{name}:3:" in stdout + stderr
    assert not out.exists() or not list(out.iterdir())
    assert not list(tmp.iterdir())
