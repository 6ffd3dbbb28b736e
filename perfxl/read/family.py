"""Read any form of the family by its vocabulary, when no layout of ours matches.

Every province prints the same form with other words: 项目支出名称 for 项目名称, 预算单位 for
实施单位, 指标值及单位 for 指标值, a target split into 指标性质 | 指标值 | 度量单位, money typed as
``250万``. The words live in ``templates/family/vocabulary.yaml``; this module only knows the
shapes a form of the family takes:

- a header block of label → value pairs (the value right of its label, or below it when the
  label's row holds only labels), with a money block that is either pairs
  (``年度资金总额：1125``) or a small table (money lines down, 年初预算 / 执行数 / … across);
- an indicator table: a header row (sometimes two) naming 一级 / 二级 / 三级 … columns, read down
  to a closing row (合计, 评价结论, 填表人 …), with level cells merged down or left blank;
- a list sheet (清单式): project columns and indicator columns in one header row, one row per
  indicator, project cells merged down; a department total line first is not a project.

Whatever the vocabulary does not cover is kept as label → value pairs on the project
(``unmapped``), so nothing is dropped without a word. The result is plain data with the cell of
every value; turning it into typed projects and findings is the caller's job.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from perfxl.core.errors import TemplateError
from perfxl.read.locate import Cell
from perfxl.read.money import parse_money
from perfxl.read.pairs import inline_pairs as _inline_pairs

# ----------------------------------------------------------------------------------------
# the vocabulary

_NOISE = re.compile(r"[\s\u3000*＊:：]+")
_TRAILING_NOTE = re.compile(r"\(([^()]*)\)$")
_PARENS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")"})
_POINTS = re.compile(r"^(\d+(?:\.\d+)?)分$")
MONEY_UNITS = {
    "元": Decimal(1),
    "万元": Decimal(10000),
    "千元": Decimal(1000),
    "亿元": Decimal(10**8),
}
_UNIT_NOTE = re.compile(r"^(?:单位|金额单位)?[:：]?(万元|元|千元|亿元)$")
# A label is short: anything longer in the header block is a value someone typed.
MAX_LABEL_CHARS = 24


def norm(text: Any) -> str:
    """A label as compared: no whitespace, colons or asterisks; ASCII parentheses."""
    if text is None:
        return ""
    return _NOISE.sub("", str(text)).translate(_PARENS)


@dataclass(frozen=True)
class Label:
    """What a cell's text means as a label: its kind, canonical key and the notes that were
    stripped from its end (a money unit, points)."""

    kind: str  # field | money_line | money_field | money_column | indicator | closing | section
    key: str
    unit: str | None = None
    points: Decimal | None = None
    note: str | None = None  # another note: (长期), (年度), (A) …


@dataclass(frozen=True, eq=False)  # one per templates folder: compared by identity
class Vocabulary:
    tables: dict[str, dict[str, str]]  # kind -> normalised label -> key
    closing: frozenset[str]
    sections: frozenset[str]
    # kind -> key -> the label shown in reports (the first way of writing it)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # "field" / "money_column" / "indicator" -> key -> field type (text when not listed)
    types: dict[str, dict[str, str]] = field(default_factory=dict)
    # every label of every kind: most cells of a sheet are values, ruled out by one look here
    every_label: frozenset[str] = frozenset()
    # what a text means as a label, worked out once for every sheet of every form read with
    # this vocabulary (see Words); bounded, since most texts are what people typed
    parsed: dict[str, Any] = field(default_factory=dict, repr=False)
    answers: dict[tuple[str, tuple[str, ...]], Any] = field(default_factory=dict, repr=False)

    def match(self, parsed: _Parsed | None, kinds: Sequence[str]) -> Label | None:
        """The first of ``kinds`` whose table knows the label, with or without its trailing
        notes ((万元), (50分), (盖章), (A)) and a leading 其中 (see _parse_label)."""
        if parsed is None:
            return None
        candidates, unit, points, other = parsed
        for kind in kinds:
            if kind == "closing":
                if any(c in self.closing for c in candidates):
                    return Label("closing", candidates[-1])
                continue
            if kind == "section":
                if any(c in self.sections for c in candidates):
                    return Label("section", candidates[-1], unit, points)
                continue
            table = self.tables[kind]
            for cand in candidates:
                if cand in table:
                    return Label(kind, table[cand], unit, points, other)
        return None


# a label's forms to look up (as written, without its trailing notes, without 其中), and the
# money unit, points and other note stripped from its end
_Parsed = tuple[tuple[str, ...], str | None, Decimal | None, str | None]


def _parse_label(text: Any) -> _Parsed | None:
    if not isinstance(text, str) or len(text) > 60:
        return None
    key = norm(text)
    if not key:
        return None
    unit, points, other = None, None, None
    candidates = [key]
    stripped = key
    while (m := _TRAILING_NOTE.search(stripped)) is not None:
        note = m.group(1)
        stripped = stripped[: m.start()]
        if (u := _UNIT_NOTE.match(note)) is not None:
            unit = u.group(1)
        elif (p := _POINTS.match(note)) is not None:
            points = Decimal(p.group(1))
        else:
            other = other or note
        candidates.append(stripped)
    for cand in list(candidates):
        if cand.startswith("其中"):
            candidates.append(cand[2:])
    return tuple(candidates), unit, points, other


class Words:
    """The vocabulary as the reader asks it: each distinct text is parsed as a label once,
    and each question about it answered once, however often the reader asks (some 230 times
    a sheet), for every sheet and form read with the same vocabulary."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self.closing = vocab.closing
        self.sections = vocab.sections
        # shared by every sheet read with the vocabulary: a form's labels recur in each of
        # its sheets and in every other form of its province
        if len(vocab.answers) > _CACHE_LIMIT:
            vocab.answers.clear()
            vocab.parsed.clear()
        self._parsed: dict[str, _Parsed | None] = vocab.parsed
        self._answers: dict[tuple[str, tuple[str, ...]], Label | None] = vocab.answers

    def lookup(self, text: Any, kinds: tuple[str, ...]) -> Label | None:
        if not isinstance(text, str):
            return None
        answer = self._answers.get((text, kinds), _UNSEEN)
        if answer is _UNSEEN:
            parsed = self._parsed.get(text, _UNSEEN)
            if parsed is _UNSEEN:
                parsed = _parse_label(text)
                if parsed is not None and self.vocab.every_label.isdisjoint(parsed[0]):
                    parsed = None
                self._parsed[text] = parsed
            answer = self._answers[(text, kinds)] = self.vocab.match(parsed, kinds)
        return answer  # type: ignore[no-any-return]


