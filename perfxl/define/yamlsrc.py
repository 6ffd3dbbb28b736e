"""YAML read with positions.

Project definitions are checked against a schema after parsing, and every problem must name
the file, line and column. PyYAML's composer keeps those marks on its nodes, so we compose
(never construct) and turn the node graph into small typed trees that remember where each
value came from. Scalars keep their raw text: a value written as ``0.10`` or ``2024`` is read
back exactly as typed, which is what "every value survives" needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from perfxl.core.catalogue import finding
from perfxl.core.errors import DefinitionError, Diagnostic, Location

try:  # libyaml is several times faster; the pure-Python loader behaves the same
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader

NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
_NULLS = {"", "~", "null", "Null", "NULL"}


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Composes without YAML's implicit typing: perfxl types every value from the schema, so
    only «empty» needs recognising. This also skips a regular expression per value."""

    def resolve(self, kind, value, implicit):  # type: ignore[no-untyped-def]
        if kind is yaml.ScalarNode:
            return NULL_TAG if implicit[0] and value in _NULLS else STR_TAG
        return super().resolve(kind, value, implicit)


@dataclass
class YScalar:
    text: str
    tag: str
    quoted: bool
    loc: Location

    @property
    def is_null(self) -> bool:
        return self.tag == NULL_TAG and not self.quoted


@dataclass
class YMap:
    items: list[tuple[YScalar, YNode]]
    loc: Location
    # plain key text -> value, for lookups
    index: dict[str, YNode] = field(default_factory=dict)


@dataclass
class YSeq:
    items: list[YNode]
    loc: Location


YNode = YScalar | YMap | YSeq


def _loc(path: str, node: yaml.Node) -> Location:
    mark = node.start_mark
    return Location(path, mark.line + 1, mark.column + 1)


def problem_at(code: str, loc: Location, **fields: Any) -> Diagnostic:
    """A finding of the catalogue about a place in a definition file."""
    return finding(code, file=loc.path, line=loc.line, column=loc.column, **fields)


def _fail(diag: Diagnostic) -> DefinitionError:
    return DefinitionError(diag.format(), [diag])


# No project definition nests deeper than a handful of levels, and none holds anywhere
# near a million values; past these bounds the text is hostile (an alias that contains
# itself, a billion-laughs alias bomb, thousands of nested brackets) and is refused before
# anything is built from it.
MAX_DEPTH = 64
MAX_VALUES = 1_000_000


class _Refused(Exception):
    def __init__(self, finding: Diagnostic):
        self.finding = finding


