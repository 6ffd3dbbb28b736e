"""The workbooks of ``status`` and ``compare``: plain tables, one per sheet, written atomically.

Each sheet is a header row and data rows: bold header, frozen under the header, an
AutoFilter, columns as wide as their text (CJK counted double, capped), long text wrapped.
Text stays text (nothing typed like ``=1`` becomes a formula, no number is guessed from a
string); numbers and the red/yellow marks of a row are the only formatting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfxl.core.atomic import atomic_output
from perfxl.core.textwidth import text_width

MAX_WIDTH = 60
MIN_WIDTH = 6


@dataclass
class Table:
    sheet: str
    head: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # per data row: "" (none), "bad" (light red) or "warn" (light yellow)
    marks: list[str] = field(default_factory=list)
    note: str = ""  # shown above the header when given (what the sheet lists)


def write_tables(target: Path, tables: Sequence[Table], kind: str) -> Path:
    """Write the tables; ``kind`` (a key of ``read.props.OUTPUT_KINDS``) marks the workbook
    as perfxl's own output, so that check, merge and status never take it for a return."""
    import xlsxwriter

    from perfxl.read.props import OUTPUT_PROPERTY

    with atomic_output(target) as temporary:
        workbook = xlsxwriter.Workbook(
            str(temporary),
            {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
        )
        workbook.set_custom_property(OUTPUT_PROPERTY, kind)
        base = {"font_name": "宋体", "font_size": 10, "valign": "top"}
        head = workbook.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1})
        note = workbook.add_format({**base, "italic": True, "font_color": "#595959"})
        plain = {"": workbook.add_format({**base, "text_wrap": True})}
        plain["bad"] = workbook.add_format({**base, "text_wrap": True, "bg_color": "#FCE4E4"})
        plain["warn"] = workbook.add_format({**base, "text_wrap": True, "bg_color": "#FFF2CC"})
        for table in tables:
            sheet = workbook.add_worksheet(table.sheet)
            top = 0
            if table.note:
                sheet.write_string(0, 0, table.note, note)
                top = 1
            for col, label in enumerate(table.head):
                sheet.write_string(top, col, label, head)
            widths = [text_width(label) + 2 for label in table.head]
            for r, row in enumerate(table.rows, start=top + 1):
                mark = table.marks[r - top - 1] if r - top - 1 < len(table.marks) else ""
                cell_format = plain.get(mark, plain[""])
                for col, value in enumerate(row):
                    if value is None or value == "":
                        sheet.write_blank(r, col, None, cell_format)
                    elif isinstance(value, bool):
                        sheet.write_string(r, col, "是" if value else "否", cell_format)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(r, col, value, cell_format)
                    else:
                        text = str(value)
                        sheet.write_string(r, col, text, cell_format)
                        if col < len(widths):
                            widths[col] = max(widths[col], text_width(text) + 2)
            for col, width in enumerate(widths):
                sheet.set_column(col, col, max(MIN_WIDTH, min(MAX_WIDTH, width)))
            sheet.freeze_panes(top + 1, 0)
            if table.head:
                sheet.autofilter(top, 0, top + max(len(table.rows), 1), len(table.head) - 1)
            sheet.set_landscape()
            sheet.set_paper(9)  # A4
            sheet.fit_to_pages(1, 0)
            sheet.repeat_rows(top)
            sheet.set_header("&C&A")  # the sheet's name on every printed page
            sheet.set_footer("&C第 &P 页，共 &N 页")
        workbook.close()
    return target
