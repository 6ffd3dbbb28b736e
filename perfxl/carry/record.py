"""What a later stage's workbook carries from the stage it was made from, and the check that
a returned workbook still says the same (K010–K015).

The record is JSON kept in the hidden ``_perfxl`` sheet (rows ``carried``, in chunks: a cell
holds at most 32,767 characters) with its fingerprint both there (``carried_sha``) and as the
custom property ``perfxl_carried``; the property ``perfxl_carried_from`` names the source.
A record whose text does not match its fingerprint was changed by hand: it is not trusted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from perfxl.core.catalogue import finding
from perfxl.core.findings import Finding

RECORD_VERSION = 1
CHUNK = 30_000  # characters of record JSON per cell of the hidden sheet


@dataclass(frozen=True)
class CarriedIndicator:
    levels: tuple[str, ...]
    name: str
    target: str


@dataclass(frozen=True)
class CarriedProject:
    name: str
    fields: dict[str, str]  # field key (or key#part) -> the value as text
    labels: dict[str, str]  # the same keys -> the label printed on the form
    indicators: tuple[CarriedIndicator, ...]


@dataclass(frozen=True)
class Record:
    stage: str  # the name of the source's form (申报表, 批复表, …) or 项目定义
    layout: str  # the source's layout id ("" for a project definition)
    source: str  # the source file's name
    source_sha256: str
    projects: tuple[CarriedProject, ...]

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": RECORD_VERSION,
                "stage": self.stage,
                "layout": self.layout,
                "source": self.source,
                "source_sha256": self.source_sha256,
                "projects": [
                    {
                        "name": p.name,
                        "fields": p.fields,
                        "labels": p.labels,
                        "indicators": [
                            {"levels": list(i.levels), "name": i.name, "target": i.target}
                            for i in p.indicators
                        ],
                    }
                    for p in self.projects
                ],
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @property
    def origin(self) -> str:
        """One line for the custom property: which stage, from which file."""
        return f"{self.stage}：{self.source}"[:250]


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def parse_record(text: str) -> Record:
    """The record of its JSON text; ValueError (with the reason) when it is not one."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"不是有效的 JSON：{exc}") from None
    if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
        raise ValueError("版本不对")
    try:
        projects = tuple(
            CarriedProject(
                name=str(p["name"]),
                fields={str(k): str(v) for k, v in p["fields"].items()},
                labels={str(k): str(v) for k, v in p["labels"].items()},
                indicators=tuple(
                    CarriedIndicator(
                        tuple(str(x) for x in i["levels"]), str(i["name"]), str(i["target"])
                    )
                    for i in p["indicators"]
                ),
            )
            for p in data["projects"]
        )
        return Record(
            str(data["stage"]),
            str(data["layout"]),
            str(data["source"]),
            str(data["source_sha256"]),
            projects,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"缺少 {exc}") from None


def value_text(value: Any) -> str:
    """A carried value as text: money and numbers with two decimals, dates ISO, text trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        return f"{Decimal(str(value)):.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _same(written: Any, carried: str) -> bool:
    text = value_text(written)
    if text == carried:
        return True
    try:
        return Decimal(text) == Decimal(carried)
    except (InvalidOperation, ValueError):
        return " ".join(text.split()) == " ".join(carried.split())


def _value_of(project: Any, key: str) -> tuple[Any, Any]:
    """A typed project's value and cell for a carried key (``funds.total#0`` = a column)."""
    base, _, part = key.partition("#")
    value = project.values.get(base)
    cell = project.cells.get(key) or project.cells.get(base)
    if part:
        i = int(part)
        value = value[i] if isinstance(value, tuple) and i < len(value) else None
    return value, cell


def carried_findings(meta: dict[str, str], typed: list[Any]) -> list[Finding]:
    """K010–K015: the returned workbook against the record of the stage it was made from."""
    text, sha = meta.get("carried", ""), meta.get("carried_sha", "")
    if not text and not sha:
        return []
    if not text or fingerprint(text) != sha:
        return [finding("K015", detail="记录与它的校验值不符")]
    try:
        record = parse_record(text)
    except ValueError as exc:
        return [finding("K015", detail=str(exc))]
    out: list[Finding] = []
    by_name = {p.name: p for p in typed}
    where: dict[str, Any] = {"stage": record.stage, "source": record.source}
    for carried in record.projects:
        project = by_name.get(carried.name)
        if project is None:
            out.append(finding("K013", name=carried.name, **where))
            continue
        sheet, name = project.sheet, project.name

        def add(
            code: str, cell: Any, _sheet: str = sheet, _project: str = name, **fields: Any
        ) -> None:
            ref = cell.ref if cell is not None else ""
            out.append(finding(code, sheet=_sheet, cell=ref, project=_project, **fields, **where))

        for key, expected in carried.fields.items():
            value, cell = _value_of(project, key)
            if not _same(value, expected):
                label = carried.labels.get(key, key)
                add("K014", cell, label=label, value=value_text(value), expected=expected)
        written = {}
        for ind in project.indicators:
            ind_name = value_text(ind.values.get("name"))
            if ind_name and ind_name not in written:
                written[ind_name] = ind
        expected_names = {i.name for i in carried.indicators}
        for item in carried.indicators:
            ind = written.get(item.name)
            if ind is None:
                levels = "、".join(x for x in item.levels if x) or "无层级"
                add("K011", None, name=item.name, levels=levels)
                continue
            target = ind.values.get("target")
            if not _same(target, item.target):
                add(
                    "K010",
                    ind.cells.get("target"),
                    name=item.name,
                    value=value_text(target),
                    expected=item.target,
                )
        for ind_name, ind in written.items():
            if ind_name not in expected_names:
                add("K012", ind.cells.get("name"), name=ind_name)
    return out
