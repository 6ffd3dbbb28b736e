"""The read stage's guard, parts, facts and properties: every bad file is built here in
tmp_path; no binary fixtures."""

from __future__ import annotations

import io
import pickle
import re
import struct
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from perfxl.read.guard import (
    ODS_MIMETYPE,
    OLE_MAGIC,
    FileInfo,
    IntakeError,
    Limits,
    describe_limits,
    inspect_for_reading,
    inspect_workbook,
)

MiB = 1024 * 1024
CJK = re.compile(r"[\u4e00-\u9fff]")

LOL_REFS = {i: f"&lol{i - 1};" * 10 for i in range(1, 10)}  # each level is 10x the one before
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{refs}">\n' for i, refs in LOL_REFS.items())
    + "]>\n"
)


# --- builders -------------------------------------------------------------------------------


def make_xlsx(path: Path, text: str = "hello") -> Path:
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Sheet1").write(0, 0, text)
    book.close()
    return path


def rewrite_zip(src: Path, dst: Path, edit=None, add: dict[str, bytes] | None = None) -> Path:
    """Copy a zip, passing every member through ``edit(name, data)`` and adding ``add``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, edit(info.filename, data) if edit else data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def with_workbook_xml(tmp_path: Path, name: str, transform) -> Path:
    """An xlsx whose xl/workbook.xml text is passed through ``transform``."""
    good = make_xlsx(tmp_path / "base.xlsx")

    def edit(member: str, data: bytes) -> bytes:
        if member != "xl/workbook.xml":
            return data
        result = transform(data.decode("utf-8"))
        return result if isinstance(result, bytes) else result.encode("utf-8")

    return rewrite_zip(good, tmp_path / name, edit)


def after_declaration(text: str, insert: str) -> str:
    end = text.index("?>") + 2
    return text[:end] + "\n" + insert + text[end:]


def billion_laughs_xlsx(tmp_path: Path, name: str = "炸弹单位.xlsx") -> Path:
    """The classic attack: the DTD declares nested entities and the sheet name uses them."""
    return with_workbook_xml(
        tmp_path,
        name,
        lambda t: after_declaration(t, BILLION_LAUGHS).replace('name="Sheet1"', 'name="&lol9;"'),
    )


def make_ods(path: Path, manifest_extra: str = "") -> Path:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
        f"{manifest_extra}</manifest:manifest>"
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' office:version="1.3"><office:body><office:spreadsheet/></office:body>'
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return path


def make_ole(path: Path, *inside: bytes) -> Path:
    path.write_bytes(OLE_MAGIC + bytes(504) + b"".join(inside) + bytes(4096))
    return path


def utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def refused(path: Path, code: str, limits: Limits | None = None) -> str:
    """Assert that the file is refused with ``code``; return the message."""
    started = time.perf_counter()
    with pytest.raises(IntakeError) as caught:
        inspect_workbook(path, limits) if limits else inspect_workbook(path)
    assert time.perf_counter() - started < 2
    error = caught.value
    message = str(error)
    assert error.code == code, message
    assert CJK.search(message), message
    assert f"「{path.name}」" in message
    assert "请" in message  # says how to fix it
    assert error.format() == message
    return message


# --- files that are accepted -----------------------------------------------------------------


def test_good_xlsx(tmp_path):
    path = make_xlsx(tmp_path / "甲单位.xlsx")
    info = inspect_workbook(path)
    assert info == FileInfo(path=path, format="xlsx", size=path.stat().st_size, has_macros=False)


def test_text_that_looks_like_a_doctype_in_a_cell_is_fine(tmp_path):
    path = make_xlsx(tmp_path / "乙单位.xlsx", text='<!DOCTYPE x [<!ENTITY a "b">]>')
    assert inspect_workbook(path).format == "xlsx"


def test_xlsm_by_extension_and_vba_part(tmp_path):
    good = make_xlsx(tmp_path / "base.xlsx")
    path = rewrite_zip(good, tmp_path / "宏单位.xlsm", add={"xl/vbaProject.bin": b"\x00" * 64})
    info = inspect_workbook(path)
    assert (info.format, info.has_macros) == ("xlsm", True)


def test_vba_part_in_a_file_named_xlsx(tmp_path):
    good = make_xlsx(tmp_path / "base.xlsx")
    path = rewrite_zip(good, tmp_path / "改名.xlsx", add={"xl/vbaProject.bin": b"\x00" * 64})
    info = inspect_workbook(path)
    assert (info.format, info.has_macros) == ("xlsm", True)


def test_xlsm_extension_without_vba_part(tmp_path):
    good = make_xlsx(tmp_path / "base.xlsx")
    path = tmp_path / "无宏.xlsm"
    path.write_bytes(good.read_bytes())
    info = inspect_workbook(path)
    assert (info.format, info.has_macros) == ("xlsm", True)


def test_ods(tmp_path):
    path = make_ods(tmp_path / "丙单位.ods")
    with zipfile.ZipFile(path) as z:
        assert z.infolist()[0].filename == "mimetype"
    info = inspect_workbook(path)
    assert (info.format, info.has_macros, info.size) == ("ods", False, path.stat().st_size)


def test_ole_file_is_xls(tmp_path):
    info = inspect_workbook(make_ole(tmp_path / "丁单位.xls"))
    assert (info.format, info.has_macros) == ("xls", False)


def test_xls_with_vba_stream_has_macros(tmp_path):
    path = make_ole(tmp_path / "宏.xls", utf16("Workbook"), utf16("_VBA_PROJECT_CUR"))
    assert inspect_workbook(path).has_macros


def test_path_given_as_str(tmp_path):
    path = make_xlsx(tmp_path / "a.xlsx")
    assert inspect_workbook(str(path)).path == path


# --- R001 / R002 -------------------------------------------------------------------------


def test_missing_file(tmp_path):
    assert "不存在" in refused(tmp_path / "不存在.xlsx", "R001")


def test_directory(tmp_path):
    folder = tmp_path / "回收表.xlsx"
    folder.mkdir()
    assert "文件夹" in refused(folder, "R001")


def test_empty_file(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    assert "空文件" in refused(path, "R002")


# --- R003 ------------------------------------------------------------------------------------


def test_pdf(tmp_path):
    path = tmp_path / "扫描件.xlsx"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    assert "PDF" in refused(path, "R003")


def test_docx_renamed(tmp_path):
    path = tmp_path / "报告.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert "Word" in refused(path, "R003")


def test_plain_zip(tmp_path):
    path = tmp_path / "打包.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hi")
    assert "压缩包" in refused(path, "R003")


def test_html_saved_as_xls(tmp_path):
    path = tmp_path / "系统导出.xls"
    path.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    assert "HTML" in refused(path, "R003")


def test_doc_renamed_to_xls(tmp_path):
    path = make_ole(tmp_path / "说明.xls", utf16("WordDocument"))
    assert "Word" in refused(path, "R003")


# --- R004 ------------------------------------------------------------------------------------


def test_zeros(tmp_path):
    path = tmp_path / "全零.xlsx"
    path.write_bytes(bytes(10_000))
    assert "损坏" in refused(path, "R004")


def test_truncated_xlsx(tmp_path):
    data = make_xlsx(tmp_path / "base.xlsx").read_bytes()
    path = tmp_path / "半截.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert "损坏" in refused(path, "R004")


# --- R005 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", ["EncryptedPackage", "EncryptionInfo"])
def test_encrypted_ooxml(tmp_path, stream):
    path = make_ole(tmp_path / "甲单位.xlsx", b"\x00" * 1000, utf16(stream))
    expected = "「甲单位.xlsx」已加密（设置了打开密码），无法读取。请让填报单位取消密码后重新发送。"
    assert refused(path, "R005") == expected


def biff_globals(next_record: bytes) -> bytes:
    """A BIFF8 BOF record of the workbook globals followed by a record of the given type."""
    return bytes.fromhex("0908100000060500") + bytes(12) + next_record + b"\x02\x00\x00\x00"


def test_encrypted_xls_filepass(tmp_path):
    path = make_ole(tmp_path / "旧版.xls", biff_globals(b"\x2f\x00"), utf16("Workbook"))
    assert "密码" in refused(path, "R005")


def test_xls_without_filepass(tmp_path):
    path = make_ole(tmp_path / "旧版.xls", biff_globals(b"\xe1\x00"), utf16("Workbook"))
    assert inspect_workbook(path).format == "xls"


def test_encrypted_ods(tmp_path):
    entry = (
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        "<manifest:encryption-data/></manifest:file-entry>"
    )
    refused(make_ods(tmp_path / "加密.ods", manifest_extra=entry), "R005")


def test_zip_level_password(tmp_path):
    path = make_xlsx(tmp_path / "zip密码.xlsx")
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag (bit 0 of the general purpose flags) of every central entry.
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        data[pos + 8] |= 1
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    refused(path, "R005")


# --- R006 ------------------------------------------------------------------------------------


def test_zip_bomb_with_default_limits(tmp_path):
    """200 MiB of zeros, written in chunks so the test holds only 1 MiB at a time."""
    path = tmp_path / "炸弹.xlsx"
    chunk = bytes(MiB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as part:
            for _ in range(200):
                part.write(chunk)
    assert path.stat().st_size < 2 * MiB
    assert "xl/worksheets/sheet1.xml" in refused(path, "R006")


def _understate(path: Path, part: str, size: int = 100) -> Path:
    """Make the central directory entry of ``part`` declare ``size`` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    entry = 0
    while True:
        entry = data.find(b"PK\x01\x02", entry + 1)
        name_len = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + name_len] == part.encode():
            break
    struct.pack_into("<L", data, entry + 24, size)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
