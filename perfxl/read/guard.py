"""The guard: classify a returned file and refuse dangerous or broken ones.

Departments send back .xlsx, .xlsm, .xls and .ods files. Before any parser touches one,
:func:`inspect_workbook` looks at its bytes, the zip directory and every part a parser may read,
and either returns a :class:`FileInfo` or raises :class:`IntakeError` with a stable finding code
and a Chinese message that names the file and says how to fix it. One bad file in a batch thus
becomes one clear error instead of a crash, a hang, an exhausted memory — or different data.

The archive is read into memory once (it is at most ``Limits.max_file_bytes``) and its
directory parsed by :mod:`zipfile`; every part is inflated and verified (size and CRC-32) once,
by :mod:`perfxl.read.parts`. The same pass gathers the structure facts (:mod:`perfxl.read.facts`)
and perfxl's own properties (:mod:`perfxl.read.props`), and :func:`inspect_for_reading` hands the
verified parts on to the value reader, so that it reads exactly what was checked.

Finding codes (stable; callers and documentation may rely on them):

- ``R001`` the file is missing, a folder, or cannot be read
- ``R002`` the file is empty
- ``R003`` the file is not a workbook (a PDF, a Word document, a web page saved as .xls, ...)
- ``R004`` the file is damaged or incomplete (e.g. a truncated download)
- ``R005`` the workbook is encrypted (an opening password)
- ``R006`` the file is too large, or looks like a decompression bomb
- ``R007`` an XML part declares a DTD or entities (billion laughs, XXE)
- ``R009`` a sheet holds values beyond the rows or columns a form can have (see Limits), or
  the shared strings declare more strings than that
- ``R010`` a sheet or the shared strings hold a position or count no spreadsheet can have
  (a cell past XFD1048576, a row numbered 4294967295): damaged or crafted
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import struct
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from perfxl.core.errors import PerfxlError
from perfxl.read import bounds, facts, props
from perfxl.read.parts import (
    INFLATE_ERRORS,
    PART_CHUNK,
    PartDamaged,
    Parts,
    PartTooLarge,
    stored_archive,
)

NOT_READABLE = "R001"
EMPTY = "R002"
NOT_A_WORKBOOK = "R003"
CORRUPT = "R004"
ENCRYPTED = "R005"
TOO_LARGE = "R006"
XML_ENTITIES = "R007"
SHEET_TOO_LARGE = "R009"
SHEET_MALFORMED = "R010"

KiB = 1024
MiB = 1024 * 1024

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# A local file header, an empty archive, and the marker a "spanned" single-part archive starts with.
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"

RATIO_MIN_PART = 1 * MiB  # the compression ratio is only judged for parts larger than this
XML_HEAD_BYTES = 4 * KiB  # how much of each XML part is read to look for <!DOCTYPE / <!ENTITY
XML_PROLOG_MAX = 64 * KiB  # a prolog (declaration, comments) longer than this is refused
XML_SUFFIXES = (".xml", ".rels", ".vml")
MANIFEST_HEAD_BYTES = 64 * KiB  # how much of an ODS META-INF/manifest.xml is searched
# The central directory may hold at most this many bytes per allowed entry; zipfile builds one
# object per entry before we can count them, so an oversized directory is refused unread.
DIRECTORY_BYTES_PER_ENTRY = 1 * KiB
OLE_SCAN_CHUNK = 1 * MiB
# Inflated XML parts up to this much in all are handed to the value reader (see
# inspect_for_reading); beyond it the reader inflates the file itself.
STORED_ARCHIVE_MAX = 32 * MiB

# Names of streams in an OLE/CFB container, as stored in its directory (UTF-16-LE).
_OLE_ENCRYPTED = ("EncryptedPackage", "EncryptionInfo")  # a password-protected .xlsx/.docx
_OLE_NAMES = _OLE_ENCRYPTED + (
    "Workbook",
    "Book",
    "WordDocument",
    "PowerPoint Document",
    "_VBA_PROJECT_CUR",
)
# BIFF8 / BIFF5 BOF record of the workbook globals; an encrypted .xls has a FILEPASS record
# (type 0x002F) right after it. The number is the offset of the next record's type.
_BIFF_GLOBALS_BOF = (
    (bytes.fromhex("0908100000060500"), 20),
    (bytes.fromhex("0908080000050500"), 12),
)
_BIFF_FILEPASS = b"\x2f\x00"

_FIX_RESEND = "请让填报单位重新发送原文件"
_FIX_SAVE_AS = "请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（.xlsx）再发送"


class IntakeError(PerfxlError):
    """A file that cannot be read; ``.code`` is a stable finding code (R001–R007)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code

    def __reduce__(self):  # keep the code when sent between processes of a batch
        return (type(self), (self.code, str(self)))


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * MiB  # size on disk
    max_uncompressed_bytes: int = 300 * MiB  # sum of ZipInfo.file_size
    max_part_bytes: int = 150 * MiB  # one part (e.g. a sheet XML)
    max_ratio: int = 100  # uncompressed / compressed size of any part larger than 1 MiB
    max_entries: int = 10_000  # zip members
    # A sheet's values may reach this far. The largest real form in tests/corpus has 39 rows
    # and 13 columns; a 清单式 sheet of a department with 200 projects of 20 indicators has
    # 4,000 rows. Beyond this a sheet is not a form (a pasted export, a runaway fill), and
    # reading it costs minutes and gigabytes (a cell at ZZ100000: 70 million cells).
    max_sheet_rows: int = 10_000
    max_sheet_columns: int = 256  # IV: Excel 2003's last column
    max_shared_strings: int = 1_000_000  # distinct strings a workbook declares


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class FileInfo:
    path: Path
    format: str  # "xlsx" | "xlsm" | "xls" | "ods"
    size: int
    has_macros: bool  # an xlsm, or a part/stream that holds macros
    # .xlsx/.xlsm: sheet name -> whether it still carries list validations (dropdowns); None
    # for other formats, or when the workbook part could not be mapped to its sheets
    dropdowns: dict[str, bool] | None = field(default=None, compare=False)
    # .xlsx/.xlsm: the custom document properties perfxl writes (name without "perfxl_")
    properties: dict[str, str] = field(default_factory=dict, compare=False)
    # .xlsx/.xlsm: cell elements in all sheets, styled-only ones included (0 for other formats)
    cells: int = field(default=0, compare=False)


