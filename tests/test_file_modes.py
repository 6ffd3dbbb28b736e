"""Every kind of output perfxl writes gets the rights the user's umask gives (0644 under
umask 022, what a shared office folder needs), appears whole through the one atomic writer,
and leaves no temporary file behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import perfxl
from perfxl.core.atomic import atomic_output, atomic_write
from perfxl.core.errors import OutputError

from .conftest import DECLARATION_SAMPLE, SAMPLES

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def no_temporaries(folder: Path) -> bool:
    return not [p for p in folder.rglob(".perfxl-*")]


def test_every_output_kind_is_0644_under_umask_022(umask_022, tmp_path, run_cli):
    generated = perfxl.generate(DECLARATION_SAMPLE, tmp_path / "表")
    (workbook,) = generated.written
    blank = perfxl.blank(SAMPLES / "rosters" / "roster-2025.yaml", tmp_path / "空白")
    from tests.blanks import BLANKS

    province_form = BLANKS["shaanxi_jiaxian_2016_shenbao"].FORM.save(tmp_path / "下发.xlsx")
    copies = perfxl.blank(
        SAMPLES / "rosters" / "roster-2025.yaml", tmp_path / "副本", form=province_form
    )
    report = perfxl.check([workbook], annotate=tmp_path / "标注")
    extracted = perfxl.extract([workbook], tmp_path / "读出")
    merged = perfxl.merge(
        [workbook], tmp_path / "汇总.xlsx", csv=tmp_path / "csv", sqlite=tmp_path / "汇总.sqlite"
    )
    status = perfxl.status(
        SAMPLES / "rosters" / "roster-2025.yaml", tmp_path / "空白", tmp_path / "回收情况.xlsx"
    )
    later = perfxl.next_stage("monitor", [workbook], tmp_path / "监控")
    json_report = tmp_path / "报告" / "结果.json"
    text_report = tmp_path / "报告" / "结果.txt"
    assert (
        run_cli("check", workbook, "--format", "json", "-o", str(json_report))[0] == 1
    )  # I012 in the sample
    assert run_cli("check", workbook, "-o", str(text_report))[0] == 1

    outputs = {
        "workbook": [workbook],
        "blank forms": [f.output for f in blank.files],
        "blank manifest": [blank.manifest],
        "copies of a province's form": [f.output for f in copies.files],
        "annotated copy": list(report.written),
        "extracted YAML": list(extracted.written),
        "merge summary": [str(merged.output)],
        "CSV": [p for p in merged.written if p.endswith(".csv")],
        "SQLite": [p for p in merged.written if p.endswith(".sqlite")],
        "status workbook": list(status.written),
        "next-stage workbook": list(later.written),
        "JSON report": [json_report],
        "text report": [text_report],
    }
    for kind, paths in outputs.items():
        assert paths, f"no {kind} written"
        for path in paths:
            assert mode(path) == 0o644, f"{kind} {path}: {oct(mode(path))}"
    assert no_temporaries(tmp_path)


def test_a_stricter_umask_is_respected(tmp_path):
    old = os.umask(0o077)
    try:
        path = atomic_write(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert mode(path) == 0o600


def test_a_name_near_the_file_system_limit_still_works(tmp_path):
    # 250 bytes: a temporary name built from the target's own name would pass 255
    name = "表" * 80 + "a" * 5 + ".xlsx"
    assert len(name.encode()) == 250
    deep = tmp_path.joinpath(*["目录层级" * 4] * 3)
    target = deep / name
    assert len(str(target)) > 300 or len(str(target).encode()) > 300
    doc = perfxl.load(DECLARATION_SAMPLE).document
    result = perfxl.generate(doc, target)
    assert result.written == (str(target),) and target.stat().st_size > 0
    assert no_temporaries(tmp_path)


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "旧.txt"
    target.write_text("旧内容", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(target) as temporary:
        temporary.write_text("新内容的一半", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "旧内容"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["旧.txt"]


def test_an_os_error_becomes_a_chinese_output_error_naming_the_path(tmp_path):
    blocker = tmp_path / "文件"
    blocker.write_text("x", encoding="utf-8")
    target = blocker / "子" / "报告.json"
    with pytest.raises(OutputError, match="无法在此位置写入") as info:
        atomic_write(target, "{}")
    assert str(target) in str(info.value)
    folder = tmp_path / "只读"
    folder.mkdir()
    inside = folder / "x.txt"
    with pytest.raises(OutputError, match="写入失败") as info, atomic_output(inside) as temp:
        raise OSError(28, "No space left on device")
    assert str(inside) in str(info.value) and not temp.exists()
