"""Read returned workbooks back: find the layout, then every field by its label.

Nothing is read from fixed coordinates. The layout itself says where each field sits: its
sheet description, rendered once by the layout stage (one empty indicator, no empty rows — the
writer is never asked), tells the reader, for
every field cell, which label stands to its left or which header stands above it. In a
returned sheet it finds those labels again — wherever inserted rows, deleted rows, broken
merges, extra spaces, full-width colons or required-field asterisks have moved them — and
reads the value next to them. The indicator table is found by its header row and read down
to the next label of the form, filling down 一级/二级 cells that people merged or left blank.

Values come from python-calamine (fast, and it reads .xlsx, .xlsm, .xls and .ods alike), and
only from bytes the guard has verified (``guard.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from xlsxwriter.utility import xl_rowcol_to_cell

from perfxl.core.catalogue import finding
from perfxl.core.errors import PerfxlError
from perfxl.core.findings import Finding
from perfxl.layout.frameworks import Framework
from perfxl.layout.render import COVER_SHEET, GUIDE_SHEET, META_SHEET, reference_spec
from perfxl.layout.roles import Anchor, formula_anchors, require_cells
from perfxl.layout.sheetspec import Placed, SheetSpec
from perfxl.layout.templates import Layout, TemplateSet, template_set
from perfxl.read.facts import FormulaCell, formula_cell_at, may_hold_formulas, sheet_parts
from perfxl.read.guard import FileInfo, IntakeError, Limits, inspect_for_reading
from perfxl.read.pairs import inline_pairs
from perfxl.read.props import meta_from_properties, own_output

AUXILIARY_SHEETS = {META_SHEET, COVER_SHEET, GUIDE_SHEET, "检查结果"}
_LABEL_NOISE = re.compile(r"[\s\u3000*＊:：]+")
# A cell longer than this is text someone wrote, never one of a form's labels (the longest
# is under 30 characters, leaving room for spaces and line breaks typed into it).
MAX_LABEL_CHARS = 80


# The characters _LABEL_NOISE removes, for str.lstrip (a test holds the two equal).
_NOISE_CHARS = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace()) + "*＊:："


@functools.lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    return _LABEL_NOISE.sub("", text)


def norm_label(text: Any) -> str:
    """A label as compared: no whitespace, no colons, no required-field asterisks."""
    if text is None:
        return ""
    return _norm(text if isinstance(text, str) else str(text))


class Cell(NamedTuple):
    """A value read from a sheet, with its address (A1) — every finding points at one.

    Immutable, and a named tuple because a returned form yields one for every field and
    every indicator cell: it costs a third of a dataclass to build."""

    value: Any
    row: int  # 0-based
    col: int

    @property
    def ref(self) -> str:
        return xl_rowcol_to_cell(self.row, self.col)


class ReadIndicator:
    __slots__ = ("cells", "filled_down", "row")

    def __init__(self, cells: dict[str, Cell], filled_down: set[str] | None = None, row: int = 0):
        self.cells = cells
        self.filled_down = (
            filled_down if filled_down is not None else set()
        )  # level columns taken from the row above
        self.row = row

    def __repr__(self) -> str:
        return f"ReadIndicator(row={self.row}, cells={self.cells!r})"

    def value(self, key: str) -> Any:
        cell = self.cells.get(key)
        return cell.value if cell else None


@dataclass
class ReadProject:
    sheet: str
    fields: dict[str, Cell]  # field key -> cell (value None when empty or not found)
    indicators: list[ReadIndicator]
    missing_labels: list[str] = field(default_factory=list)
    table_found: bool = True
    sheet_rows: list[list[Any]] = field(default_factory=list)
    form_width: int = 0

    def value(self, key: str) -> Any:
        cell = self.fields.get(key)
        return cell.value if cell else None


@dataclass
class ReadWorkbook:
    path: Path
    info: FileInfo
    layout: Layout
    framework: Framework
    identified_by: str  # "meta" (perfxl's own hidden sheet) or "labels"
    meta: dict[str, str]
    year: int | None
    money_unit: str | None
    projects: list[ReadProject]
    sheet_names: list[str]
    formulas: dict[str, Anchor] = field(default_factory=dict)  # formula cell id -> anchor
    family: Any = None  # a FamilyRead (read/familyform.py) when read by the vocabulary
    # .xlsx/.xlsm: sheet -> (row, column) -> the formula or error value a cell holds, which
    # the values alone do not show (a target typed as =12000.00(件) into a General cell)
    cell_formulas: SheetFormulas = field(default_factory=lambda: SheetFormulas())
    notes: list[Finding] = field(default_factory=list)  # what reading itself had to say


class OwnOutput(PerfxlError):
    """The workbook is an output of perfxl itself (``kind``: a key of props.OUTPUT_KINDS)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (OwnOutput, (self.kind,))


