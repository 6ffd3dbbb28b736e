"""perfxl's own custom document properties: what its hidden sheet says, without that sheet.

A generated workbook carries, as custom properties named ``perfxl_*``, its layout, layout
version, framework, year, money unit and number of project sheets (see the writer). Reading
them from ``docProps/custom.xml`` spares the reader a sheet; a workbook that lost them (made
by an older perfxl, or saved by an application that drops them) is read from the sheet.
"""

from __future__ import annotations

from perfxl.read.facts import parse, safe_parser

CUSTOM_PROPERTIES = "docProps/custom.xml"
PREFIX = "perfxl_"
_TEXT_TYPES = ("lpwstr", "lpstr", "bstr")
# what the hidden sheet says, as the properties name it
META_PROPERTIES = ("layout", "layout_version", "framework", "year", "money_unit", "sheets")
# what perfxl writes into its own outputs (annotated copies, summaries): their kind
OUTPUT_PROPERTY = PREFIX + "output"
OUTPUT_KINDS = {
    "annotated": "标注副本",
    "summary": "汇总表",
    "status": "回收情况表",
    "compare": "对比结果表",
}
# the sheets an output of older versions (written before the property) starts with
_SUMMARY_SHEETS = ["汇总", "按单位", "项目", "指标", "未合并"]
_ANNOTATED_FIRST_SHEET = "检查结果"


def own_output(properties: dict[str, str], sheet_names: list[str]) -> str | None:
    """The kind of perfxl output a workbook is (a key of :data:`OUTPUT_KINDS`), or None for
    a return: by the ``perfxl_output`` property, else by the sheets perfxl's outputs begin with."""
    kind = properties.get(OUTPUT_PROPERTY[len(PREFIX) :])
    if kind in OUTPUT_KINDS:
        return kind
    if sheet_names[: len(_SUMMARY_SHEETS)] == _SUMMARY_SHEETS:
        return "summary"
    if sheet_names[:1] == [_ANNOTATED_FIRST_SHEET] and properties.get("layout"):
        return "annotated"
    return None


def perfxl_properties(part: bytes) -> dict[str, str]:
    """The text properties named perfxl_* of docProps/custom.xml (name without the prefix);
    empty when there are none or the part cannot be parsed (parsed as facts.py parses)."""
    out: dict[str, str] = {}
    current: list[str] = []  # the perfxl_ property being read, if any
    text: list[str] | None = None

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal text
        local = tag.rsplit("}", 1)[-1]
        if local == "property":
            name = attrs.get("name", "")
            current[:] = (
                [name[len(PREFIX) :]] if name.startswith(PREFIX) and name[len(PREFIX) :] else []
            )
        elif current and local in _TEXT_TYPES and current[0] not in out:
            text = []

    def data(chunk: str) -> None:
        if text is not None:
            text.append(chunk)

    def end(tag: str) -> None:
        nonlocal text
        if text is not None and current:
            out[current[0]] = "".join(text)
        text = None

    if not part:
        return {}
    parser = safe_parser(start)
    parser.CharacterDataHandler = data
    parser.EndElementHandler = end
    return out if parse(parser, (part,)) else {}


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


# The labels of a province's blank form, recorded in each copy ``blank --form`` makes, in
# pieces: Excel keeps a text property to 255 characters.
FORM_LABELS = "form_labels_"
FORM_LABELS_PIECE = 240


def form_label_properties(labels: list[str]) -> dict[str, str]:
    """``perfxl_form_labels_1``, ``_2``, … holding the labels, one a line."""
    text = "\n".join(labels)
    pieces = [text[i : i + FORM_LABELS_PIECE] for i in range(0, len(text), FORM_LABELS_PIECE)]
    return {f"{PREFIX}{FORM_LABELS}{i}": piece for i, piece in enumerate(pieces or [""], start=1)}


def recorded_form_labels(properties: dict[str, str]) -> list[str]:
    """The labels :func:`form_label_properties` recorded (names without the prefix)."""
    pieces = []
    i = 1
    while f"{FORM_LABELS}{i}" in properties:
        pieces.append(properties[f"{FORM_LABELS}{i}"])
        i += 1
    return [label for label in "".join(pieces).split("\n") if label]
