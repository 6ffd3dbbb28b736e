"""YAML → workbook → values, read back with openpyxl and with python-calamine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from perfxl.define.model import load_document
from perfxl.layout.templates import template_set
from perfxl.write.workbook import DocumentWriter

from .conftest import DECLARATION_SAMPLE
from .helpers import (
    calamine_values,
    error_cells,
    expected_numbers,
    expected_strings,
    numbers_in,
    strings_in,
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    doc = load_document(DECLARATION_SAMPLE)
    out = tmp_path_factory.mktemp("rt") / "sample.xlsx"
    DocumentWriter(template_set()).write(doc, out)
    return doc, out


def test_every_yaml_string_survives_calamine(generated):
    doc, out = generated
    sheets = calamine_values(out)
    missing = expected_strings(doc) - strings_in(sheets)
    assert not missing
    assert not error_cells(sheets)


def test_every_yaml_string_survives_openpyxl(generated):
    doc, out = generated
    wb = openpyxl.load_workbook(out)
    found = {
        c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }
    assert not (expected_strings(doc) - found)


def test_numbers_stay_numbers(generated):
    doc, out = generated
    numbers = numbers_in(calamine_values(out))
    for amount in expected_numbers(doc):
        assert float(amount) in numbers


def test_each_project_sheet_holds_its_own_values(generated):
    doc, out = generated
    sheets = calamine_values(out)
    for project, name in zip(doc.projects, list(sheets)[1:]):
        values = {v for row in sheets[name] for v in row}
        assert project.name in values
        for ind in project.indicators:
            assert ind.values["name"] in values and ind.values["target"] in values
        annual = project.values.get("funds.annual_total")
        assert float(annual) in values
        starts = [v for row in sheets[name] for v in row if isinstance(v, (dt.date, dt.datetime))]
        assert any(
            (s.date() if isinstance(s, dt.datetime) else s) == project.values["start"]
            for s in starts
        )


def test_formula_looking_text_is_text(write_yaml, tmp_path):
    path = write_yaml(
        """
        layout: declaration
        year: 2024
        department: 局
        unit: 中心
        projects:
          - name: 注入测试
            start: 2024-01-01
            end: 2024-12-31
            funds: {annual_total: 1}
            annual_goal: "=HYPERLINK(\\"http://example.invalid\\",\\"点我\\")"
            indicators:
              - [产出指标, 数量指标, "+1+1", "=1+1"]
              - [产出指标, 质量指标, "-2", "@SUM(A1)"]
        """
    )
    doc = load_document(path)
    out = tmp_path / "inj.xlsx"
    DocumentWriter(template_set()).write(doc, out)
    ws = openpyxl.load_workbook(out)["注入测试"]
    texts = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value is not None}
    for value in ('=HYPERLINK("http://example.invalid","点我")', "+1+1", "=1+1", "-2", "@SUM(A1)"):
        assert texts[value] == "s", value
    assert Decimal(1) == doc.projects[0].values["funds.annual_total"]
