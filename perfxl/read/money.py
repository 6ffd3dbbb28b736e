"""Money as people type it: ``250万``, ``150万元``, ``1,094,910,000.00元``, ``854万(其中……)``.

A money cell should hold a number, but returned forms hold text with the unit typed after it;
the unit then says what the number means. An amount in another unit than the form's is
converted, and the caller reports the disagreement (M004).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

MONEY_UNITS = {
    "元": Decimal(1),
    "万元": Decimal(10000),
    "千元": Decimal(1000),
    "亿元": Decimal(10**8),
}


_MONEY = re.compile(
    r"^\s*(?P<num>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>万元|万|元|千元|亿元|亿)?\s*(?:[(（][^()（）]*[)）])?\s*$"
)
_UNIT_ALIASES = {"万": "万元", "亿": "亿元"}


@dataclass(frozen=True)
class Money:
    amount: Decimal
    unit: str | None  # the unit typed in the cell, if any


def parse_money(value: Any) -> Money | None:
    """``250万`` → 250 万元; ``1,094,910,000.00元`` → 1094910000.00 元; a number → itself.
    None when the value is not an amount (text, a date, empty)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and not (value == value and abs(value) != float("inf")):
            return None
        return Money(Decimal(str(value)), None)
    if isinstance(value, Decimal):
        return Money(value, None) if value.is_finite() else None
    if not isinstance(value, str) or len(value) > 200:
        return None
    m = _MONEY.match(value.replace("，", ","))
    if m is None:
        return None
    try:
        amount = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:
        return None
    unit = m.group("unit")
    return Money(amount, _UNIT_ALIASES.get(unit, unit) if unit else None)


def in_unit(money: Money, unit: str) -> Decimal:
    """The amount in ``unit`` (the form's), converting from the unit typed in the cell."""
    if money.unit is None or money.unit == unit:
        return money.amount
    return money.amount * MONEY_UNITS[money.unit] / MONEY_UNITS[unit]
