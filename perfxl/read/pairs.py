"""``label：value`` typed into one cell — the one parser for it, used by the layout reader
(``locate.py``) and the family reader (``family.py``) alike."""

from __future__ import annotations

import re
from typing import Any

_PAIR_LABEL = re.compile(r"(?:^|(?<=\s))([^\s:：]{1,16}?)\s*[:：]")
_BAD_LABEL = re.compile(r"[\d。，,；;、“”]")


def inline_pairs(value: Any) -> list[tuple[str, str]]:
    """``填表人: 某某 联系电话:1660… 填报日期:`` typed into one cell: its label → value pairs.
    The text must begin with a label, and each label is short and free of digits and
    sentence punctuation: a goal that happens to contain 其中： is no pair."""
    if not isinstance(value, str) or ("：" not in value and ":" not in value) or len(value) > 200:
        return []
    text = value.strip()
    labels = [m for m in _PAIR_LABEL.finditer(text) if not _BAD_LABEL.search(m.group(1))]
    if not labels or labels[0].start() != 0:
        return []
    pairs = []
    for i, m in enumerate(labels):
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        pairs.append((m.group(1), text[m.end() : stop].strip()))
    return pairs