def test_part_larger_than_its_directory_entry_says(tmp_path, part):
    """A directory entry that understates a part's size is caught while it is inflated —
    for every XML part a parser reads, not only the sheets."""
    good = make_xlsx(tmp_path / "base.xlsx")
    path = rewrite_zip(
        good,
        tmp_path / "谎报大小.xlsx",
        lambda name, data: data + b" " * (3 * MiB) if name == part else data,
    )
    _understate(path, part)
    assert part in refused(path, "R006", Limits(max_part_bytes=1 * MiB))


def test_total_larger_than_the_directory_says(tmp_path):
    """Parts that each understate their size are added up as they are inflated."""
    good = make_xlsx(tmp_path / "base.xlsx")
    parts = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")
    path = rewrite_zip(
        good,
        tmp_path / "谎报合计.xlsx",
        lambda name, data: data + b" " * MiB if name in parts else data,
    )
    for part in parts:
        _understate(path, part)
    limits = Limits(max_part_bytes=2 * MiB, max_uncompressed_bytes=int(1.5 * MiB))
    assert "合计" in refused(path, "R006", limits)


def test_compression_ratio(tmp_path):
    path = tmp_path / "高压缩比.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", bytes(8 * MiB))
    assert "压缩比" in refused(path, "R006")


def test_file_too_big(tmp_path):
    path = make_xlsx(tmp_path / "大文件.xlsx")
    assert "超过上限" in refused(path, "R006", Limits(max_file_bytes=1000))