def inspect_workbook(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> FileInfo:
    """Classify a returned workbook, or raise :class:`IntakeError` if it must not be parsed."""
    return _inspect(Path(path), limits, keep=False)[0]


def inspect_for_reading(
    path: Path | str, limits: Limits = DEFAULT_LIMITS
) -> tuple[FileInfo, bytes | None]:
    """As :func:`inspect_workbook`, and also what the value reader is to open, so that it reads
    exactly the bytes that were checked: the verified parts of an .xlsx as an uncompressed zip
    archive (no part is inflated twice; each keeps its CRC-32), or, when they were not all
    held (.ods files, parts beyond ``STORED_ARCHIVE_MAX`` or inflated in steps), the verified
    file as read into memory. None for .xls files (no CRC to verify): the reader opens them."""
    return _inspect(Path(path), limits, keep=True)


def _inspect(path: Path, limits: Limits, keep: bool) -> tuple[FileInfo, bytes | None]:
    name = path.name or str(path)
    _check_is_file(path, name)
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise _unreadable(name, exc) from exc
    with fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            if size == 0:
                raise IntakeError(
                    EMPTY,
                    f"「{name}」是空文件（0 字节），可能在保存或传输时出错。{_FIX_RESEND}。",
                )
            if size > limits.max_file_bytes:
                raise IntakeError(
                    TOO_LARGE,
                    f"「{name}」大小为 {_size(size)}，超过上限 {_size(limits.max_file_bytes)}，"
                    "未读取。请删除多余的工作表、图片或空白行列后重新保存，或请管理员调高上限。",
                )
            head = fh.read(XML_HEAD_BYTES)
            dropdowns, archive = None, None
            properties: dict[str, str] = {}
            cells = 0
            if head.startswith(ZIP_MAGICS):
                fmt, macros, dropdowns, archive, properties, cells = _inspect_zip(
                    fh, size, name, path.suffix.lower(), limits, keep
                )
            elif head.startswith(OLE_MAGIC):
                fmt, macros = "xls", _inspect_ole(fh, name)
            else:
                raise _not_a_workbook(name, head)
        except OSError as exc:
            raise _unreadable(name, exc) from exc
    info = FileInfo(
        path=path,
        format=fmt,
        size=size,
        has_macros=macros,
        dropdowns=dropdowns,
        properties=properties,
        cells=cells,
    )
    return info, archive


def describe_limits(limits: Limits = DEFAULT_LIMITS) -> str:
    """A short Chinese paragraph of the guard's checks and limits (for the documentation)."""
    return (
        "读取回收的工作簿之前，perfxl 先检查文件本身，以免一个异常文件拖垮整批处理："
        "只接受 .xlsx、.xlsm、.xls 和 .ods 工作簿（按文件内容识别，不看扩展名）；"
        f"文件不超过 {_size(limits.max_file_bytes)}，"
        f"压缩包内最多 {limits.max_entries} 个部件，"
        f"解压后合计不超过 {_size(limits.max_uncompressed_bytes)}、"
        f"单个部件不超过 {_size(limits.max_part_bytes)}，"
        f"大于 {_size(RATIO_MIN_PART)} 的部件压缩比不超过 {limits.max_ratio}:1（防止压缩炸弹）；"
        "每个部件解压后都与压缩包目录记录的大小和 CRC-32 校验值核对，不符即按文件损坏拒绝；"
        "XML 部件中不得含有 DTD 或实体声明（<!DOCTYPE、<!ENTITY）；"
        f"每张工作表中有内容的单元格不超过第 {limits.max_sheet_rows} 行、"
        f"第 {limits.max_sheet_columns} 列（真实表格最多几十行、十几列），"
        f"共享字符串不超过 {limits.max_shared_strings} 个，"
        "单元格位置和行号不超出 Excel 的范围（XFD1048576）；"
        "加密（设置了打开密码）的工作簿无法读取，需请填报单位取消密码后重新发送。"
    )


# --- files ------------------------------------------------------------------------------------


def _check_is_file(path: Path, name: str) -> None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as exc:
        if path.is_symlink():
            raise IntakeError(
                NOT_READABLE,
                f"「{name}」是一个链接（快捷方式），它指向的「{os.readlink(path)}」不存在，无法读取。"
                "请把真正的文件放到这里，或删除这个链接。",
            ) from exc
        raise IntakeError(
            NOT_READABLE, f"「{name}」不存在，无法读取。请检查文件名和所在文件夹是否正确。"
        ) from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IntakeError(
                NOT_READABLE,
                f"「{name}」是循环的链接（链接最终又指回自己），无法读取。请删除这个链接。",
            ) from exc
        raise _unreadable(name, exc) from exc
    if stat.S_ISDIR(mode):
        raise IntakeError(NOT_READABLE, _folder_message(path, name))
    if not stat.S_ISREG(mode):
        raise IntakeError(NOT_READABLE, f"「{name}」不是普通文件，无法读取。请指定一个工作簿文件。")


def _folder_message(path: Path, name: str) -> str:
    if path.is_symlink():
        target = path.resolve()
        if target == path.parent.resolve() or target in path.parent.resolve().parents:
            return (
                f"「{name}」是指向上层文件夹「{target}」的链接，会形成循环，未进入。"
                "请删除这个链接。"
            )
    try:
        with os.scandir(path):
            pass
    except OSError:
        return f"文件夹「{name}」无法打开（没有权限或无法访问），其中的文件未读取。请检查文件夹的权限。"
    return (
        f"「{name}」是一个文件夹，不是工作簿文件。"
        "请指定文件夹中的工作簿文件（.xlsx、.xlsm、.xls 或 .ods）。"
    )


def _unreadable(name: str, exc: OSError) -> IntakeError:
    if isinstance(exc, FileNotFoundError):
        reason = "文件不存在（可能刚被移动或删除）。请检查文件名和所在文件夹是否正确"
    elif isinstance(exc, PermissionError):
        reason = (
            "没有读取权限，或文件正被其他程序（如 Excel）占用。请关闭该文件或检查文件权限后重试"
        )
    else:
        code = f"，系统错误码 {exc.errno}" if exc.errno else ""
        reason = f"读取时出错{code}。请确认文件所在的磁盘或网络位置可以访问后重试"
    return IntakeError(NOT_READABLE, f"「{name}」无法读取：{reason}。")


def _not_a_workbook(name: str, head: bytes) -> IntakeError:
    accept = "请确认发送的是 .xlsx、.xlsm、.xls 或 .ods 工作簿"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.strip(b"\x00"):
        return IntakeError(
            CORRUPT, f"「{name}」开头全是空字节，文件已损坏或不完整。{_FIX_RESEND}。"
        )
    if head.startswith(b"%PDF"):
        what, fix = "看起来是 PDF 文件", "请让填报单位发送 Excel 原表，不要发送 PDF 或扫描件"
    elif head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        what, fix = "看起来是图片", "请让填报单位发送 Excel 原表，不要发送截图或照片"
    elif head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")):
        what, fix = "看起来是压缩包（rar、7z 或 gz）", "请解压后发送其中的工作簿"
    elif text.startswith((b"<!doctype html", b"<html")) or b"<table" in text:
        what, fix = "实际是网页（HTML）格式，常见于从业务系统导出的“.xls”", _FIX_SAVE_AS
    elif text.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        what, fix = "实际是“XML 电子表格 2003”格式", _FIX_SAVE_AS
    elif text.startswith(b"{\\rtf"):
        what, fix = "看起来是 RTF 文档", accept
    else:
        what, fix = "无法识别的文件格式", accept
    return IntakeError(NOT_A_WORKBOOK, f"「{name}」不是工作簿（{what}）。{fix}。")


# --- zip containers: xlsx, xlsm, ods --------------------------------------------------------


def _inspect_zip(
    fh: BinaryIO, size: int, name: str, suffix: str, limits: Limits, keep: bool = False
) -> tuple[str, bool, dict[str, bool] | None, bytes | None, dict[str, str], int]:
    corrupt = IntakeError(
        CORRUPT,
        f"「{name}」已损坏或不完整（无法读取压缩包目录），可能在下载或复制时中断。{_FIX_RESEND}。",
    )
    fh.seek(0)
    data = fh.read()  # at most limits.max_file_bytes
    declared = _zip_directory_size(data)
    if declared is not None:
        entries, directory_bytes = declared
        if entries > limits.max_entries:
            raise _too_many_entries(name, entries, limits)
        if directory_bytes > limits.max_entries * DIRECTORY_BYTES_PER_ENTRY:
            raise IntakeError(
                TOO_LARGE,
                f"「{name}」的压缩包目录异常庞大（{_size(directory_bytes)}），"
                "疑似恶意构造，已拒绝读取。请让填报单位用 Excel 重新保存后发送。",
            )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            _check_zip_sizes(name, infos, limits)
            if any(info.flag_bits & 0x1 for info in infos):  # a zip-level password
                raise _encrypted(name)
            names = {info.filename for info in infos}
            fmt, macros = _zip_format(zf, name, names, suffix)
            if fmt == "ods" and _ods_is_encrypted(zf, names):
                raise _encrypted(name)
            parts = Parts(data, zf, limits.max_part_bytes)
            sheets = _sheet_parts(parts, zf, names) if fmt != "ods" else None
            cells = _read_every_part(parts, infos, name, limits, sheets, fmt == "ods")
            dropdowns = _dropdowns(parts, zf, names, sheets) if sheets is not None else None
            properties = (
                props.perfxl_properties(parts.whole(zf.getinfo(props.CUSTOM_PROPERTIES)))
                if fmt != "ods" and props.CUSTOM_PROPERTIES in names
                else {}
            )
    except IntakeError:
        raise
    except _DAMAGED as exc:
        raise corrupt from exc
    if not keep:
        return fmt, macros, dropdowns, None, properties, cells
    return fmt, macros, dropdowns, _for_the_reader(parts, infos, fmt), properties, cells


def _read_every_part(
    parts: Parts,
    infos: list[zipfile.ZipInfo],
    name: str,
    limits: Limits,
    sheets: dict[str, str] | None,
    ods: bool = False,
) -> int:
    """Inflate and verify every part a parser may read, within the limits; refuse a DTD at
    the head of an XML part, and a sheet or shared-strings table past the bounds of a form
    (``sheets``: sheet name -> part, when the workbook part could be mapped).

    A bomb is reported as a bomb: a part that does not match its directory entry (R004) is
    only reported once every part has been measured against the limits (R006). Returns the
    number of cell elements in the sheets."""
    total = cells = 0
    damaged: PartDamaged | None = None
    sheet_names = {part: sheet for sheet, part in (sheets or {}).items()}
    for info in infos:
        if not _parser_reads(info):
            continue
        xml = info.filename.lower().endswith(XML_SUFFIXES)
        kind = _bounded_kind(info.filename, sheet_names, ods)
        try:
            if info.file_size <= PART_CHUNK or info.filename in _WHOLE_PARTS:
                body = parts.whole(info)
                size = len(body)
                if xml:
                    _check_xml_head(body, info, name)
                if kind:
                    cells += _check_bounds(kind, (body,), size, info, name, limits, sheet_names)
            else:  # a large part (or one whose entry says so) is inflated in steps
                stream = _Measured(parts, info, name, limits, total, xml)
                refused: IntakeError | None = None
                if kind:
                    try:
                        cells += _check_bounds(
                            kind, stream, info.file_size, info, name, limits, sheet_names
                        )
                    except IntakeError as exc:
                        refused = exc
                # the rest of the part, read even after a refusal: the scan saw unverified
                # bytes, and a flipped bit must be reported as damage, never as a finding
                for _ in stream:
                    pass
                size = stream.size
                if refused is not None:
                    raise refused
        except PartTooLarge as exc:
            raise _part_too_large(name, exc.info, limits) from None
        except PartDamaged as exc:
            damaged = damaged or exc
            size = exc.size
        total += size
        if total > limits.max_uncompressed_bytes:
            raise _total_too_large(name, total, limits)
    if damaged is not None:
        raise IntakeError(
            CORRUPT,
            f"「{name}」已损坏（部件「{damaged.info.filename}」与压缩包目录记录的"
            "大小或校验值不符），可能在下载、复制或保存时出错。"
            f"{_FIX_RESEND}。",
        ) from damaged
    return cells


class _Measured:
    """A large part's pieces as they are inflated, each counted against the limits (and the
    first searched for a DTD): one pass feeds both the measure and the bounds scan."""

    def __init__(
        self, parts: Parts, info: zipfile.ZipInfo, name: str, limits: Limits, before: int, xml: bool
    ):
        self.size = 0
        self._pieces = parts.chunks(info)
        self._info, self._name, self._limits = info, name, limits
        self._before, self._xml = before, xml

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        piece = next(self._pieces)
        if self._xml and self.size == 0:
            _check_xml_head(piece, self._info, self._name)
        self.size += len(piece)
        if self._before + self.size > self._limits.max_uncompressed_bytes:
            raise _total_too_large(self._name, self._before + self.size, self._limits)
        return piece


def _bounded_kind(part: str, sheet_names: dict[str, str], ods: bool) -> str:
    """What a part is to the bounds: "sheet" for a part the value reader builds as a sheet,
    "strings" for the shared strings, "ods" for the sheets of an .ods, "" for the others."""
    lower = part.lower()
    if ods:
        return "ods" if part == "content.xml" else ""
    if part in sheet_names or (lower.startswith("xl/worksheets/") and lower.endswith(".xml")):
        return "sheet"
    if lower.rsplit("/", 1)[-1] == "sharedstrings.xml":
        return "strings"
    return ""


def _check_bounds(
    kind: str,
    pieces: Iterable[bytes],
    size: int,
    info: zipfile.ZipInfo,
    name: str,
    limits: Limits,
    sheet_names: dict[str, str],
) -> int:
    """Refuse a sheet or shared-strings part past the bounds; the cells of a sheet."""
    sheet = sheet_names.get(info.filename)
    where = f"工作表「{sheet}」" if sheet else f"部件「{info.filename}」"
    try:
        if kind in ("sheet", "ods"):
            scan = bounds.scan_sheet if kind == "sheet" else bounds.scan_ods
            extent = scan(pieces, limits.max_sheet_rows, limits.max_sheet_columns)
            return extent.cells if extent is not None else 0
        head = next(iter(pieces), b"")
        bounds.shared_strings(head, size, limits.max_shared_strings)
        return 0
    except bounds.OutOfBounds as exc:
        if exc.what == "strings":
            what = (
                f"的共享字符串表声明有 {exc.ref} 个不同的文字，超过上限 "
                f"{limits.max_shared_strings} 个"
            )
            where = ""
        else:
            passed = f"第 {exc.row} 行" if exc.what == "rows" else f"第 {exc.column} 列"
            what = (
                f"在 {exc.ref}（{passed}）还有内容，超出一张绩效表格的合理范围"
                f"（最多 {limits.max_sheet_rows} 行、{limits.max_sheet_columns} 列）"
            )
        raise IntakeError(
            SHEET_TOO_LARGE,
            f"「{name}」的{where}{what}，未读取。请删除表格以外多余的行、列"
            "（或把其他数据移到另一个文件）后重新保存再发送。",
        ) from None
    except bounds.Malformed as exc:
        raise IntakeError(
            SHEET_MALFORMED,
            f"「{name}」的{where}结构异常：{exc.reason}，文件已损坏或是被恶意构造的，"
            "已拒绝读取。请让填报单位用 Excel 或 WPS 打开后另存为新的工作簿再发送。",
        ) from None


def _sheet_parts(parts: Parts, zf: zipfile.ZipFile, names: set[str]) -> dict[str, str] | None:
    """Sheet name -> part, from the workbook part and its relationships; None when they are
    missing or cannot be read (the part loop then reports a damaged or oversized one)."""
    if not all(part in names for part in _WORKBOOK_PARTS):
        return None
    try:
        workbook, rels = (parts.whole(zf.getinfo(part)) for part in _WORKBOOK_PARTS)
    except _UNMAPPED:
        return None
    return facts.sheet_parts(workbook, rels)


def _dropdowns(
    parts: Parts, zf: zipfile.ZipFile, names: set[str], sheets: dict[str, str]
) -> dict[str, bool] | None:
    """Sheet name -> whether the sheet still carries list validations; None when a sheet
    part cannot be parsed (the dropdown check is then skipped)."""
    out: dict[str, bool] = {}
    for sheet, part in sheets.items():
        if part not in names:
            out[sheet] = False
            continue
        info = zf.getinfo(part)
        found = (
            facts.has_list_validation(parts.whole(info))
            if info.file_size <= PART_CHUNK
            else facts.has_list_validation_in(parts.chunks(info))
        )
        if found is None:
            return None
        out[sheet] = found
    return out


def _for_the_reader(parts: Parts, infos: list[zipfile.ZipInfo], fmt: str) -> bytes:
    """What the value reader opens: the verified parts as an uncompressed archive when every
    part a parser reads was held (no part is inflated twice), else the verified file itself."""
    kept = parts.kept()
    if (
        fmt in ("xlsx", "xlsm")
        and len(kept) == sum(1 for info in infos if _parser_reads(info))
        and sum(len(body) for _, body in kept) <= STORED_ARCHIVE_MAX
    ):
        return stored_archive(kept)
    return parts.data


def _parser_reads(info: zipfile.ZipInfo) -> bool:
    """Whether a part may be read by a parser: all but folders, pictures, printer settings and
    macros (the value reader never opens those)."""
    return not info.is_dir() and not info.filename.lower().endswith(_BINARY_SUFFIXES)


_MEDIA_SUFFIXES = (".png", ".jpeg", ".jpg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf")
_BINARY_SUFFIXES = (*_MEDIA_SUFFIXES, ".svg", ".bin")
_WORKBOOK_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
# parts read whole whatever their size: the facts and properties are read from them
_WHOLE_PARTS = (*_WORKBOOK_PARTS, props.CUSTOM_PROPERTIES)
# what reading the workbook part and its relationships may raise before the part loop
_UNMAPPED: tuple[type[Exception], ...] = (PartTooLarge, PartDamaged, *INFLATE_ERRORS)
# what reading a damaged archive raises
_DAMAGED: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    EOFError,
    ValueError,
    NotImplementedError,
    struct.error,
    RuntimeError,
    OSError,
    PartDamaged,
    *INFLATE_ERRORS,
)


