"""Outputs in hostile places: nothing lost, overwritten, counted twice or left half-written.

Every case builds its returns folder in ``tmp_path`` from the workbooks generated from the
samples, runs the command as a user would, and asserts: no traceback, the documented exit
code, a Chinese message naming the path, the inputs byte-identical (hashed before and after),
no partial or temporary file left (in the output folders and in TMPDIR), and every good file
of the batch still reported or merged.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from perfxl.core.outputs import mirrored
from perfxl.merging.summary import MergeOptions, expand_inputs, merge
from perfxl.read.props import own_output

CJK = re.compile(r"[\u4e00-\u9fff]")
TEMPORARY = re.compile(r"^\.perfxl-[0-9a-f]{8}\.tmp|^perfxl-merge-")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# ----------------------------------------------------------------------------------------
# the returns folder and what every case asserts


@pytest.fixture
def returns(sample_books, tmp_path, monkeypatch) -> Path:
    """A returns folder holding the five sample workbooks; TMPDIR points into tmp_path so
    that a temporary file left behind is seen."""
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    folder = tmp_path / "回收"
    folder.mkdir()
    for _doc, path in sample_books.values():
        shutil.copyfile(path, folder / path.name)
    return folder


def hashes(root: Path) -> dict[str, str]:
    """sha256 of every regular file under ``root`` (links not followed), by relative path."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def leftovers(*roots: Path) -> list[str]:
    found = []
    for root in roots:
        for dirpath, dirs, files in os.walk(root):
            found += [str(Path(dirpath) / n) for n in dirs + files if TEMPORARY.match(n)]
    return found


def assert_clean(
    result: tuple[int, str, str],
    code: int,
    named: Path | str | None,
    inputs: Path,
    before: dict[str, str],
) -> str:
    """The assertions of every case; returns stderr."""
    got, out, err = result
    assert "Traceback" not in out + err
    assert got == code, (got, out, err)
    if named is not None:
        assert str(named) in err, err
        line = next(line for line in err.splitlines() if str(named) in line)
        assert CJK.search(line.replace(str(named), "")), line
    assert hashes(inputs) == before
    assert leftovers(inputs.parent, Path(tempfile.gettempdir())) == []
    return err


def merged_sources(summary: Path) -> set[str]:
    ws = openpyxl.load_workbook(summary, read_only=True)["项目"]
    rows = list(ws.iter_rows(values_only=True))
    col = rows[0].index("来源文件")
    return {Path(r[col]).name for r in rows[1:]}


