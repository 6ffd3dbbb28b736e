"""Enter text into workbook cells the way a spreadsheet user's input is taken, in LibreOffice.

Run by Debian's /usr/bin/python3 (the interpreter python3-uno belongs to), not by the test
interpreter: ``python3 uno_typing.py JOBS.json``. JOBS.json holds ``soffice``, ``profile`` (a
file URL) and ``jobs``: ``[{"input": path, "output": path, "edits": [[sheet, A1, text,
"general"?], ...]}]``. Each input is opened, each text entered, and the result saved as .xlsx.

Text goes in through the cell's ``FormulaLocal`` property, which hands it to the document's
own input interpretation (``ScDocument::SetString``): the cell's number format decides what the
text becomes, as when a person types it — in a Text cell ``=12000.00(件)`` and ``100%`` stay
text; in a General cell the first becomes a broken formula and the second the number 1. The
dispatcher's ``.uno:EnterString`` would go through the view instead, which compiles anything
starting with ``=`` and asks about an autocorrection in a dialog before it looks at the format;
a headless LibreOffice aborts on any dialog. An edit marked ``"general"`` first sets the cell
to General, as in a form from before its target cells were Text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(pipe: str):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if time.monotonic() > deadline:
                raise SystemExit("LibreOffice did not accept a connection within 120 s") from None
            time.sleep(0.3)


def main(spec_path: str) -> None:
    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    pipe = "perfxl" + uuid.uuid4().hex
    office = subprocess.Popen(
        [
            spec["soffice"],
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            f"-env:UserInstallation={spec['profile']}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ctx = _connect(pipe)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for job in spec["jobs"]:
            url = uno.systemPathToFileUrl(os.path.abspath(job["input"]))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
            for sheet_name, ref, text, *how in job["edits"]:
                sheet = doc.Sheets.getByName(sheet_name)
                cell = sheet.getCellRangeByName(ref)
                if "general" in how:
                    sheet.unprotect("")
                    cell.NumberFormat = 0  # the locale's General format
                cell.setPropertyValue("FormulaLocal", text)
            out = uno.systemPathToFileUrl(os.path.abspath(job["output"]))
            doc.storeToURL(out, (_prop("FilterName", "Calc MS Excel 2007 XML"),))
            doc.close(True)
        desktop.terminate()
    finally:
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()


if __name__ == "__main__":
    main(sys.argv[1])