def _measure(path: str, root: yaml.Node) -> None:
    """Refuse a composed document that loops, nests too deep or expands too far. An alias
    is the same node object wherever it is used, so sizes are counted once per node and
    multiplied by its uses: a nine-level bomb is measured in microseconds, never expanded."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_VALUES:
                raise _Refused(problem_at("D044", _loc(path, node), limit=f"{MAX_VALUES:,}"))
            continue
        if key in sizes or isinstance(node, yaml.ScalarNode):
            sizes.setdefault(key, 1)
            continue
        if key in open_nodes:
            raise _Refused(problem_at("D045", _loc(path, node)))
        if depth > MAX_DEPTH:
            raise _Refused(problem_at("D043", _loc(path, node), limit=MAX_DEPTH))
        open_nodes.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _convert(path: str, node: yaml.Node, problems: list[Diagnostic]) -> YNode:
    if isinstance(node, yaml.ScalarNode):
        return YScalar(node.value, node.tag, node.style in ("'", '"'), _loc(path, node))
    if isinstance(node, yaml.SequenceNode):
        return YSeq([_convert(path, item, problems) for item in node.value], _loc(path, node))
    if isinstance(node, yaml.MappingNode):
        ymap = YMap([], _loc(path, node))
        for key_node, value_node in node.value:
            key = _convert(path, key_node, problems)
            value = _convert(path, value_node, problems)
            if not isinstance(key, YScalar):
                problems.append(problem_at("D002", key.loc))
                continue
            name = key.text.strip()
            if name in ymap.index:
                problems.append(problem_at("D003", key.loc, key=name))
                continue
            ymap.items.append((key, value))
            ymap.index[name] = value
        return ymap
    raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover


def parse_yaml_text(text: str, path: str) -> YNode | None:
    """Compose ``text`` into a position-aware tree; raise DefinitionError on syntax errors."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except RecursionError:  # brackets nested thousands deep: the composer itself recurses
        raise _fail(problem_at("D043", Location(path), limit=MAX_DEPTH)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        problem = exc.problem or exc.context or ""
        if mark is not None and "\t" in _line_at(text, mark.line)[: mark.column + 1]:
            problem = "found character '\\t' that cannot start any token"
        at = _line_at(text, mark.line)[mark.column : mark.column + 1] if mark else ""
        chinese = _translate_yaml_problem(problem, exc.context or "", at)
        raise _fail(problem_at("D001", loc, problem=chinese)) from None
    except yaml.reader.ReaderError as exc:  # a control character PyYAML does not accept
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        what = f"含有不可见的控制字符（编号 #x{exc.character:04X}），请删除它"
        raise _fail(problem_at("D001", Location(path, line, column), problem=what)) from None
    except yaml.YAMLError:
        raise _fail(problem_at("D001", Location(path), problem=_UNKNOWN_YAML_PROBLEM)) from None
    if root is None:
        return None
    problems: list[Diagnostic] = []
    try:
        _measure(path, root)
    except _Refused as refused:
        raise _fail(refused.finding) from None
    tree = _convert(path, root, problems)
    if problems:
        raise DefinitionError("\n".join(p.format() for p in problems), problems)
    return tree


def _line_at(text: str, index: int) -> str:
    lines = text.splitlines()
    return lines[index] if 0 <= index < len(lines) else ""


# What PyYAML reports — in libyaml's words (the C loader, used when installed) and in its own
# Python scanner's, parser's and composer's — matched as a part of its problem text, in this
# order: what each means to a person editing the file. The English is never shown.
_YAML_PROBLEMS = (
    ("found character '\\t'", "含有制表符（Tab），YAML 只能用空格缩进"),
    ("tab character", "含有制表符（Tab），YAML 只能用空格缩进"),
    (
        "cannot start any token",
        "这里的字符{name}不能写在值的开头（值以 @、`、% 等符号开头时请用英文双引号括起来）",
    ),
    (
        "mapping values are not allowed",
        "此处不能出现「键: 值」（常见原因：值里含有英文冒号加空格，或缩进不对）",
    ),
    ("could not find expected ':'", "缺少英文冒号「:」"),
    ("found unexpected end of stream", "{unclosed}"),
    ("found unexpected document", "引号中的文字里出现了文档分隔线「---」或「...」"),
    ("expected ',' or ']'", "方括号「[」没有闭合，或列表各项之间缺少英文逗号"),
    ("expected ',' or '}'", "花括号「{{」没有闭合，或各项之间缺少英文逗号"),
    ("expected '-' indicator", "列表项「-」的缩进不一致"),
    ("did not find expected key", "缩进不一致，找不到预期的键"),
    ("but found '<block mapping start>'", "缩进不一致：这一行比上面同级的键缩进得多或少"),
    ("but found '-'", "列表项「-」的缩进与上面的键不一致"),
    ("but found '<scalar>'", "这里多出了一段文字（常见原因：引号后面还有内容，或缩进不对）"),
    ("expected <block end>", "缩进不一致"),
    ("expected node content", "缺少值"),
    ("expected <document start>", "这里多出了内容（常见原因：缩进不对，或一行写了两个值）"),
    ("found undefined alias", "引用了没有定义的别名{name}（「*名称」之前要先有「&名称」）"),
    ("second occurrence", "同一个锚点「&名称」定义了两次"),
    ("found another document", "文件中有多个文档（用「---」分隔）；一个文件只能写一份定义"),
    (
        "unknown escape character",
        "双引号中的转义（反斜杠加字母）无效；含反斜杠的文字请用英文单引号括起来",
    ),
    ("hexdecimal number", "双引号中的转义写法不完整；含反斜杠的文字请用英文单引号括起来"),
    ("escape sequence", "双引号中的转义写法不完整；含反斜杠的文字请用英文单引号括起来"),
    ("indentation indicator", "多行文字「|」「>」后面的缩进数字只能是 1 到 9"),
    ("chomping or indentation", "多行文字「|」「>」后面只能跟 +、- 或缩进数字"),
    ("comment or a line break", "这一行在值后面还有多余的内容"),
    ("comment or line break", "这一行在值后面还有多余的内容"),
    (
        "alphabetic or numeric character",
        "「&」「*」后面应是名称（字母或数字）；以 & 或 * 开头的值请用英文双引号括起来",
    ),
    ("block sequence entries are not allowed", "此处不能出现列表项「-」（常见原因：缩进不对）"),
    ("mapping keys are not allowed", "此处不能出现「?」（值以 ? 开头时请用英文双引号括起来）"),
    ("expected '>'", "标签「!<…>」没有闭合"),
    ("undefined tag handle", "使用了没有定义的标签「!」"),
    ("expected '!'", "标签「!」的写法不对"),
    ("expected URI", "标签「!」的写法不对"),
    ("%YAML directive", "「%YAML」指令写错或重复"),
    ("%TAG directive", "「%TAG」指令写错或重复"),
    ("directive", "以「%」开头的指令写错了（值以 % 开头时请用英文双引号括起来）"),
    ("expected a single document", "文件中有多个文档（用「---」分隔）；一个文件只能写一份定义"),
)
_UNKNOWN_YAML_PROBLEM = "这里的写法不符合 YAML 语法"


def _translate_yaml_problem(problem: str, context: str = "", at: str = "") -> str:
    """PyYAML's English problem (and what it was doing) as Chinese; never the English. ``at``
    is the character where it happened (libyaml does not quote it)."""
    first = problem.find("'")
    quoted = problem[first + 1 : problem.find("'", first + 1)] if first >= 0 else at
    name = f"「{quoted[:20]}」" if quoted and quoted.isprintable() else ""
    if "quoted scalar" in context:
        unclosed = "引号没有闭合（到文件末尾也没有找到配对的引号）"
    else:
        unclosed = "文件意外结束（引号或括号没有闭合）"
    for english, chinese in _YAML_PROBLEMS:
        if english in problem or (not problem and english in context):
            return chinese.format(name=name, unclosed=unclosed)
    return _UNKNOWN_YAML_PROBLEM


def read_text_file(path: Path) -> str:
    """Read a UTF-8 text file (a BOM is accepted); report other encodings clearly."""
    where = Location(str(path))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _fail(problem_at("D005", where, reason="文件不存在")) from None
    except IsADirectoryError:
        raise _fail(problem_at("D005", where, reason="这是一个文件夹，不是 YAML 文件")) from None
    except OSError as exc:
        raise _fail(problem_at("D005", where, reason=exc.strerror or str(exc))) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            encoding = "未知编码"
        else:
            encoding = "GBK/GB18030"
        raise _fail(problem_at("D004", where, encoding=encoding)) from None