# ----------------------------------------------------------------------------------------
# what the layout says about positions


@dataclass(frozen=True)
class Locator:
    key: str
    part: int | None
    strategy: str  # "right" | "grid" | "below"
    label: str = ""  # normalised text of the row label (right, grid)
    label_nth: int = 0
    header: str = ""  # normalised text of the column header (grid, below)
    header_nth: int = 0
    # other ways of writing the label or header (the field's ``aliases`` in layout.yaml),
    # tried when the printed one is not on the sheet
    label_aliases: tuple[str, ...] = ()
    header_aliases: tuple[str, ...] = ()


@dataclass
class LayoutMap:
    locators: list[Locator]
    labels: set[str]  # every normalised fixed text of the form
    table_headers: dict[str, str]  # normalised header text -> indicator column key
    labels_after_table: set[str]
    signature: set[str]  # labels that identify the layout
    width: int
    texts: dict[str, str] = field(default_factory=dict)  # label as written -> normalised
    level_keys: tuple[str, ...] = ()  # indicator level columns, highest first
    needed: frozenset[str] = frozenset()  # columns a header row must have
    header_labels: tuple[str, ...] = ()  # normalised names of the needed columns
    formulas: dict[str, Anchor] = field(default_factory=dict)  # formula cell id -> anchor


@functools.lru_cache(maxsize=32)
def layout_map(templates: TemplateSet, layout_id: str) -> LayoutMap:
    """Where each field of a layout sits relative to its labels, from the layout's own sheet
    description (rendered for one empty indicator)."""
    return _map_from_spec(reference_spec(templates, layout_id), templates.layout(layout_id))


def _aliases(placed: Placed | None, names: tuple[str, ...]) -> tuple[str, ...]:
    """The other names of a field whose label (or header) is ``placed``: when the printed
    text is one of the field's names, the rest of them."""
    text = norm_label(placed.data.get("text")) if placed is not None else ""
    return tuple(n for n in names if n != text) if text in names else ()


def _map_from_spec(spec: SheetSpec, layout: Layout) -> LayoutMap:
    grid: dict[tuple[int, int], Placed] = {}
    for cell in spec.cells:
        for r in range(cell.row, cell.last_row + 1):
            for c in range(cell.col, cell.last_col + 1):
                grid[(r, c)] = cell
    ordered = sorted(spec.cells, key=lambda c: (c.row, c.col))
    texts = [c for c in ordered if c.kind == "text" and norm_label(c.data.get("text"))]
    nth: dict[int, int] = {}
    seen: dict[str, int] = {}
    for cell in texts:
        key = norm_label(cell.data["text"])
        nth[id(cell)] = seen.get(key, 0)
        seen[key] = seen.get(key, 0) + 1

    locators: list[Locator] = []
    for cell in ordered:
        if cell.kind != "field":
            continue
        key = str(cell.data["field"])
        part = int(cell.data["part"]) if "part" in cell.data else None
        # nearest label to the left that starts in this row; count fields in between
        label, between = None, 0
        c = cell.col - 1
        while c >= 0:
            other = grid.get((cell.row, c))
            if other is None:
                break
            if other.kind == "text" and norm_label(other.data.get("text")):
                if other.row == cell.row:
                    label = other
                break
            if other.kind == "field":
                between += 1
            c = other.col - 1
        # nearest header above in this column
        header = None
        r = cell.row - 1
        while r >= 0:
            other = grid.get((r, cell.col))
            if other is not None and other.kind == "text" and norm_label(other.data.get("text")):
                header = other
                break
            r = (other.row - 1) if other is not None else r - 1
        spec_of = layout.field(key)
        names = tuple(norm_label(n) for n in spec_of.names) if spec_of is not None else ()
        if label is not None and between == 0:
            locators.append(
                Locator(
                    key,
                    part,
                    "right",
                    norm_label(label.data["text"]),
                    nth[id(label)],
                    label_aliases=_aliases(label, names),
                )
            )
        elif label is not None and header is not None:
            locators.append(
                Locator(
                    key,
                    part,
                    "grid",
                    norm_label(label.data["text"]),
                    nth[id(label)],
                    norm_label(header.data["text"]),
                    nth[id(header)],
                    _aliases(label, names),
                    _aliases(header, names),
                )
            )
        elif header is not None:
            locators.append(
                Locator(
                    key,
                    part,
                    "below",
                    header=norm_label(header.data["text"]),
                    header_nth=nth[id(header)],
                    header_aliases=_aliases(header, names),
                )
            )
    ind_cells = [c for c in spec.cells if c.kind == "ind"]
    table_headers: dict[str, str] = {}
    for column in layout.indicators.columns:
        for name in column.names:
            table_headers[norm_label(name)] = column.key
    first_ind_row = min((c.row for c in ind_cells), default=len(spec.rows))
    last_ind_row = max((c.last_row for c in ind_cells), default=len(spec.rows))
    after = {norm_label(c.data.get("text")) for c in texts if c.row > last_ind_row}
    labels = {norm_label(c.data.get("text")) for c in texts}
    labels |= {a for loc in locators for a in (*loc.label_aliases, *loc.header_aliases)}
    signature = {
        norm_label(c.data.get("text")) for c in texts if c.row < first_ind_row and c.row >= 2
    }
    width = max((c.last_col + 1 for c in spec.cells), default=0)
    formulas = formula_anchors(spec.cells, norm_label)
    require_cells(layout.roles, formulas, layout.origin)
    written = {t: norm_label(t) for c in texts if isinstance(t := c.data["text"], str)}
    needed = frozenset(c.key for c in layout.indicators.columns if c.required or c.type == "level")
    return LayoutMap(
        locators,
        labels,
        table_headers,
        after - {""},
        signature - {""},
        width,
        written,
        tuple(c.key for c in layout.indicators.level_columns),
        needed,
        tuple(label for label, key in table_headers.items() if key in needed),
        formulas,
    )


