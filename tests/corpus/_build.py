"""Rebuild a published form as a plain .xlsx the way the unit's own Excel would look.

Only openpyxl is used here, never perfxl: the corpus is the yardstick the reader is measured
against, so it must not be produced by the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter

Value = str | int | float | None

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
COLUMN_WIDTH = 14


@dataclass(frozen=True)
class Form:
    """One published form: its sheet name, its grid row by row, and its merged ranges.

    ``title_rows`` counts the rows above the table (title, year, unit line) that get no
    borders, as on the published page.
    """

    sheet: str
    rows: list[list[Value]]
    merges: list[str] = field(default_factory=list)
    title_rows: int = 0

    @property
    def width(self) -> int:
        return max(len(row) for row in self.rows)

    def save(self, path: Path) -> Path:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.sheet
        for r, row in enumerate(self.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str) and value.startswith("="):
                    # Published targets such as "=300天" are text, not formulas.
                    cell.data_type = "s"
        for r in range(1, len(self.rows) + 1):
            for c in range(1, self.width + 1):
                cell = sheet.cell(row=r, column=c)
                cell.alignment = _WRAP
                if r > self.title_rows:
                    cell.border = _BOX
        for span in self.merges:
            sheet.merge_cells(span)
        for c in range(1, self.width + 1):
            sheet.column_dimensions[get_column_letter(c)].width = COLUMN_WIDTH
        workbook.save(path)
        return path
