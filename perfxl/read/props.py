"""perfxl's own custom document properties: what its hidden sheet says, without that sheet.

A generated workbook carries, as custom properties named ``perfxl_*``, its layout, layout
version, framework, year, money unit and number of project sheets (see the writer). Reading
them from ``docProps/custom.xml`` spares the reader a sheet; a workbook that lost them (made
by an older perfxl, or saved by an application that drops them) is read from the sheet.
"""

from __future__ import annotations

import defusedxml
import defusedxml.ElementTree as SafeET

CUSTOM_PROPERTIES = "docProps/custom.xml"
PREFIX = "perfxl_"
_TEXT_TYPES = ("lpwstr", "lpstr", "bstr")
# what the hidden sheet says, as the properties name it
META_PROPERTIES = ("layout", "layout_version", "framework", "year", "money_unit", "sheets")


def perfxl_properties(part: bytes) -> dict[str, str]:
    """The text properties named perfxl_* of docProps/custom.xml (name without the prefix);
    empty when there are none or the part cannot be parsed."""
    if not part:
        return {}
    try:
        root = SafeET.fromstring(part)
    except (SafeET.ParseError, defusedxml.DefusedXmlException, ValueError):
        return {}
    out: dict[str, str] = {}
    for prop in root:
        name = prop.get("name") or ""
        if not name.startswith(PREFIX) or not name[len(PREFIX) :]:
            continue
        for value in prop:
            if value.tag.rsplit("}", 1)[-1] in _TEXT_TYPES:
                out[name[len(PREFIX) :]] = value.text or ""
                break
    return out


def meta_from_properties(properties: dict[str, str]) -> dict[str, str] | None:
    """What perfxl's hidden sheet says, from the properties; None when any is missing or the
    sheet count is not a number (the hidden sheet is then read instead)."""
    if not all(key in properties for key in META_PROPERTIES):
        return None
    if not (properties["sheets"].isascii() and properties["sheets"].isdigit()):
        return None
    meta = {key: properties[key] for key in META_PROPERTIES[:-1]}
    meta["sheet_count"] = properties["sheets"]
    return meta
