"""The closing table of the corpus (tests/corpus/): per published form, what perfxl check
read against what the form holds, and the error-level findings it gives.

    projects   read / present
    header     header values (fields and money cells) read equal to the published text / present
    indicators indicator rows read with the published name and target / present
    errors     codes of the error-level findings (the true ones the published forms hold are
               marked *: see tests/test_family_check.py)

Usage:  python benchmarks/corpus_table.py
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfxl.checks.run import RunOptions, check_file  # noqa: E402
from perfxl.read.convert import text_of  # noqa: E402
from perfxl.read.money import parse_money  # noqa: E402
from tests.corpus import FORMS  # noqa: E402

# the errors the published forms really hold (asserted in tests/test_family_check.py)
TRUE_ERRORS = {
    "anhui_chizhou_2022_ziping": {"M009": 3},
    "yunnan_yongde_2022_ziping": {"E005": 2},
    "sichuan_jingyan_2023_qingdan": {"M007": 1},
    "hunan_yueyangxian_2022_shenbao": {"F005": 1},
}


def same(got: object, want: str) -> bool:
    if text_of(got) == want:
        return True
    a, b = parse_money(got), parse_money(want)
    return a is not None and b is not None and a.amount == b.amount


def row(name: str, module, folder: Path) -> list[str]:
    report = check_file(module.FORM.save(folder / f"{name}.xlsx"), RunOptions(want_projects=True))
    projects = report.as_dict()["projects"]
    expected = module.EXPECTED["projects"]
    header_read = header_all = ind_read = ind_all = 0
    for got, want in zip(projects, expected):
        fields = got["fields"]
        for key, value in want.get("fields", {}).items():
            header_all += 1
            header_read += same(fields.get(key), value)
        for line, columns in want.get("money", {}).items():
            for column, value in columns.items():
                key = f"funds.{line}" if column == "amount" else f"funds.{line}.{column}"
                header_all += 1
                header_read += same(fields.get(key), value)
        read = [(i.get("name"), text_of(i.get("target"))) for i in got["indicators"]]
        for ind in want.get("indicators", []):
            ind_all += 1
            ind_read += (ind.get("name"), ind.get("target")) in read
    for want in expected[len(projects) :]:
        header_all += len(want.get("fields", {})) + sum(len(c) for c in want.get("money", {}).values())
        ind_all += len(want.get("indicators", []))
    errors = Counter(f.code for f in report.findings if f.severity == "error")
    true = TRUE_ERRORS.get(name, {})
    shown = ", ".join(
        f"{code}×{n}" + ("*" if true.get(code) == n else "") for code, n in sorted(errors.items())
    )
    return [
        name,
        f"{len(projects)}/{len(expected)}",
        f"{header_read}/{header_all}",
        f"{ind_read}/{ind_all}",
        shown or "—",
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [row(name, module, Path(tmp)) for name, module in sorted(FORMS.items())]
    print("| form | projects | header values | indicator rows | error findings |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
