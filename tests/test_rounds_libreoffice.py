"""LibreOffice opens the status and compare workbooks, and a return it re-saved is still
recognised by the unit identity blank wrote into it."""

from __future__ import annotations

import pytest

import perfxl
from tests.helpers import calamine_values, error_cells
from tests.libreoffice import convert, pdf_page_count, pdf_text, require_soffice
from tests.rounds import Return, roster_csv, roster_units, write_return, write_year_pair

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def _cells(sheets):
    return {
        name: [[v for v in row if v not in (None, "")] for row in rows]
        for name, rows in sheets.items()
    }


def test_libreoffice_opens_status_and_compare_workbooks(tmp_path) -> None:
    require_soffice()
    units = roster_units(6)
    roster = roster_csv(units, tmp_path / "名单.csv")
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    write_return(units[0], Return(), inbox / "a.xlsx")
    write_return(units[1], Return(bad=(1,)), inbox / "b.xlsx")
    write_return(units[2], Return(stale_goal=True, unit_name="改了名的单位"), inbox / "c.xlsx")
    stranger = units[0].__class__("外省某县水利局", "外省某县水利工程服务站")
    write_return(stranger, Return(identity=False), inbox / "d.xlsx")
    status = perfxl.status(roster, inbox, tmp_path / "回收情况.xlsx", workers=1)
    last, this = write_year_pair(tmp_path / "years")
    compared = perfxl.compare(last, this, tmp_path / "对比.xlsx", workers=1)
    books = [tmp_path / "回收情况.xlsx", tmp_path / "对比.xlsx"]
    profile = tmp_path / "profile"
    pdfs = convert(books, "pdf", tmp_path / "pdf", profile)
    resaved = convert(books, "xlsx", tmp_path / "xlsx", profile)
    for book, pdf, again in zip(books, pdfs, resaved):
        ours, theirs = calamine_values(book), calamine_values(again)
        assert list(theirs) == list(ours)
        assert _cells(theirs) == _cells(ours)  # every text and number as written
        assert not error_cells(theirs)
        assert pdf_page_count(pdf) >= len(ours)
        text = pdf_text(pdf)
        if text is not None:
            first = next(iter(ours))
            assert first in text.replace(" ", "")
    assert status.summary["missing"] == 3 and status.summary["unmatched"] == 1
    assert compared.summary["pairs"] >= 1


def test_a_return_resaved_by_libreoffice_keeps_its_unit_identity(tmp_path) -> None:
    require_soffice()
    units = roster_units(2)
    roster = roster_csv(units, tmp_path / "名单.csv")
    sent = write_return(units[1], Return(unit_name="完全换了名字的单位"), tmp_path / "发出" / "x.xlsx")
    (again,) = convert([sent], "xlsx", tmp_path / "收件箱", tmp_path / "profile")
    result = perfxl.status(roster, again.parent, workers=1)
    unit = result.units[1]
    assert [r.match for r in unit.returns] == ["key"]
    assert unit.returns[0].unit_in_file == "完全换了名字的单位"
