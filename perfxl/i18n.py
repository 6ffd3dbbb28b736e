"""Chinese for the messages the command-line library prints itself.

typer renders usage errors in English; :func:`translate_usage` turns the common ones into
Chinese. :func:`localize_command` walks the whole command tree before it runs, so every
command, including one added later, gets a Chinese usage line (「用法：perfxl check [选项]
路径…」), Chinese value names instead of Python types (``<list[Path]>`` → 路径) and the
Chinese help option. Unknown messages pass through unchanged, so a newer library version can
only make a message English, never break.
"""

from __future__ import annotations

import datetime as dt
import enum
import pathlib
import re
import typing
from typing import Any

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Missing argument '?([^'.]+)'?\.?$"), r"缺少参数 \1。"),
    (re.compile(r"^Missing option '?([^'.]+)'?\.?$"), r"缺少选项 \1。"),
    (re.compile(r"^Missing parameter:? ?'?([^'.]*)'?\.?$"), r"缺少参数 \1。"),
    (re.compile(r"^No such option:? '?([^'?]+)'?\.?(.*)$"), r"没有选项 \1。\2"),
    (re.compile(r"^No such command:? '?([^'?]+)'?\.?$"), r"没有命令 \1。"),
    (re.compile(r"^Got unexpected extra arguments? \((.*)\)$"), r"多余的参数（\1）。"),
    (re.compile(r"^Option '?([^' ]+)'? requires an argument\.?$"), r"选项 \1 需要一个值。"),
    (re.compile(r"^Invalid value for (.+?): (.*)$"), r"\1 的取值无效：\2"),
    (re.compile(r"^Invalid value: (.*)$"), r"取值无效：\1"),
    (re.compile(r"^Missing command\.?$"), "缺少命令。"),
]
_DETAILS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"'(.+?)' is not a valid integer\.?"), r"「\1」不是整数。"),
    (re.compile(r"(\S+) is not in the range (.+?)\.?$"), r"\1 不在范围 \2 内。"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"应不小于 \1"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"应不大于 \1"),
    (re.compile(r"(?:File|Path|Directory) '(.+?)' does not exist\.?"), r"「\1」不存在。"),
    (re.compile(r"Did you mean (.+?)\?"), r"是不是 \1？"),
    (re.compile(r"\(Possible options: (.+?)\)"), r"（可能是：\1）"),
]


def translate_usage(message: str) -> str:
    text = message.strip()
    for pattern, replacement in _PATTERNS:
        if pattern.match(text):
            text = pattern.sub(replacement, text)
            break
    for pattern, replacement in _DETAILS:
        text = pattern.sub(replacement, text)
    return text


def localize_help_strings() -> None:
    """Chinese for the few fixed words typer's help screens print, where it exposes them."""
    try:
        from typer import rich_utils
    except ImportError:  # pragma: no cover
        return
    for name, text in (
        ("REQUIRED_LONG_STRING", "[必填]"),
        ("DEFAULT_STRING", "[默认：{}]"),
        ("ENVVAR_STRING", "[环境变量：{}]"),
        ("ARGUMENTS_PANEL_TITLE", "参数"),
        ("OPTIONS_PANEL_TITLE", "选项"),
        ("COMMANDS_PANEL_TITLE", "命令"),
    ):
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)


USAGE_PREFIX = "用法："
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."
_TYPE_NAMES: dict[Any, str] = {
    str: "文字",
    int: "整数",
    float: "数字",
    pathlib.Path: "路径",
    dt.date: "日期",
    dt.datetime: "日期",
    # click's type names, for typer versions that still expose click's ParamType
    "text": "文字",
    "integer": "整数",
    "float": "数字",
    "path": "路径",
    "file": "文件",
    "integer range": "整数",
    "float range": "数字",
}


def localize_command(command: Any) -> Any:
    """Chinese usage lines, value names and help options for ``command`` and every command
    under it (typer's click command tree); returns ``command``."""
    help_param = next((p for p in command.params if "--help" in getattr(p, "opts", ())), None)
    _localize(command, help_param, set())
    return command


def _localize(command: Any, help_param: Any, seen: set[int]) -> None:
    if id(command) in seen:
        return
    seen.add(id(command))
    if hasattr(command, "options_metavar"):
        command.options_metavar = OPTIONS_METAVAR
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
    context_class = getattr(command, "context_class", None)
    if context_class is not None and not getattr(context_class, "_perfxl_chinese", False):
        command.context_class = _chinese_context(context_class)
    if help_param is not None and not any("--help" in getattr(p, "opts", ()) for p in command.params):
        command.params.append(help_param)  # a command declared without our help option
    for param in command.params:
        _localize_param(param)
    for sub in getattr(command, "commands", {}).values():
        _localize(sub, help_param, seen)


_CONTEXTS: dict[type, type] = {}


def _chinese_context(base: type) -> type:
    """A Context class of the library's own whose help formatter writes 「用法：」."""
    if base not in _CONTEXTS:
        formatter_base = base.formatter_class  # type: ignore[attr-defined]

        class ChineseFormatter(formatter_base):  # type: ignore[misc, valid-type]
            def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
                super().write_usage(prog, args, USAGE_PREFIX if prefix is None else prefix)

        _CONTEXTS[base] = type(
            "ChineseContext", (base,), {"formatter_class": ChineseFormatter, "_perfxl_chinese": True}
        )
    return _CONTEXTS[base]


def _localize_param(param: Any) -> None:
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        param.metavar = ""  # a switch takes no value: nothing to name
        return
    if param.metavar:
        return
    name = _value_name(param)
    bounds = _bounds(getattr(param, "min", None), getattr(param, "max", None))
    if bounds:
        name += f"（{bounds}）"
        if hasattr(param, "_get_number_range_help_str"):
            param._get_number_range_help_str = lambda: None  # said in the name already
    param.metavar = name
    if getattr(param, "param_type_name", "") == "argument" and hasattr(param, "display_type_rich"):
        # typer prints an argument's Python type beside its name; the name says it already
        param.display_type_rich = lambda ctx: None


def _value_name(param: Any) -> str:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:
        if getattr(descriptor, "is_choice", False) and getattr(descriptor, "choices", None):
            return "|".join(str(getattr(c, "value", c)) for c in descriptor.choices)
        annotation = descriptor.annotation
        if typing.get_origin(annotation) in (list, tuple):
            args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
            annotation = args[0] if args else str
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            return "|".join(str(m.value) for m in annotation)
        if annotation is str and getattr(param, "param_type_name", "") == "argument":
            return "路径"  # the commands' arguments are files, folders or patterns of them
        if annotation in _TYPE_NAMES:
            return _TYPE_NAMES[annotation]
    click_type = getattr(param, "type", None)
    choices = getattr(click_type, "choices", None)
    if choices:
        return "|".join(map(str, choices))
    return _TYPE_NAMES.get(getattr(click_type, "name", None), "值")


def _bounds(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"≥{low}"
    if high is not None:
        return f"≤{high}"
    return ""