_UNSEEN: Any = object()
_CACHE_LIMIT = 200_000


_KINDS = {
    "fields": "field",
    "money_lines": "money_line",
    "money_fields": "money_field",
    "money_columns": "money_column",
    "indicator_columns": "indicator",
}


def vocabulary_from_data(data: Any, origin: str) -> Vocabulary:
    if not isinstance(data, dict):
        raise TemplateError(f"{origin}：错误：词表的内容必须是一个映射")
    tables: dict[str, dict[str, str]] = {}
    labels: dict[str, dict[str, str]] = {}
    for section, kind in _KINDS.items():
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            raise TemplateError(f"{origin}：错误：「{section}」必须是「规范键: [写法, …]」的映射")
        table: dict[str, str] = {}
        for key, words in entries.items():
            if not isinstance(words, list):
                raise TemplateError(f"{origin}：错误：「{section}.{key}」必须是写法的列表")
            for word in words:
                table.setdefault(norm(word), str(key))
            if words:
                labels.setdefault(kind, {})[str(key)] = str(words[0])
        tables[kind] = table
    closing = frozenset(norm(w) for w in data.get("closing_rows") or ())
    sections = frozenset(norm(w) for w in data.get("section_labels") or ())
    types: dict[str, dict[str, str]] = {}
    for section, kind in (
        ("field_types", "field"),
        ("money_column_types", "money_column"),
        ("indicator_types", "indicator"),
    ):
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            raise TemplateError(f"{origin}：错误：「{section}」必须是「规范键: 类型」的映射")
        types[kind] = {str(k): str(v) for k, v in entries.items()}
    every = frozenset().union(*(table.keys() for table in tables.values()), closing, sections)
    return Vocabulary(tables, closing, sections, labels, types, every)


@functools.lru_cache(maxsize=8)
def load_vocabulary(folders: tuple[Path, ...]) -> Vocabulary:
    """The vocabulary: the first ``family/vocabulary.yaml`` found in ``folders`` (a user's
    templates folder before the built-in one)."""
    for folder in folders:
        path = folder / "family" / "vocabulary.yaml"
        if path.is_file():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise TemplateError(f"{path}：错误：词表不是有效的 YAML（{exc}）") from None
            return vocabulary_from_data(data, str(path))
    raise TemplateError("错误：找不到通用读取的词表 family/vocabulary.yaml")


# ----------------------------------------------------------------------------------------
# what is read


@dataclass
class FamilyIndicator:
    cells: dict[str, Cell]  # level1…level4, name, target, nature, value, measure_unit, …
    row: int
    filled_down: set[str] = field(default_factory=set)
    level_weights: dict[str, Decimal] = field(default_factory=dict)  # "产出指标（50分）"

    def value(self, key: str) -> Any:
        cell = self.cells.get(key)
        return cell.value if cell else None


@dataclass
class FamilyProject:
    sheet: str
    fields: dict[str, Cell]
    money: dict[str, dict[str, Cell]]  # line -> column -> cell
    money_unit: str | None  # the unit stated for this project's money (label or subtitle)
    indicators: list[FamilyIndicator]
    unmapped: list[tuple[str, Cell]]
    first_row: int
    last_row: int
    table_found: bool = True
    closing_rows: list[str] = field(default_factory=list)  # closing labels met under the table
    level_keys: tuple[str, ...] = ()  # the level columns the table has, highest first

    def value(self, key: str) -> Any:
        cell = self.fields.get(key)
        return cell.value if cell else None


@dataclass
class DepartmentTotal:
    """A list sheet's department line (``820-某某部门 | 8,827,620.53``): not a project."""

    label: Cell
    amount: Cell | None


@dataclass
class FamilySheet:
    name: str
    projects: list[FamilyProject]
    money_unit: str | None  # stated for the whole sheet (单位：万元)
    year: int | None  # from the title ((2021年度), 2023年度…)
    list_sheet: bool = False
    department_totals: list[DepartmentTotal] = field(default_factory=list)
    # header rows of indicator tables that no project was read from (a project whose name
    # label is missing, say): the caller reports them as structure findings
    orphan_tables: list[int] = field(default_factory=list)
    # long-term tables (长期绩效指标) beside the annual one, read as not checked: the header
    # row and the table's label
    long_term_tables: list[tuple[int, str]] = field(default_factory=list)


# ----------------------------------------------------------------------------------------
# the grid


class _Grid:
    """A sheet's values with its merges resolved: each cell knows the merge it belongs to."""

    def __init__(self, rows: list[list[Any]], merges: Iterable[Any] | None):
        # _clean, written out: this runs for every cell of every sheet read
        self.rows = [
            [
                (v.strip() or None) if type(v) is str else (None if v == "" else v)
                for v in row
            ]
            for row in rows
        ]
        self.height = len(self.rows)
        self.width = max((len(r) for r in self.rows), default=0)
        self.owner: dict[tuple[int, int], tuple[int, int]] = {}
        self.span: dict[tuple[int, int], tuple[int, int]] = {}  # top-left -> bottom-right
        self._filled: dict[int, list[tuple[int, Any]]] = {}
        for merge in merges or ():
            (r1, c1), (r2, c2) = merge
            self.span[(r1, c1)] = (r2, c2)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        self.owner[(r, c)] = (r1, c1)

    def get(self, r: int, c: int) -> Any:
        if 0 <= r < self.height:
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return None

    def covered(self, r: int, c: int) -> bool:
        return (r, c) in self.owner

    def value_through_merge(self, r: int, c: int) -> tuple[Any, int, int]:
        """The value shown at (r, c): a merged cell shows its top-left cell's value."""
        owner = self.owner.get((r, c))
        if owner is not None:
            return self.get(*owner), owner[0], owner[1]
        return self.get(r, c), r, c

    def last_col(self, r: int, c: int) -> int:
        end = self.span.get((r, c))
        return end[1] if end else c

    def last_row(self, r: int, c: int) -> int:
        end = self.span.get((r, c))
        return end[0] if end else r

    def filled(self, r: int) -> list[tuple[int, Any]]:
        """The non-empty cells of a row that are not covered by a merge, left to right (the
        reader asks for each row many times: worked out once per row)."""
        if r >= self.height:
            return []
        cells = self._filled.get(r)
        if cells is None:
            owner = self.owner
            cells = self._filled[r] = [
                (c, v) for c, v in enumerate(self.rows[r]) if v is not None and (r, c) not in owner
            ]
        return cells


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if value == "":
        return None
    return value