def _total_too_large(name: str, total: int, limits: Limits) -> IntakeError:
    return IntakeError(
        TOO_LARGE,
        f"「{name}」解压后合计超过 {_size(limits.max_uncompressed_bytes)}（已解压 {_size(total)}），"
        "疑似压缩炸弹，已拒绝读取。请让填报单位用 Excel 重新保存后发送。",
    )


def _part_too_large(name: str, info: zipfile.ZipInfo, limits: Limits) -> IntakeError:
    return IntakeError(
        TOO_LARGE,
        f"「{name}」中的部件「{info.filename}」解压后超过单个部件上限 "
        f"{_size(limits.max_part_bytes)}，疑似压缩炸弹，已拒绝读取。"
        "请让填报单位用 Excel 重新保存后发送。",
    )


def _zip_directory_size(data: bytes) -> tuple[int, int] | None:
    """(entries, central directory bytes) as declared by the end records, or None."""
    size = len(data)
    # the end record is the last 22 bytes, unless a comment (up to 64 KiB) follows it
    pos = size - 22 if data.startswith(b"PK\x05\x06", size - 22) else -1
    if pos < 0:
        pos = data.rfind(b"PK\x05\x06", max(0, size - (22 + 0xFFFF + 20)))
    if pos < 0 or size - pos < 22:
        return None
    entries, directory_bytes, offset = struct.unpack_from("<HLL", data, pos + 10)
    if entries != 0xFFFF and 0xFFFFFFFF not in (directory_bytes, offset):
        return entries, directory_bytes
    if pos < 20 or not data.startswith(b"PK\x06\x07", pos - 20):
        return None
    (record_offset,) = struct.unpack_from("<Q", data, pos - 20 + 8)
    if record_offset > size - 56 or not data.startswith(b"PK\x06\x06", record_offset):
        return None
    entries64, directory64 = struct.unpack_from("<QQ", data, record_offset + 32)
    return entries64, directory64


