"""Where outputs go: never onto an input, never onto another output of the same run.

Every command that reads workbooks and writes files (check --annotate/-o, extract -o, merge
-o/--csv/--sqlite) plans all its output paths first and hands them to an :class:`OutputPlan`
before any work starts. A path is compared with the inputs as the file system sees them —
the same file (device and inode: a symlinked folder, a hard link, another spelling of the
name on a case-insensitive disk) or the same resolved path — so an output can no more land on
an input through a link than directly. An output workbook inside an input folder is refused
too: the next run over that folder would read it as a return.

Outputs of one run that would share a name are told apart beforehand by :func:`mirrored`:
inputs from different folders keep their folders under the output folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from perfxl.core.atomic import ensure_writable
from perfxl.core.catalogue import finding
from perfxl.core.errors import OutputError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def _key(path: Path) -> str:
    """A path as the file system compares it (case-insensitively where it does)."""
    return os.path.normcase(str(path))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop on the way: compare the path as written
        return Path(os.path.abspath(path))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if st.st_ino else None


def refusal(code: str, target: Path, **fields: Any) -> OutputError:
    """The error that stops a call for an output at ``target``: the finding's message and hint,
    after the path; ``.code`` keeps the finding code."""
    f = finding(code, **fields)
    error = OutputError(f"{target}：错误：{f.message}（{f.hint}）")
    error.code = code  # type: ignore[attr-defined]
    return error


class OutputPlan:
    """The inputs of one call and the outputs claimed so far."""

    def __init__(self, files: Iterable[Path], folders: Iterable[Path] = ()):
        self._inputs: dict[str, Path] = {}
        self._input_ids: dict[tuple[int, int], Path] = {}
        for path in files:
            self._inputs.setdefault(_key(_resolved(path)), path)
            identity = _identity(path)
            if identity is not None:
                self._input_ids.setdefault(identity, path)
        self._folders = [(_resolved(folder), folder) for folder in folders]
        self._claimed: dict[str, tuple[Path, str]] = {}
        self._probes: dict[str, tuple[Path, bool]] = {}

    def _input_at(self, target: Path) -> Path | None:
        identity = _identity(target)
        if identity is not None and identity in self._input_ids:
            return self._input_ids[identity]
        return self._inputs.get(_key(_resolved(target)))

    def _scanned_folder(self, target: Path) -> Path | None:
        if target.suffix.lower() not in WORKBOOK_SUFFIXES:
            return None
        resolved = _resolved(target)
        for real, given in self._folders:
            if real == resolved or real in resolved.parents:
                return given
        return None

    def claim(self, target: Path, what: str) -> Path:
        """Refuse ``target`` (the ``what``: 汇总表, 标注副本 …) if it is an input, a workbook
        inside an input folder, an existing folder, or an output already claimed; else
        remember it. Returns ``target``."""
        source = self._input_at(target)
        if source is not None:
            raise refusal("O002", target, what=what, input=source)
        folder = self._scanned_folder(target)
        if folder is not None:
            raise refusal("O003", target, what=what, folder=folder)
        if target.is_dir():
            raise refusal("O005", target, what=what)
        key = _key(_resolved(target))
        if key in self._claimed:
            other, other_what = self._claimed[key]
            raise refusal("O004", target, what=what, other=other_what)
        self._claimed[key] = (target, what)
        self._probe(target)
        return target

    def _probe(self, target: Path, is_folder: bool = False) -> None:
        folder = _key(_resolved(target if is_folder else target.parent))
        self._probes.setdefault(folder, (target, is_folder))

    def ready(self) -> None:
        """Once every output is claimed: one write test per output folder (made if need be),
        so that a read-only, immutable or full place is said before any work."""
        for target, is_folder in self._probes.values():
            ensure_writable(target, is_folder)

    def claim_folder(self, folder: Path, what: str) -> Path:
        """An output folder (for --csv, --annotate, extract -o): it must not be a file, nor an
        input file, and must take files."""
        source = self._input_at(folder)
        if source is not None:
            raise refusal("O002", folder, what=what, input=source)
        if folder.exists() and not folder.is_dir():
            raise refusal("O006", folder, what=what)
        self._probe(folder, is_folder=True)
        return folder


def mirrored(inputs: Sequence[Path], folder: Path, name: Callable[[Path, int], str]) -> list[Path]:
    """One output path under ``folder`` for each input: the input's own folder, relative to
    the common parent of all inputs' folders, is kept (so 甲/表.xlsx and 乙/表.xlsx give
    ``folder/甲/…`` and ``folder/乙/…``; inputs of one folder go straight into ``folder``).
    ``name(input, attempt)`` names the output; when two outputs would still share a name
    (表.xlsx and 表.xls side by side) the later gets ``attempt`` 1, 2, … until it is unique."""
    parents = [Path(os.path.abspath(p)).parent for p in inputs]
    try:
        common: Path | None = Path(os.path.commonpath(parents)) if parents else None
    except ValueError:  # different drives (Windows): no common parent, names made unique
        common = None
    out: list[Path] = []
    taken: set[str] = set()
    for path, parent in zip(inputs, parents):
        base = folder / parent.relative_to(common) if common is not None else folder
        attempt = 0
        while True:
            target = base / name(path, attempt)
            key = _key(target).casefold()
            if key not in taken:
                break
            attempt += 1
        taken.add(key)
        out.append(target)
    return out
