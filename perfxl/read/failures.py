"""What a value reader's own failure means, in Chinese, with where it happened.

python-calamine reports a damaged part in English (``XmlError: syntax error: tag not closed``,
``Cannot detect file format``), and never says which part. :func:`describe` turns its error
into a short Chinese phrase; for a zip workbook it finds the first XML part that is not
well-formed itself (expat, the way the guard parses) and names it with the line and column.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.parsers import expat

from perfxl.read.facts import safe_parser

# (what the reader's message contains, what it means)
_MEANINGS = (
    ("Cannot detect file format", "无法识别文件格式：工作簿的某个部件已损坏"),
    ("not found in shared strings", "单元格引用的共享字符串不存在"),
    ("tag not closed", "XML 标签没有闭合"),
    ("attribute value not closed", "XML 属性值的引号没有闭合"),
    ("syntax error", "XML 语法错误"),
    ("Xml", "XML 部件格式错误"),
    ("Zip", "压缩包结构错误"),
    ("zip", "压缩包结构错误"),
    ("Unexpected end", "文件意外结束"),
    ("EOF", "文件意外结束"),
    ("Encoding", "文字编码错误"),
    ("encoding", "文字编码错误"),
)
_PART_SCAN_MAX = 16 * 1024 * 1024  # parts larger than this are not searched (the guard bounds them)


def describe(path: Path, exc: BaseException) -> str:
    """A Chinese summary of a reader's failure on ``path``: what, and where when it can be
    found (the part, line and column of the first XML part that is not well-formed)."""
    text = f"{type(exc).__name__}: {exc}"
    if type(exc).__name__ == "WorksheetNotFound":
        what = f"工作簿中列出的工作表「{str(exc)[:40]}」找不到"
    else:
        what = next((meaning for key, meaning in _MEANINGS if key in text), "文件结构异常")
    where = malformed_part(path)
    if not where:
        return what
    if what.startswith("无法识别"):  # the reader gave up on a part: it is that part's XML
        what = "XML 部件格式错误"
    return f"{what}，位于{where}"


def malformed_part(path: Path) -> str | None:
    """Where the first XML part of a zip workbook that is not well-formed breaks, as
    「部件「…」第 N 行第 M 列」; None when every part parses (or the file is no zip)."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                name = info.filename
                if not name.lower().endswith((".xml", ".rels")) or info.file_size > _PART_SCAN_MAX:
                    continue
                parser = safe_parser(lambda tag, attrs: None)
                try:
                    parser.Parse(zf.read(info), True)
                except expat.ExpatError as exc:
                    return f"部件「{name}」第 {exc.lineno} 行第 {exc.offset + 1} 列"
                except Exception:  # a DTD refused by safe_parser: the guard reports those
                    continue
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError):
        return None
    return None
