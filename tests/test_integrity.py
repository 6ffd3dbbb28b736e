"""Integrity before speed: a flipped bit in a returned workbook is a damaged file (R004), or
changes nothing at all — never different data."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from perfxl.checks.run import RunOptions, check_file
from perfxl.define.model import load_document
from perfxl.layout.templates import template_set
from perfxl.write.workbook import DocumentWriter

from .conftest import MINIMAL

FLIPS_PER_PART = 400


@pytest.fixture(scope="module")
def form(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("integrity")
    source = folder / "project.yaml"
    source.write_text(MINIMAL.lstrip("\n"), encoding="utf-8")
    path = folder / "form.xlsx"
    DocumentWriter(template_set()).write(load_document(source), path)
    return path


def _compressed_span(data: bytes, part: str) -> tuple[int, int]:
    """Where the compressed bytes of ``part`` lie in the archive."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(part)
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    return start, start + info.compress_size


def _outcome(path: Path) -> tuple:
    report = check_file(path, RunOptions())
    findings = [(f.code, f.severity, f.sheet, f.cell, f.message) for f in report.findings]
    return report.readable, report.layout, report.projects, findings


def _stored(path: Path, part: str, target: Path) -> Path:
    """A copy of the workbook with ``part`` stored uncompressed (as some writers do)."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            method = zipfile.ZIP_STORED if item.filename == part else zipfile.ZIP_DEFLATED
            dst.writestr(item.filename, src.read(item), compress_type=method)
    return target


# how the part reaches the value reader: inflated whole and handed on in an uncompressed
# archive; inflated whole and the file itself handed on; inflated in steps (a large part)
READS = ["held", "file", "streamed"]


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize(
    ("part", "method"),
    [
        ("xl/sharedStrings.xml", zipfile.ZIP_DEFLATED),
        ("xl/worksheets/sheet2.xml", zipfile.ZIP_DEFLATED),
        ("xl/sharedStrings.xml", zipfile.ZIP_STORED),
    ],
)
def test_every_flipped_bit_is_damage_or_nothing(form, tmp_path, monkeypatch, part, method, read):
    import perfxl.read.guard

    if read == "file":
        monkeypatch.setattr(perfxl.read.guard, "STORED_ARCHIVE_MAX", 0)
    elif read == "streamed":
        monkeypatch.setattr(perfxl.read.guard, "PART_CHUNK", 64)
    if method == zipfile.ZIP_STORED:
        form = _stored(form, part, tmp_path / "stored.xlsx")
    data = form.read_bytes()
    with zipfile.ZipFile(form) as z:
        assert z.getinfo(part).compress_type == method
    start, end = _compressed_span(data, part)
    bits = (end - start) * 8
    rng = random.Random(f"{part}:{bits}")  # the same positions on every run
    positions = sorted(rng.sample(range(bits), min(FLIPS_PER_PART, bits)))
    assert len(positions) >= FLIPS_PER_PART
    target = tmp_path / form.name  # one name, so that messages naming the file compare equal
    target.write_bytes(data)
    original = _outcome(target)
    assert original[0] and original[2], "the original form reads, with its projects"
    damaged = same = 0
    for bit in positions:
        flipped = bytearray(data)
        flipped[start + bit // 8] ^= 1 << (bit % 8)
        target.write_bytes(bytes(flipped))
        outcome = _outcome(target)
        if outcome == original:
            same += 1
            continue
        readable, _, projects, findings = outcome
        assert not readable and not projects, (bit, findings)
        assert [f[0] for f in findings] == ["R004"], (bit, findings)
        damaged += 1
    assert damaged + same == len(positions)
    if method == zipfile.ZIP_DEFLATED:
        assert damaged > same  # most flips damage the stream; the rest hit bits it never reads
    else:
        assert same == 0  # every stored byte is read
