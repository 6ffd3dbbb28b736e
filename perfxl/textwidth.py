"""Display width of CJK text, and the row heights Excel will not compute for us.

Excel column widths are counted in "characters of the default font's digit width"; a CJK
character in a Song/Hei font is about two of those. Excel never autofits the height of rows
holding wrapped text in merged cells, so we compute them from the text and the widths of the
spanned columns.
"""

from __future__ import annotations

import functools
import math
import unicodedata


@functools.lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    # Ambiguous-width characters (≥, ≤, ×, ①) are full width in Chinese fonts.
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


def text_width(text: str) -> int:
    """Width of the longest line of ``text`` in Excel character units."""
    return max((sum(char_width(c) for c in line) for line in text.split("\n")), default=0)


def line_count(text: str, capacity: float) -> int:
    """Lines needed to show ``text`` wrapped in a cell ``capacity`` characters wide."""
    if capacity <= 1:
        capacity = 1
    total = 0
    for line in text.split("\n"):
        width = sum(char_width(c) for c in line)
        total += max(1, math.ceil(width / capacity))
    return total


def line_height(font_size: float) -> float:
    """Points per text line for a CJK font of ``font_size`` points (Excel's own ratio ~1.3)."""
    return round(font_size * 1.32 + 0.5, 1)
