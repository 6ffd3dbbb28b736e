"""Docs that cannot drift: README commands, CI, and every key documented."""

from __future__ import annotations

import re

from perfxl.layout.templates import template_set

from .conftest import ROOT


def code_blocks(text: str) -> list[str]:
    return re.findall(r"```(?:bash)?\n(.*?)```", text, re.S)


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first, second = code_blocks(readme)[:2]
    assert "pip install" in first and "perfxl generate" in first
    assert "pip install" in second and "pytest" in second
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert second.strip() in ci
    assert "libreoffice" in ci


def test_readme_installs_into_a_virtual_environment_on_linux_and_windows():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = code_blocks(readme)[0].splitlines()
    # Debian's system Python refuses pip install: the venv comes first, activated
    venv = next(i for i, line in enumerate(first) if "python3 -m venv .venv" in line)
    activate = next(i for i, line in enumerate(first) if ". .venv/bin/activate" in line)
    pip = next(i for i, line in enumerate(first) if "pip install" in line)
    assert venv <= activate <= pip
    assert "python3-venv" in readme  # what Debian needs for venv
    windows = re.search(r"```bat\n(.*?)```", readme, re.S)
    assert windows, "the Windows commands"
    lines = [line.strip() for line in windows.group(1).splitlines()]
    assert lines[:3] == ["py -m venv .venv", r".venv\Scripts\activate", "python -m pip install -e ."]
    assert any(line.startswith("perfxl generate sample_data") for line in lines)


def test_readme_numbers_of_forms_match_the_layouts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    numerals = "一二三四五六七八九十"
    layouts = template_set().layout_ids()
    for claim in re.findall(rf"(?:全部|共|这)\s*([{numerals}\d]+)\s*种表", readme):
        count = int(claim) if claim.isdigit() else numerals.index(claim) + 1
        assert count == len(layouts), f"README says {claim}种表 but there are {len(layouts)}"
    table = re.search(r"\| 表样 id \|.*?\n\n", readme, re.S)
    assert table is not None
    assert sorted(re.findall(r"^\| `([\w-]+)` \|", table.group(0), re.M)) == sorted(layouts)


def test_every_yaml_key_is_documented():
    doc = (ROOT / "docs" / "yaml-format.md").read_text(encoding="utf-8")
    ts = template_set()
    for layout_id in ts.layout_ids():
        layout = ts.layout(layout_id)
        for spec in [*layout.fields, *layout.indicators.columns]:
            assert f"`{spec.key}`" in doc, (layout_id, spec.key)
            for name in spec.names:
                assert name in doc, (layout_id, name)


def test_every_framework_is_documented():
    doc = (ROOT / "docs" / "frameworks.md").read_text(encoding="utf-8")
    for fw_id in template_set().framework_ids():
        assert f"`{fw_id}`" in doc, fw_id


def test_every_layout_is_in_the_readme_or_docs():
    text = (ROOT / "docs" / "layouts.md").read_text(encoding="utf-8") + (
        ROOT / "docs" / "yaml-format.md"
    ).read_text(encoding="utf-8")
    for layout_id in template_set().layout_ids():
        assert f"`{layout_id}`" in text, layout_id


def test_findings_catalogue_page_is_generated_from_the_code():
    from perfxl.checks.catalogue import catalogue_markdown

    page = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    assert page == catalogue_markdown(), "run: python -m perfxl.checks.catalogue > docs/findings.md"


def test_every_finding_code_is_tested_or_documented():
    from perfxl.checks.catalogue import RULES

    tests = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    page = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    for code in RULES:
        assert code in page
    tested = [code for code in RULES if f'"{code}"' in tests]
    assert len(tested) >= len(RULES) // 2, sorted(set(RULES) - set(tested))