def test_total_uncompressed_too_big(tmp_path):
    path = make_xlsx(tmp_path / "合计.xlsx")
    assert "合计" in refused(path, "R006", Limits(max_uncompressed_bytes=2000))


def test_part_too_big(tmp_path):
    path = make_xlsx(tmp_path / "部件.xlsx")
    assert "单个部件" in refused(path, "R006", Limits(max_part_bytes=1000))


def test_too_many_entries(tmp_path):
    good = make_xlsx(tmp_path / "base.xlsx")
    extra = {f"xl/media/image{i}.png": b"x" for i in range(60)}
    path = rewrite_zip(good, tmp_path / "很多部件.xlsx", add=extra)
    assert "部件" in refused(path, "R006", Limits(max_entries=50))


def set_declared_entries(path: Path, count: int) -> None:
    """Make the end-of-central-directory record lie about the number of entries."""
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = count.to_bytes(2, "little") * 2
    path.write_bytes(bytes(data))


def test_declared_entries_are_checked_before_the_directory_is_parsed(tmp_path):
    path = make_xlsx(tmp_path / "声明很多.xlsx")
    set_declared_entries(path, 60000)
    assert "60000" in refused(path, "R006")


def to_zip64(path: Path, declared_entries: int | None = None) -> None:
    """Rewrite the end of a zip the way writers that always use zip64 do."""
    data = path.read_bytes()
    end = data.rfind(b"PK\x05\x06")
    entries, size, offset = struct.unpack("<HLL", data[end + 10 : end + 20])
    count = entries if declared_entries is None else declared_entries
    record = b"PK\x06\x06" + struct.pack("<QHHLLQQQQ", 44, 45, 45, 0, 0, count, count, size, offset)
    locator = b"PK\x06\x07" + struct.pack("<LQL", 0, end, 1)
    eocd = b"PK\x05\x06" + struct.pack("<HHHHLLH", 0, 0, 0xFFFF, 0xFFFF, size, 0xFFFFFFFF, 0)
    path.write_bytes(data[:end] + record + locator + eocd)