# ----------------------------------------------------------------------------------------
# reading a sheet


@dataclass(frozen=True)
class KnownLabels:
    """Every label any layout of a template set may show, for indexing a sheet quickly.

    Most text in a returned form is what people typed (names, goals, indicators), and each
    such text is new: normalising every one of them cost more than the rest of the index. A
    cell is normalised only when its first character that is not noise can begin a label;
    texts exactly as perfxl wrote them are looked up without normalising at all."""

    labels: frozenset[str]  # normalised
    first_chars: frozenset[str]
    exact: dict[str, str]  # label text as written in a generated form -> normalised

    @staticmethod
    def of(templates: TemplateSet) -> KnownLabels:
        return _known_labels(templates)

    def key_of(self, text: str) -> str | None:
        """The normalised text when it is one of the labels, else None; text whose first
        character that is not noise cannot begin a label is not normalised at all."""
        key = self.exact.get(text)
        if key is not None:
            return key
        if text.lstrip(_NOISE_CHARS)[:1] not in self.first_chars:
            return None
        key = _norm(text)
        return key if key in self.labels else None


@functools.lru_cache(maxsize=8)
def _known_labels(templates: TemplateSet) -> KnownLabels:
    labels: set[str] = set()
    exact: dict[str, str] = {}
    for layout_id in templates.layout_ids():
        lmap = layout_map(templates, layout_id)
        labels |= lmap.labels | lmap.table_headers.keys()
        exact.update(lmap.texts)
    labels.discard("")
    return KnownLabels(frozenset(labels), frozenset(k[0] for k in labels), exact)


