"""Sheet names derived from project names: legal in Excel, unique, the name itself kept.

A project is named as its unit names it — ``养老/医疗补助``, ``=2024 专项``, a title of forty
characters — and that text goes into the form's 项目名称 cell exactly, as text. Only the sheet
tab is derived: Excel forbids ``/ \\ ? * [ ] :`` there (they become the full-width ``／ ＼ ？ ＊
［ ］ ：``, which read the same), an apostrophe at either end, and more than 31 characters;
two tabs may not differ only in letter case.
"""

from __future__ import annotations

from collections.abc import Iterable

META_SHEET = "_perfxl"  # hidden: layout, year, sheet names, dropdown lists
COVER_SHEET = "封面"
GUIDE_SHEET = "填报说明"
MAX_SHEET_NAME = 31
FORBIDDEN = "/\\?*[]:"
FULL_WIDTH = str.maketrans(dict(zip(FORBIDDEN, "／＼？＊［］：")))
# the sheets a generated workbook has besides its project sheets
WORKBOOK_SHEETS = frozenset({META_SHEET, COVER_SHEET, GUIDE_SHEET})


def sheet_names(names: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    """One legal sheet name per name, in order: forbidden characters made full-width, at
    most 31 characters, none equal (ignoring case) to another or to a ``reserved`` one —
    a later duplicate gets （2）, （3）… within the 31."""
    taken = {r.lower() for r in reserved}
    out = []
    for name in names:
        base = name.translate(FULL_WIDTH).strip().strip("'").strip() or "项目"
        candidate = base[:MAX_SHEET_NAME]
        n = 2
        while candidate.lower() in taken:
            suffix = f"（{n}）"
            candidate = base[: MAX_SHEET_NAME - len(suffix)] + suffix
            n += 1
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def project_sheet_names(names: Iterable[str]) -> list[str]:
    """The sheet names of a generated workbook's project sheets."""
    return sheet_names(names, WORKBOOK_SHEETS)
