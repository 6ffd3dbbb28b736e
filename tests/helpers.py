"""Shared helpers for tests that look inside generated workbooks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import python_calamine

from perfxl.define.model import Document

ERROR_VALUES = ("#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:")


def expected_strings(doc: Document) -> set[str]:
    """Every string of the definition that must appear verbatim in the workbook."""
    out: set[str] = set()
    for project in doc.projects:
        for value in project.values.values():
            if isinstance(value, str) and value:
                out.add(value)
        for ind in project.indicators:
            for value in ind.values.values():
                if isinstance(value, str) and value:
                    out.add(value)
    return out


def expected_numbers(doc: Document) -> list[Decimal]:
    return [v for p in doc.projects for v in p.values.values() if isinstance(v, Decimal)]


def calamine_values(path: Path) -> dict[str, list[list[object]]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {
        name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in book.sheet_names
    }


def strings_in(sheets: dict[str, list[list[object]]]) -> set[str]:
    return {v for rows in sheets.values() for row in rows for v in row if isinstance(v, str)}


def numbers_in(sheets: dict[str, list[list[object]]]) -> list[float]:
    return [
        float(v)
        for rows in sheets.values()
        for row in rows
        for v in row
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    ]


def error_cells(sheets: dict[str, list[list[object]]]) -> list[tuple[str, object]]:
    return [
        (name, v)
        for name, rows in sheets.items()
        for row in rows
        for v in row
        if isinstance(v, str) and v.startswith(ERROR_VALUES)
    ]


def is_date(value: object, expected: dt.date) -> bool:
    if isinstance(value, dt.datetime):
        return value.date() == expected
    return isinstance(value, dt.date) and value == expected


def validation_at(ws, coordinate: str):
    """The data validation covering ``coordinate`` and its formula as seen from that cell.

    A rule may cover several ranges; Excel reads its row-relative references ($B13) relative
    to the rule's first cell, so the formula is shifted to the asked cell's row.
    """
    import re

    from openpyxl.utils.cell import coordinate_from_string

    _, row = coordinate_from_string(coordinate)
    for dv in ws.data_validations.dataValidation:
        ranges = list(dv.sqref.ranges)
        if any(coordinate in rng for rng in ranges):
            first_row = min(rng.min_row for rng in ranges)
            formula = dv.formula1
            if formula:
                formula = re.sub(
                    r"\$([A-Z]{1,3})(\d+)",
                    lambda m, shift=row - first_row: f"${m.group(1)}{int(m.group(2)) + shift}",
                    formula,
                )
            return dv, formula
    raise AssertionError(f"no validation at {ws.title}!{coordinate}")