def test_zip64_end_records(tmp_path):
    path = make_xlsx(tmp_path / "zip64.xlsx")
    to_zip64(path)
    assert openpyxl.load_workbook(path).sheetnames == ["Sheet1"]
    assert inspect_workbook(path).format == "xlsx"
    to_zip64(make_xlsx(path), declared_entries=70000)
    assert "70000" in refused(path, "R006")


def test_entries_are_counted_when_the_declared_number_lies(tmp_path):
    good = make_xlsx(tmp_path / "base.xlsx")
    extra = {f"xl/media/image{i}.png": b"x" for i in range(60)}
    path = rewrite_zip(good, tmp_path / "少报.xlsx", add=extra)
    set_declared_entries(path, 1)
    assert "部件" in refused(path, "R006", Limits(max_entries=50))
    set_declared_entries(path, 1)
    assert "目录异常庞大" in refused(path, "R006", Limits(max_entries=2))


# --- R007 ------------------------------------------------------------------------------------


def test_billion_laughs(tmp_path):
    message = refused(billion_laughs_xlsx(tmp_path), "R007")
    assert "xl/workbook.xml" in message


def test_external_entity(tmp_path):
    xxe = '<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    path = with_workbook_xml(
        tmp_path,
        "外部实体.xlsx",
        lambda t: after_declaration(t, xxe).replace('name="Sheet1"', 'name="&xxe;"'),
    )
    refused(path, "R007")


def test_doctype_pushed_past_4_kib_by_a_comment(tmp_path):
    padding = "<!--" + "x" * 6000 + "-->\n"
    path = with_workbook_xml(
        tmp_path, "长注释.xlsx", lambda t: after_declaration(t, padding + BILLION_LAUGHS)
    )
    assert "<!DOCTYPE" in refused(path, "R007")


def test_long_comment_without_doctype_is_fine(tmp_path):
    padding = "<!--" + "x" * 6000 + "-->\n<?pi " + "y" * 6000 + "?>\n"
    path = with_workbook_xml(tmp_path, "长注释.xlsx", lambda t: after_declaration(t, padding))
    assert inspect_workbook(path).format == "xlsx"


def test_endless_prolog(tmp_path):
    padding = "<!--" + "x" * (100 * 1024) + "-->\n"
    path = with_workbook_xml(tmp_path, "超长注释.xlsx", lambda t: after_declaration(t, padding))
    assert "注释" in refused(path, "R007")


def test_doctype_in_utf16_part(tmp_path):
    path = with_workbook_xml(
        tmp_path,
        "utf16.xlsx",
        lambda t: after_declaration(t.replace("UTF-8", "UTF-16"), BILLION_LAUGHS).encode("utf-16"),
    )
    refused(path, "R007")


def test_parsers_refuse_billion_laughs_without_expanding(tmp_path):
    """Defence in depth: even without the guard, openpyxl (through defusedxml) and python-calamine
    (whose XML reader never expands entities) fail fast instead of expanding 10^9 "lol"s."""
    assert openpyxl.DEFUSEDXML is True
    path = billion_laughs_xlsx(tmp_path)
    for load in (
        lambda: openpyxl.load_workbook(path),
        lambda: openpyxl.load_workbook(path, read_only=True),
        lambda: python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names,
    ):
        started = time.perf_counter()
        with pytest.raises(Exception):  # noqa: B017 - any refusal will do; expansion would hang
            load()
        assert time.perf_counter() - started < 1


# --- the rest --------------------------------------------------------------------------------