# ----------------------------------------------------------------------------------------
# reading a sheet

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_SUBTITLE_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|千元|亿元)")
_DASHES = {"-", "—", "/", "／", "－", "——", "--", "无"}
_TOTAL_LINE = re.compile(r"^\d{3,}\s*[-－—]\s*\S*部门")


def read_family_sheet(
    rows: list[list[Any]], merges: Iterable[Any] | None, name: str, vocab: Vocabulary
) -> FamilySheet:
    """Every project of one sheet, read by the vocabulary (possibly none)."""
    words = Words(vocab)
    grid = _Grid(rows, merges)
    year, unit = _title_facts(grid)
    headers = _indicator_headers(grid, words)
    sheet = FamilySheet(name, [], unit, year)
    if headers and _is_list_sheet(grid, words, headers[0]):
        sheet.list_sheet = True
        _read_list_sheet(grid, words, headers[0], sheet)
        return sheet
    if not headers:
        return sheet  # no indicator table: some other sheet (notes, a contact list)
    anchors = _project_anchors(grid, words, headers) or [0]
    bounds = [*anchors[1:], grid.height]
    shared: dict[str, Cell] = {}
    first_start = 0
    for i, start in enumerate(anchors):
        region_start = first_start if i == 0 else start
        region_end = bounds[i]
        own_headers = [h for h in headers if region_start <= h[0] < region_end]
        main, long_term, others = _main_table(grid, own_headers)
        project = _read_form_region(
            grid,
            words,
            name,
            region_start,
            region_end,
            main,
            start,
            next((h[0] for h in own_headers if main is not None and h[0] > main[0]), region_end),
            _table_rows(grid, words, [h for h in own_headers if h is not main], region_end),
        )
        if i == 0:
            # fields above the first project (申报单位：… under the title) hold for all
            shared = {k: v for k, v in project.fields.items() if v.row < start}
        else:
            for key, cell in shared.items():
                project.fields.setdefault(key, cell)
        project.money_unit = project.money_unit or unit or _typed_unit(project)
        sheet.projects.append(project)
        sheet.orphan_tables.extend(h[0] for h in others)
        sheet.long_term_tables.extend((h[0], _section_text(grid, h)) for h in long_term)
    return sheet


def _section_text(grid: _Grid, header: tuple[int, int, dict[str, int]]) -> str:
    """The label left of an indicator table's header (长期绩效指标, 年度绩效指标), if any."""
    first, _data, columns = header
    left = min(columns.values())
    if left == 0:
        return ""
    value = grid.value_through_merge(first, 0)[0]
    texts = [v for c, v in grid.filled(first) if 0 < c < left and isinstance(v, str)]
    return norm("".join([value] if isinstance(value, str) else []) + "".join(texts))


def _table_rows(
    grid: _Grid, vocab: Words, headers: list[tuple[int, int, dict[str, int]]], end: int
) -> set[int]:
    """The rows of tables other than a project's own, each down to a closing row, the next
    table or ``end``: no header pairs are read there."""
    rows: set[int] = set()
    for first, data_row, _columns in headers:
        r = first
        while r < end and (r < data_row or _closing_label(grid, vocab, r) is None):
            if r >= data_row and any(h[0] == r for h in headers):
                break
            rows.add(r)
            r += 1
    return rows


def _main_table(
    grid: _Grid, headers: list[tuple[int, int, dict[str, int]]]
) -> tuple[
    tuple[int, int, dict[str, int]] | None,
    list[tuple[int, int, dict[str, int]]],
    list[tuple[int, int, dict[str, int]]],
]:
    """The indicator table of a project when its block holds several, one under another: the
    annual one (its section label, left of the header, says 年度 or 本年), else the first.
    The others are long-term tables (长期绩效指标, 中期…: not this year's targets) or tables
    that belong to no project."""
    if len(headers) < 2:
        return (headers[0] if headers else None), [], []

    notes = [_section_text(grid, h) for h in headers]
    annual = [h for h, note in zip(headers, notes) if any(w in note for w in ("年度", "本年", "当年"))]
    main = annual[0] if annual else headers[0]
    long_term = [
        h for h, note in zip(headers, notes) if h is not main and any(w in note for w in _LONG_TERM)
    ]
    others = [h for h in headers if h is not main and h not in long_term]
    return main, long_term, others


def _typed_unit(project: FamilyProject) -> str | None:
    """With no unit stated anywhere, the unit typed into the money cells (``20万元``)."""
    units = {
        money.unit
        for line in project.money.values()
        for cell in line.values()
        if (money := parse_money(cell.value)) is not None and money.unit
    }
    return units.pop() if len(units) == 1 else None


def _title_facts(grid: _Grid) -> tuple[int | None, str | None]:
    """The year and the money unit stated in the rows above the form (title, subtitle)."""
    year, unit = None, None
    for r in range(min(grid.height, 40)):
        for _c, value in grid.filled(r):
            if not isinstance(value, str):
                continue
            if unit is None and (m := _SUBTITLE_UNIT.search(value)) is not None:
                unit = m.group(1)
            if year is None and len(value) <= 80 and (m := _YEAR.search(value)) is not None:
                if "年度" in value or "表" in value:
                    year = int(m.group(1))
    return year, unit


# -- the indicator table header --------------------------------------------------------

_LEVELS = ("level1", "level2", "level3", "level4")


