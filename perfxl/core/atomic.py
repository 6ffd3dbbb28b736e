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
import errno
import gc
import os
import secrets
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

from perfxl.core.errors import OutputError

_ATTEMPTS = 100


_REASONS = {
    errno.ENOSPC: "磁盘已满",
    errno.EACCES: "没有写入权限（文件夹只读、文件被锁定，或正被其他程序如 Excel 打开）",
    errno.EPERM: "不允许写入（文件夹或文件被设为只读或不可修改）",
    errno.EROFS: "所在的磁盘或文件夹是只读的",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ENOENT: "路径中的文件夹不存在",
    errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
    errno.EISDIR: "这里是一个文件夹",
    errno.EIO: "磁盘读写出错",
}
if hasattr(errno, "EDQUOT"):  # not on every system
    _REASONS[errno.EDQUOT] = "超出了磁盘配额"


def describe_os_error(exc: OSError) -> str:
    """Why a write failed, in Chinese (the system's own text is English)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    if exc.errno:
        return f"系统错误码 {exc.errno}（{exc.strerror or exc}）"
    return str(exc)


def _os_error_in(exc: BaseException) -> OSError | None:
    """The OSError a library wrapped in its own exception (XlsxWriter's FileCreateError)."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:
        if isinstance(current, OSError):
            return current
        wrapped = next((a for a in getattr(current, "args", ()) if isinstance(a, OSError)), None)
        if wrapped is not None:
            return wrapped
        current = current.__cause__ or current.__context__
        seen += 1
    return None


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
        raise OutputError(
            f"{target}：错误：无法在此位置写入：{describe_os_error(exc)}。未写入任何文件。"
        ) from None
    failure: OutputError | None = None
    hook = sys.unraisablehook
    try:
        yield temporary
        _flush_to_disk(temporary)
        os.replace(temporary, target)
    except BaseException as exc:
        _remove(temporary)
        cause = _os_error_in(exc) if isinstance(exc, Exception) else None
        if cause is None:
            raise
        failure = OutputError(
            f"{target}：错误：写入失败：{describe_os_error(cause)}。"
            f"{'原有的文件保持不变' if target.exists() else '未留下不完整的文件'}，临时文件已删除。"
        )
        # A zip file the writer left open closes when its frame goes, and fails again on the
        # full disk («Exception ignored in ZipFile.__del__» on stderr): let it go now, quietly.
        sys.unraisablehook = _ignore_unraisable
        try:
            for chained in _chain(exc):
                traceback.clear_frames(chained.__traceback__)
            gc.collect()
        finally:
            sys.unraisablehook = hook
    if failure is not None:
        raise failure
    _sync_folder(folder)


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc``, the exceptions it was raised from and the OSErrors a library wrapped in it."""
    out: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(out) < 10:
        current = todo.pop()
        if current is None or any(current is seen for seen in out):
            continue
        out.append(current)
        todo += [current.__cause__, current.__context__]
        todo += [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
    return out


def _ignore_unraisable(_unraisable: object) -> None:
    """The failure is already reported as an OutputError."""


def _remove(temporary: Path) -> None:
    """Remove a temporary file, or the folder a library made of the name."""
    try:
        temporary.unlink(missing_ok=True)
    except IsADirectoryError:  # pragma: no cover - no writer of ours makes one
        import shutil

        shutil.rmtree(temporary, ignore_errors=True)
    except OSError:
        pass


def ensure_writable(target: Path | str, is_folder: bool = False) -> Path:
    """Before a long batch: make the folder of ``target`` (or ``target`` itself, a folder)
    and prove a file can be created there (a read-only, immutable or full folder is said
    now, not after the work)."""
    target = Path(target)
    folder = target if is_folder else target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _create_temporary(folder, "" if is_folder else target.suffix[:16]).unlink()
    except OSError as exc:
        raise OutputError(
            f"{target}：错误：无法在此位置写入：{describe_os_error(exc)}。未做任何处理。"
        ) from None
    return target


def atomic_write(target: Path | str, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``data`` (text is encoded with ``encoding``, line ends kept as given) to ``target``
    atomically; returns ``target`` as a Path."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_output(target) as temporary:
        temporary.write_bytes(payload)
    return Path(target)