def not_merged(summary: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(summary, read_only=True)["未合并"]
    return {
        str(r[1]) + (f"#{r[2]}" if r[2] else ""): r[4]
        for r in list(ws.iter_rows(values_only=True))[1:]
    }


GOOD = {
    "minhang-2024-declaration.xlsx",
    "putuo-2020-target.xlsx",
    "shanghai-2020-target.xlsx",
    "zaozhuang-2021-approval.xlsx",
    "jiading-2024-self-eval.xlsx",
}


# ----------------------------------------------------------------------------------------
# item 9: two inputs of the same name → two outputs


def test_annotate_mirrors_folders_so_same_names_keep_both_copies(returns, tmp_path, run_cli):
    for unit, stem in (("甲", "minhang-2024-declaration"), ("乙", "putuo-2020-target")):
        (returns / unit).mkdir()
        shutil.copyfile(returns / f"{stem}.xlsx", returns / unit / "绩效目标表.xlsx")
    before = hashes(returns)
    out = tmp_path / "批注"
    result = run_cli("check", str(returns), "--annotate", str(out), "--format", "json", "-q")
    assert_clean(result, 1, None, returns, before)
    import json

    report = json.loads(result[1])
    errors = {
        Path(f["path"]).relative_to(returns): sum(x["severity"] == "error" for x in f["findings"])
        for f in report["files"]
    }
    for unit in ("甲", "乙"):
        copy = out / unit / "绩效目标表（检查结果）.xlsx"
        title = openpyxl.load_workbook(copy, read_only=True)["检查结果"]["A1"].value
        assert f"错误 {errors[Path(unit) / '绩效目标表.xlsx']} 个" in title
    assert errors[Path("甲") / "绩效目标表.xlsx"] != errors[Path("乙") / "绩效目标表.xlsx"]
    # the five of the top folder go straight into 批注/, as before
    assert {p.name for p in out.glob("*.xlsx")} == {
        f"{Path(n).stem}（检查结果）.xlsx" for n in GOOD
    }


def test_same_stem_in_one_folder_gets_two_names(returns, tmp_path, run_cli):
    shutil.copyfile(returns / "putuo-2020-target.xlsx", returns / "putuo-2020-target.xlsm")
    before = hashes(returns)
    out = tmp_path / "批注"
    assert_clean(
        run_cli("check", str(returns), "--annotate", str(out), "-q"), 1, None, returns, before
    )
    copies = {p.name for p in out.iterdir()}
    assert len(copies) == 6  # the .xlsm (sorted first) keeps the plain name
    assert {
        "putuo-2020-target（检查结果）.xlsx",
        "putuo-2020-target.xlsx（检查结果）.xlsx",
    } <= copies


def test_extract_mirrors_folders_too(returns, tmp_path, run_cli):
    for unit in ("甲", "乙"):
        (returns / unit).mkdir()
    shutil.copyfile(returns / "putuo-2020-target.xlsx", returns / "甲" / "表.xlsx")
    shutil.copyfile(returns / "jiading-2024-self-eval.xlsx", returns / "乙" / "表.xlsx")
    before = hashes(returns)
    out = tmp_path / "定义"
    assert_clean(
        run_cli("extract", str(returns / "甲"), str(returns / "乙"), "-o", str(out)),
        0,
        None,
        returns,
        before,
    )
    assert "target-2020" in (out / "甲" / "表.yaml").read_text(encoding="utf-8")
    assert "self-eval" in (out / "乙" / "表.yaml").read_text(encoding="utf-8")


def test_mirrored_names_are_unique_case_insensitively(tmp_path):
    inputs = [tmp_path / "a" / "X.xlsx", tmp_path / "a" / "x.xls", tmp_path / "b" / "X.xlsx"]
    names = mirrored(inputs, tmp_path / "out", lambda p, n: f"{p.stem}-{n}.yaml")
    assert [str(p.relative_to(tmp_path / "out")) for p in names] == [
        "a/X-0.yaml",
        "a/x-1.yaml",
        "b/X-0.yaml",
    ]


# ----------------------------------------------------------------------------------------
# item 10: an output never lands on an input


def test_merge_output_through_a_symlinked_folder_onto_an_input_is_refused(
    returns, tmp_path, run_cli
):
    link = tmp_path / "链接"
    link.symlink_to(returns, target_is_directory=True)
    target = link / "putuo-2020-target.xlsx"
    before = hashes(returns)
    err = assert_clean(
        run_cli("merge", str(returns), "-o", str(target), "-q"), 2, target, returns, before
    )
    assert "输入文件" in err and "未做任何处理" in err


def test_merge_sqlite_naming_an_input_is_refused(returns, tmp_path, run_cli):
    target = returns / "jiading-2024-self-eval.xlsx"
    before = hashes(returns)
    out = tmp_path / "汇总.xlsx"
    assert_clean(
        run_cli("merge", str(returns), "-o", str(out), "--sqlite", str(target), "-q"),
        2,
        target,
        returns,
        before,
    )
    assert not out.exists()


def test_a_hard_link_to_an_input_is_an_input(returns, tmp_path, run_cli):
    target = tmp_path / "别名.xlsx"
    os.link(returns / "putuo-2020-target.xlsx", target)
    before = hashes(returns)
    assert_clean(
        run_cli("merge", str(returns), "-o", str(target), "-q"), 2, target, returns, before
    )


def test_a_summary_inside_the_returns_folder_is_refused(returns, run_cli):
    target = returns / "汇总.xlsx"
    before = hashes(returns)
    err = assert_clean(
        run_cli("merge", str(returns), "-o", str(target), "-q"), 2, target, returns, before
    )
    assert "输入文件夹" in err
    # a glob's folder is an input folder as well
    pattern = str(returns / "*.xlsx")
    assert_clean(run_cli("merge", pattern, "-o", str(target), "-q"), 2, target, returns, before)


def test_check_report_onto_an_input_is_refused(returns, run_cli):
    target = returns / "putuo-2020-target.xlsx"
    before = hashes(returns)
    assert_clean(run_cli("check", str(target), "-o", str(target)), 2, target, returns, before)
    assert_clean(
        run_cli("check", str(target), "--format", "json", "-o", str(target)),
        2,
        target,
        returns,
        before,
    )


def test_annotated_copies_inside_the_returns_folder_are_refused(returns, run_cli):
    target = returns / "批注"
    before = hashes(returns)
    assert_clean(
        run_cli("check", str(returns), "--annotate", str(target), "-q"), 2, target, returns, before
    )
    assert not target.exists()


def test_extract_onto_an_input_is_refused(returns, run_cli):
    source = returns / "putuo-2020-target.xlsx"
    before = hashes(returns)
    assert_clean(run_cli("extract", str(source), "-o", str(source)), 2, source, returns, before)
    assert_clean(
        run_cli("extract", str(source), "--format", "json", "-o", str(source)),
        2,
        source,
        returns,
        before,
    )


def test_csv_naming_an_existing_file_is_refused(returns, tmp_path, run_cli):
    existing = tmp_path / "分析"
    existing.write_text("已有的内容", encoding="utf-8")
    out = tmp_path / "汇总.xlsx"
    before = hashes(returns)
    assert_clean(
        run_cli("merge", str(returns), "-o", str(out), "--csv", str(existing), "-q"),
        2,
        existing,
        returns,
        before,
    )
    assert existing.read_text(encoding="utf-8") == "已有的内容" and not out.exists()


def test_two_outputs_of_one_merge_on_one_file_are_refused(returns, tmp_path, run_cli):
    out = tmp_path / "汇总.xlsx"
    before = hashes(returns)
    assert_clean(
        run_cli("merge", str(returns), "-o", str(out), "--sqlite", str(out), "-q"),
        2,
        out,
        returns,
        before,
    )


def test_extract_of_an_unreadable_file_keeps_the_existing_yaml(returns, tmp_path, run_cli):
    bad = returns / "损坏.xlsx"
    bad.write_bytes((returns / "putuo-2020-target.xlsx").read_bytes()[:3000])
    target = tmp_path / "损坏.yaml"
    target.write_text("# 上次读出的定义\nlayout: target-2020\n", encoding="utf-8")
    kept = target.read_bytes()
    before = hashes(returns)
    assert_clean(run_cli("extract", str(bad), "-o", str(target)), 2, bad, returns, before)
    assert target.read_bytes() == kept
    # several inputs and one YAML file: refused before any work
    many = run_cli("extract", str(returns), "-o", str(target))
    assert_clean(many, 2, target, returns, before)
    assert target.read_bytes() == kept


# ----------------------------------------------------------------------------------------
# item 11: counted once; perfxl's own outputs and other years left out, with the reason


def test_a_file_sent_twice_is_merged_once_the_newest(returns, tmp_path, run_cli):
    again = returns / "putuo-2020-target（重发）.xlsx"
    shutil.copyfile(returns / "putuo-2020-target.xlsx", again)
    old = time.time() - 86400
    os.utime(returns / "putuo-2020-target.xlsx", (old, old))
    before = hashes(returns)
    out = tmp_path / "汇总.xlsx"
    err = assert_clean(
        run_cli("merge", str(returns), "-o", str(out), "-q"), 1, None, returns, before
    )
    assert merged_sources(out) == (GOOD - {"putuo-2020-target.xlsx"}) | {again.name}
    listed = not_merged(out)
    assert len(listed) == 3 and all("M010" in r and again.name in r for r in listed.values())
    assert all(where.startswith(str(returns / "putuo-2020-target.xlsx")) for where in listed)
    assert "M010" in err
    # stop: its own exit code, nothing written
    stop = tmp_path / "停.xlsx"
    err = assert_clean(
        run_cli("merge", str(returns), "-o", str(stop), "--duplicates", "stop", "-q"),
        3,
        None,
        returns,
        before,
    )
    assert "M014" not in err and "重复" in err and not stop.exists()


def test_perfxl_own_outputs_in_the_returns_folder_are_skipped(returns, tmp_path, run_cli):
    first = tmp_path / "上次汇总.xlsx"
    assert run_cli("merge", str(returns), "-o", str(first), "-q")[0] == 0
    notes = tmp_path / "批注"
    assert run_cli(
        "check", str(returns / "putuo-2020-target.xlsx"), "--annotate", str(notes), "-q"
    )[0] in (0, 1)
    shutil.copyfile(first, returns / "上次汇总.xlsx")
    shutil.copyfile(
        notes / "putuo-2020-target（检查结果）.xlsx", returns / "putuo（检查结果）.xlsx"
    )
    before = hashes(returns)
    out = tmp_path / "汇总.xlsx"
    result = run_cli("merge", str(returns), "-o", str(out), "-q")
    assert_clean(result, 1, None, returns, before)
    assert merged_sources(out) == GOOD
    listed = not_merged(out)
    assert set(listed) == {str(returns / "上次汇总.xlsx"), str(returns / "putuo（检查结果）.xlsx")}
    assert (
        "M011" in listed[str(returns / "上次汇总.xlsx")]
        and "汇总表" in listed[str(returns / "上次汇总.xlsx")]
    )
    assert "标注副本" in listed[str(returns / "putuo（检查结果）.xlsx")]


def test_outputs_of_older_versions_are_known_by_their_sheets():
    assert own_output({}, ["汇总", "按单位", "项目", "指标", "未合并"]) == "summary"
    assert own_output({"layout": "declaration"}, ["检查结果", "项目一"]) == "annotated"
    assert own_output({"output": "annotated"}, ["项目一"]) == "annotated"
    assert own_output({"layout": "declaration"}, ["封面", "项目一"]) is None


def test_mixed_years_are_reported_and_year_selects_one(returns, tmp_path, run_cli):
    out = tmp_path / "汇总.xlsx"
    before = hashes(returns)
    err = assert_clean(
        run_cli("merge", str(returns), "-o", str(out), "-q"), 0, None, returns, before
    )
    assert "3 个年度：2020 年度（2 个文件）、2021 年度（1 个文件）、2024 年度（2 个文件）" in err
    assert "--year" in err
    result = merge(expand_inputs([str(returns)]), out, MergeOptions())
    assert [y for y, _n in result.years] == [2020, 2021, 2024] and result.notices[0].code == "M013"
    only = tmp_path / "2024.xlsx"
    assert_clean(
        run_cli("merge", str(returns), "-o", str(only), "--year", "2024", "-q"),
        1,
        None,
        returns,
        before,
    )
    assert merged_sources(only) == {"minhang-2024-declaration.xlsx", "jiading-2024-self-eval.xlsx"}
    listed = not_merged(only)
    assert len(listed) == 3 and all("M012" in r and "2024" in r for r in listed.values())


# ----------------------------------------------------------------------------------------
# item 12: what only looks like a workbook is listed, not skipped


@pytest.fixture
def odd_entries(returns, tmp_path) -> dict[str, Path]:
    entries = {
        "folder": returns / "文件夹.xlsx",
        "dangling": returns / "已删除.xlsx",
        "loop": returns / "循环.xlsx",
        "up": returns / "上层",
    }
    entries["folder"].mkdir()
    entries["dangling"].symlink_to(tmp_path / "不存在.xlsx")
    entries["loop"].symlink_to(entries["loop"])
    entries["up"].symlink_to(returns, target_is_directory=True)
    linked = tmp_path / "别处"
    linked.mkdir()
    shutil.copyfile(returns / "putuo-2020-target.xlsx", linked / "链接进来的.xlsx")
    (returns / "别处").symlink_to(linked, target_is_directory=True)
    return entries


def test_merge_lists_links_and_folders_named_like_workbooks(
    returns, odd_entries, tmp_path, run_cli
):
    before = hashes(returns)
    out = tmp_path / "汇总.xlsx"
    assert_clean(
        run_cli("merge", str(returns), "-o", str(out), "-q", "--duplicates", "keep"),
        1,
        None,
        returns,
        before,
    )
    listed = not_merged(out)
    assert set(listed) == {str(p) for p in odd_entries.values()}
    assert "文件夹" in listed[str(odd_entries["folder"])]
    assert "不存在" in listed[str(odd_entries["dangling"])]
    assert "循环" in listed[str(odd_entries["loop"])] and "循环" in listed[str(odd_entries["up"])]
    # a folder reached through a link is read like any other
    assert merged_sources(out) == GOOD | {"链接进来的.xlsx"}
    ws = openpyxl.load_workbook(out, read_only=True)["汇总"]
    # the counts: a label and its value on a row (the project table below has more)
    filled = [[v for v in r if v not in (None, "")] for r in ws.iter_rows(values_only=True)]
    cover = {r[0]: r[1] for r in filled if len(r) == 2}
    assert cover["输入文件"] == 10 and cover["未合并（见「未合并」工作表）"] == 4


def test_check_reports_them_too(returns, odd_entries, run_cli):
    before = hashes(returns)
    result = run_cli("check", str(returns), "--format", "json")
    assert_clean(result, 2, None, returns, before)
    import json

    files = {f["path"]: f for f in json.loads(result[1])["files"]}
    for path in odd_entries.values():
        assert files[str(path)]["findings"][0]["code"] == "R001"
    assert len(files) == 10 and sum(f["layout"] is not None for f in files.values()) == 6


# ----------------------------------------------------------------------------------------
# item 17: Ctrl-C and SIGTERM stop everything, leave nothing half-written


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _copies(folder: Path) -> list[Path]:
    """The annotated copies written (not the temporary file of one being written)."""
    return [p for p in folder.glob("*.xlsx") if not p.name.startswith(".")]


@pytest.fixture
def big_batch(returns) -> Path:
    """200 returns: long enough on two workers to be interrupted half-way."""
    for i in range(39):
        for name in GOOD:
            shutil.copyfile(returns / name, returns / f"{i:02d}-{name}")
    return returns


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    ("command", "sig", "whole_group", "code"),
    [
        ("merge", "SIGINT", True, 130),  # Ctrl-C: the terminal signals the whole group
        ("merge", "SIGTERM", False, 143),  # kill PID: the main process only
        ("check", "SIGTERM", False, 143),
    ],
)
def test_interrupted_batches_stop_their_workers_and_leave_nothing(
    big_batch, tmp_path, command, sig, whole_group, code
):

    out = tmp_path / "输出"
    args = (
        ["merge", str(big_batch), "-o", str(out / "汇总.xlsx")]
        if command == "merge"
        else ["check", str(big_batch), "--annotate", str(out / "批注")]
    )
    before = hashes(big_batch)
    env = dict(
        os.environ,
        TMPDIR=tempfile.gettempdir(),
        PYTHONPATH=str(Path(__file__).resolve().parent.parent),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "perfxl", *args, "-j", "2", "-q"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # a shell's background job ignores Ctrl-C; a user's terminal does not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    started = time.monotonic()
    try:
        while len(_children(proc.pid)) < 2 and time.monotonic() - started < 120:
            time.sleep(0.05)
        workers = _children(proc.pid)
        assert len(workers) == 2, "the workers never started"
        if command == "check":  # half-way: some copies written, not all
            while not _copies(out / "批注") and time.monotonic() - started < 120:
                time.sleep(0.05)
        else:
            time.sleep(1.0)
        assert proc.poll() is None, "the batch ended before it could be interrupted"
        if whole_group:
            os.killpg(proc.pid, getattr(signal, sig))
        else:
            proc.send_signal(getattr(signal, sig))
        stdout, stderr = proc.communicate(timeout=60)  # a hang fails here
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    err = stderr.decode("utf-8")
    assert proc.returncode == code, err
    assert "Traceback" not in err + stdout.decode("utf-8") and "InvalidStateError" not in err
    assert ("Ctrl-C" if code == 130 else "SIGTERM") in err and "没有写出不完整的文件" in err
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "a worker outlived the batch"
    assert hashes(big_batch) == before
    assert leftovers(tmp_path) == [] and os.listdir(tempfile.gettempdir()) == []
    if command == "merge":
        assert not (out / "汇总.xlsx").exists()
    else:  # the copies written are whole workbooks
        copies = _copies(out / "批注")
        assert 0 < len(copies) < 200
        for copy in copies[:3]:
            assert openpyxl.load_workbook(copy, read_only=True).sheetnames[0] == "检查结果"


# ----------------------------------------------------------------------------------------
# item 16: read-only, immutable and full places


@contextlib.contextmanager
def _read_only(folder: Path, how: str) -> Iterator[None]:
    """``folder`` made unwritable: immutable (chattr +i), a read-only bind mount, or — as
    an ordinary user, whom chmod binds — mode 0555."""
    folder.mkdir(parents=True, exist_ok=True)
    if how == "chmod":
        if IS_ROOT:
            pytest.skip("root ignores the mode; the immutable and read-only cases cover it")
        folder.chmod(0o555)
        undo = [lambda: folder.chmod(0o755)]
    elif not IS_ROOT:
        pytest.skip("needs root")
    elif how == "immutable":
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
            pytest.skip("chattr +i is not supported here")
        undo = [lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)]
    else:
        mount = ["mount", "--bind", "-o", "ro", str(folder), str(folder)]
        if subprocess.run(mount, capture_output=True).returncode:
            pytest.skip("cannot mount here")
        undo = [lambda: subprocess.run(["umount", str(folder)], check=True)]
    try:
        yield
    finally:
        for step in undo:
            step()


