"""A collection round is a folder on disk — the only state the page keeps.

::

    <round>/
      名单.yaml | 名单.csv | 名单.xlsx   the roster of this round (the one ``blank`` and ``status`` take)
      空白表/                           blank forms sent out, one folder per batch
      回收/                             every return as uploaded, never overwritten
      结果/                             what perfxl wrote: 批注/ (annotated copies), 汇总.xlsx, reports
      上年/                             last year's forms, for 对比上年
      上一阶段/                         previous-stage workbooks uploaded for 下一阶段
      表样/                             a province's own blank workbooks, copied for each unit

The command line works on the same folder (``perfxl status --roster <round>/名单.xlsx
<round>/回收``), so the page and the command always agree. A resubmission is a new file in
回收/ (``某单位（2）.xlsx``); which one counts is decided by the status of the round, from the
files themselves, not by anything the page remembers.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from perfxl.core.atomic import atomic_output
from perfxl.core.errors import PerfxlError

INBOX = "回收"
BLANKS = "空白表"
RESULTS = "结果"
ANNOTATED = "批注"
LAST_YEAR = "上年"
PREVIOUS = "上一阶段"
NEXT = "下一阶段"
FORMS = "表样"
ROSTER_STEM = "名单"
ROSTER_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

# Uploads of two requests may carry the same name at the same moment: choosing the free name
# and creating the file happen under this lock, so neither overwrites the other.
_SAVE_LOCK = threading.Lock()


def documents_folder() -> Path:
    """The user's documents folder: 文档 on a Chinese UOS/麒麟 desktop (XDG user dirs), the
    Documents known folder on Windows (wherever the user moved it), ~/Documents elsewhere."""
    home = Path.home()
    if sys.platform == "win32":  # pragma: no cover - Windows only
        found = _windows_documents()
        if found is not None:
            return found
    elif sys.platform != "darwin":
        found = _xdg_documents(home)
        if found is not None:
            return found
    return home / "Documents"


def _xdg_documents(home: Path) -> Path | None:
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "user-dirs.dirs"
    try:
        lines = config.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() == "XDG_DOCUMENTS_DIR":
            value = value.strip().strip('"').replace("$HOME", str(home))
            path = Path(value)
            if path.is_absolute() and path != home:
                return path
    return None


def _windows_documents() -> Path | None:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    buffer = ctypes.create_unicode_buffer(wintypes.MAX_PATH)
    csidl_personal = 5
    shell32 = ctypes.windll.shell32  # type: ignore[attr-defined]
    if shell32.SHGetFolderPathW(None, csidl_personal, None, 0, buffer) == 0:
        return Path(buffer.value)
    return None


def default_round_folder() -> Path:
    return documents_folder() / "perfxl"


@dataclass(frozen=True)
class RoundFolder:
    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / INBOX

    @property
    def results(self) -> Path:
        return self.root / RESULTS

    @property
    def annotated(self) -> Path:
        return self.results / ANNOTATED

    @property
    def blanks(self) -> Path:
        return self.root / BLANKS

    @property
    def last_year(self) -> Path:
        return self.root / LAST_YEAR

    @property
    def form_folder(self) -> Path:
        return self.root / FORMS

    def forms(self) -> list[Path]:
        """The province's own blank workbooks uploaded for 发表."""
        return [p for p in _workbooks_in(self.form_folder) if p.suffix.lower() == ".xlsx"]

    def last_year_files(self) -> list[Path]:
        """Last year's forms, given for 对比上年 (sub-folders too), by name."""
        return _workbooks_in(self.last_year)

    @property
    def previous(self) -> Path:
        return self.root / PREVIOUS

    @property
    def next_stages(self) -> Path:
        """Where 下一阶段 writes: one new folder per run under 结果/, never beside an input."""
        return self.results / NEXT

    def previous_files(self) -> list[Path]:
        """Previous-stage workbooks uploaded for 下一阶段 (sub-folders too), by name."""
        return _workbooks_in(self.previous)

    def last_year_fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        return _stats(self.last_year_files())

    def prepare(self) -> RoundFolder:
        """Create the round's folders (an existing round is left as it is)."""
        try:
            for folder in (self.root, self.inbox, self.results, self.blanks):
                folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PerfxlError(
                f"{self.root}：错误：无法使用这个文件夹（{exc.strerror or exc}），请换一个文件夹"
            ) from None
        return self

    def roster(self) -> Path | None:
        """This round's roster: 名单.yaml, .csv or .xlsx at the top of the folder."""
        found = [self.root / f"{ROSTER_STEM}{s}" for s in ROSTER_SUFFIXES]
        existing = [p for p in found if p.is_file()]
        return max(existing, key=lambda p: p.stat().st_mtime) if existing else None

    def returns(self) -> list[Path]:
        """Every return in 回收/ (sub-folders too), by name."""
        return _workbooks_in(self.inbox)

    def fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        """What the returns and the roster are now: name, size and time of each. The page
        keeps a derived table only while this is unchanged (files copied in by hand count)."""
        items = self.returns()
        roster = self.roster()
        if roster is not None:
            items.append(roster)
        deadline = self.root / "截止日期.txt"
        if deadline.is_file():
            items.append(deadline)
        return _stats(items)

    def within(self, path: Path) -> bool:
        """Whether ``path`` (resolved, symlinks too) lies inside the round folder."""
        try:
            path.resolve().relative_to(self.root.resolve())
        except (OSError, ValueError):
            return False
        return True


def _workbooks_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        (
            p
            for p in folder.rglob("*")
            if p.is_file()
            and p.suffix.lower() in WORKBOOK_SUFFIXES
            and not p.name.startswith((".", "~$"))
        ),
        key=lambda p: str(p),
    )


def _stats(items: list[Path]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for p in items:
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_size, st.st_mtime_ns))
    return tuple(out)


def save_new(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as ``folder/name`` atomically, never over an existing file: a taken
    name becomes ``stem（2）.ext``, ``stem（3）.ext``… Returns the path written."""
    stem, suffix = os.path.splitext(name)
    with _SAVE_LOCK:
        for n in range(1, 10_000):
            candidate = folder / (name if n == 1 else f"{stem}（{n}）{suffix}")
            if not candidate.exists():
                with atomic_output(candidate) as temporary:
                    temporary.write_bytes(data)
                return candidate
    raise PerfxlError(f"{folder}：错误：同名文件太多（{name}），请整理文件夹后再上传")


def save_roster(root: Path, suffix: str, data: bytes) -> Path:
    """The round's roster replaced by an uploaded one; the old one is kept beside it as
    名单（旧 时间）.ext, so no roster is ever lost."""
    target = root / f"{ROSTER_STEM}{suffix}"
    with _SAVE_LOCK:
        for old in (root / f"{ROSTER_STEM}{s}" for s in ROSTER_SUFFIXES):
            if old.is_file():
                stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(old.stat().st_mtime))
                keep = root / f"{ROSTER_STEM}（旧 {stamp}）{old.suffix}"
                n = 2
                while keep.exists():
                    keep = root / f"{ROSTER_STEM}（旧 {stamp} {n}）{old.suffix}"
                    n += 1
                old.rename(keep)
        with atomic_output(target) as temporary:
            temporary.write_bytes(data)
    return target