def _indicator_headers(grid: _Grid, vocab: Words) -> list[tuple[int, int, dict[str, int]]]:
    """Every indicator table header: (first header row, first data row, key -> column)."""
    found: list[tuple[int, int, dict[str, int]]] = []
    seen: dict[int, dict[str, int]] = {}

    def header_columns(r: int) -> dict[str, int]:
        # each row is asked about as itself, as the row above a header and the row below
        columns = seen.get(r)
        if columns is None:
            columns = seen[r] = _header_columns(grid, vocab, r)
        return dict(columns)

    r = 0
    while r < grid.height:
        columns = header_columns(r)
        levels = [k for k in _LEVELS if k in columns]
        if len(levels) >= 2 or (levels and ("name" in columns or "target" in columns)):
            first, data_row = r, r + 1
            # a header of two rows: parents above (年度指标值 over 指标性质|指标值|度量单位)…
            if r > 0 and (r - 1, 0) not in [(h[0], 0) for h in found]:
                above = header_columns(r - 1)
                for key, c in above.items():
                    if key not in columns and c not in columns.values() and key not in _LEVELS:
                        if grid.last_row(r - 1, c) >= r or grid.get(r, c) is None:
                            columns[key] = c
                            first = r - 1
            # …or sub-headers below a merged header cell
            below = header_columns(r + 1)
            if (
                below
                and not any(k in below for k in _LEVELS)
                and _row_is_header(grid, vocab, r + 1)
            ):
                for key, c in below.items():
                    columns = {k: v for k, v in columns.items() if v != c or k == key}
                    columns[key] = c
                data_row = r + 2
            # a header cell merged down over two rows pushes the data down too
            tallest = max(grid.last_row(r, c) for c in columns.values())
            data_row = max(data_row, tallest + 1)
            found.append((first, data_row, _split_target(columns)))
            r = data_row
            continue
        r += 1
    return found


_ANNUAL = ("年度", "当年", "本年", "全年")
_LONG_TERM = ("长期", "中期", "实施期", "滚动")


def _header_columns(grid: _Grid, vocab: Words, r: int) -> dict[str, int]:
    """Indicator columns of a header row, key → column. A form with two sets of columns
    side by side (中期 | 年度, 长期 | 年度) is read by its annual set; the other set's target is
    ``mid_target``, and its other columns (prefixed ``~``) stand in where the annual set's
    cell is empty."""
    found: list[tuple[str, int, str]] = []
    for c, value in grid.filled(r):
        label = vocab.lookup(value, ("indicator",))
        if label is not None:
            found.append((label.key, c, label.note or ""))
    keys = [k for k, _, _ in found]
    repeated = [k for k in keys if keys.count(k) > 1]
    if not repeated:
        columns: dict[str, int] = {}
        for key, c, _ in found:
            columns.setdefault(key, c)
        return columns
    split = [c for k, c, _ in found if k == repeated[0]][1]
    left = [f for f in found if f[1] < split]
    right = [f for f in found if f[1] >= split]
    main, other = (right, left) if _right_is_annual(grid, r, split, left, right) else (left, right)
    columns = {}
    for key, c, _ in main:
        columns.setdefault(key, c)
    for key, c, _ in other:
        if key not in columns:
            columns[key] = c
        elif key == "target":
            columns.setdefault("mid_target", c)
        else:
            columns.setdefault(f"~{key}", c)
    return columns


def _right_is_annual(
    grid: _Grid,
    r: int,
    split: int,
    left: list[tuple[str, int, str]],
    right: list[tuple[str, int, str]],
) -> bool:
    def says(group: list[tuple[str, int, str]], words: tuple[str, ...]) -> bool:
        return any(word in note for _, _, note in group for word in words)

    if says(right, _ANNUAL) or says(left, _LONG_TERM):
        return True
    if says(left, _ANNUAL) or says(right, _LONG_TERM):
        return False
    # a goals row above says which side is which (中期滚动目标 | 年度目标)
    for rr in range(r - 1, max(-1, r - 5), -1):
        for c, value in grid.filled(rr):
            if not isinstance(value, str) or not c <= split <= grid.last_col(rr, c):
                continue
            if any(word in value for word in _LONG_TERM):
                return False
            if "年度" in value:
                return True
    return True


def _row_is_header(grid: _Grid, vocab: Words, r: int) -> bool:
    cells = grid.filled(r)
    known = sum(1 for _, v in cells if vocab.lookup(v, ("indicator", "section")) is not None)
    return bool(cells) and known >= max(1, len(cells) - 1)


def _split_target(columns: dict[str, int]) -> dict[str, int]:
    """With a 指标性质 column, the column named 指标值 holds only the number: it is ``value``,
    and ``target`` is the three joined."""
    if "nature" in columns and "target" in columns:
        columns = dict(columns)
        columns["value"] = columns.pop("target")
    return columns


# -- list sheets -------------------------------------------------------------------------


