"""Chinese for the messages the command-line library prints itself.

typer renders usage errors in English; :func:`translate_usage` turns the common ones into
Chinese, and :func:`localize_command` sets the help option's text. Unknown messages pass
through unchanged, so a newer library version can only make a message English, never break.
"""

from __future__ import annotations

import re

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