class _Sheet:
    """A sheet's values as a grid, with label positions indexed.

    This runs for every sheet of every returned file, so the loops are written for speed:
    calamine gives "" for empty cells, which the ``if value`` tests skip first. With
    ``known``, only texts that normalise to one of its labels are indexed."""

    __slots__ = ("rows", "merges", "width", "_merge_ends", "label_positions", "_known", "inline")

    def __init__(
        self,
        rows: list[list[Any]],
        merges: list[tuple[tuple[int, int], tuple[int, int]]] | None,
        known: KnownLabels | None = None,
    ):
        self.rows = rows
        self.merges = merges or []
        self.width = max((len(row) for row in rows), default=0)
        self._merge_ends: dict[tuple[int, int], tuple[int, int]] | None = None
        self._known = known
        positions: dict[str, list[tuple[int, int]]] = {}
        # labels typed into one cell with their values (项目类别：特定目标类): label -> the
        # cells and values, consulted only when the label stands nowhere on its own
        inline: dict[str, list[Cell]] = {}
        exact = known.exact if known is not None else {}
        normalise = known.key_of if known is not None else _norm
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value and type(value) is str:
                    key = exact.get(value)  # labels as perfxl wrote them: no call
                    if key is None:
                        if len(value) > MAX_LABEL_CHARS:
                            continue
                        key = normalise(value)
                        if not key:
                            if known is not None and ("：" in value or ":" in value):
                                _index_pairs(value, r, c, known, inline)
                            continue
                    hits = positions.get(key)
                    if hits is None:
                        positions[key] = [(r, c)]
                    else:
                        hits.append((r, c))
        self.label_positions = positions
        self.inline = inline

    def is_label(self, value: Any, labels: set[str]) -> bool:
        """Whether a cell value is one of ``labels`` (normalised), without normalising text
        that cannot be a known label at all."""
        if type(value) is not str:
            return False
        key = self._known.key_of(value) if self._known is not None else _norm(value)
        return key in labels  # labels are among the known ones: None is never in them

    def get(self, r: int, c: int) -> Any:
        rows = self.rows
        if 0 <= r < len(rows):
            row = rows[r]
            if 0 <= c < len(row):
                value = row[c]
                if type(value) is str and not value.strip():
                    return None
                return value
        return None

    def find(self, label: str, nth: int = 0) -> tuple[int, int] | None:
        hits = self.label_positions.get(label)
        if not hits:
            return None
        return hits[min(nth, len(hits) - 1)]

    def right_of(self, label: str, nth: int, labels: set[str]) -> Cell | None:
        """The field right of the ``nth`` occurrence of a label: the first value past the
        label's merge (a merge keeps its value in its top-left cell, where the label is found),
        or, when the row holds nothing before the next label, the empty cell after the merge.
        This runs for most fields of every sheet, so it does its lookups itself."""
        hits = self.label_positions.get(label)
        if not hits:
            typed = self.inline.get(label)
            return typed[min(nth, len(typed) - 1)] if typed else None
        r, c = hits[nth] if nth < len(hits) else hits[-1]
        ends = self._merge_ends
        if ends is None:
            ends = self._merge_ends = dict(self.merges)  # top-left -> bottom-right
        end = ends.get((r, c))
        start = (end[1] if end else c) + 1
        row = self.rows[r]
        for cc in range(start, len(row)):
            value = row[cc]
            if type(value) is str:
                text = value.strip()
                if not text:
                    continue
                if self.is_label(value, labels):
                    break
                return Cell(_without_label(text, label), r, cc)
            if value is not None:
                return Cell(value, r, cc)
        return Cell(None, r, start)


def _index_pairs(
    value: str, r: int, c: int, known: KnownLabels, inline: dict[str, list[Cell]]
) -> None:
    """Each known label of a cell holding ``label：value`` pairs, with its value."""
    for label, text in inline_pairs(value):
        key = known.key_of(label)
        if key is not None:
            inline.setdefault(key, []).append(Cell(text or None, r, c))


def _without_label(text: str, label: str) -> str:
    """A value cell that repeats its label (项目类别：特定目标类 right of 项目类别): the value."""
    pairs = inline_pairs(text) if ("：" in text or ":" in text) else ()
    if len(pairs) == 1 and norm_label(pairs[0][0]) == label:
        return pairs[0][1]
    return text


def _present(sheet: _Sheet, text: str, nth: int, aliases: tuple[str, ...]) -> tuple[str, int]:
    """The label as this sheet writes it: the printed one, else the first alias found
    (an alias stands once, so its first occurrence is taken)."""
    if text in sheet.label_positions or not aliases:
        return text, nth
    for alias in aliases:
        if alias in sheet.label_positions:
            return alias, 0
    return text, nth


def _locate(sheet: _Sheet, loc: Locator, labels: set[str]) -> Cell | None:
    label, label_nth = _present(sheet, loc.label, loc.label_nth, loc.label_aliases)
    header, header_nth = _present(sheet, loc.header, loc.header_nth, loc.header_aliases)
    if loc.strategy == "right":
        return sheet.right_of(label, label_nth, labels)
    if loc.strategy == "grid":
        row_pos = sheet.find(label, label_nth)
        col_pos = sheet.find(header, header_nth)
        if row_pos is None or col_pos is None:
            return None
        value = sheet.get(row_pos[0], col_pos[1])
        return Cell(
            None if sheet.is_label(value, labels) else _clean(value), row_pos[0], col_pos[1]
        )
    pos = sheet.find(header, header_nth)
    if pos is None:
        return None
    r, c = pos
    for rr in range(r + 1, min(r + 4, len(sheet.rows))):
        value = sheet.get(rr, c)
        if value is None:
            continue
        if sheet.is_label(value, labels):
            break
        return Cell(_clean(value), rr, c)
    return Cell(None, r + 1, c)


