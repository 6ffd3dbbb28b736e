"""Benchmark: perfxl status and perfxl compare of 1,000 units, in seconds, each against a
plain perfxl check of the same files in the same run.

The round is generated (tests/rounds.py, plainly synthetic): a 1,000-unit roster; 900 units
returned a form — one in ten with errors, one in ten late, one in twenty sent twice, one in
fifty retyped its name — 100 returned nothing, and 20 files are strangers'. Every file is
written by perfxl's writer and differs from the others (its unit, project name, identity).
Last year's forms for compare are the same 1,000 units a year earlier, one file each.

Each measurement is wall-clock time of the library call with the default number of worker
processes (as the command runs), best of ``--repeat``; status/check and compare/check run
alternately so that both see the same machine.

Usage:  python benchmarks/bench_rounds.py [--units 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import perfxl  # noqa: E402
from perfxl.core.parallel import default_workers, parallel_map  # noqa: E402
from tests.rounds import (  # noqa: E402
    INDICATORS,
    Return,
    project_yaml,
    roster_csv,
    roster_units,
    write_return,
)

IN_TIME = dt.datetime(2025, 3, 20, 10).timestamp()
LATE = dt.datetime(2025, 4, 3, 10).timestamp()


def _write(job: tuple) -> None:
    kind, unit, spec, path = job
    if kind == "return":
        write_return(unit, spec, path)
        return
    from perfxl.define.model import load_document_text
    from perfxl.layout.templates import template_set
    from perfxl.write.workbook import DocumentWriter

    text = project_yaml(
        unit.unit, unit.department, f"{unit.unit}日常运行项目", year=2024, amount="100000.00",
        indicators=INDICATORS,
    )
    DocumentWriter(template_set()).write(load_document_text(text, "last.yaml"), path)


def prepare(base: Path, n: int) -> tuple[Path, Path, Path]:
    units = roster_units(n)
    roster = roster_csv(units, base / "名单.csv")
    inbox, last = base / "收件箱", base / "上年"
    inbox.mkdir()
    last.mkdir()
    jobs = []
    for i, unit in enumerate(units):
        jobs.append(("last", unit, None, last / f"{unit.unit}.xlsx"))
        if i % 10 == 9:
            continue  # not returned
        spec = Return(
            bad=(1,) if i % 10 == 3 else (),
            unit_name=f"{unit.unit}（更名）" if i % 50 == 7 else None,
            mtime=LATE if i % 10 == 5 else IN_TIME,
        )
        jobs.append(("return", unit, spec, inbox / f"{unit.unit}.xlsx"))
        if i % 20 == 0:
            again = Return(mtime=IN_TIME + 3600)
            jobs.append(("return", unit, again, inbox / f"{unit.unit}-修改.xlsx"))
    for k in range(20):
        stranger = units[0].__class__(f"外省第{k}县主管局", f"外省第{k}县某某服务站")
        jobs.append(("return", stranger, Return(identity=False), inbox / f"外来{k:02d}.xlsx"))
    parallel_map(_write, jobs, default_workers())
    return roster, inbox, last


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="perfxl-rounds-"))
    try:
        start = time.perf_counter()
        roster, inbox, last = prepare(base, args.units)
        files = len(list(inbox.glob("*.xlsx")))
        print(
            f"{args.units} units, {files} returned files, {args.units} last-year files "
            f"(written in {time.perf_counter() - start:.1f} s); {default_workers()} workers"
        )
        out = base / "回收情况.xlsx"
        status_t, check_t, compare_t, check2_t = [], [], [], []
        for _ in range(args.repeat):
            check_t.append(timed(lambda: perfxl.check(inbox, projects=False)))
            status_t.append(
                timed(lambda: perfxl.status(roster, inbox, out, deadline="2025-03-31"))
            )
            check2_t.append(timed(lambda: perfxl.check([last, inbox], projects=False)))
            compare_t.append(timed(lambda: perfxl.compare(last, inbox, base / "对比.xlsx")))
        result = perfxl.status(roster, inbox, deadline="2025-03-31")
        compared = perfxl.compare(last, inbox)
        print(f"status summary: {result.summary}")
        print(f"compare summary: {compared.summary}")
        b_check, b_status = min(check_t), min(status_t)
        b_check2, b_compare = min(check2_t), min(compare_t)
        print(f"{'':34}{'best s':>9}{'all runs':>26}")
        print(f"{'check inbox (text report)':34}{b_check:9.2f}   {', '.join(f'{t:.2f}' for t in check_t)}")
        print(f"{'status (with 回收情况.xlsx)':32}{b_status:9.2f}   {', '.join(f'{t:.2f}' for t in status_t)}")
        print(f"{'check last + inbox':34}{b_check2:9.2f}   {', '.join(f'{t:.2f}' for t in check2_t)}")
        print(f"{'compare last vs inbox (对比.xlsx)':32}{b_compare:9.2f}   {', '.join(f'{t:.2f}' for t in compare_t)}")
        print(f"status / check of the same files: {b_status / b_check:.2f}")
        print(f"compare / check of the same files: {b_compare / b_check2:.2f}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
