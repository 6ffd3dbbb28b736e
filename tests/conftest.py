from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
DECLARATION_SAMPLE = SAMPLES / "minhang-2024-declaration.yaml"


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write a dedented YAML text to a file and return its path."""

    def _write(text: str, name: str = "project.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def run_cli(capsys):
    """Run the perfxl command in-process; return (exit code, stdout, stderr)."""
    from perfxl.cli import main

    def _run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


MINIMAL = """
layout: declaration
year: 2024
department: 测试区财政局
unit: 测试区社会保障服务中心
money_unit: 元
projects:
  - name: 测试项目
    nature: 经常性项目
    category: 特定目标类
    start: 2024-01-01
    end: 2024-12-31
    funds: {annual_total: 1000.00, annual_appropriation: 1000.00, annual_carryover: 0, annual_other: 0}
    annual_goal: 完成测试工作。
    indicators:
      - [产出指标, 数量指标, 测试完成数, "=10.00(件)"]
      - [满意度指标, 服务对象满意度指标, 服务对象满意度, "≥90.00(%)"]
"""


@pytest.fixture(scope="session")
def sample_books(tmp_path_factory):
    """The workbooks generated from every sample: {stem: (document, path)}. Read only —
    a test that changes a workbook copies it first."""
    from perfxl.define.model import load_document
    from perfxl.layout.templates import template_set
    from perfxl.write.workbook import DocumentWriter

    base = tmp_path_factory.mktemp("samples")
    out = {}
    for path in sorted(SAMPLES.glob("*.yaml")):
        doc = load_document(path)
        target = base / f"{path.stem}.xlsx"
        DocumentWriter(template_set()).write(doc, target)
        out[path.stem] = (doc, target)
    return out


@pytest.fixture
def minimal_yaml(write_yaml):
    return write_yaml(MINIMAL)
