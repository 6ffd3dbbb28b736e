"""Indicator frameworks (指标体系), loaded from templates/frameworks/*.yaml.

A framework is a tree of controlled levels (一级 → 二级, or 一级 → 二级 → 三级 in the Shandong
four-level form), the 一级 every project must carry, and an alias table used when reading
what people typed. The tree is data so a finance office can add its own framework without
Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from perfxl.core.errors import TemplateError

_WHITESPACE = re.compile(r"\s+")
# Excel defined names: letters (any script), digits, underscore and period.
_NAME_SAFE = re.compile(r"^[\w.]+$")


_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
# the shared ending of a list of names written as one (社会、经济、生态效益指标)
_LIST_ENDINGS = ("效益指标", "成本指标", "指标")


def squash(text: str) -> str:
    """Remove every whitespace character, including full-width spaces and line breaks."""
    return _WHITESPACE.sub("", text.replace("\u3000", ""))


@dataclass(frozen=True)
class LevelMatch:
    """How a typed level name resolved: the canonical name, and whether an alias was used."""

    canonical: str | None
    alias_used: bool = False


@dataclass
class Framework:
    id: str
    name: str
    source: str
    levels: list[str]  # labels of the controlled levels, e.g. [一级指标, 二级指标]
    tree: dict[str, Any]  # nested dicts ending in lists
    required: list[str] = field(default_factory=list)
    recommended: list[str] = field(default_factory=list)
    quantified: list[str] = field(default_factory=list)
    aliases: list[dict[str, str]] = field(default_factory=list)  # one table per level
    # answers already worked out: every indicator row of every returned form asks them
    _children: dict[tuple[str, ...], tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _resolved: dict[tuple[int, str, tuple[str, ...]], LevelMatch] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _names: dict[int, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # the level values of an indicator row, as typed, that resolved to a canonical path
    # without any remark (no alias, nothing missing or misplaced) -> that path
    clean_paths: dict[tuple[Any, ...], tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def depth(self) -> int:
        return len(self.levels)

    def children(self, path: tuple[str, ...]) -> list[str]:
        """Canonical names allowed at level ``len(path) + 1`` below ``path``."""
        return list(self._children_of(path))

    def _children_of(self, path: tuple[str, ...]) -> tuple[str, ...]:
        found = self._children.get(path)
        if found is None:
            node: Any = self.tree
            for name in path:
                if isinstance(node, dict) and name in node:
                    node = node[name]
                else:
                    node = None
                    break
            found = tuple(node) if isinstance(node, dict) else tuple(node or ())
            self._children[path] = found
        return found

    def allows(self, path: tuple[str, ...], name: str | None) -> bool:
        """Whether ``name`` is a canonical child of ``path``."""
        return name is not None and name in self._children_of(path)

    def parent_paths(self) -> list[tuple[str, ...]]:
        """Every path whose children form a dependent dropdown list (levels 2..depth)."""
        out: list[tuple[str, ...]] = []

        def walk(node: Any, path: tuple[str, ...]) -> None:
            if isinstance(node, dict):
                for name, sub in node.items():
                    out.append(path + (name,))
                    walk(sub, path + (name,))

        walk(self.tree, ())
        return out

    def resolve(self, level: int, typed: str, path: tuple[str, ...]) -> LevelMatch:
        """Resolve a typed name at ``level`` (0-based) under the canonical ``path``."""
        key = (level, typed, path)
        match = self._resolved.get(key)
        if match is None:
            if len(self._resolved) > 100_000:  # typed names are people's text: keep it bounded
                self._resolved.clear()
            match = self._resolved[key] = self._resolve(level, typed, path)
        return match

    def _resolve(self, level: int, typed: str, path: tuple[str, ...]) -> LevelMatch:
        allowed = self._children_of(path)
        text = squash(typed)
        if text in allowed:
            return LevelMatch(text, alias_used=text != typed)
        canonical = self.aliases[level].get(text) if level < len(self.aliases) else None
        if canonical:
            return LevelMatch(canonical, alias_used=True)
        # a province's template explains its level in brackets: 数量指标（或建筑规模指标）,
        # 预算（或投资规模）控制指标
        bare = _BRACKETED.sub("", text)
        if bare and bare != text:
            match = self._resolve(level, bare, path)
            return LevelMatch(match.canonical, alias_used=True)
        return self._resolve_list(level, text, path)

    def _resolve_list(self, level: int, text: str, path: tuple[str, ...]) -> LevelMatch:
        """Several names of one level written as one, sharing their ending (Dongguan 2019:
        社会、经济、生态效益指标): when every one of them is allowed here, the level is the
        first of them, read through an alias (the form merged what the framework keeps apart)."""
        parts = [part for part in re.split("[、，,/]", text) if part]
        if len(parts) < 2:
            return LevelMatch(None)
        ending = next((e for e in _LIST_ENDINGS if parts[-1].endswith(e)), None)
        if ending is None:
            return LevelMatch(None)
        names = [part if part.endswith(ending) else part + ending for part in parts]
        matches = [self._resolve(level, name, path) for name in names]
        if any(m.canonical is None for m in matches):
            return LevelMatch(None)
        return LevelMatch(matches[0].canonical, alias_used=True)

    def all_names(self, level: int) -> frozenset[str]:
        names = self._names.get(level)
        if names is None:
            names = self._names[level] = frozenset(self._all_names(level))
        return names

    def _all_names(self, level: int) -> set[str]:
        names: set[str] = set()

        def walk(node: Any, depth: int) -> None:
            items = node.items() if isinstance(node, dict) else ((n, None) for n in node or [])
            for name, sub in items:
                if depth == level:
                    names.add(name)
                elif sub is not None:
                    walk(sub, depth + 1)

        walk(self.tree, 0)
        return names


def framework_from_data(data: Any, origin: str) -> Framework:
    def fail(message: str) -> TemplateError:
        return TemplateError(f"{origin}：错误：指标体系定义有误：{message}")

    if not isinstance(data, dict):
        raise fail("文件内容必须是一个映射")
    for key in ("id", "name", "levels", "tree"):
        if key not in data:
            raise fail(f"缺少键「{key}」")
    levels = data["levels"]
    tree = data["tree"]
    if not isinstance(levels, list) or not levels:
        raise fail("levels 必须是非空列表")
    if not isinstance(tree, dict) or not tree:
        raise fail("tree 必须是非空映射")

    def check(node: Any, depth: int) -> None:
        names = list(node) if isinstance(node, dict) else node
        if not isinstance(names, list):
            raise fail(f"第 {depth + 1} 级必须是列表或映射")
        if depth >= len(levels):
            raise fail(f"tree 的层数超过了 levels 中列出的 {len(levels)} 级")
        for name in names:
            if not isinstance(name, str) or not _NAME_SAFE.match(name):
                raise fail(f"指标名称「{name}」只能含文字、数字、下划线和点（它会用作 Excel 名称）")
        if isinstance(node, dict):
            for sub in node.values():
                check(sub, depth + 1)
        elif depth != len(levels) - 1:
            raise fail(f"第 {depth + 1} 级下面还应有第 {depth + 2} 级")

    check(tree, 0)
    raw_aliases = data.get("aliases") or {}
    aliases = [
        {squash(k): v for k, v in (raw_aliases.get(label) or {}).items()} for label in levels
    ]
    return Framework(
        id=str(data["id"]),
        name=str(data["name"]),
        source=str(data.get("source", "")),
        levels=[str(x) for x in levels],
        tree=tree,
        required=list(data.get("required") or []),
        recommended=list(data.get("recommended") or []),
        quantified=list(data.get("quantified") or []),
        aliases=aliases,
    )
