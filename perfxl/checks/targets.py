"""Parse indicator values (指标值 / 指标目标值 / 年度指标值 / 实际完成值) into typed targets.

A quantitative value is written as an optional comparison operator, a number and an optional
unit, e.g. ``≥90.00(%)``, ``=2500本``, ``>=95%``, ``不低于90%`` or a bare ``1500`` whose unit sits
in a separate 计量单位 column. Anything else (``及时``, ``与政策规定一致``, ``2024年重阳节前``,
``-``, ``无`` …) is qualitative and only its raw text is kept.

Grammar (after trimming whitespace and mapping full-width characters to half-width)::

    value := op? ws* number ws* unit? ws*                 -> quantitative
           | tol ws* number ws* unit? ws* within?           -> quantitative, op "±"
    op    := "=" | "≥" | ">=" | "≧" | "≤" | "<=" | "≦" | ">" | "<" | operator word
    tol   := "±" | "+-" | "+/-" | "正负" | "上下浮动" | "误差" ws* "±"?
    within:= "以内" | "之内" | "内" | "范围内"
    number:= digits ("," digits{3})* ("." digits)?         (no sign; "-" alone is garbage)
    unit  := "(" text without digits, ≤ 10 chars ")" | a KNOWN_UNITS suffix | known "/" known
    anything else                                          -> qualitative

Trailing words after a valid quantity make the whole value qualitative: ``100%以上``,
``90%左右`` or ``12月底前`` are not silently read as ``100%``/``90%``/``12月``, because the
trailing word changes the meaning (``以上`` is an operator written after the number, ``左右`` an
approximation). The checks then report the value as qualitative rather than guess.

A tolerance (``±3%以内``, ``误差±0.5%``, ``正负5%``) is a quantity too: the deviation from a
reference stays within the number. Its operator is ``±``; 以内 is allowed after it only,
because after a tolerance it repeats what ``±`` says, while ``3%以内`` alone could be a
ceiling or an approximation and stays qualitative.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

QUANTITATIVE = "quantitative"
QUALITATIVE = "qualitative"

# Units accepted as a bare suffix ("=2500本"). Inside parentheses any short text is accepted.
KNOWN_UNITS: frozenset[str] = frozenset(
    {
        "%", "％", "‰", "百分比",
        "人", "人次", "万人", "万人次", "户", "家", "个", "件", "份", "次", "场", "本", "册",
        "项", "台", "套", "天", "日", "小时", "分钟", "周", "月", "年", "元", "万元", "亿元",
        "平方米", "万平方米", "公里", "千米", "米", "吨", "分", "所", "辆", "批", "张", "篇",
        "期", "门", "处", "条", "座", "间", "床", "页", "卷", "盒", "包", "箱", "起", "例",
        "宗", "单", "笔", "层", "棵", "株", "亩", "公顷", "学时", "课时", "人天", "人/次",
        "元/人", "元/人·月", "万", "厘米", "毫米", "千克", "公斤", "立方米", "平方公里",
    }
)  # fmt: skip


def _known_unit(text: str) -> bool:
    """A unit of KNOWN_UNITS, or a rate of two of them (元/亩, 人/年, 万元/公里, 元/平方米)."""
    if text in KNOWN_UNITS:
        return True
    top, slash, per = text.partition("/")
    return bool(slash) and top in KNOWN_UNITS and per in KNOWN_UNITS

# Longest unit text accepted inside parentheses, e.g. "(人次)", "(百分比)".
MAX_PAREN_UNIT_LEN = 10

# One-to-one character mapping (so positions in the mapped text match the original text):
# full-width digits, decimal point, comma, brackets, comparison signs, percent and slash.
_HALF_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "，": ",",
        "（": "(",
        "）": ")",
        "＝": "=",
        "＞": ">",
        "＜": "<",
        "％": "%",
        "／": "/",
    }
)

# Operator tokens, written in the half-width form produced by _HALF_WIDTH, → normalised operator.
# "＞=", "＞＝" and ">＝" all map to ">=" first, so they need no entries of their own.
_OPERATORS: dict[str, str] = {
    "=": "=",
    "═": "=",  # a box-drawing double line, seen for "=" in a Yunnan county's published form
    "≥": "≥",
    ">=": "≥",
    "≧": "≥",
    "⩾": "≥",  # slanted form some Chinese input methods produce
    "≤": "≤",
    "<=": "≤",
    "≦": "≤",
    "⩽": "≤",
    ">": ">",
    "<": "<",
    "大于等于": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "不小于": "≥",
    "至少": "≥",
    "小于等于": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "不多于": "≤",
    "至多": "≤",
    "大于": ">",
    "高于": ">",
    "超过": ">",
    "小于": "<",
    "低于": "<",
    "等于": "=",
}

# A tolerance written before the number, longest first, → "±" (see the module docstring).
_TOLERANCE_RE = re.compile(r"(?:误差\s*)?(?:±|\+/-|\+-|正负|上下浮动)|误差")
_WITHIN = ("范围内", "以内", "之内", "内")

# Whitespace, including U+3000 and line breaks (covered by \s), plus invisible characters that
# survive copy and paste from web pages and PDFs.
_WS_CHARS = "\u200b\ufeff"
_WS_RE = re.compile(rf"[\s{_WS_CHARS}]+")
# Longest tokens first, so ">=" wins over ">" and "大于等于" over "大于".
_OP_RE = re.compile("|".join(re.escape(tok) for tok in sorted(_OPERATORS, key=len, reverse=True)))
# Either correctly grouped thousands ("12,345.6") or plain digits ("12345.6"); the lookahead
# stops "1,0000" from being read as "1,000" followed by "0".
_NUMBER_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])|[0-9]+(?:\.[0-9]+)?")


class Target(NamedTuple):
    """One parsed indicator value (immutable; a named tuple because a batch of forms creates
    one for every indicator value it has not seen, and a frozen dataclass costs several times
    as much to build)."""

    raw: str  # the text as given
    kind: str  # QUANTITATIVE or QUALITATIVE
    # "=", "≥", "≤", ">", "<", or "±" for a tolerance (the deviation stays within the value);
    # None when none was written (or qualitative)
    op: str | None
    value: Decimal | None  # the number, thousands separators removed; None for qualitative
    unit: str | None  # normalised unit ("百分比"/"％" → "%"); None when there is none
    op_written: str | None  # the operator exactly as typed (">=", "＞", "不低于"…)
    unit_from_column: bool = False  # True when the unit came from the 计量单位 column

    def as_dict(self) -> dict:  # type: ignore[override]
        """JSON-safe summary: the value as a plain decimal string (``"85.00"``) or None."""
        return {
            "kind": self.kind,
            "op": self.op,
            "value": None if self.value is None else format(self.value, "f"),
            "unit": self.unit,
        }


def _tolerance_sign(match: re.Match[str]) -> str:
    """The tolerance as written, when it is a sign to be suggested as ``±`` (``+-``); a word
    (误差, 正负) and ``±`` itself are kept as the tolerance ``±``."""
    sign = _WS_RE.sub("", match.group())
    return sign if sign in ("+-", "+/-") else "±"


def _qualitative(raw: str) -> Target:
    return Target(raw=raw, kind=QUALITATIVE, op=None, value=None, unit=None, op_written=None)


# What \s matches in a str pattern is exactly what str.isspace() accepts, so the string
# methods below do what the whitespace class above says, at a fraction of the cost (a batch of forms
# parses every indicator value it has not seen before).
_ALL_WS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + _WS_CHARS


_FULL_WIDTH = re.compile("[\uff00-\uffef]")


def _half_width(text: str) -> str:
    return text.translate(_HALF_WIDTH) if _FULL_WIDTH.search(text) else text


def _strip(text: str) -> str:
    return text.strip(_ALL_WS)


def _squash(text: str) -> str:
    """Remove every whitespace character (units never contain spaces; cells wrap lines)."""
    if "\u200b" in text or "\ufeff" in text:
        return _WS_RE.sub("", text)
    return "".join(text.split())


def normalise_unit(text: object) -> str | None:
    """Normalise a unit: trim, drop whitespace and enclosing brackets, "百分比"/"％" → "%".

    Returns None for anything that is not a non-empty string.
    """
    if not isinstance(text, str):
        return None
    unit = _half_width(_squash(text))
    if len(unit) >= 2 and unit[0] == "(" and unit[-1] == ")":
        unit = unit[1:-1]
    if unit in ("%", "百分比"):
        return "%"
    return unit or None


def normalise_operator(text: str) -> str | None:
    """Return the normalised operator ("=", "≥", "≤", ">", "<", "±") for an operator as typed.

    Accepts symbols in ASCII, full-width or mathematical form (">=", "＞＝", "≧", "≥"), the
    operator words ("不低于", "不超过", "大于"…) and a tolerance ("±", "+-", "误差", "正负").
    Returns None if ``text`` is not an operator.
    """
    if not isinstance(text, str):
        return None
    text = _half_width(_strip(text))
    if text in _OPERATORS:
        return _OPERATORS[text]
    match = _TOLERANCE_RE.fullmatch(text)
    return "±" if match is not None else None


def is_percent(t: Target) -> bool:
    """True when the target is expressed in per cent (unit "%", including "百分比")."""
    return t.unit == "%"


def _from_number(raw: str, value: Decimal, measure_unit: object) -> Target:
    if value.is_zero() and value.is_signed():
        value = value.copy_abs()  # -0.0 from a cell
    unit = normalise_unit(measure_unit)
    return Target(
        raw=raw,
        kind=QUANTITATIVE,
        op=None,
        value=value,
        unit=unit,
        op_written=None,
        unit_from_column=unit is not None,
    )


@functools.lru_cache(maxsize=8192)
def _parse_text_cached(text: str, measure_unit: str | None) -> Target:
    return _parse_target_uncached(text, measure_unit)


def parse_target(text: object, measure_unit: str | None = None) -> Target:
    """Parse one 指标值 (see the module docstring); text values are memoised, since the same
    target strings recur across thousands of forms."""
    if isinstance(text, str) and (measure_unit is None or isinstance(measure_unit, str)):
        return _parse_text_cached(text, measure_unit)
    return _parse_target_uncached(text, measure_unit)


def _parse_target_uncached(text: object, measure_unit: str | None = None) -> Target:
    """Parse an indicator value; see the module docstring for the grammar.

    ``text`` may be any cell value: None and "" give a qualitative Target with raw "" (callers
    check emptiness themselves); int, float and Decimal are numbers typed into a cell and give a
    quantitative Target without operator (a negative cell number is kept as it is). Other
    objects are qualitative. ``measure_unit`` is the separate 计量单位 column; it is used only
    when the value itself carries no unit, and then ``unit_from_column`` is True.
    """
    if text is None:
        return _qualitative("")
    if isinstance(text, bool):  # bool is an int subclass; TRUE/FALSE is no target
        return _qualitative(str(text))
    if isinstance(text, int):
        return _from_number(str(text), Decimal(text), measure_unit)
    if isinstance(text, float):
        raw = repr(text)
        # repr() gives the shortest round-tripping text, so 0.1 becomes Decimal("0.1"),
        # not the binary expansion 0.1000000000000000055….
        number = Decimal(raw)
        return _from_number(raw, number, measure_unit) if number.is_finite() else _qualitative(raw)
    if isinstance(text, Decimal):
        raw = str(text)
        return _from_number(raw, text, measure_unit) if text.is_finite() else _qualitative(raw)
    if not isinstance(text, str):
        return _qualitative(str(text))

    raw = text
    stripped = _strip(raw)
    if not stripped:
        return _qualitative(raw)
    # Same length as `stripped`, so a span found in `half` also locates the original text.
    half = _half_width(stripped)

    op = op_written = None
    pos = 0
    op_match = _OP_RE.match(half) or _TOLERANCE_RE.match(half)
    if op_match:
        op = _OPERATORS.get(op_match.group(), "±")
        op_written = stripped[: op_match.end()] if op != "±" else _tolerance_sign(op_match)
        pos = op_match.end()
    gap = _WS_RE.match(half, pos)
    if gap:
        pos = gap.end()

    num_match = _NUMBER_RE.match(half, pos)
    if not num_match:
        return _qualitative(raw)  # "-", "——", "/", "无", "≥" without a number, words …
    try:
        value = Decimal(num_match.group().replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only admits valid numbers
        return _qualitative(raw)

    rest = _squash(half[num_match.end() :])
    if op == "±" and rest.endswith(_WITHIN):
        rest = rest[: -len(next(w for w in _WITHIN if rest.endswith(w)))]
    unit: str | None
    if not rest:
        unit = None
    elif rest[0] == "(" and rest[-1] == ")":
        inner = rest[1:-1]
        if "(" in inner or ")" in inner or len(inner) > MAX_PAREN_UNIT_LEN:
            return _qualitative(raw)
        if any(ch.isdigit() for ch in inner):
            return _qualitative(raw)
        unit = normalise_unit(inner)  # "()" (empty) counts as no unit written
    elif _known_unit(rest):
        unit = normalise_unit(rest)
    else:
        # An unknown suffix or trailing words ("2024年重阳节前", "100%以上"): qualitative.
        return _qualitative(raw)

    from_column = False
    if unit is None:
        unit = normalise_unit(measure_unit)
        from_column = unit is not None
    return Target(
        raw=raw,
        kind=QUANTITATIVE,
        op=op,
        value=value,
        unit=unit,
        op_written=op_written,
        unit_from_column=from_column,
    )
