"""The perfxl command: generate, layouts, exit codes and Chinese messages."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import openpyxl
import pytest

from .conftest import DECLARATION_SAMPLE, MINIMAL


def test_generate_sample_to_folder(run_cli, tmp_path):
    code, out, err = run_cli("generate", str(DECLARATION_SAMPLE), "-o", str(tmp_path))
    assert code == 0, err
    produced = tmp_path / "minhang-2024-declaration.xlsx"
    assert produced.is_file()
    assert f"已生成 {produced}（11 个项目）" in out


def test_generate_to_named_file(run_cli, tmp_path, minimal_yaml):
    target = tmp_path / "out" / "表.xlsx"
    code, out, err = run_cli("generate", str(minimal_yaml), "-o", str(target))
    assert code == 0, err
    assert openpyxl.load_workbook(target).sheetnames[1] == "测试项目"


def test_generate_several_inputs_in_parallel(run_cli, tmp_path, write_yaml):
    inputs = [
        write_yaml(MINIMAL.replace("测试项目", f"项目{i}"), name=f"p{i}.yaml") for i in range(4)
    ]
    out_dir = tmp_path / "many"
    code, out, err = run_cli("generate", *map(str, inputs), "-o", str(out_dir), "-j", "2", "-q")
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == [f"p{i}.xlsx" for i in range(4)]
    for i in range(4):
        assert f"项目{i}" in openpyxl.load_workbook(out_dir / f"p{i}.xlsx").sheetnames


def test_a_bad_file_in_a_batch_writes_nothing(run_cli, tmp_path, write_yaml):
    good = write_yaml(MINIMAL, name="good.yaml")
    bad = write_yaml(MINIMAL.replace("start: 2024-01-01", "start: 2024-13-01"), name="bad.yaml")
    out_dir = tmp_path / "o"
    code, out, err = run_cli("generate", str(good), str(bad), "-o", str(out_dir))
    assert code == 2
    assert f"{bad}:10:12：错误：" in err and "不是有效日期" in err
    assert "未生成任何工作簿" in err
    assert not out_dir.exists() or not any(out_dir.iterdir())


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace("layout: declaration", "layout: nope"), "表样「nope」不存在"),
        (lambda t: t + "  - name: 测试项目\n", "重复"),
        (lambda t: t.replace("projects:", "projects: ["), "YAML 格式错误"),
    ],
)
def test_bad_definitions_exit_2_without_traceback(run_cli, tmp_path, write_yaml, edit, message):
    path = write_yaml(edit(MINIMAL))
    code, out, err = run_cli("generate", str(path), "-o", str(tmp_path / "o.xlsx"))
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "o.xlsx").exists()


def test_unwritable_output_is_a_clear_error(run_cli, tmp_path, minimal_yaml):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, out, err = run_cli("generate", str(minimal_yaml), "-o", str(blocker / "sub" / "o.xlsx"))
    assert code == 2
    assert "错误：无法在此位置写入" in err
    assert "Traceback" not in err


def test_missing_input_file(run_cli, tmp_path):
    code, out, err = run_cli("generate", str(tmp_path / "nope.yaml"), "-o", str(tmp_path))
    assert code == 2
    assert "文件不存在" in err


def test_usage_errors_are_chinese(run_cli):
    code, out, err = run_cli("generate")
    assert code == 2 and "用法错误：缺少参数" in err
    code, out, err = run_cli("generate", "x.yaml", "--bogus")
    assert code == 2 and "没有选项" in err


def test_help_is_chinese(run_cli):
    code, out, err = run_cli("--help")
    assert code == 0
    assert "由 YAML 生成" in out and "命令" in out and "显示帮助并退出" in out
    code, out, err = run_cli("generate", "--help")
    assert code == 0 and "空白指标行数" in out and "--blank-rows" in out


def test_layouts_lists_layouts_and_frameworks(run_cli):
    code, out, err = run_cli("layouts")
    assert code == 0
    assert "declaration" in out and "财政项目支出绩效目标申报表" in out
    assert "national-2021" in out and "national-2015" in out


def test_version(run_cli):
    from perfxl import __version__

    code, out, err = run_cli("--version")
    assert code == 0 and __version__ in out


def test_python_dash_m_and_checkout_script(tmp_path, minimal_yaml):
    import subprocess

    root = Path(__file__).resolve().parent.parent
    for cmd in ([sys.executable, "-m", "perfxl"], [sys.executable, str(root / "cli.py")]):
        result = subprocess.run(
            [*cmd, "generate", str(minimal_yaml), "-o", str(tmp_path / "o.xlsx")],
            capture_output=True,
            encoding="gbk",
            errors="replace",
            env={**os.environ, "PYTHONIOENCODING": "gbk"},
        )
        assert result.returncode == 0, result.stderr
        (tmp_path / "o.xlsx").unlink()


@pytest.mark.parametrize(
    "command", ["generate", "blank", "check", "extract", "merge", "status", "rules", "layouts", "ui"]
)
def test_every_command_has_chinese_help(run_cli, command):
    code, out, err = run_cli(command, "--help")
    assert code == 0, err
    assert "显示帮助并退出" in out


def test_extract_and_check_json_are_the_library_results(run_cli, tmp_path):
    import json

    import perfxl

    (book,) = perfxl.generate(DECLARATION_SAMPLE, tmp_path).written
    code, out, err = run_cli("extract", book, "--format", "json")
    assert code == 0, err
    assert json.loads(out) == perfxl.extract([book]).to_dict()
    report_file = tmp_path / "报告.json"
    code, out, err = run_cli("check", book, "--format", "json", "-o", str(report_file))
    assert code == 1 and out == ""  # the sample has an I012 error
    saved = json.loads(report_file.read_text(encoding="utf-8"))
    assert saved == perfxl.check([book]).to_dict()


def test_generate_a_batch_with_the_progress_bar_reports_every_file(run_cli, tmp_path, write_yaml):
    inputs = [
        write_yaml(MINIMAL.replace("测试项目", f"项目{i}"), name=f"p{i}.yaml") for i in range(3)
    ]
    code, out, err = run_cli("generate", *map(str, inputs), "-o", str(tmp_path / "o"), "-j", "1")
    assert code == 0, err
    assert out.count("已生成") == 3 and "Traceback" not in err
