"""What a user reads from the command line is Chinese: every command's --help (including a
command added later), value names instead of Python types, plain numbers in extracted YAML,
a text report as wide as the console, and hints summed up in one line unless asked for."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import typer
import yaml
from rich.cells import cell_len

from perfxl.cli import HelpOption, app
from perfxl.read.convert import to_yaml

from .conftest import SAMPLES

# what typer and click print in English, or Python's type names
ENGLISH = re.compile(
    r"Usage|OPTIONS|ARGS|COMMAND|\b(TEXT|INTEGER|PATH|BOOLEAN|FLOAT|FILE)\b|<\w+[\[>]"
    r"|\blist\[|\bint\b|\bstr\b|\bbool\b|x>=|x<="
)


def all_commands() -> list[list[str]]:
    root = typer.main.get_command(app)
    out: list[list[str]] = [[]]

    def walk(command, path):
        for name, sub in getattr(command, "commands", {}).items():
            out.append([*path, name])
            walk(sub, [*path, name])

    walk(root, [])
    return out


def test_every_command_help_is_chinese(run_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # no line wrapped inside a word we look for
    commands = all_commands()
    assert len(commands) >= 9
    for path in commands:
        code, out, err = run_cli(*path, "--help")
        assert code == 0, (path, err)
        assert "用法：perfxl" in out, path
        assert "[选项]" in out and "显示帮助并退出" in out, path
        found = ENGLISH.search(out)
        assert not found, (path, found.group(0), out)
        code, short, _ = run_cli(*path, "-h")
        assert code == 0 and short == out


def test_a_command_added_later_gets_the_same_help(run_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")

    def later(
        source: list[str],
        count: int = 3,
        flag: bool = False,
    ) -> None:
        """后来加的命令。"""

    def later_with_help(source: list[str], _help: HelpOption = None) -> None:
        """后来加的命令（自带帮助选项）。"""

    registered = list(app.registered_commands)
    try:
        app.command("later")(later)
        app.command("later2")(later_with_help)
        for name in ("later", "later2"):
            code, out, err = run_cli(name, "--help")
            assert code == 0, err
            assert "用法：perfxl " + name in out and "显示帮助并退出" in out
            assert not ENGLISH.search(out), out
    finally:
        app.registered_commands[:] = registered


def test_extracted_yaml_has_plain_numbers():
    text = to_yaml(
        {"projects": [{"funds": {"amount": Decimal("250"), "other": Decimal("14.50")}}]}
    )
    assert "!!" not in text
    assert "amount: 250\n" in text and "other: 14.50\n" in text
    assert yaml.safe_load(text)["projects"][0]["funds"] == {"amount": 250, "other": 14.5}


def test_extract_of_every_sample_has_no_yaml_tags(sample_books, tmp_path, run_cli):
    for _stem, (_doc, book) in sample_books.items():
        code, out, err = run_cli("extract", str(book))
        assert code == 0, err
        assert "!!" not in out


@pytest.mark.parametrize("columns", [80, 120, 200])
def test_the_text_report_fits_the_console(sample_books, run_cli, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    books = [str(book) for _doc, book in sample_books.values()]
    code, out, _err = run_cli("check", *books)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) > 20
    widest = max(cell_len(line) for line in lines)
    assert widest <= columns
    if columns < 160:
        assert widest > columns - 10  # the table uses the room it has


def test_the_report_written_to_a_file_is_120_columns(sample_books, run_cli, tmp_path):
    books = [str(book) for _doc, book in sample_books.values()]
    run_cli("check", *books, "-o", str(tmp_path / "报告.txt"))
    lines = (tmp_path / "报告.txt").read_text(encoding="utf-8").splitlines()
    assert max(cell_len(line) for line in lines) <= 120


def test_generate_sums_up_hints_in_one_line(run_cli, tmp_path):
    samples = [str(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    code, _out, err = run_cli("generate", *samples, "-o", str(tmp_path / "a"))
    assert code == 0
    hint_lines = [line for line in err.splitlines() if "提示" in line]
    assert len(hint_lines) == 1, hint_lines
    assert re.search(r"另有 (\d+) 条提示：指标层级使用了别名（D031）\1 条。加 --hints", hint_lines[0])
    code, _out, err = run_cli("generate", *samples, "-o", str(tmp_path / "b"), "--hints")
    assert code == 0
    shown = [line for line in err.splitlines() if "提示：" in line and "D031" not in line]
    assert len(shown) == int(re.search(r"另有 (\d+)", hint_lines[0]).group(1))
    assert all("已按规范名称写成「其他」" in line for line in shown)
    code, _out, err = run_cli("generate", *samples, "-o", str(tmp_path / "c"), "-q")
    assert "提示" not in err
