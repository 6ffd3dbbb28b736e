"""Drive LibreOffice headless: convert workbooks to PDF and back to .xlsx.

Each call starts LibreOffice once for a whole batch of files (start-up costs 3–4 s), with a
private profile folder so parallel or repeated runs never share state.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    if SOFFICE:
        return SOFFICE
    if os.environ.get("PERFXL_REQUIRE_LIBREOFFICE") or os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is required here but not installed")
    pytest.skip("LibreOffice (soffice) is not installed")


# By default LibreOffice keeps the cached results of formulas in .xlsx files; a test that
# wants LibreOffice's own arithmetic must ask it to recalculate every file on load.
RECALC_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def prepare_profile(profile: Path) -> None:
    settings = profile / "user" / "registrymodifications.xcu"
    if not settings.exists():
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(RECALC_SETTINGS, encoding="utf-8")


def convert(files: list[Path], fmt: str, outdir: Path, profile: Path) -> list[Path]:
    """Convert ``files`` to ``fmt`` (``pdf``, ``xlsx``, ``xls``…) into ``outdir``, recalculating
    every formula on load."""
    soffice = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    prepare_profile(profile)
    result = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    ext = fmt.split(":")[0]
    produced = [outdir / f"{f.stem}.{ext}" for f in files]
    missing = [p for p in produced if not p.is_file()]
    assert not missing, f"LibreOffice did not produce {missing}: {result.stdout} {result.stderr}"
    return produced


def pdf_page_count(path: Path) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", out, re.M)
        if match:
            return int(match.group(1))
    return len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))


def pdf_text(path: Path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout


UNO_PYTHON = "/usr/bin/python3"  # Debian's python3-uno belongs to the system interpreter
UNO_TYPING = Path(__file__).with_name("uno_typing.py")


def require_uno() -> str:
    """The interpreter that can drive LibreOffice over UNO (skip, or fail under CI, without)."""
    require_soffice()
    probe = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True)
    if probe.returncode == 0:
        return UNO_PYTHON
    if os.environ.get("PERFXL_REQUIRE_LIBREOFFICE") or os.environ.get("CI"):
        pytest.fail("python3-uno is required here but not installed")
    pytest.skip("python3-uno is not installed")


def type_into(
    jobs: list[tuple[Path, Path, list[tuple[str, ...]]]], profile: Path, workdir: Path
) -> list[Path]:
    """Enter text into cells in LibreOffice, as a person's input is taken (see
    ``uno_typing.py``), and save each workbook as .xlsx. ``jobs`` are (input, output, edits)
    with edits (sheet, A1, text) or (sheet, A1, text, "general")."""
    python = require_uno()
    profile.mkdir(parents=True, exist_ok=True)
    spec = {
        "soffice": require_soffice(),
        "profile": profile.resolve().as_uri(),
        "jobs": [
            {"input": str(i), "output": str(o), "edits": [list(e) for e in edits]}
            for i, o, edits in jobs
        ],
    }
    spec_path = workdir / "uno-jobs.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [python, str(UNO_TYPING), str(spec_path)], capture_output=True, text=True, timeout=600
    )
    outputs = [o for _, o, _ in jobs]
    missing = [o for o in outputs if not o.is_file()]
    assert result.returncode == 0 and not missing, (result.stdout, result.stderr, missing)
    return outputs


@dataclass(frozen=True)
class PdfPage:
    """One printed page: its text, how many table rows it shows (counted from the horizontal
    cell borders LibreOffice draws: n rows have n + 1 distinct border heights), the borders
    as (y, x from, x to) and the words as (x from, y from, x to, y to, text), in points from
    the top left."""

    text: str
    rows: int
    borders: tuple[tuple[float, float, float], ...] = ()
    words: tuple[tuple[float, float, float, float, str], ...] = ()

    @property
    def squeezed(self) -> str:
        return "".join(self.text.split())

    def crossings(self) -> list[str]:
        """Words drawn across a cell border: text too tall for its row."""
        out = []
        for x0, y0, x1, y1, word in self.words:
            for y, bx0, bx1 in self.borders:
                if y0 + 1.5 < y < y1 - 1.5 and bx0 < x1 and x0 < bx1:
                    out.append(word)
                    break
        return out


_SVG_PAGE = re.compile(r"<page>(.*?)</page>", re.S)
_SVG_STROKE = re.compile(
    r'<path style="fill:none;[^"]*stroke-linejoin:round[^"]*" d="([^"]*)"'
    r'(?: transform="matrix\(([^)]*)\)")?'
)
_SVG_LINE = re.compile(r"^M ([-\d.]+) ([-\d.]+) L ([-\d.]+) ([-\d.]+) ?$")
_BBOX_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_BBOX_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def pdf_pages(path: Path) -> list[PdfPage]:
    """Every page of ``path`` with its text (pdftotext) and table rows (pdftocairo's SVG)."""
    for tool in ("pdftotext", "pdftocairo"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} (poppler-utils) is not installed")

    def run(*args: str) -> str:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    texts = run("pdftotext", "-layout", str(path), "-").split("\f")
    boxes = _BBOX_PAGE.findall(run("pdftotext", "-bbox-layout", str(path), "-"))
    svg = run("pdftocairo", "-svg", str(path), "-")
    pages = []
    for number, body in enumerate(_SVG_PAGE.findall(svg)):
        borders = []
        for d, matrix in _SVG_STROKE.findall(body):
            line = _SVG_LINE.match(d.strip())
            if not line:
                continue
            x1, y1, x2, y2 = map(float, line.groups())
            if abs(y1 - y2) > 0.01 or abs(x2 - x1) < 5:
                continue
            a, b, c, dd, e, f = map(float, matrix.split(",")) if matrix else (1, 0, 0, 1, 0, 0)
            xs = sorted((a * x1 + c * y1 + e, a * x2 + c * y2 + e))
            borders.append((b * x1 + dd * y1 + f, xs[0], xs[1]))
        words = tuple(
            (float(x0), float(y0), float(x1), float(y1), w)
            for x0, y0, x1, y1, w in _BBOX_WORD.findall(boxes[number] if number < len(boxes) else "")
        )
        pages.append(
            PdfPage(
                texts[number] if number < len(texts) else "",
                max(0, len({round(y) for y, _a, _b in borders}) - 1),
                tuple(borders),
                words,
            )
        )
    return pages
