"""``blank --form``: a province's own blank workbook, copied and filled in for each unit.

The forms are real published blank forms (tests/blanks/), rebuilt as an office's Excel copy
would look. To show that nothing of the province's workbook is lost, each is given the
settings such an office sets up (plainly synthetic: a dropdown, a whole-number validation,
sheet protection with unlocked input cells, print setup, a defined name, column widths and
a number format); every part of the package but the few edited ones must come back byte
for byte, and the edited ones must keep every element but the cells typed into.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

import perfxl
from perfxl.checks.run import RunOptions, check_file

from .blanks import BLANKS
from .libreoffice import convert

ROSTER = """\
year: 2025
departments:
  - department: 示例教育局
    unit: 示例第一中学
    projects:
      - {name: 校舍维修（示例）, amount: 120}
  - department: 示例教育局
    unit: 示例第二中学
"""
EDITED = {"xl/worksheets/sheet1.xml", "xl/styles.xml", "docProps/custom.xml",
          "[Content_Types].xml", "_rels/.rels"}  # fmt: skip


def office_copy(module, path: Path) -> Path:
    """The published blank form with the settings an office's own copy carries."""
    module.FORM.save(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    column, (first, last) = module.TARGETS["column"], module.TARGETS["rows"][0]
    dv = DataValidation(type="list", formula1='"正向,反向"', allow_blank=True)
    dv.add(f"A{first}:A{first}")
    ws.add_data_validation(dv)
    whole = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
    whole.add("H1:H2")
    ws.add_data_validation(whole)
    for r in range(first, last + 1):
        ws[f"{column}{r}"].protection = Protection(locked=False)
    ws.protection.sheet = True
    ws.protection.insertRows = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:3"
    ws.oddFooter.center.text = "第 &P 页"
    ws.column_dimensions["B"].width = 30
    ws["A1"].number_format = "0.00"
    wb.defined_names["表名"] = DefinedName("表名", attr_text=f"'{ws.title}'!$A$1")
    wb.save(path)
    return path


@pytest.fixture(scope="module", params=sorted(BLANKS))
def copies(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    module = BLANKS[request.param]
    form = office_copy(module, folder / "空白表.xlsx")
    roster = folder / "名单.yaml"
    roster.write_text(ROSTER, encoding="utf-8")
    result = perfxl.blank(roster, folder / "out", form=form)
    return module, form, result


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_every_unit_gets_a_copy_and_the_form_is_untouched(copies):
    module, form, result = copies
    before = form.read_bytes()
    assert result.ok and len(result.files) == 2
    assert [Path(f.output).name for f in result.files] == ["示例第一中学.xlsx", "示例第二中学.xlsx"]
    assert set(module.FIELDS.values()) <= set(result.form_fields)
    assert form.read_bytes() == before
    assert result.to_dict()["form_fingerprint"] == result.form_fingerprint


def test_parts_other_than_the_edited_ones_are_byte_for_byte(copies):
    _module, form, result = copies
    original = _parts(form)
    copy = _parts(Path(result.files[0].output))
    assert set(original) <= set(copy)
    for name, data in original.items():
        if name not in EDITED:
            assert copy[name] == data, name


def _without_cells(xml: bytes) -> bytes:
    return re.sub(rb"<sheetData>.*</sheetData>", b"", xml, flags=re.S)


def test_the_sheet_keeps_merges_validations_protection_and_print_settings(copies):
    _module, form, result = copies
    name = "xl/worksheets/sheet1.xml"
    original, copy = _parts(form)[name], _parts(Path(result.files[0].output))[name]
    # everything outside the cell data is the province's, unchanged
    assert _without_cells(copy) == _without_cells(original)
    for element in (b"<mergeCells", b"<dataValidations", b"<sheetProtection", b"<pageSetup",
                    b"<headerFooter", b"<cols>"):  # fmt: skip
        assert element in copy
    styles = _parts(Path(result.files[0].output))["xl/styles.xml"]
    old = re.search(rb"<cellXfs[^>]*>(.*)</cellXfs>", _parts(form)["xl/styles.xml"], re.S)
    new = re.search(rb"<cellXfs[^>]*>(.*)</cellXfs>", styles, re.S)
    assert old and new and new.group(1).startswith(old.group(1))  # styles only added
    wb = openpyxl.load_workbook(result.files[0].output)
    ws = wb.active
    assert ws.protection.sheet and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$1:$3" and "表名" in wb.defined_names
    assert len(ws.data_validations.dataValidation) == 2
    assert ws.column_dimensions["B"].width == 30


def _value_of(ws, label: str):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label:
                end = cell.column
                for merged in ws.merged_cells.ranges:
                    if cell.coordinate in merged:
                        end = merged.max_col
                right = ws.cell(row=cell.row, column=end + 1)
                return right.value
    raise AssertionError(label)


def test_header_fields_are_typed_next_to_their_labels_and_targets_are_text(copies):
    module, _form, result = copies
    wb = openpyxl.load_workbook(result.files[0].output)
    ws = wb.active
    expected = {"unit": "示例第一中学", "department": "示例教育局", "name": "校舍维修（示例）"}
    for key, label in module.FIELDS.items():
        assert _value_of(ws, label) == expected[key], label
    column = module.TARGETS["column"]
    for first, last in module.TARGETS["rows"]:
        for r in range(first, last + 1):
            assert ws[f"{column}{r}"].number_format == "@", f"{column}{r}"
    # the protection the office set on those cells is kept
    first = module.TARGETS["rows"][0][0]
    assert ws[f"{column}{first}"].protection.locked is False
    assert any(cell.value == "(2025年度)" for row in ws.iter_rows(max_row=4) for cell in row)
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["perfxl_unit"] == "示例第一中学" and props["perfxl_year"] == "2025"
    assert props["perfxl_form_fingerprint"] == result.form_fingerprint
    # who the copy is for, as blank writes it into its own forms (status reads it)
    assert props["perfxl_unit_key"].startswith("u-") and props["perfxl_department"] == "示例教育局"
    second = openpyxl.load_workbook(result.files[1].output).active
    assert _value_of(second, module.FIELDS["unit"]) == "示例第二中学"
    assert _value_of(second, module.FIELDS["name"]) is None  # no project in the roster


def _fill(path: Path, module, target: Path) -> Path:
    """What a unit types into its copy (synthetic): goals, two indicators, targets as text."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    column = module.TARGETS["column"]
    first, _last = module.TARGETS["rows"][-1]
    name_col = module.TARGETS["name_column"]
    for offset, (name, value) in enumerate([("维修校舍栋数", "=3栋"), ("验收合格率", "≥95%")]):
        ws[f"{name_col}{first + offset}"] = name
        cell = ws[f"{column}{first + offset}"]
        cell.value = value
        cell.data_type = "s"  # what Excel does in a cell formatted as text
    wb.save(target)
    return target


def test_a_filled_return_is_read_by_the_same_labels_and_known_as_that_form(copies, tmp_path):
    module, _form, result = copies
    filled = _fill(Path(result.files[0].output), module, tmp_path / "交回.xlsx")
    report = check_file(filled, RunOptions(want_projects=True))
    codes = {f.code: f for f in report.findings}
    assert report.layout == "family"
    assert "S016" in codes and "S017" not in codes and "S011" not in codes
    # 佳县 prints a 长期绩效指标 table above the 年度 one: read, and said to be left unchecked
    assert ("S015" in codes) == (len(module.TARGETS["rows"]) > 1)
    [project] = report.as_dict()["projects"]
    assert project["fields"]["unit"] == "示例第一中学"
    assert project["fields"]["name"] == "校舍维修（示例）"
    targets = {i["name"]: i["target"] for i in project["indicators"]}
    assert targets == {"维修校舍栋数": "=3栋", "验收合格率": "≥95%"}


def test_a_return_whose_labels_were_changed_says_so(copies, tmp_path):
    module, _form, result = copies
    path = tmp_path / "改过.xlsx"
    wb = openpyxl.load_workbook(result.files[0].output)
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == module.FIELDS["name"]:
                cell.value = "项目支出名称"
    wb.save(path)
    report = check_file(path, RunOptions())
    [s017] = [f for f in report.findings if f.code == "S017"]
    assert "项目名称" in s017.message and "空白表.xlsx" in s017.message


def test_returns_merge_with_their_units(copies, tmp_path):
    module, _form, result = copies
    returns = tmp_path / "returns"
    returns.mkdir()
    for i, f in enumerate(result.files):
        _fill(Path(f.output), module, returns / f"{i}.xlsx")
    merged = perfxl.merge([returns], tmp_path / "汇总.xlsx", workers=1)
    assert merged.files == 2 and not merged.not_merged
    rows = list(openpyxl.load_workbook(tmp_path / "汇总.xlsx")["项目"].iter_rows(values_only=True))
    assert {"示例第一中学", "示例第二中学"} <= {v for row in rows for v in row}


def test_libreoffice_opens_the_copies(copies, tmp_path):
    module, _form, result = copies
    [back] = convert([Path(result.files[0].output)], "xlsx", tmp_path / "lo", tmp_path / "profile")
    ws = openpyxl.load_workbook(back).active
    assert _value_of(ws, module.FIELDS["unit"]) == "示例第一中学"
    column, (first, _last) = module.TARGETS["column"], module.TARGETS["rows"][0]
    assert ws[f"{column}{first}"].number_format == "@"


def test_a_form_that_is_not_one_is_refused_in_chinese(tmp_path, run_cli):
    roster = tmp_path / "名单.yaml"
    roster.write_text(ROSTER, encoding="utf-8")
    notes = tmp_path / "通知.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["关于报送绩效目标的通知"])
    wb.save(notes)
    code, _out, err = run_cli("blank", str(roster), "--form", str(notes), "-o", str(tmp_path / "o"))
    assert code == 2 and "找不到指标表" in err and "Traceback" not in err
    old = tmp_path / "旧表.xls"
    old.write_bytes(b"not really")
    code, _out, err = run_cli("blank", str(roster), "--form", str(old), "-o", str(tmp_path / "o"))
    assert code == 2 and "另存为 .xlsx" in err
    assert not (tmp_path / "o").exists()


def test_a_copy_never_lands_on_the_form_itself(tmp_path):
    """A unit named like the form's file, written into the form's own folder: refused
    before anything is written, and the form is untouched."""
    module = BLANKS["shaanxi_jiaxian_2016_shenbao"]
    form = module.FORM.save(tmp_path / "示例第一中学.xlsx")
    before = form.read_bytes()
    roster = tmp_path / "名单.yaml"
    roster.write_text(ROSTER, encoding="utf-8")
    with pytest.raises(perfxl.PerfxlError):
        perfxl.blank(roster, tmp_path, form=form, overwrite=True)
    assert form.read_bytes() == before
    assert not (tmp_path / "清单.csv").exists() and not (tmp_path / "示例第二中学.xlsx").exists()