def _missing_label(sheet: _Sheet, loc: Locator) -> str:
    """The label a field could not be found by: the row label, or the column header when
    the row label is there (S002 names what is actually missing)."""
    if loc.strategy == "below" or (
        loc.strategy == "grid"
        and _present(sheet, loc.label, loc.label_nth, loc.label_aliases)[0] in sheet.label_positions
    ):
        return loc.header
    return loc.label


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def _read_table(sheet: _Sheet, lmap: LayoutMap, layout: Layout) -> tuple[list[ReadIndicator], bool]:
    """Find the indicator header row and read the table down to the next label of the form."""
    columns: dict[str, int] = {}
    header_row = None
    level_keys, needed = lmap.level_keys, lmap.needed
    # candidate header rows: those holding the label of a column the table must have
    positions = sheet.label_positions
    candidate_rows = {r for label in lmap.header_labels for r, _ in positions.get(label, ())}
    for r in sorted(candidate_rows):
        found: dict[str, int] = {}
        for c, value in enumerate(sheet.rows[r]):
            key = lmap.table_headers.get(norm_label(value)) if isinstance(value, str) else None
            if key and key not in found:
                found[key] = c
        if needed <= found.keys():
            header_row, columns = r, found
            break
    if header_row is None:
        return [], False
    indicators: list[ReadIndicator] = []
    previous: dict[str, Any] = {}
    rows = sheet.rows
    # the table ends at the first row below the header that holds a label of what follows it
    end = min(
        (
            r
            for label in lmap.labels_after_table
            for r, _ in positions.get(label, ())
            if r > header_row
        ),
        default=len(rows),
    )
    items = list(columns.items())
    content_items = [(key, c) for key, c in items if key not in level_keys]
    level_items = [(key, columns[key]) for key in level_keys]
    for r in range(header_row + 1, end):
        row = rows[r]
        n = len(row)
        cells: dict[str, Cell] = {}
        has_content = False
        for key, c in content_items:
            value = row[c] if c < n else None
            if type(value) is str:
                value = value.strip() or None
            if value is not None:
                has_content = True
            cells[key] = Cell(value, r, c)
        empty = not has_content
        filled: set[str] = set()
        same_group = True  # the higher levels of this row are those of the row above
        for key, c in level_items:
            value = row[c] if c < n else None
            if type(value) is str:
                value = value.strip() or None
            if value is None:
                if has_content and same_group and key in previous:
                    # merged vertically or left blank under a filled one: fill down
                    value = previous[key]
                    filled.add(key)
                cells[key] = Cell(value, r, c)
            else:
                empty = False
                cells[key] = Cell(value, r, c)
            if same_group and key not in filled and value != previous.get(key):
                same_group = False
        if empty:
            continue
        for key in level_keys:
            value = cells[key].value
            if value is not None and key not in filled:
                previous[key] = value
        indicators.append(ReadIndicator(cells, filled, r))
    return indicators, True


def read_project_sheet(
    rows: list[list[Any]],
    merges: Any,
    name: str,
    lmap: LayoutMap,
    layout: Layout,
    sheet: _Sheet | None = None,
) -> ReadProject:
    sheet = sheet or _Sheet(rows, merges)
    fields: dict[str, Cell] = {}
    missing: list[str] = []
    rows_parts: dict[str, list[Any]] = {}
    for loc in lmap.locators:
        cell = _locate(sheet, loc, lmap.labels)
        if cell is None:
            missing.append(_missing_label(sheet, loc))
            continue
        if loc.part is not None:
            rows_parts.setdefault(loc.key, []).append((loc.part, cell))
        elif loc.key not in fields:
            fields[loc.key] = cell
    for key, parts in rows_parts.items():
        for part, cell in parts:
            fields[f"{key}#{part}"] = cell
    indicators, found = _read_table(sheet, lmap, layout)
    return ReadProject(
        sheet=name,
        fields=fields,
        indicators=indicators,
        missing_labels=sorted(set(missing)),
        table_found=found,
        sheet_rows=rows,
        form_width=lmap.width,
    )


# ----------------------------------------------------------------------------------------
# the workbook


def _calamine_book(path: Path, archive: bytes | None = None) -> Any:
    """The workbook opened by python-calamine: from the bytes the guard verified (see
    ``inspect_for_reading``), or from the file for an .xls, which has no checksums to verify."""
    import python_calamine

    try:
        if archive is not None:
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(archive))
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise reader_failure(path, exc) from None


def reader_failure(path: Path, exc: BaseException) -> IntakeError:
    """R004 for a failure of the value reader itself, said in Chinese with the place."""
    from perfxl.read.failures import describe

    return IntakeError(
        "R004",
        f"「{path.name}」已损坏或格式不对，无法读取（{describe(path, exc)}）。"
        "请让填报单位用 Excel 或 WPS 打开后另存为新的工作簿再发送。",
    )