def _project_columns(grid: _Grid, vocab: Words, r: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for c, value in grid.filled(r):
        label = vocab.lookup(value, ("field", "money_field"))
        if label is not None:
            key = label.key if label.kind == "field" else f"money.{label.key}"
            columns.setdefault(key, c)
    return columns


def _is_list_sheet(grid: _Grid, vocab: Words, header: tuple[int, int, dict[str, int]]) -> bool:
    first, data_row, _ = header
    for r in range(first, data_row):
        if "name" in _project_columns(grid, vocab, r):
            return True
    return False


def _read_list_sheet(
    grid: _Grid, vocab: Words, header: tuple[int, int, dict[str, int]], sheet: FamilySheet
) -> None:
    first, data_row, ind_columns = header
    project_columns: dict[str, int] = {}
    for r in range(first, data_row):
        for key, c in _project_columns(grid, vocab, r).items():
            project_columns.setdefault(key, c)
    name_col = project_columns["name"]
    current: FamilyProject | None = None
    levels: dict[str, tuple[Any, Decimal | None]] = {}
    department: Cell | None = None  # from the department line (820-某某部门) above
    end = grid.height
    for r in range(data_row, grid.height):
        if _closing_label(grid, vocab, r) is not None:
            end = r
            break
        name_value, nr, nc = grid.value_through_merge(r, name_col)
        if nc != name_col:
            name_value = None  # a cell from the left spans over it: the department line
        starts_here = (nr, nc) == (r, name_col) and name_value is not None
        unit_col = project_columns.get("unit")
        unit_text = grid.get(r, unit_col) if unit_col is not None else None
        indicator = _indicator_of(grid, r, ind_columns, levels)
        if name_value is None and indicator is None:
            if isinstance(unit_text, str) and unit_col is not None:
                money_col = project_columns.get("money.total")
                amount = None
                if money_col is not None and grid.get(r, money_col) is not None:
                    amount = Cell(grid.get(r, money_col), r, money_col)
                department = Cell(unit_text, r, unit_col)
                sheet.department_totals.append(DepartmentTotal(department, amount))
            continue
        if starts_here and (current is None or current.first_row != r):
            if current is not None:
                current.last_row = r - 1
            fields: dict[str, Cell] = {}
            money: dict[str, dict[str, Cell]] = {}
            for key, c in project_columns.items():
                value, vr, vc = grid.value_through_merge(r, c)
                if value is None:
                    continue
                if key.startswith("money."):
                    money.setdefault(key[6:], {})["amount"] = Cell(value, vr, vc)
                else:
                    fields[key] = Cell(value, vr, vc)
            if department is not None and "department" not in fields:
                fields["department"] = department
            current = FamilyProject(
                sheet.name,
                fields,
                money,
                sheet.money_unit,
                [],
                [],
                r,
                r,
                level_keys=tuple(k for k in _LEVELS if k in ind_columns),
            )
            sheet.projects.append(current)
            levels.clear()
            indicator = _indicator_of(grid, r, ind_columns, levels)
        if current is not None and indicator is not None:
            current.indicators.append(indicator)
            current.last_row = r
    for project in sheet.projects:
        _name_levels(project)
    if end < grid.height and sheet.projects:
        sheet.projects[-1].closing_rows.append(_closing_label(grid, vocab, end) or "")


# -- one project per block ---------------------------------------------------------------


def _project_anchors(
    grid: _Grid, vocab: Words, headers: list[tuple[int, int, dict[str, int]]]
) -> list[int]:
    """Rows where a project begins: a 项目名称 label with a value beside or below it."""
    table_rows = {r for first, data, _ in headers for r in range(first, data)}
    anchors: list[int] = []
    for r in range(grid.height):
        if r in table_rows:
            continue
        for c, value in grid.filled(r):
            label = vocab.lookup(value, ("field",))
            if label is not None and label.key == "name":
                if _value_right(grid, vocab, r, c) is not None:
                    anchors.append(r)
                break
            inline = _inline_pair(value, vocab)
            if inline is not None and inline[0] == "name":
                anchors.append(r)
                break
    return anchors


def _inline_pair(value: Any, vocab: Words) -> tuple[str, str] | None:
    """``项目类别：特定目标类`` typed into one cell: the field of its first pair and its value."""
    pairs = _inline_pairs(value)
    if not pairs:
        return None
    label = vocab.lookup(pairs[0][0], ("field",))
    if label is None or not pairs[0][1]:
        return None
    return label.key, pairs[0][1]


def _is_label(value: Any, vocab: Words) -> bool:
    return (
        vocab.lookup(
            value,
            (
                "field",
                "money_line",
                "money_field",
                "money_column",
                "indicator",
                "section",
                "closing",
            ),
        )
        is not None
    )


def _value_right(grid: _Grid, vocab: Words, r: int, c: int) -> Cell | None:
    """The value right of a label: the first filled cell past the label's merge, unless a
    label comes first."""
    for cc in range(grid.last_col(r, c) + 1, grid.width):
        if grid.covered(r, cc):
            continue
        value = grid.get(r, cc)
        if value is None:
            continue
        if _is_label(value, vocab):
            return None
        return Cell(value, r, cc)
    return None


def _value_below(grid: _Grid, vocab: Words, r: int, c: int) -> Cell | None:
    """The value under a label whose row holds only labels (a row of headers, or a goal
    label alone on its row with the text on the next)."""
    rr = grid.last_row(r, c) + 1
    value = grid.get(rr, c)
    if value is None or _is_label(value, vocab) or _inline_pairs(value):
        return None
    if _closing_label(grid, vocab, rr) is not None:
        return None
    return Cell(value, rr, c)


def _closing_label(grid: _Grid, vocab: Words, r: int) -> str | None:
    for _c, value in grid.filled(r)[:2]:
        if not isinstance(value, str):
            continue
        label = vocab.lookup(value, ("closing",))
        if label is not None:
            return label.key
        # lines under the form that begin with these and run on (填表人：某某 联系电话：…)
        head = norm(value)
        for word in _RUN_ON_CLOSING:
            if head.startswith(word) and len(head) <= len(word) + 30:
                return word
    return None


_RUN_ON_CLOSING = ("填表人", "注", "说明")


def _read_form_region(
    grid: _Grid,
    vocab: Words,
    sheet_name: str,
    start: int,
    end: int,
    header: tuple[int, int, dict[str, int]] | None,
    anchor: int,
    table_stop: int | None = None,
    skip: set[int] | None = None,
) -> FamilyProject:
    """One project's block; its indicator table is read from ``header`` down to a closing
    row or ``table_stop`` (the next table's header)."""
    project = FamilyProject(sheet_name, {}, {}, None, [], [], start, end - 1)
    used: set[tuple[int, int]] = set()
    table_end = end
    if header is not None:
        first, data_row, columns = header
        project.level_keys = tuple(k for k in _LEVELS if k in columns)
        table_end = _read_table(grid, vocab, data_row, table_stop or end, columns, project)
        for r in range(first, table_end):
            for c in range(grid.width):
                used.add((r, c))
        _level_weights_from_section(grid, vocab, first, project)
    else:
        project.table_found = False
    _read_money_tables(grid, vocab, start, end, used, project)
    rows = [
        r
        for r in range(start, end)
        if not (header is not None and header[0] <= r < table_end) and r not in (skip or ())
    ]
    for r in rows:
        if r >= anchor:
            _read_pairs(grid, vocab, r, used, project)
    for r in rows:
        if r < anchor:
            _read_pairs(grid, vocab, r, used, project, weak=True)
    _name_levels(project)
    return project


def _level_weights_from_section(
    grid: _Grid, vocab: Words, header_row: int, project: FamilyProject
) -> None:
    """The points of a whole block (``绩效指标(90分)`` left of the header) are kept as
    the indicators' total weight."""
    for _c, value in grid.filled(header_row)[:1]:
        label = vocab.lookup(value, ("section",))
        if label is not None and label.points is not None:
            project.fields.setdefault("indicator_points", Cell(str(label.points), header_row, _c))


def _read_table(
    grid: _Grid,
    vocab: Words,
    data_row: int,
    end: int,
    columns: dict[str, int],
    project: FamilyProject,
) -> int:
    """Read indicator rows from ``data_row`` down to a closing row; return the end row."""
    levels: dict[str, tuple[Any, Decimal | None]] = {}
    for r in range(data_row, end):
        closing = _closing_label(grid, vocab, r)
        if closing is not None:
            project.closing_rows.append(closing)
            return r
        if _row_is_pairs(grid, vocab, r, columns):
            return r
        indicator = _indicator_of(grid, r, columns, levels)
        if indicator is not None:
            project.indicators.append(indicator)
    return end


def _row_is_pairs(grid: _Grid, vocab: Words, r: int, columns: dict[str, int]) -> bool:
    """A row of the header block after the table (其他说明 | …): its first cell is a field
    label left of every level column."""
    cells = grid.filled(r)
    if not cells:
        return False
    c, value = cells[0]
    first_level = min((columns[k] for k in _LEVELS if k in columns), default=0)
    if c > first_level:
        return False
    label = vocab.lookup(value, ("field", "money_line", "money_field"))
    return label is not None and label.kind != "money_line"


_LEVEL_POINTS = re.compile(r"^(.*?)\s*[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")


def _split_points(text: Any) -> tuple[Any, Decimal | None]:
    if not isinstance(text, str) or "分" not in text:
        return text, None
    m = _LEVEL_POINTS.match(text)
    if m is None:
        return text, None
    return m.group(1), Decimal(m.group(2))


# 指标2, ……, ---, and a blank form's numbering (1. 2、) left as printed
_PLACEHOLDER = re.compile(r"^(?:指标\d*|[…]+|\.{3,}|[-—－/／]+|\d{1,2}[.、．]?)$")


def _indicator_of(
    grid: _Grid, r: int, columns: dict[str, int], levels: dict[str, tuple[Any, Decimal | None]]
) -> FamilyIndicator | None:
    """One table row as an indicator, or None for a row with nothing of its own (an unused
    二级 row under a filled-down 一级, a template's 指标2 placeholder, a blank row).

    ``levels`` carries the level names in force from row to row: a level cell merged down or
    left blank takes the name above it, and a new name resets the levels below it."""
    cells: dict[str, Cell] = {}
    filled: set[str] = set()
    weights: dict[str, Decimal] = {}
    content = False
    changed = False
    for key in _LEVELS:
        if key not in columns:
            continue
        c = columns[key]
        value, vr, vc = grid.value_through_merge(r, c)
        covered = (vr, vc) != (r, c)
        if value is None and f"~{key}" in columns:
            c = columns[f"~{key}"]
            value, vr, vc = grid.value_through_merge(r, c)
            covered = (vr, vc) != (r, c)
        if value is not None and not covered:
            text, points = _split_points(value)
            levels[key] = (text, points)
            changed = True
            # a new name at this level: the levels below start again
            for lower in _LEVELS[_LEVELS.index(key) + 1 :]:
                if (
                    lower in levels
                    and lower in columns
                    and grid.value_through_merge(r, columns[lower])[0] is None
                ):
                    levels.pop(lower)
        elif value is not None:
            text, points = _split_points(value)
            levels[key] = (text, points)
            filled.add(key)
        elif key in levels and not changed:
            filled.add(key)
        else:
            continue
        text, points = levels[key]
        cells[key] = Cell(text, r, c)
        if points is not None:
            weights[key] = points
    for key, c in columns.items():
        if key in _LEVELS or key.startswith("~") or grid.covered(r, c):
            continue  # a level, a stand-in column, or a cell merged from above
        value = grid.get(r, c)
        if value is None and f"~{key}" in columns:
            c = columns[f"~{key}"]
            value = None if grid.covered(r, c) else grid.get(r, c)
        if value is None:
            continue
        cells[key] = Cell(value, r, c)
        content = True
    own_levels = [k for k in _LEVELS if k in cells and k not in filled]
    if not content:
        # only level cells: an unused 二级 row, or the indicator's name in the deepest level
        deepest = [k for k in _LEVELS if k in columns]
        if not deepest or deepest[-1] not in own_levels or "name" in columns:
            return None
    _join_target(cells)
    return FamilyIndicator(cells, r, filled, weights)


def _join_target(cells: dict[str, Cell]) -> None:
    """指标性质 | 指标值 | 度量单位 → one target text, in the cell of the value."""
    if "value" not in cells and "nature" not in cells:
        return
    nature = cells.get("nature")
    value = cells.get("value")
    unit = cells.get("measure_unit")
    nature_text = "" if nature is None else str(nature.value)
    if nature_text in {"定性", "定性指标"}:
        nature_text = ""
    parts = [nature_text, _display(value.value) if value else "", str(unit.value) if unit else ""]
    text = "".join(parts)
    if not text:
        return
    where = value or nature or unit
    assert where is not None
    cells["target"] = Cell(text, where.row, where.col)


def _display(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_LEVEL2_NAME = re.compile(
    r"^(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度)(?:指标)?$"
)


def _name_levels(project: FamilyProject) -> None:
    """Without a 指标名称 column, the deepest level column holds the indicator's name. Rows
    that hold no indicator are dropped here: a template's placeholder (指标2, ……) or a
    二级 name alone (质量, 时效) with nothing typed beside it."""
    keys = project.level_keys
    if keys and not any("name" in ind.cells for ind in project.indicators):
        deepest = keys[-1]
        for ind in project.indicators:
            cell = ind.cells.pop(deepest, None)
            if cell is not None and deepest not in ind.filled_down:
                ind.cells["name"] = cell
        project.level_keys = keys[:-1]
    kept = []
    for ind in project.indicators:
        name = ind.value("name")
        text = norm(name) if name is not None else ""
        bare = not any(k not in _LEVELS and k != "name" for k in ind.cells)
        if not text or text in _DASHES:
            if bare:
                continue
        elif bare and (_PLACEHOLDER.match(text) or _LEVEL2_NAME.match(text)):
            continue
        kept.append(ind)
    project.indicators = kept


# -- the header block --------------------------------------------------------------------


def _read_money_tables(
    grid: _Grid,
    vocab: Words,
    start: int,
    end: int,
    used: set[tuple[int, int]],
    project: FamilyProject,
) -> None:
    """A money table: a row of money column headers, money line labels down its left."""
    r = start
    while r < end:
        if (r, 0) in used:
            r += 1
            continue
        heads: dict[str, int] = {}
        for c, value in grid.filled(r):
            label = vocab.lookup(value, ("money_column",))
            if label is not None and label.key not in heads:
                heads[label.key] = c
        if len(heads) < 2:
            r += 1
            continue
        first_col = min(heads.values())
        for c, value in grid.filled(r):
            if c < first_col:
                label = vocab.lookup(value, ("section", "money_field", "money_line"))
                if label is not None and label.unit:
                    project.money_unit = project.money_unit or label.unit
        for c in range(grid.width):
            used.add((r, c))
        rr = grid.last_row(r, first_col) + 1
        while rr < end:
            line = None
            for c, value in grid.filled(rr):
                if c >= first_col:
                    break
                label = vocab.lookup(value, ("money_line",))
                if label is not None:
                    line = label.key
                    if label.unit:
                        project.money_unit = project.money_unit or label.unit
            if line is None:
                break
            entry = project.money.setdefault(line, {})
            for key, c in heads.items():
                value = grid.get(rr, c)
                # 「—」「/」 print where a column does not apply to a line (no points for 财政拨款)
                if value is not None and not grid.covered(rr, c) and norm(value) not in _DASHES:
                    entry.setdefault(key, Cell(value, rr, c))
            for c in range(grid.width):
                used.add((rr, c))
            rr += 1
        r = rr


_GRADE = re.compile(r"^(优|良|中|差|优秀|良好|合格|不合格|较好|一般|较差)$")


def _read_pairs(
    grid: _Grid,
    vocab: Words,
    r: int,
    used: set[tuple[int, int]],
    project: FamilyProject,
    weak: bool = False,
) -> None:
    """Label → value pairs of one row of the header block. ``weak`` rows (above the project's
    name, such as a 部门：… line under the title) give way to the project's own fields: a
    field already read is kept, and the weak pair is listed as unmapped."""
    cells = [(c, v) for c, v in grid.filled(r) if (r, c) not in used]
    taken: set[int] = set()
    expect_label = True

    def put_field(key: str, label_text: str, cell: Cell) -> None:
        if key in project.fields:
            if weak:
                project.unmapped.append((norm(label_text), cell))
            return
        project.fields[key] = cell

    for i, (c, value) in enumerate(cells):
        if c in taken:
            continue
        label = vocab.lookup(
            value, ("field", "money_field", "closing", "money_line", "section", "indicator")
        )
        if label is None:
            if isinstance(value, str) and (m := _SUBTITLE_UNIT.search(value)) is not None:
                project.money_unit = project.money_unit or m.group(1)
            pairs = _inline_pairs(value)
            if pairs:
                for text, typed in pairs:
                    typed = _without_trailing_label(typed, vocab)
                    known = vocab.lookup(text, ("field",))
                    if _UNIT_NOTE.match(norm(text) + typed) or norm(text) in ("单位", "金额单位"):
                        continue
                    if not typed:
                        continue
                    if known is not None:
                        put_field(known.key, text, Cell(typed, r, c))
                    else:
                        project.unmapped.append((norm(text), Cell(typed, r, c)))
                expect_label = True
                continue
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            if (
                expect_label
                and _looks_like_label(value)
                and nxt is not None
                and not _is_label(nxt[1], vocab)
            ):
                project.unmapped.append((norm(value), Cell(nxt[1], r, nxt[0])))
                taken.add(nxt[0])
                expect_label = True
                continue
            expect_label = False
            continue
        if label.unit and label.kind in ("money_field", "money_line", "section"):
            project.money_unit = project.money_unit or label.unit
        if label.kind in ("section", "indicator"):
            continue
        if label.key == "total_score" and label.kind == "field":
            _read_total_score(grid, r, c, project)
            return
        target = _value_right(grid, vocab, r, c)
        if target is None and label.kind in ("field", "closing"):
            target = _value_below(grid, vocab, r, c)
            if target is not None:
                used.add((target.row, target.col))
        if target is None:
            continue
        taken.add(target.col)
        expect_label = True
        if label.kind == "closing":
            key = vocab.lookup(value, ("field",))
            if key is not None:
                put_field(key.key, str(value), target)
            continue
        if label.kind == "field":
            put_field(label.key, str(value), target)
        elif "amount" in project.money.get(label.key, {}):
            project.unmapped.append((norm(value), target))  # a second amount for one line
        else:
            project.money.setdefault(label.key, {})["amount"] = target


def _without_trailing_label(typed: str, vocab: Words) -> str:
    """``16607326331 填报日期`` (the next label typed without its colon) → ``16607326331``."""
    head, _, tail = typed.rpartition(" ")
    if head and _is_label(tail, vocab):
        return head.strip()
    return typed


def _read_total_score(grid: _Grid, r: int, c: int, project: FamilyProject) -> None:
    """``总分 | 100 | 96 | 优``: the full marks come first, then the score, then the grade."""
    numbers: list[Cell] = []
    for cc in range(grid.last_col(r, c) + 1, grid.width):
        if grid.covered(r, cc):
            continue
        value = grid.get(r, cc)
        if value is None:
            continue
        if isinstance(value, int | float) or (
            isinstance(value, str) and re.fullmatch(r"\d+(?:\.\d+)?", value)
        ):
            numbers.append(Cell(value, r, cc))
        elif isinstance(value, str) and _GRADE.match(norm(value)) and numbers:
            project.fields.setdefault("grade", Cell(value, r, cc))
            break
    if numbers:
        project.fields.setdefault("total_score", numbers[1] if len(numbers) > 1 else numbers[0])


def _looks_like_label(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = norm(value)
    return 1 < len(text) <= MAX_LABEL_CHARS and not any(ch.isdigit() for ch in text[:1])


# ----------------------------------------------------------------------------------------
# a province's own blank form: where its fields are to be typed, and what identifies it

# the indicator columns whose cells take what people type as text (=100%, ≥90%, 1/2)
TEXT_COLUMNS = ("target", "value", "mid_target", "actual")
_YEAR_PLACEHOLDER = re.compile(r"^([（(])\s*(?:20\s*)?\s*(年度?)\s*([)）])$")


@dataclass(frozen=True)
class Slot:
    """An empty cell of a blank form where a field's value is to be typed: right of its
    label, or below it when the label's row holds only labels (as the reader reads it)."""

    kind: str  # field | money_field | money_line
    key: str
    label: str  # the label as printed
    row: int  # the value cell, 0-based
    col: int
    label_row: int
    label_col: int


@dataclass
class FormSlots:
    """What a blank form offers to be filled, for one sheet."""

    sheet: str
    slots: list[Slot]
    text_cells: list[tuple[int, int]]  # the target cells of its indicator tables
    year_cell: tuple[int, int, str] | None  # a title's empty year, ``（    年度）``, and its text
    money_unit: str | None
    tables: int  # indicator tables found
    # each table: (first header row, first data row, column key -> column, end row), and
    # which of them is this year's (the reader's choice, see _main_table)
    spans: list[tuple[int, int, dict[str, int], int]] = field(default_factory=list)
    main: int | None = None


def form_slots(
    rows: list[list[Any]], merges: Iterable[Any] | None, name: str, vocab: Vocabulary
) -> FormSlots:
    """The cells of a blank form's sheet to fill: each field label's empty value cell, and the
    target cells of each indicator table (down to its closing row or the next table). Labels
    are matched as the family reader matches them, so what is filled here is read back."""
    words = Words(vocab)
    grid = _Grid(rows, merges)
    headers = _indicator_headers(grid, words)
    table_rows = {r for first, data, _ in headers for r in range(first, data)}
    text_cells: list[tuple[int, int]] = []
    starts = [h[0] for h in headers]
    spans: list[tuple[int, int, dict[str, int], int]] = []
    for i, (first, data_row, columns) in enumerate(headers):
        end = starts[i + 1] if i + 1 < len(starts) else grid.height
        for r in range(data_row, end):
            if _closing_label(grid, words, r) is not None:
                end = r
                break
        spans.append((first, data_row, columns, end))
        for r in range(data_row, end):
            table_rows.add(r)
            for key in TEXT_COLUMNS:
                c = columns.get(key)
                if c is not None and not grid.covered(r, c):
                    text_cells.append((r, c))
    slots: list[Slot] = []
    taken: set[tuple[int, int]] = set()
    _year, unit = _title_facts(grid)
    for r in range(grid.height):
        if r in table_rows:
            continue
        for c, value in grid.filled(r):
            label = words.lookup(value, ("field", "money_field", "money_line", "section"))
            if label is not None and label.unit and label.kind != "field":
                unit = unit or label.unit  # 项目资金申请（万元）
            if label is None or label.kind == "section":
                continue
            where = _empty_right(grid, words, r, c) or _empty_below(grid, words, r, c)
            if where is None or where in taken:
                continue
            taken.add(where)
            slots.append(Slot(label.kind, label.key, str(value), *where, r, c))
    year_cell = None
    for r in range(min(grid.height, 6)):
        for c, value in grid.filled(r):
            if isinstance(value, str) and _YEAR_PLACEHOLDER.match(value):
                year_cell = (r, c, value)
                break
        if year_cell:
            break
    main = _main_table(grid, headers)[0]
    index = headers.index(main) if main is not None else None
    return FormSlots(name, slots, text_cells, year_cell, unit, len(headers), spans, index)


def fill_year(text: str, year: int) -> str:
    """A title's empty year filled in: ``（    年度）`` → ``（2025年度）``."""
    m = _YEAR_PLACEHOLDER.match(text)
    return f"{m.group(1)}{year}{m.group(2)}{m.group(3)}" if m else text


def _empty_right(grid: _Grid, vocab: Words, r: int, c: int) -> tuple[int, int] | None:
    cc = grid.last_col(r, c) + 1
    if grid.covered(r, cc):
        return None
    # a value cell at the right edge holds nothing yet, so the sheet's values end before it:
    # taken when the label is a plain cell (a title merged across the form has nothing right)
    inside = cc < grid.width or (cc == grid.width and (r, c) not in grid.span)
    if grid.get(r, cc) is None and (inside or (r, cc) in grid.span):
        return r, cc
    return None


def _empty_below(grid: _Grid, vocab: Words, r: int, c: int) -> tuple[int, int] | None:
    """Below a label whose row right of it holds only labels or nothing."""
    for cc, value in grid.filled(r):
        if cc > c and not _is_label(value, vocab):
            return None
    rr = grid.last_row(r, c) + 1
    if rr >= grid.height or grid.covered(rr, c) or grid.get(rr, c) is not None:
        return None
    if _closing_label(grid, vocab, rr) is not None:
        return None
    return rr, c


def form_labels(sheets: Iterable[tuple[str, list[list[Any]]]], vocab: Vocabulary) -> list[str]:
    """The labels that make a blank form what it is: every text of its sheets that the
    vocabulary knows as a label (header fields, money lines and columns, indicator columns,
    sections, closing rows), normalised, in reading order. Values typed into a copy and
    indicator rows added to it leave them in place; a renamed or removed label does not."""
    words = Words(vocab)
    out: list[str] = []
    for _name, rows in sheets:
        for row in rows:
            for value in row:
                if isinstance(value, str) and words.lookup(value.strip(), _ALL_KINDS):
                    out.append(norm(value))
    return out


def form_fingerprint(labels: Sequence[str]) -> str:
    """A short digest of a blank form's labels (:func:`form_labels`), in their order."""
    import hashlib

    return hashlib.sha256("\n".join(labels).encode("utf-8")).hexdigest()[:16]


def missing_labels(recorded: Sequence[str], rows_of: Iterable[list[list[Any]]]) -> list[str]:
    """The recorded labels of a blank form that a returned copy no longer shows (each as
    often as the form printed it)."""
    from collections import Counter

    present: Counter[str] = Counter()
    for rows in rows_of:
        for row in rows:
            for value in row:
                if isinstance(value, str) and value.strip():
                    present[norm(value)] += 1
    missing = Counter(recorded) - present
    return [label for label in dict.fromkeys(recorded) if missing[label]]


_ALL_KINDS = ("field", "money_line", "money_field", "money_column", "indicator", "section", "closing")
