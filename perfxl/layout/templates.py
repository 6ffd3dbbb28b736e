"""Layouts (表样) and the template search path.

A layout is a folder ``templates/layouts/<id>/`` with

* ``layout.yaml`` — the manifest: id, version, fields with their printed labels and types,
  the indicator table's columns, dropdown lists, the cover sheet's columns and the roles of
  the fields for the checks (:mod:`perfxl.layout.roles`);
* ``sheet.yaml.j2`` — a Jinja template that renders a YAML description of one project's sheet
  (rows of cells with colspan/rowspan, bound to fields by key).

Folders passed with ``--templates`` are searched before the built-in ones, for layouts,
frameworks and the common files alike, so a finance office can add or override a form
without touching Python.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml

from perfxl.core.errors import TemplateError
from perfxl.layout.frameworks import Framework, framework_from_data
from perfxl.layout.roles import Roles, roles_from_data

try:
    _YamlLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _YamlLoader = yaml.SafeLoader

FIELD_TYPES = {"text", "longtext", "date", "money", "money_row", "choice", "number", "level"}


def builtin_templates_dir() -> Path:
    """The templates/ folder of a checkout, or the copy installed inside the package."""
    here = Path(__file__).resolve().parent.parent
    checkout = here.parent / "templates"
    if (checkout / "layouts").is_dir():
        return checkout
    return here / "_templates"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: str = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False
    inherit: bool = False  # may be set once at the top of the file for every project
    list: str | None = None  # dropdown list name for choice fields
    level: int | None = None  # for indicator columns of type "level" (1-based)
    parts: tuple[str, ...] = ()  # money_row: the labels of its columns
    help: str = ""  # one line for the 填报说明 sheet
    default: Any = None
    # an indicator column whose value, when not given, is derived from the row's target
    # (perfxl/core/monitoring.py DERIVED: direction, target_value)
    derive: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(eq=False)
class IndicatorSpec:
    label: str
    columns: list[FieldSpec]
    required: bool = True

    def column(self, key: str) -> FieldSpec | None:
        return self._by_key.get(key)

    @functools.cached_property
    def _by_key(self) -> dict[str, FieldSpec]:
        return {c.key: c for c in self.columns}

    @functools.cached_property
    def level_columns(self) -> list[FieldSpec]:
        return sorted((c for c in self.columns if c.type == "level"), key=lambda c: c.level or 0)


@dataclass(eq=False)
class Layout:
    id: str
    version: str
    name: str
    title: str
    framework: str
    money_unit: str
    orientation: str
    blank_rows: int
    fields: list[FieldSpec]
    groups: dict[str, dict[str, Any]]
    indicators: IndicatorSpec
    lists: dict[str, list[str]]
    cover_columns: list[dict[str, Any]]
    description: str = ""
    origin: str = ""
    sheet_template: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    roles: Roles = field(default_factory=Roles)  # what the checks need to know of the fields

    def field(self, key: str) -> FieldSpec | None:
        return self._by_key.get(key)

    @functools.cached_property
    def _by_key(self) -> dict[str, FieldSpec]:
        return {f.key: f for f in self.fields}


def _field_from_data(data: Any, origin: str) -> FieldSpec:
    if not isinstance(data, dict) or "key" not in data or "label" not in data:
        raise TemplateError(f"{origin}：错误：字段定义必须含 key 和 label：{data!r}")
    ftype = str(data.get("type", "text"))
    if ftype not in FIELD_TYPES:
        raise TemplateError(
            f"{origin}：错误：字段「{data['key']}」的类型「{ftype}」未知（可用：{'、'.join(sorted(FIELD_TYPES))}）"
        )
    return FieldSpec(
        key=str(data["key"]),
        label=str(data["label"]),
        type=ftype,
        aliases=tuple(str(a) for a in data.get("aliases") or ()),
        required=bool(data.get("required", False)),
        inherit=bool(data.get("inherit", False)),
        list=data.get("list"),
        level=int(data["level"]) if data.get("level") is not None else None,
        parts=tuple(str(p) for p in data.get("parts") or ()),
        help=str(data.get("help", "")),
        default=data.get("default"),
        derive=str(data["derive"]) if data.get("derive") else None,
    )


def layout_from_data(data: Any, origin: str, sheet_template: str) -> Layout:
    if not isinstance(data, dict):
        raise TemplateError(f"{origin}：错误：layout.yaml 的内容必须是一个映射")
    for key in ("id", "version", "name", "framework", "fields", "indicators"):
        if key not in data:
            raise TemplateError(f"{origin}：错误：layout.yaml 缺少键「{key}」")
    ind = data["indicators"]
    if not isinstance(ind, dict) or not isinstance(ind.get("columns"), list):
        raise TemplateError(f"{origin}：错误：indicators 必须含 columns 列表")
    columns = [_field_from_data(c, origin) for c in ind["columns"]]
    fields = [_field_from_data(f, origin) for f in data["fields"]]
    document_fields = [_field_from_data(f, origin) for f in data.get("document_fields") or []]
    types = {f.key: f.type for f in (*fields, *document_fields)}
    return Layout(
        id=str(data["id"]),
        version=str(data["version"]),
        name=str(data["name"]),
        title=str(data.get("title", data["name"])),
        framework=str(data["framework"]),
        money_unit=str(data.get("money_unit", "元")),
        orientation=str(data.get("orientation", "portrait")),
        blank_rows=int(data.get("blank_rows", 5)),
        fields=fields,
        groups=dict(data.get("groups") or {}),
        indicators=IndicatorSpec(
            label=str(ind.get("label", "绩效指标")),
            columns=columns,
            required=bool(ind.get("required", True)),
        ),
        lists={str(k): [str(x) for x in v] for k, v in (data.get("lists") or {}).items()},
        cover_columns=[
            {
                "label": str(c.get("label", "")),
                "field": str(c.get("field", "")),
                "link": bool(c.get("link", False)),
                "total": bool(c.get("total", False)),
            }
            for c in (data.get("cover") or {}).get("columns") or []
        ],
        description=str(data.get("description", "")),
        origin=origin,
        sheet_template=sheet_template,
        extra={k: v for k, v in data.items() if k not in _KNOWN_LAYOUT_KEYS},
        roles=roles_from_data(data.get("roles"), origin, types.get),
    )


_KNOWN_LAYOUT_KEYS = {
    "id",
    "version",
    "name",
    "title",
    "framework",
    "money_unit",
    "orientation",
    "blank_rows",
    "fields",
    "groups",
    "indicators",
    "lists",
    "cover",
    "description",
    "roles",
}
# (a layout may name its scoring profile: ``profile: hubei``; kept in Layout.extra)


def _read_yaml_file(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TemplateError(f"{path}：错误：无法读取模板文件：{exc}") from None


def _yaml_quote(value: Any) -> str:
    """Jinja filter ``q``: a value as a YAML double-quoted scalar (JSON is valid YAML)."""
    return json.dumps("" if value is None else str(value), ensure_ascii=False)


def _yaml_number(value: Any) -> str:
    """Jinja filter ``num``: a number as a YAML scalar (``null`` when missing)."""
    if value is None or value == "":
        return "null"
    return str(value)


class TemplateSet:
    """Layouts, frameworks and common files found along a search path."""

    def __init__(self, user_dirs: tuple[Path, ...] = ()):
        for d in user_dirs:
            if not d.is_dir():
                raise TemplateError(f"{d}：错误：模板文件夹不存在")
        self.dirs: tuple[Path, ...] = (*user_dirs, builtin_templates_dir())
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [jinja2.FileSystemLoader(str(d), encoding="utf-8") for d in self.dirs]
            ),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
        )
        self.env.filters["q"] = _yaml_quote
        self.env.filters["num"] = _yaml_number
        from perfxl.core import scoring

        self.env.globals.update(
            execution_rate=scoring.execution_rate,
            execution_score=scoring.execution_score,
            total_score=scoring.total_score,
            grade=scoring.grade,
            project_scores=scoring.project_scores,
        )
        self._layouts: dict[str, Layout] = {}
        self._frameworks: dict[str, Framework] = {}
        self._profiles: dict[str, Any] = {}

    # -- discovery ---------------------------------------------------------------------------
    def _find(self, *parts: str) -> Path | None:
        for d in self.dirs:
            candidate = d.joinpath(*parts)
            if candidate.exists():
                return candidate
        return None

    # Listed once per template set, like the layouts it loads: reading a batch of returned
    # workbooks asks for these once per file.
    def layout_ids(self) -> list[str]:
        return list(self._layout_ids)

    def framework_ids(self) -> list[str]:
        return list(self._framework_ids)

    @functools.cached_property
    def _layout_ids(self) -> tuple[str, ...]:
        ids: set[str] = set()
        for d in self.dirs:
            root = d / "layouts"
            if root.is_dir():
                ids.update(p.name for p in root.iterdir() if (p / "layout.yaml").is_file())
        return tuple(sorted(ids))

    @functools.cached_property
    def _framework_ids(self) -> tuple[str, ...]:
        ids: set[str] = set()
        for d in self.dirs:
            root = d / "frameworks"
            if root.is_dir():
                ids.update(p.stem for p in root.glob("*.yaml"))
        return tuple(sorted(ids))

    # -- loading -----------------------------------------------------------------------------
    def layout(self, layout_id: str) -> Layout:
        if layout_id not in self._layouts:
            manifest = self._find("layouts", layout_id, "layout.yaml")
            if manifest is None:
                raise TemplateError(
                    f"表样「{layout_id}」不存在（可用：{'、'.join(self.layout_ids())}）"
                )
            sheet = f"layouts/{layout_id}/sheet.yaml.j2"
            if self._find("layouts", layout_id, "sheet.yaml.j2") is None:
                raise TemplateError(f"{manifest.parent}：错误：表样缺少 sheet.yaml.j2")
            layout = layout_from_data(_read_yaml_file(manifest), str(manifest), sheet)
            if layout.id != layout_id:
                raise TemplateError(
                    f"{manifest}：错误：id「{layout.id}」与文件夹名「{layout_id}」不一致"
                )
            merged_lists = dict(self.common_lists())
            merged_lists.update(layout.lists)
            layout.lists = merged_lists
            self._layouts[layout_id] = layout
        return self._layouts[layout_id]

    @functools.cached_property
    def _profile_ids(self) -> tuple[str, ...]:
        ids: set[str] = set()
        for d in self.dirs:
            root = d / "profiles"
            if root.is_dir():
                ids.update(p.stem for p in root.glob("*.yaml"))
        return tuple(sorted(ids))

    def profile_ids(self) -> list[str]:
        return list(self._profile_ids)

    def profile(self, profile_id: str) -> Any:
        """A scoring profile (templates/profiles/<id>.yaml), :class:`perfxl.core.scoring.Profile`."""
        from perfxl.core.scoring import profile_from_data

        if profile_id not in self._profiles:
            path = self._find("profiles", f"{profile_id}.yaml")
            if path is None:
                raise TemplateError(
                    f"计分规则「{profile_id}」不存在（可用：{'、'.join(self.profile_ids())}）"
                )
            try:
                self._profiles[profile_id] = profile_from_data(_read_yaml_file(path), str(path))
            except ValueError as exc:
                raise TemplateError(str(exc)) from None
        return self._profiles[profile_id]

    def framework(self, framework_id: str) -> Framework:
        if framework_id not in self._frameworks:
            path = self._find("frameworks", f"{framework_id}.yaml")
            if path is None:
                raise TemplateError(
                    f"指标体系「{framework_id}」不存在（可用：{'、'.join(self.framework_ids())}）"
                )
            self._frameworks[framework_id] = framework_from_data(_read_yaml_file(path), str(path))
        return self._frameworks[framework_id]

    @functools.cached_property
    def styles(self) -> dict[str, dict[str, Any]]:
        path = self._find("common", "styles.yaml")
        data = _read_yaml_file(path) if path else {}
        return {str(k): dict(v or {}) for k, v in (data or {}).items()}

    def common_lists(self) -> dict[str, list[str]]:
        path = self._find("common", "lists.yaml")
        data = _read_yaml_file(path) if path else {}
        return {str(k): [str(x) for x in v] for k, v in (data or {}).items()}

    def template(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"{exc.filename or name}:{exc.lineno}：错误：模板语法错误：{exc.message}"
            ) from None
        except jinja2.TemplateNotFound:
            raise TemplateError(f"模板文件「{name}」不存在") from None


@functools.lru_cache(maxsize=8)
def template_set(user_dirs: tuple[Path, ...] = ()) -> TemplateSet:
    return TemplateSet(user_dirs)