def _sheet_values(book: Any, name: str) -> tuple[list[list[Any]], Any]:
    sheet = book.get_sheet_by_name(name)
    rows = sheet.to_python(skip_empty_area=False)
    merges = getattr(sheet, "merged_cell_ranges", None)
    return rows, merges


def _read_meta(book: Any, names: list[str]) -> dict[str, str]:
    if META_SHEET not in names:
        return {}
    rows, _ = _sheet_values(book, META_SHEET)
    meta: dict[str, str] = {}
    sheets: list[str] = []
    carried: list[str] = []  # the record of what a later stage carries, in chunks
    for row in rows:
        if len(row) >= 2 and isinstance(row[0], str) and row[0]:
            if row[0] == "sheet":
                sheets.append(str(row[1]))
            elif row[0] == "carried":
                carried.append(str(row[1] or ""))
            else:
                meta.setdefault(row[0], str(row[1]) if row[1] is not None else "")
    meta["sheets"] = "\n".join(sheets)
    if carried:
        meta["carried"] = "".join(carried)
    return meta


def _incomplete(project: ReadProject) -> bool:
    return bool(project.missing_labels) or not project.table_found


def _detected_framework(
    projects: list[ReadProject], layout: Layout, assumed: Framework, templates: TemplateSet
) -> Framework:
    """A form identified by its labels follows whatever framework its level names show,
    among those with as many levels as the layout (field notes §1: provinces print the
    same form over the 2015 and the 2021 national frameworks)."""
    from perfxl.layout.detect import detect_framework

    keys = [c.key for c in layout.indicators.level_columns]
    paths = [tuple(ind.value(k) for k in keys) for p in projects for ind in p.indicators]
    frameworks = [templates.framework(i) for i in templates.framework_ids()]
    found = detect_framework(paths, frameworks, None, depth=len(keys))
    if found is None or found.framework == assumed.id:
        return assumed
    return templates.framework(found.framework)


def _family_workbook(
    path: Path,
    info: FileInfo,
    meta: dict[str, str],
    names: list[str],
    family: Any,
    cell_formulas: SheetFormulas,
) -> ReadWorkbook:
    return ReadWorkbook(
        path=path,
        info=info,
        layout=family.layout,
        framework=family.framework,
        identified_by="family",
        meta=meta,
        year=family.year,
        money_unit=family.money_unit,
        projects=family.projects,
        sheet_names=names,
        family=family,
        cell_formulas=cell_formulas,
    )


def _read_by_vocabulary(
    sheet_of: Callable[[str], _Sheet],
    names: list[str],
    templates: TemplateSet,
    framework: str | None = None,
    properties: dict[str, str] | None = None,
) -> Any:
    """The workbook read by the family vocabulary (read/family.py), or None when no sheet
    holds a form of the family."""
    from perfxl.read.family import load_vocabulary, missing_labels, read_family_sheet
    from perfxl.read.familyform import read_family
    from perfxl.read.props import recorded_form_labels

    vocab = load_vocabulary(templates.dirs)
    sheets = []
    for name in names:
        if name in AUXILIARY_SHEETS:
            continue
        values = sheet_of(name)  # read once, whether the layouts were tried on it or not
        sheet = read_family_sheet(values.rows, values.merges, name, vocab)
        if sheet.projects:
            sheets.append(sheet)
    if not sheets:
        return None
    family = read_family(sheets, templates, vocab, None, framework)
    if properties and "form_fingerprint" in properties:
        recorded = recorded_form_labels(properties)
        family.missing_form_labels = missing_labels(recorded, (sheet_of(n).rows for n in names))
    return family


# A layout is taken when its sheet shows this share of the labels that identify it.
IDENTIFY_SHARE = 0.6


def layout_scores(
    sheet_of: Callable[[str], _Sheet], names: list[str], templates: TemplateSet
) -> list[tuple[float, str]]:
    """Every layout with the share of its identifying labels the best sheet shows, best first
    (ties: in the order the layouts are listed)."""
    sheets = [sheet_of(n) for n in names if n not in AUXILIARY_SHEETS][:20]
    scores: list[tuple[float, str]] = []
    for layout_id in templates.layout_ids():
        lmap = layout_map(templates, layout_id)
        if not lmap.signature:
            continue
        best = max(
            (len(lmap.signature & s.label_positions.keys()) / len(lmap.signature) for s in sheets),
            default=0.0,
        )
        scores.append((best, layout_id))
    scores.sort(key=lambda item: -item[0])
    return scores


