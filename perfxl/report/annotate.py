"""An annotated copy of a returned workbook: every finding's cell highlighted, with a comment
holding the message and the hint, and a first sheet 检查结果 listing all findings with links.

The original file is never touched: the copy is written to another folder, through a
temporary file and a rename. For .xlsx/.xlsm the copy is the workbook itself opened with
openpyxl (formatting, merges, protection and the name-based dropdowns survive; macros are
dropped). .xls and .ods files cannot be edited in place by any Python library, so their copy
is a new .xlsx with the values of every sheet and the same highlights.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from perfxl.core.atomic import atomic_output
from perfxl.core.errors import ERROR, INFO, SEVERITY_LABEL, WARNING, OutputError
from perfxl.core.findings import Finding
from perfxl.core.pages import body_size, column_points
from perfxl.core.textwidth import line_height, text_height
from perfxl.read.props import OUTPUT_PROPERTY

RESULT_SHEET = "检查结果"
# (heading, width in characters): the message and the hint wrap, the rest fits on one line
RESULT_COLUMNS = [
    ("序号", 5),
    ("代码", 6),
    ("严重程度", 9),
    ("工作表", 16),
    ("单元格", 7),
    ("问题", 50),
    ("怎么改", 36),
]
PORTRAIT_AT_LEAST = 0.8  # print portrait when that needs no more than this much shrinking
FILLS = {
    ERROR: PatternFill("solid", fgColor="FFC7CE"),
    WARNING: PatternFill("solid", fgColor="FFEB9C"),
    INFO: PatternFill("solid", fgColor="DDEBF7"),
}
_THIN = Side(style="thin", color="999999")


def annotated_name(path: Path, attempt: int = 0) -> str:
    """The copy's file name; a later ``attempt`` when an earlier name is taken in the same
    run (表.xlsx and 表.xls side by side)."""
    if attempt == 0:
        return f"{path.stem}（检查结果）.xlsx"
    if attempt == 1:
        return f"{path.name}（检查结果）.xlsx"
    return f"{path.stem}（检查结果 {attempt}）.xlsx"


# openpyxl builds every cell element as an object: about 0.1 ms and 0.5 KB a cell to load and
# as much to save on a 2-core machine. A generated workbook of 12 project sheets has 2,000
# cells; past this bound the copy would take minutes, so it is not made (the report stands).
MAX_CELLS = 50_000


def annotate(
    source: Path,
    findings: list[Finding],
    out_dir: Path,
    read_format: str,
    target: Path | None = None,
) -> Path:
    """Write the annotated copy of ``source`` to ``target`` (default: its name in ``out_dir``);
    raise OutputError (a message for this file alone) when it cannot be made.

    An .xlsx that openpyxl cannot load or save although the checker read it (a style index out
    of range, no styles part, no [Content_Types].xml, sheet names openpyxl refuses, a damaged
    part the checker never reads) gets the values copy instead, with a note saying so."""
    target = target if target is not None else out_dir / annotated_name(source)
    if target.resolve() == source.resolve():
        raise OutputError(f"{target}：错误：批注副本不能覆盖原文件，请换一个输出文件夹")
    _check_size(source, read_format)
    builds = [_formatted_copy, _values_copy] if read_format in ("xlsx", "xlsm") else [_values_copy]
    failure: Exception | None = None
    for build in builds:
        try:
            wb, names = build(source)
            note = _kept_values_only(failure) if failure is not None else ""
            for ws in wb.worksheets:
                fit_rows(ws)
            _mark_cells(wb, findings, names)
            _result_sheet(wb, source, findings, names, note)
            mark_output(wb, "annotated")
            with atomic_output(target) as temporary:
                wb.save(temporary)
            return target
        except OutputError:
            raise  # the output side failed: another copy would fail the same way
        except Exception as exc:  # openpyxl's own failure on a file it cannot handle
            failure = exc
    raise OutputError(
        f"「{source.name}」的标注副本无法生成（{_reason(failure)}）；"
        "检查结果见报告，原文件没有改动。"
    )


def mark_output(wb: Any, kind: str) -> None:
    """Say in the copy's custom properties that perfxl wrote it (``perfxl_output``), so that a
    copy left among the returns is not merged as one (perfxl/read/props.py)."""
    from openpyxl.packaging.custom import StringProperty

    props = wb.custom_doc_props
    for prop in list(props.props):
        if prop.name == OUTPUT_PROPERTY:
            props.props.remove(prop)
    props.append(StringProperty(name=OUTPUT_PROPERTY, value=kind))


def _check_size(source: Path, read_format: str) -> None:
    """Refuse before openpyxl loads a workbook that would take it minutes (the guard counted
    the cell elements of every sheet when the file was checked)."""
    if read_format not in ("xlsx", "xlsm"):
        return
    from perfxl.read.guard import IntakeError, inspect_workbook

    try:
        cells = inspect_workbook(source).cells
    except IntakeError as exc:
        raise OutputError(f"「{source.name}」的标注副本无法生成：{exc}") from None
    if cells > MAX_CELLS:
        raise OutputError(
            f"「{source.name}」有 {cells} 个单元格（含只设了格式的），超过生成标注副本的上限 "
            f"{MAX_CELLS} 个，未生成副本；检查结果见报告。请删除表格以外多余的行列后重新检查。"
        )


def _reason(exc: BaseException | None) -> str:
    """What went wrong, in Chinese: the class of failure, not the library's English text."""
    if isinstance(exc, KeyError):
        return "缺少必需的部件"
    if isinstance(exc, IndexError):
        return "样式或引用的编号超出范围"
    if isinstance(exc, ValueError):
        return "工作表名称或单元格内容不符合 Excel 的规定"
    if type(exc).__name__ in ("ParseError", "ExpatError", "XMLSyntaxError"):
        return "其中的 XML 部件格式错误"
    return "文件结构异常"