def test_error_survives_pickling():
    error = pickle.loads(pickle.dumps(IntakeError("R004", "「a.xlsx」已损坏。请重新发送。")))
    assert (error.code, str(error)) == ("R004", "「a.xlsx」已损坏。请重新发送。")


def test_describe_limits():
    text = describe_limits()
    assert CJK.search(text)
    for number in ("50 MB", "300 MB", "150 MB", "100:1", "10000", "<!ENTITY"):
        assert number in text


# --- one pass: members inflated from memory, dropdowns counted ---------------------------------


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_BZIP2])
@pytest.mark.parametrize("step", [1, 7, 4096, 10 * MiB])
def test_parts_read_as_zipfile_reads_them(tmp_path, method, step):
    from perfxl.read.parts import Parts

    payloads = {
        "a.xml": b"<a/>",
        "empty.xml": b"",
        # incompressible enough to span several 64 KiB inputs to the inflater
        "big.xml": b"".join(str(i * 7919 % 100003).encode() for i in range(60_000)),
    }
    path = tmp_path / "z.zip"
    with zipfile.ZipFile(path, "w", method) as z:
        for name, payload in payloads.items():
            z.writestr(name, payload)
    data = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            parts, chunks = Parts(data, z, 10 * MiB), []
            for chunk in parts.chunks(info, step):
                assert len(chunk) <= step
                chunks.append(chunk)
            assert b"".join(chunks) == payloads[info.filename] == parts.whole(info)


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_parts_are_verified_against_the_directory(tmp_path, method):
    """A part whose bytes, size or CRC-32 differ from its directory entry is damaged, however
    it is read; a part larger than the limit is too large, whatever the entry says."""
    from perfxl.read.parts import PartDamaged, Parts, PartTooLarge

    payload = b"".join(str(i * 7919 % 100003).encode() for i in range(20_000))
    path = tmp_path / "z.zip"
    with zipfile.ZipFile(path, "w", method) as z:
        z.writestr("a.xml", payload)
    good = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("a.xml")
        start = info.header_offset + 30 + len(info.filename)
    crc_at = good.rfind(b"PK\x01\x02") + 16
    wrong_crc = bytearray(good)
    wrong_crc[crc_at] ^= 1
    flipped = bytearray(good)
    flipped[start + info.compress_size // 2] ^= 0x10
    short = bytearray(good)  # the stream cut short: the directory still says the full size
    if method == zipfile.ZIP_DEFLATED:
        short[start : start + info.compress_size] = zlib.compress(payload[:1000])[2:-4].ljust(
            info.compress_size, b"\0"
        )
    for data in (bytes(wrong_crc), bytes(flipped), bytes(short)):
        if data == good:
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            item = z.getinfo("a.xml")
            with pytest.raises((PartDamaged, zlib.error)):
                Parts(data, z, 10 * MiB).whole(item)
            with pytest.raises((PartDamaged, zlib.error)):
                b"".join(Parts(data, z, 10 * MiB).chunks(item, 4096))
    with zipfile.ZipFile(path) as z:
        with pytest.raises(PartTooLarge):
            Parts(good, z, 1000).whole(z.getinfo("a.xml"))
        with pytest.raises(PartTooLarge):
            b"".join(Parts(good, z, 1000).chunks(z.getinfo("a.xml"), 100))


def _write_with_dropdowns(path: Path, per_sheet: dict[str, int]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, count in per_sheet.items():
        sheet = book.add_worksheet(name)
        for i in range(count):
            sheet.data_validation(i, 0, i, 0, {"validate": "list", "source": ["是", "否"]})
        sheet.data_validation(0, 5, 0, 5, {"validate": "integer", "criteria": ">", "value": 0})
    book.close()
    return path


@pytest.mark.parametrize("chunk", [5, 1 * MiB])
def test_dropdowns_are_found_per_sheet(tmp_path, monkeypatch, chunk):
    """Each sheet's list validations, whether its part is held whole or (a large part, here
    any part longer than ``chunk``) streamed; the same sheets as openpyxl sees them."""
    import perfxl.read.guard

    monkeypatch.setattr(perfxl.read.guard, "PART_CHUNK", chunk)
    per_sheet = {"封面": 0, "项目一": 3, "项目 二": 1, "A&B": 2}
    path = _write_with_dropdowns(tmp_path / "下拉.xlsx", per_sheet)
    expected = {name: count > 0 for name, count in per_sheet.items()}
    assert inspect_workbook(path).dropdowns == expected
    wb = openpyxl.load_workbook(path)
    assert {
        ws.title: any(dv.type == "list" for dv in ws.data_validations.dataValidation)
        for ws in wb.worksheets
    } == expected


def test_dropdowns_are_parsed_not_counted_as_bytes(tmp_path):
    """The words type="list" in a header text are not a dropdown; a validation written with
    other quotes, spacing or a namespace prefix is one."""
    path = _write_with_dropdowns(tmp_path / "下拉.xlsx", {"无": 0, "有": 1})

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":  # no validation: a footer that names one
            footer = b'<headerFooter><oddFooter>type="list" &lt;dataValidation type="list"/&gt;'
            return data.replace(
                b"</worksheet>", footer + b"</oddFooter></headerFooter></worksheet>"
            )
        if name == "xl/worksheets/sheet2.xml":
            data = data.replace(b"<worksheet ", b"<x:worksheet xmlns:x=" + MAIN + b" ", 1)
            data = data.replace(b"</worksheet>", b"</x:worksheet>")
            data = data.replace(b'<dataValidation type="list"', b"<x:dataValidation type = 'list'")
            return data.replace(b"</dataValidation>", b"</x:dataValidation>", 1)
        return data

    MAIN = b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    other = rewrite_zip(path, tmp_path / "另一种写法.xlsx", edit)
    with zipfile.ZipFile(other) as z:
        assert b'type="list"' in z.read("xl/worksheets/sheet1.xml")
        assert b"<x:dataValidation type = 'list'" in z.read("xl/worksheets/sheet2.xml")
    assert inspect_workbook(other).dropdowns == {"无": False, "有": True}


def test_sheets_mapped_whatever_the_attribute_order_and_prefix(tmp_path):
    """Parts written in another attribute order, quote style or namespace prefix than the
    usual one are mapped to their sheets all the same."""
    per_sheet = {"封面": 0, "项目一": 3, "A&B": 2}
    path = _write_with_dropdowns(tmp_path / "下拉.xlsx", per_sheet)

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            data = data.replace(b'xmlns:r="', b'xmlns:rel="').replace(b" r:id=", b" rel:id=")
            return re.sub(
                rb'<sheet name="([^"]*)" sheetId="(\d+)" rel:id="([^"]*)"/>',
                rb"<sheet rel:id='\3' sheetId='\2'  name='\1' />",
                data,
            )
        if name == "xl/_rels/workbook.xml.rels":
            return re.sub(
                rb'<Relationship Id="([^"]*)" Type="([^"]*)" Target="([^"]*)"/>',
                rb'<Relationship Target="\3" Type="\2" Id="\1"/>',
                data,
            )
        return data

    other = rewrite_zip(path, tmp_path / "另一种写法.xlsx", edit)
    with zipfile.ZipFile(other) as z:
        assert b"<sheet rel:id=" in z.read("xl/workbook.xml")
        assert b"<Relationship Target=" in z.read("xl/_rels/workbook.xml.rels")
    expected = {name: count > 0 for name, count in per_sheet.items()}
    assert inspect_workbook(other).dropdowns == expected


def test_dropdowns_only_for_xlsx(tmp_path):
    assert inspect_workbook(make_ods(tmp_path / "a.ods")).dropdowns is None
    assert inspect_workbook(make_ole(tmp_path / "b.xls")).dropdowns is None


# --- the inflated parts handed to the value reader --------------------------------------------


def _values(book: python_calamine.CalamineWorkbook) -> dict[str, list]:
    return {
        name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in book.sheet_names
    }


def test_reader_archive_holds_what_the_file_holds(sample_books):
    """The uncompressed archive the guard builds of the parts it inflated gives python-calamine
    the same sheets, values and merges as the file itself."""
    for _, path in sample_books.values():
        info, archive = inspect_for_reading(path)
        assert info == inspect_workbook(path) and archive is not None
        with zipfile.ZipFile(path) as original, zipfile.ZipFile(io.BytesIO(archive)) as stored:
            assert all(i.compress_type == zipfile.ZIP_STORED for i in stored.infolist())
            for item in stored.infolist():  # each part as inflated, with its original CRC
                assert stored.read(item) == original.read(item.filename)
                assert item.CRC == original.getinfo(item.filename).CRC
        from_file = python_calamine.CalamineWorkbook.from_path(str(path))
        from_archive = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(archive))
        assert _values(from_archive) == _values(from_file)
        for name in from_file.sheet_names:
            assert (
                from_archive.get_sheet_by_name(name).merged_cell_ranges
                == from_file.get_sheet_by_name(name).merged_cell_ranges
            )


def test_reader_gets_the_verified_file_when_parts_are_not_all_held(tmp_path, monkeypatch):
    """Without an archive of held parts, the reader is given the very bytes that were
    verified (never the path, which could be read again and differ); an .xls has no CRC to
    verify and is opened from its path."""
    import perfxl.read.guard

    path = make_xlsx(tmp_path / "a.xlsx")
    held = inspect_for_reading(path)[1]
    assert held is not None and held != path.read_bytes()  # the archive of held parts
    ods = make_ods(tmp_path / "a.ods")
    assert inspect_for_reading(ods)[1] == ods.read_bytes()
    assert inspect_for_reading(make_ole(tmp_path / "b.xls"))[1] is None
    odd = rewrite_zip(path, tmp_path / "odd.xlsx", add={"xl/worksheets/sheet9.dat": b"<x/>"})
    with zipfile.ZipFile(io.BytesIO(inspect_for_reading(odd)[1])) as held_parts:
        # a part that is not XML is held and verified too: a parser might read it
        assert held_parts.read("xl/worksheets/sheet9.dat") == b"<x/>"
    media = rewrite_zip(path, tmp_path / "media.xlsx", add={"xl/media/image1.png": b"\x89PNG"})
    assert inspect_for_reading(media)[1] != media.read_bytes()
    monkeypatch.setattr(perfxl.read.guard, "STORED_ARCHIVE_MAX", 1000)  # too much to hold
    assert inspect_for_reading(path)[1] == path.read_bytes()
    monkeypatch.undo()
    monkeypatch.setattr(perfxl.read.guard, "PART_CHUNK", 100)  # parts inflated in steps
    info, given = inspect_for_reading(path)
    assert given == path.read_bytes() and info == inspect_workbook(path)


_WITHOUT_ISAL = """
import json, sys
sys.modules["isal"] = None  # as on a platform without the isal wheel
from perfxl.read.guard import IntakeError, Limits, inspect_for_reading
import hashlib
out = []
for path in sys.argv[2:]:
    info, given = inspect_for_reading(path)
    out.append([info.format, info.dropdowns, info.properties, hashlib.sha256(given).hexdigest()])
try:
    inspect_for_reading(sys.argv[1], Limits(max_part_bytes=1024 * 1024))
except IntakeError as exc:
    out.append(exc.code)
print(json.dumps(out, ensure_ascii=False))
"""


def test_isal_and_zlib_inflate_alike(sample_books, tmp_path):
    """The guard inflates with ISA-L when the isal wheel is installed, else with zlib: both
    give the same parts and facts and refuse the same bomb."""
    import hashlib
    import json
    import subprocess
    import sys

    pytest.importorskip("isal")
    bomb = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (3 * MiB) + b"</sst>")
    _understate(bomb, "xl/sharedStrings.xml")
    paths = [str(path) for _, path in sample_books.values()]
    with_isal = []
    for path in paths:
        info, given = inspect_for_reading(path)
        with_isal.append(
            [info.format, info.dropdowns, info.properties, hashlib.sha256(given).hexdigest()]
        )
    assert "sharedStrings" in refused(bomb, "R006", Limits(max_part_bytes=MiB))
    root = Path(__file__).resolve().parent.parent
    run = subprocess.run(
        [sys.executable, "-c", _WITHOUT_ISAL, str(bomb), *paths],
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    )
    assert json.loads(run.stdout) == [*json.loads(json.dumps(with_isal)), "R006"]