def identify_layout(
    sheet_of: Callable[[str], _Sheet],
    names: list[str],
    templates: TemplateSet,
    meta: dict[str, str],
) -> tuple[str | None, str]:
    """The layout id: from perfxl's hidden meta sheet, else the layout whose labels match best."""
    if meta.get("layout") in templates.layout_ids():
        return meta["layout"], "meta"
    scores = layout_scores(sheet_of, names, templates)
    if scores and scores[0][0] >= IDENTIFY_SHARE:
        return scores[0][1], "labels"
    return None, "labels"


def _not_a_form(
    path: Path, sheet_of: Callable[[str], _Sheet], names: list[str], templates: TemplateSet
) -> PerfxlError:
    """R008, saying what was found: the labels of ours the sheets show, and the closest
    layout with its share of identifying labels."""
    found: list[str] = []
    for name in names[:12]:
        if name not in AUXILIARY_SHEETS:
            found += [k for k in sheet_of(name).label_positions if k not in found]
    scores = layout_scores(sheet_of, names, templates)
    seen = f"找到的栏目有「{'、'.join(found[:8])}」" if found else "找不到任何表样的栏目标签"
    closest = ""
    if scores and scores[0][0] > 0:
        score, layout_id = scores[0]
        closest = f"；最接近的表样是「{templates.layout(layout_id).name}」（{score:.0%} 相符，需 {IDENTIFY_SHARE:.0%}）"
    return PerfxlError(
        f"「{path.name}」不是可识别的绩效目标表：{seen}{closest}，按通用词表也找不到指标表"
        f"（一级指标、二级指标……的表头）。"
    )


def read_workbook(
    path: Path,
    templates: TemplateSet | None = None,
    limits: Limits | None = None,
    framework_id: str | None = None,
    skip_outputs: bool = False,
) -> ReadWorkbook:
    """Read one returned workbook; raise IntakeError/PerfxlError when it cannot be read.
    ``framework_id`` (an id of ``templates``) is the framework every form is checked under,
    instead of the one it records or shows. ``skip_outputs``: raise :class:`OwnOutput` for
    an annotated copy or a summary perfxl wrote (merge must not take them for returns)."""
    forced = framework_id
    templates = templates or template_set()
    info, archive = inspect_for_reading(path, limits or Limits())
    book = _calamine_book(path, archive)
    cell_formulas = SheetFormulas(archive if info.format in ("xlsx", "xlsm") else None)
    del archive  # calamine keeps its own copy
    try:
        names = [m.name for m in book.sheets_metadata]
    except AttributeError:  # older python-calamine
        names = list(book.sheet_names)
    if skip_outputs and (kind := own_output(info.properties, names)) is not None:
        raise OwnOutput(kind)
    meta = meta_from_properties(info.properties) if META_SHEET in names else None
    if meta is None:
        meta = _read_meta(book, names)
    elif "carried" in info.properties:  # what this stage carries is only in the hidden sheet
        meta["carried_sha"] = info.properties["carried"]
        meta["carried"] = _read_meta(book, names).get("carried", "")
    sheets: dict[str, _Sheet] = {}
    known = KnownLabels.of(templates)

    def sheet_of(name: str) -> _Sheet:
        """Each sheet read and indexed once, whether identifying the layout needed it or not."""
        if name not in sheets:
            sheets[name] = _Sheet(*_sheet_values(book, name), known)
        return sheets[name]

    layout_id, how = identify_layout(sheet_of, names, templates, meta)
    if layout_id is None:
        family = _read_by_vocabulary(sheet_of, names, templates, forced, info.properties)
        if family is None:
            raise _not_a_form(path, sheet_of, names, templates)
        return _family_workbook(path, info, meta, names, family, cell_formulas)
    layout = templates.layout(layout_id)
    fw_id = meta.get("framework") or layout.framework
    framework = templates.framework(
        fw_id if fw_id in templates.framework_ids() else layout.framework
    )
    lmap = layout_map(templates, layout_id)
    projects: list[ReadProject] = []
    for name in names:
        if name in AUXILIARY_SHEETS:
            continue
        sheet = sheet_of(name)
        if not lmap.signature or len(lmap.signature & sheet.label_positions.keys()) < max(
            2, len(lmap.signature) // 3
        ):
            continue  # not a form of this layout (notes, pivot tables, other sheets people add)
        projects.append(read_project_sheet(sheet.rows, sheet.merges, name, lmap, layout, sheet))
    if how == "labels" and (not projects or any(_incomplete(p) for p in projects)):
        # the labels matched a layout only in part: a form of another province that looks
        # like ours is read more faithfully by the vocabulary than by a layout it only
        # resembles (the layout would report its own labels as missing)
        family = _read_by_vocabulary(sheet_of, names, templates, forced, info.properties)
        if family is not None:
            return _family_workbook(path, info, meta, names, family, cell_formulas)
    if forced is not None:
        framework = templates.framework(forced)
    elif how == "labels":
        framework = _detected_framework(projects, layout, framework, templates)
    if "sheet_count" in meta and len(projects) < int(meta["sheet_count"]):
        # project sheets are missing: their names are only in the hidden sheet
        meta["sheets"] = _read_meta(book, names).get("sheets", "")
    notes: list[Finding] = []
    year = _year_from(meta, projects, path, notes)
    return ReadWorkbook(
        path=path,
        info=info,
        layout=layout,
        framework=framework,
        identified_by=how,
        meta=meta,
        year=year,
        money_unit=meta.get("money_unit") or _money_unit_from(projects, layout),
        projects=projects,
        sheet_names=names,
        formulas=lmap.formulas,
        cell_formulas=cell_formulas,
        notes=notes,
    )


