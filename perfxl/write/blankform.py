"""``blank --form``: a province's own blank workbook, filled in for each unit of a roster.

Most offices already have the blank form their province or city sends down. Each unit gets a
copy of that very workbook with its header fields typed next to their labels — found by the
family vocabulary, as the reader finds them again (``read/family.py``: :func:`form_slots`) —
the target cells of the indicator tables formatted as text (``=100%`` and ``1/2`` stay what
was typed), and the unit, the year and the form's fingerprint recorded as custom document
properties. Everything else is the province's: the package is edited part by part
(``xlsxpatch.py``), never loaded and saved by a workbook library.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfxl.core.atomic import atomic_output
from perfxl.core.errors import PerfxlError
from perfxl.layout.templates import template_set
from perfxl.read.facts import sheet_parts
from perfxl.read.family import (
    FormSlots,
    fill_year,
    form_fingerprint,
    form_labels,
    form_slots,
    load_vocabulary,
)
from perfxl.read.props import form_label_properties
from perfxl.write.xlsxpatch import CellEdit, cell_styles, patch_sheet, patch_styles, write_patched

FORM_LAYOUT = "family"  # what perfxl_layout says of a copy: read back by the vocabulary
FORM_VERSION = "form"
_FILLED = ("department", "unit", "name")


@dataclass
class BlankForm:
    """A blank form as analysed once for a whole roster."""

    path: Path
    data: bytes
    parts: dict[str, str]  # sheet name -> part
    slots: list[FormSlots]
    labels: list[str]  # what identifies the form (read/family.py: form_labels)
    styles: dict[str, dict[tuple[int, int], int]] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        return form_fingerprint(self.labels)

    @property
    def money_unit(self) -> str | None:
        return next((s.money_unit for s in self.slots if s.money_unit), None)

    def fields(self) -> list[str]:
        """The fields this form lets us fill (for the report): as the form prints them."""
        return [slot.label for sheet in self.slots for slot in sheet.slots if slot.key in _FILLED]


def load_form(path: Path, templates: tuple[Path, ...] = ()) -> BlankForm:
    """Read and analyse a blank form; a clear Chinese error when it is no form of the family."""
    from python_calamine import CalamineWorkbook

    from perfxl.read.guard import IntakeError, inspect_workbook

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise PerfxlError(
            f"{path}：错误：空白表应是 .xlsx 工作簿（.xls、.ods 请先在 Excel 或 WPS 中另存为 .xlsx）"
        )
    try:
        inspect_workbook(path)
        data = path.read_bytes()
    except IntakeError as exc:
        raise PerfxlError(f"{path}：错误：{exc}") from None
    except OSError as exc:
        raise PerfxlError(f"{path}：错误：无法读取空白表（{exc.strerror or exc}）") from None
    vocab = load_vocabulary(template_set(templates).dirs)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = sheet_parts(zf.read("xl/workbook.xml"), zf.read("xl/_rels/workbook.xml.rels"))
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # a damaged package: zipfile and calamine raise their own types
        raise PerfxlError(f"{path}：错误：空白表已损坏，无法读取（{exc}）") from None
    if not parts:
        raise PerfxlError(f"{path}：错误：空白表中找不到工作表")
    sheets: list[tuple[str, list[list[Any]]]] = []
    slots: list[FormSlots] = []
    for meta in book.sheets_metadata:
        sheet = book.get_sheet_by_name(meta.name)
        rows = sheet.to_python(skip_empty_area=False)
        sheets.append((meta.name, rows))
        found = form_slots(rows, getattr(sheet, "merged_cell_ranges", None), meta.name, vocab)
        if found.tables or found.slots:
            slots.append(found)
    forms = [s for s in slots if s.tables]
    if not forms:
        raise PerfxlError(
            f"{path}：错误：空白表中找不到指标表（一级指标、二级指标……的表头），不像是绩效目标表"
        )
    if not any(slot.key in ("unit", "department") for s in forms for slot in s.slots):
        labels = "、".join(s.label for f in forms for s in f.slots) or "无"
        raise PerfxlError(
            f"{path}：错误：空白表中找不到可填写单位名称的栏目（如 实施单位、预算单位、主管部门；"
            f"找到的栏目：{labels}）。可在 templates/family/vocabulary.yaml 中为它加一种写法"
        )
    return BlankForm(path, data, parts, forms, form_labels(sheets, vocab))


def properties(unit: Any, projects: list[str], year: int, form: BlankForm) -> dict[str, str]:
    """The custom properties of a unit's copy: who the form was sent to, exactly as ``blank``
    writes them into its own forms (``unit_properties``: ``status`` and ``compare`` read
    them), the year and money unit, and which form it is a copy of (its labels and
    fingerprint, for check to say whether it still is)."""
    from perfxl.write.blank import unit_properties

    out = {f"perfxl_{k}": v for k, v in unit_properties(unit, projects).items()}
    out.update(
        {
            "perfxl_layout": FORM_LAYOUT,
            "perfxl_layout_version": FORM_VERSION,
            "perfxl_year": str(year),
            "perfxl_money_unit": form.money_unit or "",
            "perfxl_form_name": form.path.name,
            "perfxl_form_fingerprint": form.fingerprint,
            **form_label_properties(form.labels),
        }
    )
    return out


def _values(unit: Any, projects: list[tuple[str, Decimal | None]]) -> dict[str, str | Decimal]:
    values: dict[str, str | Decimal] = {"unit": unit.unit}
    if unit.department:
        values["department"] = unit.department
    if len(projects) == 1:
        name, amount = projects[0]
        values["name"] = name
        if amount is not None:
            values["money.total"] = amount
    return values


def write_form_copy(
    form: BlankForm,
    output: Path,
    unit: Any,
    projects: list[tuple[str, Decimal | None]],
    year: int,
) -> None:
    """One unit's copy of the form, written atomically."""
    values = _values(unit, projects)
    with zipfile.ZipFile(io.BytesIO(form.data)) as zf:
        replaced: dict[str, bytes] = {}
        edits_by_part: dict[str, dict[tuple[int, int], CellEdit]] = {}
        for sheet in form.slots:
            part = form.parts.get(sheet.sheet)
            if part is None:
                continue
            edits: dict[tuple[int, int], CellEdit] = {}
            for r, c in sheet.text_cells:
                edits[(r, c)] = CellEdit(text=True)
            for slot in sheet.slots:
                key = slot.key if slot.kind == "field" else f"money.{slot.key}"
                if key in values and (slot.row, slot.col) not in edits:
                    edits[(slot.row, slot.col)] = CellEdit(value=values[key])
            if sheet.year_cell is not None:
                r, c, text = sheet.year_cell
                edits[(r, c)] = CellEdit(value=fill_year(text, year))
            edits_by_part[part] = edits
        styles: set[int] = set()
        for part, edits in edits_by_part.items():
            current = cell_styles(zf.read(part), {cell for cell, e in edits.items() if e.text})
            styles |= {current.get(cell, 0) for cell, e in edits.items() if e.text}
        styles_xml, twins = patch_styles(zf.read("xl/styles.xml"), styles)
        replaced["xl/styles.xml"] = styles_xml
        for part, edits in edits_by_part.items():
            replaced[part] = patch_sheet(zf.read(part), edits, twins)
        with atomic_output(output) as temporary:
            write_patched(
                zf, temporary, replaced, properties(unit, [p for p, _ in projects], year, form)
            )


