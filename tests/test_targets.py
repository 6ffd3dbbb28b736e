"""Parsing of indicator values (指标值 / 实际完成值) into kind, operator, number and unit.

The ground truth is every value printed in the five real forms in sample_data/. They are
collected from the YAML files programmatically AND listed literally in SEED_TABLE below, so a
reviewer can read every expected classification; a test checks that both sets are identical.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from perfxl.checks.targets import (
    KNOWN_UNITS,
    QUALITATIVE,
    QUANTITATIVE,
    Target,
    is_percent,
    normalise_operator,
    parse_target,
)

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_FILES = (
    "jiading-2024-self-eval.yaml",
    "minhang-2024-declaration.yaml",
    "putuo-2020-target.yaml",
    "shanghai-2020-target.yaml",
    "zaozhuang-2021-approval.yaml",
)

Q = QUANTITATIVE
L = QUALITATIVE  # "literal" words


def collect_seed_values() -> dict[tuple[str, str | None], str]:
    """Every distinct (value, 计量单位 column) printed in the samples → first file it occurs in.

    The column is None for the forms without a 计量单位 column and the cell text as printed
    (possibly "") for the Zaozhuang form.
    """
    found: dict[tuple[str, str | None], str] = {}
    for name in SAMPLE_FILES:
        doc = yaml.safe_load((SAMPLES / name).read_text(encoding="utf-8"))
        for project in doc["projects"]:
            for row in project["indicators"]:
                if isinstance(row, dict):  # self-evaluation: target and actual value
                    pairs = [(row["target"], None), (row["actual"], None)]
                elif len(row) == 6:  # [一级, 二级, 三级, 四级, 指标值, 计量单位]
                    pairs = [(row[4], row[5])]
                else:  # [一级, 二级, 三级, 指标值]
                    assert len(row) == 4, (name, row)
                    pairs = [(row[3], None)]
                for raw, column in pairs:
                    assert isinstance(raw, str), (name, row)
                    found.setdefault((raw, column), name)
    return found


# (raw, 计量单位 column, kind, op, value, unit): every distinct value in the five samples.
SEED_TABLE: list[tuple[str, str | None, str, str | None, str | None, str | None]] = [
    # --- Jiading 2024 自评表: 年度指标值 and 实际完成值 -------------------------------------
    ("≤3.00(人)", None, Q, "≤", "3.00", "人"),
    ("1.00(人)", None, Q, None, "1.00", "人"),
    ("≥90.00(%)", None, Q, "≥", "90.00", "%"),
    ("95.00(%)", None, Q, None, "95.00", "%"),
    ("=100.00(百分比)", None, Q, "=", "100.00", "%"),
    ("100.00(百分比)", None, Q, None, "100.00", "%"),
    ("≥90.00(百分比)", None, Q, "≥", "90.00", "%"),
    ("95.00(百分比)", None, Q, None, "95.00", "%"),
    ("90.00(百分比)", None, Q, None, "90.00", "%"),
    ("=100.00(%)", None, Q, "=", "100.00", "%"),
    ("100.00(%)", None, Q, None, "100.00", "%"),
    ("≤2.75(万人)", None, Q, "≤", "2.75", "万人"),
    ("2.75(万人)", None, Q, None, "2.75", "万人"),
    ("2.76(万人)", None, Q, None, "2.76", "万人"),
    ("≥90(%)", None, Q, "≥", "90", "%"),
    ("未超项目预算", None, L, None, None, None),
    ("达成指标", None, L, None, None, None),
    ("合规", None, L, None, None, None),
    ("准确", None, L, None, None, None),
    ("及时", None, L, None, None, None),
    ("有保障", None, L, None, None, None),
    ("健全", None, L, None, None, None),
    ("有序推进", None, L, None, None, None),
    ("节约", None, L, None, None, None),
    ("提升", None, L, None, None, None),
    ("得到保障", None, L, None, None, None),
    # --- Minhang 2024 申报表 -----------------------------------------------------------------
    ("=23000.00(人)", None, Q, "=", "23000.00", "人"),
    ("=12000.00(份)", None, Q, "=", "12000.00", "份"),
    ("=2000.00(人)", None, Q, "=", "2000.00", "人"),
    ("=11.00(人)", None, Q, "=", "11.00", "人"),
    ("=0.00(起)", None, Q, "=", "0.00", "起"),
    ("=0.00 (起)", None, Q, "=", "0.00", "起"),
    ("=0.00(件)", None, Q, "=", "0.00", "件"),
    ("≥85.00(%)", None, Q, "≥", "85.00", "%"),
    ("≥95.00(%)", None, Q, "≥", "95.00", "%"),
    ("≥98.00(%)", None, Q, "≥", "98.00", "%"),
    ("≥90.00 (%)", None, Q, "≥", "90.00", "%"),
    (">90.00(%)", None, Q, ">", "90.00", "%"),
    (">95.00(%)", None, Q, ">", "95.00", "%"),
    (">99.00(%)", None, Q, ">", "99.00", "%"),
    ("<10.00(%)", None, Q, "<", "10.00", "%"),
    ("=100(%)", None, Q, "=", "100", "%"),
    ("100%", None, Q, None, "100", "%"),
    ("90%", None, Q, None, "90", "%"),
    ("与政策规定一致", None, L, None, None, None),
    ("2024年重阳节前", None, L, None, None, None),  # a number followed by an unknown suffix
    ("有效控制在标准内", None, L, None, None, None),
    ("完善", None, L, None, None, None),
    ("建立健全", None, L, None, None, None),
    ("有效", None, L, None, None, None),
    ("公平公正", None, L, None, None, None),
    ("真实完整", None, L, None, None, None),
    ("满意", None, L, None, None, None),
    ("保障", None, L, None, None, None),
    ("相符", None, L, None, None, None),
    ("优化", None, L, None, None, None),
    ("契合", None, L, None, None, None),
    # --- Putuo 2020 and Shanghai 2020 目标表 -------------------------------------------------
    (">90%", None, Q, ">", "90", "%"),
    ("=100%", None, Q, "=", "100", "%"),
    (">=95%", None, Q, "≥", "95", "%"),
    ("≥95%", None, Q, "≥", "95", "%"),
    ("≥90%", None, Q, "≥", "90", "%"),
    ("≥85%", None, Q, "≥", "85", "%"),
    ("=2500本", None, Q, "=", "2500", "本"),
    ("≥15次", None, Q, "≥", "15", "次"),
    ("≥4", None, Q, "≥", "4", None),  # printed without a unit
    ("规范", None, L, None, None, None),
    ("完整", None, L, None, None, None),
    ("充分", None, L, None, None, None),
    ("科学", None, L, None, None, None),
    ("分离", None, L, None, None, None),
    ("合理", None, L, None, None, None),
    ("良好", None, L, None, None, None),
    ("可控", None, L, None, None, None),
    ("完备", None, L, None, None, None),
    ("高", None, L, None, None, None),
    ("低", None, L, None, None, None),
    ("与当年形成档案资料数量匹配", None, L, None, None, None),
    ("符合要求", None, L, None, None, None),
    ("无丢失", None, L, None, None, None),
    ("无缺损", None, L, None, None, None),
    ("符合发展要求", None, L, None, None, None),
    ("符合项目采购招标文件需求", None, L, None, None, None),
    ("按时完成", None, L, None, None, None),
    ("按月支付", None, L, None, None, None),
    # --- Zaozhuang 2021 批复表: value and its own 计量单位 column ----------------------------
    ("1500", "人", Q, None, "1500", "人"),
    ("20", "人", Q, None, "20", "人"),
    ("4", "次", Q, None, "4", "次"),
    ("20", "次", Q, None, "20", "次"),
    ("100", "%", Q, None, "100", "%"),
    ("99", "%", Q, None, "99", "%"),
    ("1", "万元", Q, None, "1", "万元"),
    ("3", "万元", Q, None, "3", "万元"),
    ("4", "万元", Q, None, "4", "万元"),
    ("5", "万元", Q, None, "5", "万元"),
    ("14", "万元", Q, None, "14", "万元"),
    ("23", "万元", Q, None, "23", "万元"),
    ("15000", "册", Q, None, "15000", "册"),
    ("80000", "份", Q, None, "80000", "份"),
    ("按时", "", L, None, None, None),
    ("及时", "", L, None, None, None),
    ("是", "", L, None, None, None),
    ("优", "", L, None, None, None),
]

SEED_VALUES = collect_seed_values()


def assert_target(
    t: Target, kind: str, op: str | None, value: str | None, unit: str | None
) -> None:
    """Compare a Target exactly; Decimals must match digit for digit ("100.00" ≠ "100")."""
    assert (t.kind, t.op, t.unit) == (kind, op, unit), t
    if value is None:
        assert t.value is None, t
    else:
        assert isinstance(t.value, Decimal), t
        assert t.value.as_tuple() == Decimal(value).as_tuple(), (t.value, value)
    if kind == QUALITATIVE:
        assert (t.op_written, t.unit_from_column) == (None, False), t


# --------------------------------------------------------------------------- seed values


def test_seed_table_has_no_duplicates():
    keys = [(raw, column) for raw, column, *_ in SEED_TABLE]
    assert len(keys) == len(set(keys))


def test_seed_table_covers_exactly_the_values_in_the_samples():
    table = {(raw, column) for raw, column, *_ in SEED_TABLE}
    collected = set(SEED_VALUES)
    assert sorted(collected - table, key=str) == [], "values in sample_data missing from table"
    assert sorted(table - collected, key=str) == [], "table entries not printed in any sample"
    assert len(collected) == 103  # 100 distinct texts; 及时 also appears with an empty column
    assert {SEED_VALUES[key] for key in collected} == set(SAMPLE_FILES)


@pytest.mark.parametrize(("raw", "column", "kind", "op", "value", "unit"), SEED_TABLE)
def test_seed_value(raw, column, kind, op, value, unit):
    t = parse_target(raw, column)
    assert t.raw == raw
    assert_target(t, kind, op, value, unit)
    if kind == QUANTITATIVE:
        # Only the Zaozhuang values take their unit from the 计量单位 column.
        assert t.unit_from_column == (column is not None)
        assert (t.op_written is None) == (op is None)


def test_seed_operators_are_kept_as_written():
    assert parse_target(">=95%").op_written == ">="
    assert parse_target("≥95%").op_written == "≥"
    assert parse_target("=100%").op_written == "="
    assert parse_target("<10.00(%)").op_written == "<"


# --------------------------------------------------------------------------- text forms

EXTRA_CASES: list[tuple[str, str, str | None, str | None, str | None]] = [
    # whitespace around and between parts, including U+3000 and line breaks
    ("  ≥90.00 (%)  ", Q, "≥", "90.00", "%"),
    ("\u3000=100%\u3000", Q, "=", "100", "%"),
    ("\n≥ 85 %\r\n", Q, "≥", "85", "%"),
    ("=100.00(百分\n比)", Q, "=", "100.00", "%"),  # a cell line break inside the unit
    ("= 0.00 ( 起 )", Q, "=", "0.00", "起"),
    ("\u200b≥90%\ufeff", Q, "≥", "90", "%"),  # zero-width characters from copy and paste
    # thousands separators
    ("1,000", Q, None, "1000", None),
    ("1，000", Q, None, "1000", None),
    ("≥12,345.67(元)", Q, "≥", "12345.67", "元"),
    ("=1,094,910,000.00元", Q, "=", "1094910000.00", "元"),
    ("1,0000", L, None, None, None),  # badly grouped: not a number
    ("1,00", L, None, None, None),
    ("1,000,00", L, None, None, None),
    # ASCII, full-width and mathematical operators
    ("=5件", Q, "=", "5", "件"),
    ("＝5件", Q, "=", "5", "件"),
    ("≥5件", Q, "≥", "5", "件"),
    (">=5件", Q, "≥", "5", "件"),
    ("＞=5件", Q, "≥", "5", "件"),
    ("＞＝5件", Q, "≥", "5", "件"),
    ("≧5件", Q, "≥", "5", "件"),
    ("≤5件", Q, "≤", "5", "件"),
    ("<=5件", Q, "≤", "5", "件"),
    ("＜=5件", Q, "≤", "5", "件"),
    ("≦5件", Q, "≤", "5", "件"),
    (">5件", Q, ">", "5", "件"),
    ("＞5件", Q, ">", "5", "件"),
    ("<5件", Q, "<", "5", "件"),
    ("＜5件", Q, "<", "5", "件"),
    # full-width digits, decimal point, percent and brackets
    ("＞９０％", Q, ">", "90", "%"),
    ("≥９０．５（%）", Q, "≥", "90.5", "%"),
    ("９０．５０（百分比）", Q, None, "90.50", "%"),
    ("１００", Q, None, "100", None),
    # operator words before the number
    ("不低于90%", Q, "≥", "90", "%"),
    ("大于等于90%", Q, "≥", "90", "%"),
    ("不少于20场", Q, "≥", "20", "场"),
    ("不小于3次", Q, "≥", "3", "次"),
    ("至少 2 个", Q, "≥", "2", "个"),
    ("小于等于5%", Q, "≤", "5", "%"),
    ("不高于5%", Q, "≤", "5", "%"),
    ("不超过14万元", Q, "≤", "14", "万元"),
    ("不多于3起", Q, "≤", "3", "起"),
    ("至多1次", Q, "≤", "1", "次"),
    ("大于90%", Q, ">", "90", "%"),
    ("高于90%", Q, ">", "90", "%"),
    ("超过90%", Q, ">", "90", "%"),
    ("小于10%", Q, "<", "10", "%"),
    ("低于10%", Q, "<", "10", "%"),
    ("等于100%", Q, "=", "100", "%"),
    # units
    ("=3‰", Q, "=", "3", "‰"),
    ("≤3(‰)", Q, "≤", "3", "‰"),
    ("=50％", Q, "=", "50", "%"),
    ("=50百分比", Q, "=", "50", "%"),
    ("≥1000(人次)", Q, "≥", "1000", "人次"),
    ("≥1000人次", Q, "≥", "1000", "人次"),
    ("=2(万人次)", Q, "=", "2", "万人次"),
    ("=600元/人·月", Q, "=", "600", "元/人·月"),
    ("=5人/次", Q, "=", "5", "人/次"),
    ("=5人／次", Q, "=", "5", "人/次"),
    ("=12月", Q, "=", "12", "月"),
    ("=3(个工作日)", Q, "=", "3", "个工作日"),  # any short text in brackets is a unit
    ("=3()", Q, "=", "3", None),  # empty brackets: no unit written
    ("=3(一二三四五六七八九十)", Q, "=", "3", "一二三四五六七八九十"),  # 10 chars: the limit
    ("=3(一二三四五六七八九十一)", L, None, None, None),  # 11 chars: too long
    ("=3(2人)", L, None, None, None),  # digits in brackets
    ("=3(人", L, None, None, None),
    ("=3人)", L, None, None, None),
    ("=3((人))", L, None, None, None),
    ("=3个工作日", L, None, None, None),  # unknown suffix without brackets
    ("=3 人 次", Q, "=", "3", "人次"),
    # a valid quantity followed by trailing words is qualitative (see the module docstring)
    ("100%以上", L, None, None, None),
    ("≥90%以上", L, None, None, None),
    ("90%左右", L, None, None, None),
    ("12月底前", L, None, None, None),
    ("2024年重阳节前", L, None, None, None),
    ("90(%)以上", L, None, None, None),
    ("90%(%)", L, None, None, None),
    ("约90%", L, None, None, None),
    # a tolerance: the deviation stays within the number (Dongguan 2019 批复表: ±3%以内)
    ("±3%以内", Q, "±", "3", "%"),
    ("±3%", Q, "±", "3", "%"),
    ("± 0.5 %", Q, "±", "0.5", "%"),
    ("±3(%)以内", Q, "±", "3", "%"),
    ("误差±0.5%", Q, "±", "0.5", "%"),
    ("误差0.5%以内", Q, "±", "0.5", "%"),
    ("正负5%之内", Q, "±", "5", "%"),
    ("上下浮动10%范围内", Q, "±", "10", "%"),
    ("+-2天", Q, "±", "2", "天"),
    ("+/-2天以内", Q, "±", "2", "天"),
    ("±3", Q, "±", "3", None),
    ("±３％以内", Q, "±", "3", "%"),
    ("±3%以上", L, None, None, None),  # only 以内 follows a tolerance
    ("±3%左右", L, None, None, None),
    ("3%以内", L, None, None, None),  # without ± it may be a ceiling or an approximation
    ("±", L, None, None, None),
    ("±-3%", L, None, None, None),
    ("误差", L, None, None, None),
    ("误差较小", L, None, None, None),
    # numbers that are not in the grammar
    ("-5", L, None, None, None),
    ("+5", L, None, None, None),
    ("≥-5%", L, None, None, None),
    (".5", L, None, None, None),
    ("90.", L, None, None, None),
    ("90.5.1", L, None, None, None),
    ("1 000", L, None, None, None),
    # operator without a number, and garbage
    ("≥", L, None, None, None),
    ("不低于", L, None, None, None),
    ("≥%", L, None, None, None),
    ("=≥90%", L, None, None, None),
    ("不等于0", L, None, None, None),
    ("-", L, None, None, None),
    ("——", L, None, None, None),
    ("/", L, None, None, None),
    ("无", L, None, None, None),
    ("  ", L, None, None, None),
    ("%", L, None, None, None),
]


@pytest.mark.parametrize(("raw", "kind", "op", "value", "unit"), EXTRA_CASES)
def test_text_forms(raw, kind, op, value, unit):
    t = parse_target(raw)
    assert t.raw == raw  # raw is the text as given, not stripped
    assert_target(t, kind, op, value, unit)
    assert t.unit_from_column is False


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        (">=95%", ">="),
        ("＞=95%", "＞="),
        ("＞＝95%", "＞＝"),
        ("＞９０％", "＞"),
        ("≧95%", "≧"),
        ("不低于90%", "不低于"),
        ("\u3000 ≥ 90%", "≥"),
        ("90%", None),
        ("±3%以内", "±"),
        ("误差±3%", "±"),  # a tolerance word is no other way of writing ±
        ("+-3%", "+-"),  # a sign that is: suggested as ±
    ],
)
def test_operator_is_kept_as_written(raw, written):
    assert parse_target(raw).op_written == written


# --------------------------------------------------------------------------- cell values


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_is_qualitative_with_empty_raw(empty):
    t = parse_target(empty)
    assert t == Target(raw="", kind=L, op=None, value=None, unit=None, op_written=None)


@pytest.mark.parametrize(
    ("cell", "raw", "value"),
    [
        (95, "95", "95"),
        (0, "0", "0"),
        (1500, "1500", "1500"),
        (95.0, "95.0", "95.0"),
        (0.1, "0.1", "0.1"),  # no binary noise (0.1000000000000000055…)
        (0.95, "0.95", "0.95"),
        (2.75, "2.75", "2.75"),
        (1234567.89, "1234567.89", "1234567.89"),
        (-0.0, "-0.0", "0.0"),
        (Decimal("85.00"), "85.00", "85.00"),
        (-3, "-3", "-3"),  # a typed cell number is kept; only text signs are rejected
    ],
)
def test_numbers_from_cells(cell, raw, value):
    t = parse_target(cell)
    assert t.raw == raw
    assert_target(t, Q, None, value, None)
    assert (t.op_written, t.unit_from_column) == (None, False)


def test_float_cell_with_measure_unit_column():
    t = parse_target(99.5, "%")
    assert_target(t, Q, None, "99.5", "%")
    assert t.unit_from_column is True
    assert_target(parse_target(14, "万元"), Q, None, "14", "万元")


@pytest.mark.parametrize(
    "cell", [float("nan"), float("inf"), Decimal("NaN"), True, False, object(), [1]]
)
def test_non_numbers_from_cells_are_qualitative(cell):
    t = parse_target(cell)
    assert_target(t, L, None, None, None)
    assert t.raw == (repr(cell) if isinstance(cell, float) else str(cell))


# --------------------------------------------------------------------------- 计量单位 column


@pytest.mark.parametrize(
    ("raw", "column", "op", "value", "unit", "from_column"),
    [
        ("100", "%", None, "100", "%", True),
        ("100", "百分比", None, "100", "%", True),
        ("100", "％", None, "100", "%", True),
        ("100", " 人次 ", None, "100", "人次", True),
        ("100", "（万元）", None, "100", "万元", True),
        ("≥90", "%", "≥", "90", "%", True),
        ("≥90(%)", "人", "≥", "90", "%", False),  # a unit in the value wins over the column
        ("=5件", "人", "=", "5", "件", False),
        ("100", "", None, "100", None, False),
        ("100", "\u3000", None, "100", None, False),
        ("100", None, None, "100", None, False),
    ],
)
def test_measure_unit_column(raw, column, op, value, unit, from_column):
    t = parse_target(raw, column)
    assert_target(t, Q, op, value, unit)
    assert t.unit_from_column is from_column


def test_measure_unit_column_is_ignored_for_qualitative_values():
    t = parse_target("按时", "天")
    assert_target(t, L, None, None, None)
    assert t.unit_from_column is False


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("=", "="),
        ("＝", "="),
        ("≥", "≥"),
        (">=", "≥"),
        ("＞=", "≥"),
        ("＞＝", "≥"),
        ("≧", "≥"),
        ("≤", "≤"),
        ("<=", "≤"),
        ("＜=", "≤"),
        ("≦", "≤"),
        (">", ">"),
        ("＞", ">"),
        ("<", "<"),
        ("＜", "<"),
        ("大于等于", "≥"),
        ("不低于", "≥"),
        ("不少于", "≥"),
        ("不小于", "≥"),
        ("至少", "≥"),
        ("小于等于", "≤"),
        ("不高于", "≤"),
        ("不超过", "≤"),
        ("不多于", "≤"),
        ("至多", "≤"),
        ("大于", ">"),
        ("高于", ">"),
        ("超过", ">"),
        ("小于", "<"),
        ("低于", "<"),
        ("等于", "="),
        (" ≥ ", "≥"),
        ("\u3000>=\n", "≥"),
        ("", None),
        ("=>", None),
        ("≥≥", None),
        ("以上", None),
        ("90", None),
        ("不等于", None),
        ("±", "±"),
        ("+-", "±"),
        ("误差±", "±"),
        ("正负", "±"),
        ("±±", None),
    ],
)
def test_normalise_operator(written, normal):
    assert normalise_operator(written) == normal


def test_every_operator_of_a_parsed_target_is_normalised():
    texts = [case[0] for case in EXTRA_CASES] + [case[0] for case in SEED_TABLE]
    for raw in texts:
        t = parse_target(raw)
        assert t.op in (None, "=", "≥", "≤", ">", "<", "±")
        if t.op_written is not None:
            assert normalise_operator(t.op_written) == t.op


@pytest.mark.parametrize(
    ("raw", "column", "expected"),
    [
        ("=100%", None, True),
        ("=100.00(百分比)", None, True),
        ("＞９０％", None, True),
        ("100", "%", True),
        ("100", "百分比", True),
        ("=3‰", None, False),
        ("≥4", None, False),
        ("=2500本", None, False),
        ("及时", None, False),
    ],
)
def test_is_percent(raw, column, expected):
    assert is_percent(parse_target(raw, column)) is expected


def test_known_units():
    for unit in ("%", "％", "‰", "百分比", "人次", "万元", "元/人·月", "人/次", "起", "本"):
        assert unit in KNOWN_UNITS
    assert "年重阳节前" not in KNOWN_UNITS
    assert all(not any(ch.isdigit() or ch.isspace() for ch in u) for u in KNOWN_UNITS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("≥85.00(%)", {"kind": Q, "op": "≥", "value": "85.00", "unit": "%"}),
        ("=1,000(人)", {"kind": Q, "op": "=", "value": "1000", "unit": "人"}),
        ("及时", {"kind": L, "op": None, "value": None, "unit": None}),
        (95.0, {"kind": Q, "op": None, "value": "95.0", "unit": None}),
        (1e16, {"kind": Q, "op": None, "value": "10000000000000000", "unit": None}),
    ],
)
def test_as_dict_is_json_safe(raw, expected):
    d = parse_target(raw).as_dict()
    assert d == expected
    assert json.loads(json.dumps(d, ensure_ascii=False)) == expected


def test_target_is_frozen():
    t = parse_target("=100%")
    with pytest.raises(AttributeError):  # immutable
        t.value = Decimal("1")  # type: ignore[misc]


@pytest.mark.parametrize(
    "raw, value, unit",
    [
        # as published in the corpus forms (tests/corpus/): hunan_nanyue, sichuan_jingyan,
        # sichuan_zhongjiang, hunan_xiangtan
        ("<=475元/亩", "475", "元/亩"),
        ("<=3000元/平方米", "3000", "元/平方米"),
        ("≥1人/年", "1", "人/年"),
        ("≥50厘米", "50", "厘米"),
        ("250万", "250", "万"),
    ],
)
def test_rates_of_two_units_and_more_units_are_quantitative(raw, value, unit):
    target = parse_target(raw)
    assert target.kind == QUANTITATIVE and target.value == Decimal(value) and target.unit == unit


def test_a_rate_needs_two_known_units():
    assert parse_target("≤475元/某").kind != QUANTITATIVE