def _kept_values_only(exc: BaseException) -> str:
    return (
        f"说明：原工作簿的格式无法保留（{_reason(exc)}），本副本只含各工作表的数值；"
        "原文件没有改动。"
    )


def _formatted_copy(source: Path) -> tuple[Any, dict[str, str]]:
    wb = openpyxl.load_workbook(source, keep_vba=False, keep_links=False, rich_text=True)
    return wb, {name: name for name in wb.sheetnames}


def _values_copy(source: Path) -> tuple[Any, dict[str, str]]:
    """A new workbook with the values of every sheet; sheet names openpyxl refuses are made
    legal (the finding's sheet -> the copy's sheet in the returned map)."""
    import python_calamine

    from perfxl.write.workbook import safe_sheet_names

    book = python_calamine.CalamineWorkbook.from_path(str(source))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    originals = list(book.sheet_names)
    names = dict(zip(originals, safe_sheet_names(originals, {RESULT_SHEET})))
    for name in originals:
        ws = wb.create_sheet(names[name])
        for r, row in enumerate(
            book.get_sheet_by_name(name).to_python(skip_empty_area=False), start=1
        ):
            for c, value in enumerate(row, start=1):
                if value not in (None, ""):
                    if isinstance(value, float) and not math.isfinite(value):
                        value = repr(value)  # NaN, inf: a worksheet holds no such number
                    cell = ws.cell(row=r, column=c, value=value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # text stays text, never a formula
    return wb, names


# Text shorter than this fits any row of a form; longer text is measured.
_FITS_ANY_ROW = 8
_DEFAULT_COLUMN_WIDTH = 8.43  # Excel's, in character units, when a sheet does not say
_DEFAULT_ROW_HEIGHT = 15.0
_MAX_ROW_HEIGHT = 409.0  # Excel's limit


def fit_rows(ws: Any) -> None:
    """Grow every row too low for the wrapped text it holds (a goal that grew as the unit
    typed: no spreadsheet program grows a merged cell's row by itself), with the heights of
    ``perfxl.core.textwidth``; rows are never made lower."""
    merges = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    fmt = ws.sheet_format
    default_width = fmt.defaultColWidth or _DEFAULT_COLUMN_WIDTH
    default_height = fmt.defaultRowHeight or _DEFAULT_ROW_HEIGHT
    rows = ws.row_dimensions
    widths: dict[int, float] = {}  # a dimension may stand for a run of columns (min–max)
    for dim in ws.column_dimensions.values():
        if dim.width and dim.min:
            for c in range(dim.min, (dim.max or dim.min) + 1):
                widths[c] = float(dim.width)

    def width(c: int) -> float:
        return widths.get(c, default_width)

    def height(r: int) -> float:
        dim = rows.get(r)
        return float(dim.height) if dim is not None and dim.height else default_height

    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or len(value) < _FITS_ANY_ROW:
                continue
            if type(cell).__name__ == "MergedCell" or not cell.alignment.wrap_text:
                continue  # covered by a merge, or shown on one line
            merge = merges.get((cell.row, cell.column))
            first_col, last_col = (merge.min_col, merge.max_col) if merge else (cell.column,) * 2
            first_row, last_row = (merge.min_row, merge.max_row) if merge else (cell.row,) * 2
            span = sum(width(c) for c in range(first_col, last_col + 1))
            size = float(cell.font.sz or 11)
            need = text_height(value, span, size)
            have = sum(height(r) for r in range(first_row, last_row + 1))
            # a line short, not the rounding of a height to the screen's pixels
            if need > have + line_height(size) / 2:
                extra = (need - have) / (last_row - first_row + 1)
                for r in range(first_row, last_row + 1):
                    rows[r].height = min(round(height(r) + extra, 1), _MAX_ROW_HEIGHT)


def _mark_cells(wb: Any, findings: list[Finding], names: dict[str, str]) -> None:
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        sheet = names.get(f.sheet or "")
        if sheet and f.cell and sheet in wb.sheetnames:
            by_cell.setdefault((sheet, f.cell), []).append(f)
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    for (sheet, ref), items in by_cell.items():
        ws = wb[sheet]
        cell = ws[ref]
        if type(cell).__name__ == "MergedCell":  # a covered cell: mark the merge's anchor
            for rng in ws.merged_cells.ranges:
                if ref in rng:
                    cell = ws.cell(row=rng.min_row, column=rng.min_col)
                    break
        worst = min(items, key=lambda f: order[f.severity])
        cell.fill = FILLS[worst.severity]
        text = "\n".join(
            f"[{f.code} {SEVERITY_LABEL[f.severity]}] {f.message}\n修改：{f.hint}" for f in items
        )
        comment = Comment(text, "perfxl")
        comment.width, comment.height = 320, min(60 + 40 * len(items), 400)
        cell.comment = comment


def _result_sheet(
    wb: Any, source: Path, findings: list[Finding], names: dict[str, str], note: str = ""
) -> None:
    if RESULT_SHEET in wb.sheetnames:
        del wb[RESULT_SHEET]
    ws = wb.create_sheet(RESULT_SHEET, 0)
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = sum(1 for f in findings if f.severity == WARNING)
    ws["A1"] = (
        f"「{source.name}」检查结果：错误 {errors} 个，警告 {warnings} 个，提示 {len(findings) - errors - warnings} 个"
    )
    ws["A1"].font = Font(name="黑体", size=14, bold=True)
    ws.merge_cells("A1:G1")
    if note:
        ws["A2"] = note
        ws["A2"].data_type = "s"
        ws["A2"].font = Font(name="宋体", color="9C0006")
    headers = [head for head, _width in RESULT_COLUMNS]
    widths = [width for _head, width in RESULT_COLUMNS]
    for c, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=3, column=c, value=text)
        cell.font = Font(name="宋体", bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
        ws.column_dimensions[get_column_letter(c)].width = width
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    rows = sorted(findings, key=lambda f: (order[f.severity], f.sheet, f.code))
    for i, f in enumerate(rows, start=1):
        r = 3 + i
        values = [i, f.code, SEVERITY_LABEL[f.severity], f.sheet, f.cell, f.message, f.hint]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
            cell.font = Font(name="宋体")
        ws.cell(row=r, column=3).fill = FILLS[f.severity]
        # openpyxl sets no heights and Excel never grows a row for wrapped text on opening
        ws.row_dimensions[r].height = max(
            text_height(str(v), w, 11) for v, w in zip(values, widths) if v not in (None, "")
        )
        sheet = names.get(f.sheet or "")
        if sheet and f.cell and sheet in wb.sheetnames:
            link = ws.cell(row=r, column=5)
            quoted = sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{f.cell}")
            link.font = Font(name="宋体", color="0563C1", underline="single")
    ws.freeze_panes = "A4"
    if rows:
        ws.auto_filter.ref = f"A3:G{3 + len(rows)}"
    _print_setup(ws, widths)
    wb.active = 0


def _print_setup(ws: Any, widths: list[int]) -> None:
    """A4, one page wide (portrait when the columns fit it at a readable size, else
    landscape), the header row on every page, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    across = sum(column_points(w) for w in widths)
    portrait = body_size("portrait")[0] / across >= PORTRAIT_AT_LEAST
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "3:3"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"

