"""Every file perfxl writes appears whole or not at all.

One writer for every output — workbooks, annotated copies, the merge summary, CSVs, the SQLite
export, reports, extracted YAML, the blank-form manifest: the content goes to a temporary file
in the target's own folder (so the final rename never crosses a file system), is flushed to
disk, and only then replaces the target. A crash or a full disk leaves the old file, never half
of a new one, and no temporary file behind.

The temporary name is short and fixed in length (``.perfxl-<8 hex>.tmp<suffix>``): an output
name near the file system's 255-byte limit must still work, which a name built from the
target's own name would not. It is created with mode 0666 filtered by the process umask, the
same rights the user's other files get (0644 under umask 022) — a shared office folder needs
them; ``tempfile.mkstemp`` would give 0600.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from perfxl.core.errors import OutputError

_ATTEMPTS = 100


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _create_temporary(folder: Path, suffix: str) -> Path:
    for _ in range(_ATTEMPTS):
        candidate = folder / f".perfxl-{secrets.token_hex(4)}.tmp{suffix}"
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise FileExistsError(f"{folder}: no free temporary name")


def _flush_to_disk(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX only: Windows cannot open a folder)."""
    if os.name != "posix":  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_output(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path to write ``target``'s content to; on success it replaces ``target``.

    Any failure inside the block removes the temporary file and re-raises; an ``OSError`` (from
    the block or from creating, flushing or renaming the file) becomes :class:`OutputError`
    with a Chinese message naming ``target``.
    """
    target = Path(target)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = _create_temporary(folder, target.suffix[:16])
    except OSError as exc:
        raise OutputError(f"{target}：错误：无法在此位置写入（{_reason(exc)}）") from None
    try:
        yield temporary
        _flush_to_disk(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"{target}：错误：写入失败（{_reason(exc)}）") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def atomic_write(target: Path | str, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``data`` (text is encoded with ``encoding``, line ends kept as given) to ``target``
    atomically; returns ``target`` as a Path."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_output(target) as temporary:
        temporary.write_bytes(payload)
    return Path(target)