@pytest.mark.parametrize(
    ("head", "code"),
    [
        (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet/>', None),
        (b"\xef\xbb\xbf<?xml version='1.0'?><sst><si><t>&lt;!DOCTYPE</t></si></sst>", None),
        (b"<workbook><![CDATA[<!DOCTYPE x>]]></workbook>", None),  # after the root: no DTD
        (b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY b 'c'>]><a/>", "R007"),
        (b"<?xml version='1.0'?><!-- a comment --><!DOCTYPE a><a/>", "R007"),
        (b"<?xml version='1.0'?><?pi x?><!ENTITY b 'c'><a/>", "R007"),
        (b"<?xml version='1.0'?><!-- a comment --><a/>", None),
        (b"<?xml version='1.0'?><?pi x?><a/>", None),
    ],
)
def test_a_dtd_is_refused_wherever_the_prolog_puts_it(tmp_path, head, code):
    """A DTD can only stand before the root element: found there after any declaration,
    comment or processing instruction, and never mistaken in text after the root."""
    good = make_xlsx(tmp_path / "base.xlsx")
    path = rewrite_zip(
        good,
        tmp_path / "开头.xlsx",
        lambda name, data: head if name == "xl/theme/theme1.xml" else data,
    )
    if code is None:
        assert inspect_workbook(path).format == "xlsx"
    else:
        assert "xl/theme/theme1.xml" in refused(path, code)


# --- found in review: each input here once misbehaved -------------------------------------


def test_custom_properties_are_read_in_linear_time():
    """A crafted docProps/custom.xml (a pattern over the whole part backtracked
    quadratically on this: 20,000 repeats took about 20 s) is read at once."""
    from perfxl.read.props import perfxl_properties

    crafted = b"<Properties>" + b"<property " * 20_000 + b"perfxl_</Properties>"
    assert perfxl_properties(crafted) == {}
    part = (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
        b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        b'<property fmtid="{D5}" pid="2" name="perfxl_year">'
        b"<vt:lpwstr>2024</vt:lpwstr></property>"
        b'<property pid="3" name="perfxl_money_unit"> <vt:lpwstr>&#19975;&#20803;</vt:lpwstr>'
        b'</property><property name="other"><vt:lpwstr>x</vt:lpwstr></property></Properties>'
    )
    assert perfxl_properties(part) == {"year": "2024", "money_unit": "万元"}


def test_prefixed_sheet_elements_are_mapped():
    from perfxl.read.facts import sheet_parts

    workbook = (
        b'<x:workbook xmlns:x="main" xmlns:r="rels"><x:sheets>'
        b'<x:sheet name="A" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>'
    )
    rels = (
        b'<Relationships xmlns="p"><Relationship Id="rId1" Type="t/worksheet" '
        b'Target="worksheets/sheet1.xml"/></Relationships>'
    )
    assert sheet_parts(workbook, rels) == {"A": "xl/worksheets/sheet1.xml"}


def test_long_whitespace_before_the_root_gets_the_full_prolog_check(tmp_path):
    good = make_xlsx(tmp_path / "base.xlsx")
    body = b'<?xml version="1.0"?>' + b"\n" * 70_000 + b"<a/>"
    path = rewrite_zip(
        good,
        tmp_path / "空白.xlsx",
        lambda name, data: body if name == "xl/theme/theme1.xml" else data,
    )
    refused(path, "R007")


# --- the read stage stands on its own ------------------------------------------------------


def test_the_read_stage_never_imports_the_writer():
    """The reader learns where fields sit from the layout stage; nothing under perfxl/read
    imports perfxl.write (nor leans on it through a relative import)."""
    import ast

    import perfxl.read

    folder = Path(perfxl.read.__file__).parent
    modules = sorted(folder.glob("*.py"))
    assert {p.stem for p in modules} >= {"guard", "parts", "facts", "props", "locate"}
    assert not (folder / "intake.py").exists()
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                names = (
                    [base] if node.level == 0 else [f"perfxl.read.{'.' * (node.level - 1)}{base}"]
                )
                names += [f"{base}.{alias.name}" for alias in node.names if node.level == 0]
            else:
                continue
            for name in names:
                assert not (name == "perfxl.write" or name.startswith("perfxl.write.")), (
                    f"{module.name} imports {name}"
                )
                assert ".write" not in name or node.level == 0, f"{module.name}: {name}"
