"""Benchmark: perfxl blank for many departments vs raw XlsxWriter writing the same workbooks.

Each department's workbook (填报说明, one prefilled project sheet, hidden lists) is recorded
once as the XlsxWriter calls perfxl makes; the baseline replays those calls as straight-line
code. perfxl then writes the same workbooks itself, single-process and over all cores.

Usage:  python benchmarks/bench_blank.py [--n 1000] [--layout declaration]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _replay import compile_replay, record  # noqa: E402

from perfxl.write.blank import BlankOptions, Roster, RosterUnit, plan_blank, write_blank  # noqa: E402
from perfxl.write.workbook import WriteOptions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="departments")
    parser.add_argument("--layout", default="declaration")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="perfxl-blank-"))
    try:
        units = [
            RosterUnit(
                f"第{i // 20 + 1}主管部门",
                f"测试单位{i:05d}",
                [(f"单位{i:05d}专项经费", Decimal(10000 + i))],
            )
            for i in range(args.n)
        ]
        roster = Roster(tmp / "roster.yaml", {"layout": args.layout, "year": 2025}, units)

        start = time.perf_counter()
        files = plan_blank(roster, BlankOptions(), tmp / "p")
        t_plan = time.perf_counter() - start

        write_options = WriteOptions(cover=False, guide=True)
        runs = [compile_replay(record(f.document, write_options)) for f in files]
        (tmp / "raw").mkdir()
        start = time.perf_counter()
        for i, run in enumerate(runs):
            run(tmp / "raw" / f"{i}.xlsx")
        t_raw = time.perf_counter() - start

        timings = {}
        for workers in (1, os.cpu_count() or 1):
            out = tmp / f"w{workers}"
            out.mkdir()
            planned = plan_blank(roster, BlankOptions(), out)
            start = time.perf_counter()
            errors = write_blank(planned, BlankOptions(), workers=workers)
            timings[workers] = time.perf_counter() - start
            assert not any(errors), errors[:3]

        print(
            f"perfxl blank, layout {args.layout}: {args.n} departments, one workbook each "
            f"(填报说明 + 1 prefilled project sheet); planning {t_plan:.2f} s"
        )
        print(f"{'':36}{'total s':>9}{'ms/file':>9}{'ratio':>8}")
        print(
            f"{'raw XlsxWriter (same calls), 1 proc':36}{t_raw:9.2f}{t_raw / args.n * 1000:9.1f}{1:8.2f}"
        )
        for workers, t in timings.items():
            label = f"perfxl blank, {workers} process{'es' if workers > 1 else ''}"
            print(f"{label:36}{t:9.2f}{t / args.n * 1000:9.1f}{t / t_raw:8.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
