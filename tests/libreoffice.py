"""Drive LibreOffice headless: convert workbooks to PDF and back to .xlsx.

Each call starts LibreOffice once for a whole batch of files (start-up costs 3–4 s), with a
private profile folder so parallel or repeated runs never share state.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    if SOFFICE:
        return SOFFICE
    if os.environ.get("PERFXL_REQUIRE_LIBREOFFICE") or os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is required here but not installed")
    pytest.skip("LibreOffice (soffice) is not installed")


def convert(files: list[Path], fmt: str, outdir: Path, profile: Path) -> list[Path]:
    """Convert ``files`` to ``fmt`` (``pdf``, ``xlsx``, ``xls``…) into ``outdir``."""
    soffice = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
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