class SheetFormulas:
    """The cells of a sheet that hold a formula or an error value, read from the verified
    bytes of an .xlsx/.xlsm on first need: only an empty text cell is asked about (a target
    typed as =12000.00(件) into a General cell shows an error, which the values read as
    empty), so most returned forms never open their parts a second time."""

    def __init__(self, archive: bytes | None = None):
        self._archive = archive
        self._sheets: dict[str, bytes] = {}  # sheet -> its part, or b"" when it has none
        self._parts: dict[str, str] | None = None
        self._zip: zipfile.ZipFile | None = None

    def at(self, sheet: str, row: int, col: int) -> FormulaCell | None:
        if self._archive is None:
            return None
        if sheet not in self._sheets:
            self._sheets[sheet] = self._read(sheet)
        part = self._sheets[sheet]
        return formula_cell_at(part, row, col) if part else None

    def _read(self, sheet: str) -> bytes:
        assert self._archive is not None
        try:
            if self._parts is None:  # the archive's directory, read once
                self._zip = zipfile.ZipFile(io.BytesIO(self._archive))
                names = set(self._zip.namelist())
                rels = "xl/_rels/workbook.xml.rels"
                found = (
                    sheet_parts(self._zip.read("xl/workbook.xml"), self._zip.read(rels))
                    if "xl/workbook.xml" in names and rels in names
                    else None
                )
                self._parts = {k: v for k, v in (found or {}).items() if v in names}
            name = self._parts.get(sheet)
            part = self._zip.read(name) if name and self._zip is not None else b""
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            self._parts = {}
            return b""  # the guard has read these bytes already; the values are still read
        return part if part and may_hold_formulas(part) else b""


_YEAR_IN_TITLE = re.compile(r"[（(]\s*(\d{4})\s*年度?\s*[)）]|(\d{4})\s*年绩效目标")
_UNIT_IN_LABEL = re.compile(r"[（(]\s*(万元|元)\s*[)）]")


def _year_from(
    meta: dict[str, str], projects: list[ReadProject], path: Path, notes: list[Finding]
) -> int | None:
    """The year perfxl recorded (its property or hidden sheet), else the one in a title. A
    recorded year in other decimal digits (２０２５, ٢٠٢٥) is read; one that is no year at all
    (²⁰²⁵, 二〇二五, text) is reported as damaged (R012) and the title is used."""
    recorded = meta.get("year", "").strip()
    if recorded:
        year = recorded_year(recorded)
        if year is not None:
            return year
        notes.append(finding("R012", workbook=path.name, value=recorded[:20]))
    for project in projects:
        for row in project.sheet_rows[:6]:
            for value in row:
                if isinstance(value, str):
                    m = _YEAR_IN_TITLE.search(value)
                    if m:
                        return int(m.group(1) or m.group(2))
    return None


def recorded_year(text: str) -> int | None:
    """A four-digit year written in any script's decimal digits, else None."""
    digits = [unicodedata.decimal(ch, None) for ch in text]
    if len(digits) != 4 or any(d is None for d in digits):
        return None
    year = int("".join(str(d) for d in digits))
    return year if 1900 <= year <= 2200 else None


def _money_unit_from(projects: list[ReadProject], layout: Layout) -> str:
    for project in projects:
        for row in project.sheet_rows:
            for value in row:
                if isinstance(value, str) and "资金" in value:
                    m = _UNIT_IN_LABEL.search(value)
                    if m:
                        return m.group(1)
    return layout.money_unit


def excel_serial_to_date(value: float) -> dt.date:
    return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