@contextlib.contextmanager
def _full_disk(folder: Path) -> Iterator[None]:
    """A 64 KiB tmpfs at ``folder``, filled up (root only)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not IS_ROOT:
        pytest.skip("needs root (the fake ENOSPC writer covers it otherwise)")
    mount = ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)]
    if subprocess.run(mount, capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        with contextlib.suppress(OSError), open(folder / "填满", "wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
        yield
    finally:  # lazily if a file is still open there: never leave a mount behind
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(folder)], check=True)


READ_ONLY = ["immutable", "bind-ro", "chmod"]


@pytest.mark.parametrize("how", READ_ONLY)
def test_merge_into_a_read_only_folder(returns, tmp_path, run_cli, how):
    folder = tmp_path / "只读"
    before = hashes(returns)
    with _read_only(folder, how):
        target = folder / "汇总.xlsx"
        err = assert_clean(
            run_cli("merge", str(returns), "-o", str(target), "-q"), 2, target, returns, before
        )
        assert "不允许写入" in err or "只读" in err or "没有写入权限" in err
        assert os.listdir(folder) == []


@pytest.mark.parametrize("how", READ_ONLY)
def test_check_and_extract_into_a_read_only_folder(returns, tmp_path, run_cli, how):
    folder = tmp_path / "只读"
    before = hashes(returns)
    with _read_only(folder, how):
        assert_clean(
            run_cli("check", str(returns), "--annotate", str(folder), "-q"),
            2,
            folder,
            returns,
            before,
        )
        report = folder / "报告.txt"
        assert_clean(run_cli("check", str(returns), "-o", str(report)), 2, report, returns, before)
        assert_clean(
            run_cli("extract", str(returns), "-o", str(folder)), 2, folder, returns, before
        )
        assert os.listdir(folder) == []


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_merge_onto_a_full_disk(returns, tmp_path, run_cli):
    folder = tmp_path / "满"
    before = hashes(returns)
    with _full_disk(folder):
        target = folder / "汇总.xlsx"
        err = assert_clean(
            run_cli("merge", str(returns), "-o", str(target), "-q"), 2, target, returns, before
        )
        assert "磁盘已满" in err
        assert os.listdir(folder) == ["填满"]


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_merge_with_a_full_tmpdir(returns, tmp_path, run_cli, monkeypatch):
    folder = tmp_path / "满的临时文件夹"
    before = hashes(returns)
    out = tmp_path / "汇总.xlsx"
    with _full_disk(folder):
        monkeypatch.setattr(tempfile, "tempdir", str(folder))
        result = run_cli("merge", str(returns), "-o", str(out), "-q", "-j", "2")
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
        err = assert_clean(result, 2, folder, returns, before)
        assert "磁盘已满" in err and "TMPDIR" in err
        assert os.listdir(folder) == ["填满"] and not out.exists()


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_full_disk_found_while_writing_keeps_the_old_file(
    returns, tmp_path, run_cli, monkeypatch
):
    """Without root: the disk fills up while the summary is flushed (a fake ENOSPC)."""
    from perfxl.core import atomic

    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"old summary")
    before = hashes(returns)

    def full(_path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "_flush_to_disk", full)
    err = assert_clean(
        run_cli("merge", str(returns), "-o", str(out), "-q"), 2, out, returns, before
    )
    assert "磁盘已满" in err and "原有的文件保持不变" in err
    assert out.read_bytes() == b"old summary"
    # the same for an annotated copy: a per-file O001, every file still reported
    notes = tmp_path / "批注"
    result = run_cli("check", str(returns), "--annotate", str(notes), "--format", "json")
    assert_clean(result, 2, None, returns, before)
    import json

    files = json.loads(result[1])["files"]
    assert len(files) == 5 and all(f["findings"][-1]["code"] == "O001" for f in files)
    assert all("磁盘已满" in f["findings"][-1]["message"] for f in files)
    assert [p.name for p in notes.iterdir()] == []


# ----------------------------------------------------------------------------------------
# item 18: any project name, verbatim; only the sheet tab is derived

HOSTILE_NAMES = [
    "养老/医疗\\补助?*[2024]:专项",
    "=SUM(A1)",
    "+1 临时补助",
    "关于做好二〇二四年度城乡居民基本养老保险待遇调整工作的专项资金项目",
    "关于做好二〇二四年度城乡居民基本养老保险待遇调整工作的专项资金项目（二期）",
    "'引号'",
]


@pytest.fixture
def hostile_names_yaml(write_yaml) -> Path:
    from .conftest import MINIMAL

    head, project = MINIMAL.split("projects:\n")
    body = head + "projects:\n"
    for name in HOSTILE_NAMES:
        quoted = name.replace("'", "''")
        body += project.replace("name: 测试项目", f"name: '{quoted}'")
    return write_yaml(body, "名称.yaml")


def test_any_project_name_is_accepted_and_read_back_verbatim(hostile_names_yaml, tmp_path, run_cli):
    import yaml

    out = tmp_path / "名称.xlsx"
    code, _out, err = run_cli("generate", str(hostile_names_yaml), "-o", str(out), "--hints")
    assert code == 0, err
    assert (
        "错误" not in err
        and "提示" in err
        and "工作表名写成「养老／医疗＼补助？＊［2024］：专项」" in err
    )
    wb = openpyxl.load_workbook(out)
    tabs = wb.sheetnames[1 : 1 + len(HOSTILE_NAMES)]
    assert tabs == [
        "养老／医疗＼补助？＊［2024］：专项",
        "=SUM(A1)",
        "+1 临时补助",
        "关于做好二〇二四年度城乡居民基本养老保险待遇调整工作的专项资金",
        "关于做好二〇二四年度城乡居民基本养老保险待遇调整工作的专（2）",
        "引号",
    ]
    for tab, name in zip(tabs, HOSTILE_NAMES):
        cell = next(c for row in wb[tab].iter_rows(max_row=6) for c in row if c.value == name)
        assert cell.data_type == "s"  # text, never a formula
    # read back: the exact names, and nothing about the names or the sheets
    code, text, err = run_cli("extract", str(out))
    assert [p["name"] for p in yaml.safe_load(text)["projects"]] == HOSTILE_NAMES
    report = run_cli("check", str(out), "--format", "json")[1]
    import json

    files = json.loads(report)["files"]
    assert [p["name"] for p in files[0]["projects"]] == HOSTILE_NAMES
    assert not [f for f in files[0]["findings"] if f["code"][0] in "RS"]


@pytest.mark.libreoffice
def test_libreoffice_keeps_the_names_as_text(hostile_names_yaml, tmp_path, run_cli):
    from .libreoffice import convert

    out = tmp_path / "名称.xlsx"
    assert run_cli("generate", str(hostile_names_yaml), "-o", str(out), "-q")[0] == 0
    (again,) = convert([out], "xlsx", tmp_path / "lo", tmp_path / "profile")
    wb = openpyxl.load_workbook(again)
    for tab, name in zip(wb.sheetnames[1:], HOSTILE_NAMES):
        values = [c.value for row in wb[tab].iter_rows(max_row=6) for c in row]
        assert name in values, (tab, name)
    assert wb.sheetnames[1] == "养老／医疗＼补助？＊［2024］：专项"


def test_an_alias_bomb_of_nine_levels_is_refused_within_a_second(write_yaml, run_cli):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    bomb = write_yaml("\n".join(lines) + "\nlayout: declaration\nprojects: *a9\n", "炸弹.yaml")
    started = time.monotonic()
    code, _out, err = run_cli("generate", str(bomb), "-o", str(bomb.parent / "out"))
    assert time.monotonic() - started < 1.0
    assert code == 2 and "D044" not in err and "别名" in err and str(bomb) in err
    assert not (bomb.parent / "out").exists()
