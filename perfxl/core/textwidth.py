"""Display width of CJK text, and the row heights Excel will not compute for us.

Excel column widths are counted in "characters of the default font's digit width"; a CJK
character in a Song/Hei font is about two of those. Excel never autofits the height of rows
holding wrapped text in merged cells, so we compute them from the text and the widths of the
spanned columns.
"""

from __future__ import annotations

import math
import re

# Characters drawn two units wide in Chinese fonts: CJK, Hangul, full-width forms, and the
# general punctuation, symbols and maths block (≥ ≤ — … ①) that CJK fonts draw full width.
# A regular expression counts them far faster than a per-character lookup.
_WIDE = re.compile(
    "[\u00a7\u00a8\u00b0\u00b1\u00b7\u00d7\u00f7\u1100-\u115f\u2010-\u2bff\u2e80-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def line_width(line: str) -> int:
    return len(line) + len(_WIDE.findall(line))


def text_width(text: str) -> int:
    """Width of the longest line of ``text`` in Excel character units."""
    return max((line_width(line) for line in text.split("\n")), default=0)


def line_count(text: str, capacity: float) -> int:
    """Lines needed to show ``text`` wrapped in a cell ``capacity`` characters wide."""
    if capacity <= 1:
        capacity = 1
    total = 0
    for line in text.split("\n"):
        total += max(1, math.ceil(line_width(line) / capacity))
    return total


def line_height(font_size: float) -> float:
    """Points per text line for a CJK font of ``font_size`` points (Excel's own ratio ~1.3)."""
    return round(font_size * 1.32 + 0.5, 1)


def text_height(text: str, span: float, font_size: float) -> float:
    """Points of row height a wrapped ``text`` needs in a cell ``span`` column-width units
    wide (the sum of the spanned columns' widths) at ``font_size`` points."""
    capacity = span * 11.0 / font_size - 1.5
    return line_count(text, capacity) * line_height(font_size) + 6
