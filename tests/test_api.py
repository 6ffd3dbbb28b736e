"""The library API: each function on the bundled samples, its result object and to_dict(),
the command's JSON equal to the library's, progress, lazy imports, and the batch runner that
survives a worker crash."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import perfxl
from perfxl.core.parallel import parallel_map

from .conftest import DECLARATION_SAMPLE, MINIMAL, ROOT, SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))
ROSTER = SAMPLES / "rosters" / "roster-2025.yaml"


def test_load_every_sample():
    for path in SAMPLE_FILES:
        result = perfxl.load(path)
        assert result.ok and result.document is not None, result.error
        assert result.projects == len(result.document.projects) > 0
        data = result.to_dict()
        assert data["ok"] and data["source"] == str(path) and data["error"] is None
        assert data["layout"] == result.document.layout.id
        assert sum(p["indicators"] for p in data["projects"]) == result.indicators
        json.dumps(data)


def test_load_bad_text_says_what_is_wrong_without_raising():
    result = perfxl.load(MINIMAL.replace("start: 2024-01-01", "start: 2024-13-01"))
    assert not result.ok and result.document is None
    assert any(d.severity == "error" and "不是有效日期" in d.format() for d in result.diagnostics)
    data = result.to_dict()
    assert data["ok"] is False and data["projects"] == []
    assert any(
        "不是有效日期" in d["message"] and d["code"] and d["line"] for d in data["diagnostics"]
    )
    missing = perfxl.load("没有这个文件.yaml")
    assert not missing.ok and "没有这个文件.yaml" in (missing.error or "")


def test_generate_every_sample_loads_once_and_reports_progress(tmp_path):
    steps: list[perfxl.Progress] = []
    result = perfxl.generate(SAMPLE_FILES, tmp_path, workers=2, progress=steps.append)
    assert result.ok and result.not_used == ()
    assert result.written == tuple(str(tmp_path / f"{p.stem}.xlsx") for p in SAMPLE_FILES)
    assert all(Path(p).stat().st_size > 0 for p in result.written)
    expected = {p.stem: perfxl.load(p) for p in SAMPLE_FILES}
    for item in result.files:
        assert item.projects == expected[Path(item.source).stem].projects
        assert item.indicators == expected[Path(item.source).stem].indicators
    # one load and one write per file, counted in order
    assert [s.done for s in steps] == list(range(1, 2 * len(SAMPLE_FILES) + 1))
    assert {s.total for s in steps} == {2 * len(SAMPLE_FILES)}
    data = result.to_dict()
    assert data["ok"] and data["summary"]["written"] == len(SAMPLE_FILES)
    assert data["summary"]["projects"] == result.projects


def test_generate_is_all_or_nothing(tmp_path, write_yaml):
    good = write_yaml(MINIMAL, name="good.yaml")
    bad = write_yaml(MINIMAL.replace("layout: declaration", "layout: nope"), name="bad.yaml")
    result = perfxl.generate([good, bad], tmp_path / "out")
    assert not result.ok and result.written == ()
    reasons = {Path(n.path).name: n.reason for n in result.not_used}
    assert "表样「nope」不存在" in reasons["bad.yaml"]
    assert "未生成任何工作簿" in reasons["good.yaml"]
    assert not (tmp_path / "out").exists()
    assert [f["loaded"] for f in result.to_dict()["files"]] == [True, False]


def test_generate_a_loaded_document(tmp_path):
    loaded = perfxl.load(DECLARATION_SAMPLE)
    result = perfxl.generate(loaded.document, tmp_path / "表.xlsx")
    assert result.written == (str(tmp_path / "表.xlsx"),) and result.projects == 11


def test_generate_without_inputs_is_a_clear_error(tmp_path):
    with pytest.raises(perfxl.PerfxlError, match="没有找到任何 YAML 文件"):
        perfxl.generate(tmp_path)


def test_blank_from_the_sample_roster(tmp_path):
    result = perfxl.blank(ROSTER, tmp_path / "空白")
    assert result.ok and result.files
    assert result.written[-1] == result.manifest == str(tmp_path / "空白" / "清单.csv")
    assert all(Path(f.output).is_file() and f.unit for f in result.files)
    data = result.to_dict()
    assert data["not_used"] == [] and len(data["files"]) == len(result.files)
    with pytest.raises(perfxl.PerfxlError, match="已有"):
        perfxl.blank(ROSTER, tmp_path / "空白")


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("books")
    return [Path(p) for p in perfxl.generate(SAMPLE_FILES, folder).written]


def test_check_every_sample(books):
    report = perfxl.check(books)
    assert [f.path for f in report.files] == [str(b) for b in books]
    assert report.readable and all(f.projects for f in report.files)
    assert report.summary["files"] == len(books)
    assert report.summary["errors"] == sum(f.errors for f in report.files)
    assert all(isinstance(f, perfxl.Finding) for f in report.findings)
    data = report.to_dict()
    assert set(data) == {"files", "summary"}
    assert data["files"][0]["findings"] == [f.to_dict() for f in report.files[0].findings]


def test_check_json_of_the_command_is_the_library_report(books, run_cli):
    for book in books:
        code, out, err = run_cli("check", str(book), "--format", "json", "-j", "1")
        assert code in (0, 1), err
        assert json.loads(out) == perfxl.check([book], workers=1).to_dict(), book.name


def test_check_an_unreadable_file_is_in_the_report(tmp_path, books):
    junk = tmp_path / "坏.xlsx"
    junk.write_bytes(b"not a workbook")
    report = perfxl.check([junk, books[0]])
    assert not report.readable and report.files[1].readable
    (not_used,) = report.not_used
    assert not_used.path == str(junk) and not_used.reason.startswith("R")


def test_extract_reads_definitions_that_load_again(books, tmp_path):
    result = perfxl.extract(books, tmp_path / "yaml")
    assert result.ok and len(result.files) == len(books)
    assert result.written == tuple(str(tmp_path / "yaml" / f"{b.stem}.yaml") for b in books)
    for report, book in zip(result.files, books):
        again = perfxl.load(report.definition_yaml or "")
        assert again.ok and again.projects == perfxl.load(SAMPLES / f"{book.stem}.yaml").projects
    assert set(result.to_dict()) >= {"files", "summary", "written", "not_used"}


def test_merge_the_samples(books, tmp_path):
    steps: list[perfxl.Progress] = []
    result = perfxl.merge(books, tmp_path / "汇总.xlsx", progress=steps.append)
    assert result.output == tmp_path / "汇总.xlsx" and result.output.is_file()
    assert result.files == len(books)
    # a project that is not merged is listed as path#sheet with its reason
    loaded = sum(perfxl.load(p).projects for p in SAMPLE_FILES)
    assert result.projects == loaded - sum(1 for where, _ in result.not_merged if "#" in where)
    assert [s.done for s in steps] == list(range(1, len(books) + 1))
    data = result.to_dict()
    assert data["summary"]["projects"] == result.projects
    assert data["written"] == [str(tmp_path / "汇总.xlsx")]
    assert len(data["not_used"]) == len(result.not_merged)


def test_import_perfxl_is_cheap_and_a_check_skips_the_write_stage(books):
    code = (
        "import sys, perfxl\n"
        "heavy = ('typer', 'rich', 'xlsxwriter', 'jinja2', 'openpyxl', 'yaml', 'perfxl.')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
    code = (
        "import sys\n"
        "from perfxl.cli import main\n"
        f"try: main(['check', {str(books[0])!r}, '--format', 'json'])\n"
        "except SystemExit: pass\n"
        "print('MODULES', sorted(m for m in sys.modules if m.startswith(('perfxl.write.generate',"
        " 'perfxl.write.blank', 'perfxl.merging', 'openpyxl', 'typer.rich_utils'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert re.search(r"^MODULES \[\]$", out.stdout, re.M), out.stdout[-300:]


# ----------------------------------------------------------------------------------------
# the batch runner


def _square(n: int) -> int:
    return n * n


def _abort_on_seven(n: int) -> int:
    if n == 7:
        import faulthandler

        faulthandler.disable()  # the abort is the point: no stack dump in the test output
        os.abort()  # what a native parser does on a damaged file
    return n * n


def test_parallel_map_keeps_input_order():
    seen: list[int] = []
    assert parallel_map(_square, list(range(30)), 2, seen.append) == [n * n for n in range(30)]
    assert seen == [n * n for n in range(30)]
    assert parallel_map(_square, [3], 4) == [9]


def test_a_worker_crash_is_that_item_own_result():
    crashed: list[int] = []

    def on_crash(item: int, exc: BaseException) -> int:
        crashed.append(item)
        return -1

    items = list(range(20))
    results = parallel_map(_abort_on_seven, items, 2, on_crash=on_crash)
    assert crashed == [7]
    assert results == [-1 if n == 7 else n * n for n in items]


def test_a_worker_crash_without_a_handler_is_raised():
    from concurrent.futures.process import BrokenProcessPool

    with pytest.raises(BrokenProcessPool):
        parallel_map(_abort_on_seven, list(range(10)), 2)


# ----------------------------------------------------------------------------------------
# docs/api.md


def _doc_examples() -> list[str]:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_docs_api_examples_run(tmp_path, monkeypatch, books):
    examples = _doc_examples()
    assert len(examples) >= 5
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sample_data").symlink_to(SAMPLES)
    namespace: dict[str, object] = {}
    for block in examples:
        exec(compile(block, "docs/api.md", "exec"), namespace)


def test_load_takes_one_line_of_yaml_as_text_and_reports_with_codes():
    result = perfxl.load("layout: declaration")
    assert not result.ok
    problems = result.to_dict()["diagnostics"]
    assert {"D013"} <= {p["code"] for p in problems}  # 缺少年度 year: read as YAML, not a path
    assert all(p["file"] == "<文本>" and p["line"] == 1 for p in problems)
    assert all(p["text"].startswith("<文本>:1:") for p in problems)


def test_merge_json_of_the_command_is_the_library_result(run_cli, sample_books, tmp_path):
    paths = [str(p) for _doc, p in sample_books.values()]
    code, out, _err = run_cli(
        "merge", *paths, "-o", str(tmp_path / "a.xlsx"), "--format", "json", "-q"
    )
    from_cli = json.loads(out)
    library = perfxl.merge(paths, tmp_path / "b.xlsx", workers=1).to_dict()
    for data in (from_cli, library):
        data.pop("output", None)
        data.pop("written", None)
    assert code == 0 and from_cli == library