def _too_many_entries(name: str, entries: int, limits: Limits) -> IntakeError:
    return IntakeError(
        TOO_LARGE,
        f"「{name}」压缩包内有 {entries} 个部件，超过上限 {limits.max_entries} 个，"
        "疑似压缩炸弹或恶意构造的文件，已拒绝读取。请让填报单位用 Excel 重新保存后发送。",
    )


def _check_zip_sizes(name: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise _too_many_entries(name, len(infos), limits)
    fix = "已拒绝读取。请让填报单位删除多余内容、用 Excel 重新保存后发送，或请管理员调高上限。"
    for info in infos:
        part = f"「{name}」中的部件「{info.filename}」"
        if info.file_size > limits.max_part_bytes:
            raise IntakeError(
                TOO_LARGE,
                f"{part}解压后有 {_size(info.file_size)}，超过单个部件上限 "
                f"{_size(limits.max_part_bytes)}，{fix}",
            )
        if info.file_size > RATIO_MIN_PART and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise IntakeError(
                TOO_LARGE,
                f"{part}压缩比达 {ratio}:1（{_size(info.compress_size)} 解压为 "
                f"{_size(info.file_size)}），超过上限 {limits.max_ratio}:1，疑似压缩炸弹，{fix}",
            )
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        raise IntakeError(
            TOO_LARGE,
            f"「{name}」解压后合计 {_size(total)}，超过上限 "
            f"{_size(limits.max_uncompressed_bytes)}，疑似压缩炸弹，{fix}",
        )


def _zip_format(zf: zipfile.ZipFile, name: str, names: set[str], suffix: str) -> tuple[str, bool]:
    if "xl/workbook.xml" in names:
        macros = suffix == ".xlsm" or "xl/vbaProject.bin" in names
        return ("xlsm" if macros else "xlsx"), macros
    mimetype = _read_mimetype(zf, names)
    if mimetype == ODS_MIMETYPE:
        macros = any(n.startswith(("Basic/", "Scripts/")) for n in names)
        return "ods", macros
    if "word/document.xml" in names:
        what = "看起来是 Word 文档，可能只是把扩展名改成了表格的扩展名"
        fix = "请让填报单位发送填好的 Excel 工作簿"
    elif "ppt/presentation.xml" in names:
        what, fix = "看起来是 PowerPoint 演示文稿", "请让填报单位发送填好的 Excel 工作簿"
    elif "xl/workbook.bin" in names:
        what, fix = "是 Excel 二进制工作簿（.xlsb），暂不支持", _FIX_SAVE_AS
    elif mimetype.startswith("application/vnd.oasis.opendocument."):
        what = f"是 OpenDocument 文件，但不是电子表格（{mimetype}）"
        fix = "请让填报单位发送填好的 .ods 或 Excel 工作簿"
    else:
        what = "是一个普通的 zip 压缩包，里面没有工作簿"
        fix = "请解压后发送其中的工作簿，或确认发送的是 .xlsx、.xlsm、.xls 或 .ods 文件"
    raise IntakeError(NOT_A_WORKBOOK, f"「{name}」不是工作簿（{what}）。{fix}。")


def _read_mimetype(zf: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" not in names or zf.getinfo("mimetype").file_size > 256:
        return ""
    with zf.open("mimetype") as part:
        return part.read(256).decode("ascii", "replace").strip()


def _ods_is_encrypted(zf: zipfile.ZipFile, names: set[str]) -> bool:
    """An ODS with a password keeps its parts encrypted and lists them in the manifest."""
    if "META-INF/manifest.xml" not in names:
        return False
    with zf.open("META-INF/manifest.xml") as part:
        return b"encryption-data" in part.read(MANIFEST_HEAD_BYTES)


def _encrypted(name: str, detail: str = "设置了打开密码") -> IntakeError:
    return IntakeError(
        ENCRYPTED,
        f"「{name}」已加密（{detail}），无法读取。请让填报单位取消密码后重新发送。",
    )


def _check_xml_head(data: bytes, info: zipfile.ZipInfo, name: str) -> None:
    """Refuse a DTD or entity declaration at the head of an XML part (``data`` holds the
    whole part, or at least its first PART_CHUNK bytes).

    The first 4 KiB are searched. Only when they hold nothing but a long prolog (comments,
    processing instructions) is more looked at, up to 64 KiB, so that padding cannot push a
    <!DOCTYPE past the window."""
    if _plainly_rooted(data):
        return
    seen = min(len(data), XML_HEAD_BYTES)
    text = _decode_head(data[:seen])
    found = "<!" in text and any(word in text.upper() for word in ("<!DOCTYPE", "<!ENTITY"))
    state = _prolog_state(text, eof=seen < XML_HEAD_BYTES)
    while not found and state == "open" and seen < XML_PROLOG_MAX:
        more = min(len(data), seen + XML_HEAD_BYTES) - seen
        seen += more
        state = _prolog_state(_decode_head(data[:seen]), eof=more < XML_HEAD_BYTES)
    if found or state == "dtd":
        what = "中含有 XML 实体声明（<!DOCTYPE 或 <!ENTITY），正常的工作簿不会有这种内容"
    elif state == "open":
        what = f"开头有超过 {_size(XML_PROLOG_MAX)} 的注释或处理指令，无法确认其中没有实体声明"
    else:
        return
    raise IntakeError(
        XML_ENTITIES,
        f"「{name}」的部件「{info.filename}」{what}，可能是恶意构造的文件"
        "（实体膨胀或外部实体攻击），已拒绝读取。"
        "请让填报单位用 Excel 打开后另存为新的工作簿再发送。",
    )


def _plainly_rooted(data: bytes) -> bool:
    """The common case, decided without decoding or scanning: after at most an XML
    declaration comes the root element — and a DTD (with its entities) can only stand before
    the root element. Anything else gets the full check."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if data.startswith(b"<?", start):
        end = data.find(b"?>", start, XML_HEAD_BYTES)
        if end < 0:
            return False
        start = end + 2
    found = _XML_NON_SPACE.search(data, start, XML_HEAD_BYTES)
    if found is None:
        return False
    start = found.start()
    return data[start : start + 1] == b"<" and data[start + 1 : start + 2].isalpha()


_XML_NON_SPACE = re.compile(rb"[^ \t\r\n]")


def _decode_head(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "ignore")
    if data.startswith(b"<\x00"):
        return data.decode("utf-16-le", "ignore")
    if data.startswith(b"\x00<"):
        return data.decode("utf-16-be", "ignore")
    return data.removeprefix(b"\xef\xbb\xbf").decode("latin-1")


def _prolog_state(text: str, eof: bool) -> str:
    """How far the prolog has been read: "root" once the root element starts, "dtd" at a
    <!... declaration in the prolog, "open" while only declarations and comments were seen."""
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n\ufeff":
            i += 1
        if i >= n:
            return "root" if eof else "open"
        if text.startswith("<?", i) or text.startswith("<!--", i):
            close = "?>" if text[i + 1] == "?" else "-->"
            end = text.find(close, i + 2)
            if end < 0:
                return "root" if eof else "open"
            i = end + len(close)
        elif text.startswith("<!", i):
            return "dtd"
        elif n - i < 4 and not eof:  # a "<!--" may be cut at the end of what was read
            return "open"
        else:
            return "root"


# --- OLE / CFB containers: xls, and password-protected OOXML -------------------------------


def _inspect_ole(fh: BinaryIO, name: str) -> bool:
    """Return has_macros for an .xls; raise if the container is encrypted or not a workbook."""
    found, filepass = _scan_ole(fh)
    if found & set(_OLE_ENCRYPTED):
        raise _encrypted(name)
    if filepass:
        raise _encrypted(name, "设置了打开密码或“保护工作簿”密码")
    if not found & {"Workbook", "Book"}:
        if "WordDocument" in found:
            what = "看起来是 Word 文档（.doc），可能只是把扩展名改成了表格的扩展名"
        elif "PowerPoint Document" in found:
            what = "看起来是 PowerPoint 演示文稿（.ppt）"
        else:
            what = ""
        if what:
            raise IntakeError(
                NOT_A_WORKBOOK,
                f"「{name}」不是工作簿（{what}）。请让填报单位发送填好的 Excel 工作簿。",
            )
    return "_VBA_PROJECT_CUR" in found


def _scan_ole(fh: BinaryIO) -> tuple[set[str], bool]:
    """Stream names present (searched as UTF-16-LE in the whole file, whose size is already
    bounded), and whether the first workbook-globals BOF record is followed by FILEPASS."""
    needles = {n: n.encode("utf-16-le") for n in _OLE_NAMES}
    keep = max(max(len(b) for b in needles.values()), 24) - 1
    found: set[str] = set()
    filepass: bool | None = None
    fh.seek(0)
    tail = b""
    while chunk := fh.read(OLE_SCAN_CHUNK):
        window = tail + chunk
        found.update(n for n, b in needles.items() if n not in found and b in window)
        if filepass is None:
            hits = [(window.find(bof), off) for bof, off in _BIFF_GLOBALS_BOF]
            hits = [(pos, off) for pos, off in hits if pos >= 0]
            if hits:
                pos, off = min(hits)
                if pos + off + 2 <= len(window):
                    filepass = window[pos + off : pos + off + 2] == _BIFF_FILEPASS
        tail = window[-keep:]
    return found, bool(filepass)


# --- helpers ----------------------------------------------------------------------------------


def _size(n: int) -> str:
    for unit, scale in (("GB", 1024 * MiB), ("MB", MiB), ("KB", KiB)):
        if n >= scale:
            text = f"{n / scale:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{n} 字节"