@dataclass
class FormCopy:
    """One unit's copy of the form, planned."""

    unit: Any
    projects: list[tuple[str, Decimal | None]]
    output: Path


def plan_form_copies(
    roster: Any, options: Any, out_dir: Path
) -> tuple[BlankForm, int, list[FormCopy]]:
    """The analysed form, the year and every copy to write (nothing is written)."""
    from perfxl.write.blank import roster_year, unit_files

    assert options.form is not None
    settings = dict(roster.settings)
    if options.year is not None:
        settings["year"] = options.year
    year = roster_year(roster, settings)
    form = load_form(Path(options.form), options.templates)
    copies = [
        FormCopy(unit, projects, out_dir / f"{name}{form.path.suffix.lower()}")
        for unit, projects, name in unit_files(roster, options.per_project)
    ]
    return form, year, copies


def write_form_copies(
    form: BlankForm, year: int, copies: list[FormCopy], overwrite: bool, on_done: Any = None
) -> list[str | None]:
    """Write every copy; an error message (or None) per copy, in order. One copy that cannot
    be written does not stop the others."""
    existing = [c.output for c in copies if c.output.exists()]
    if existing and not overwrite:
        shown = "、".join(p.name for p in existing[:5]) + ("等" if len(existing) > 5 else "")
        raise PerfxlError(
            f"错误：输出文件夹中已有 {len(existing)} 个同名文件（{shown}），未写入任何文件（要覆盖请加 --overwrite）"
        )
    results: list[str | None] = []
    for copy in copies:
        try:
            write_form_copy(form, copy.output, copy.unit, copy.projects, year)
            error = None
        except PerfxlError as exc:
            error = exc.format()
        except OSError as exc:
            error = f"{copy.output}：错误：无法写入（{exc.strerror or exc}）"
        results.append(error)
        if on_done is not None:
            on_done(error)
    return results
