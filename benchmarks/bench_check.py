"""Benchmark: perfxl check per file vs a bare python-calamine read and an openpyxl read of the
same files, in one run; then a batch of many files over all cores.

The files are all different (each has its own project names, goals, indicator names and
numbers), so that nothing perfxl caches between files makes them look cheaper than a real
batch of returned forms. The batch cycles through the distinct files.

Usage:  python benchmarks/bench_check.py [--n 100] [--batch 1000]
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import python_calamine  # noqa: E402
from _replay import best_of  # noqa: E402

from perfxl.checks.run import RunOptions, check_file, run_checks  # noqa: E402
from perfxl.define.model import load_document  # noqa: E402
from perfxl.layout.templates import template_set  # noqa: E402
from perfxl.read.guard import inspect_for_reading  # noqa: E402
from perfxl.write.workbook import DocumentWriter  # noqa: E402

SAMPLE = ROOT / "sample_data" / "minhang-2024-declaration.yaml"


def variant(doc, i: int):
    """The sample with every user-typed text and number made unique to file ``i``."""
    doc = copy.deepcopy(doc)
    bump = lambda m: str(int(m.group()) + i % 89)  # noqa: E731
    for p in doc.projects:
        p.values["name"] = f"{p.values['name'][:20]}{i}"
        for key in ("annual_goal", "overall_goal"):
            if p.values.get(key):
                p.values[key] = f"第{i}号：{p.values[key]}"
        for ind in p.indicators:
            ind.values["name"] = f"{ind.values.get('name') or ''}{i}"
            if ind.values.get("target"):
                ind.values["target"] = re.sub(r"\d+", bump, ind.values["target"], count=1)
    return doc


def calamine_read(path: Path) -> int:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)


def openpyxl_read(path: Path) -> int:
    wb = openpyxl.load_workbook(path, data_only=True)
    return sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="files per single-process measurement")
    parser.add_argument("--batch", type=int, default=1000, help="files in the multi-process batch")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="perfxl-check-"))
    try:
        doc = load_document(SAMPLE)
        writer = DocumentWriter(template_set())
        distinct = []
        for i in range(args.n):
            target = tmp / f"单位{i:05d}.xlsx"
            writer.write(variant(doc, i), target)
            distinct.append(target)
        source = distinct[0]
        files = list(distinct)
        for i in range(len(distinct), args.batch):
            target = tmp / f"单位{i:05d}.xlsx"
            shutil.copyfile(distinct[i % len(distinct)], target)
            files.append(target)
        some = distinct
        options = RunOptions(want_projects=False)  # as perfxl check with a text report
        check_file(some[0], options)  # warm: imports, the layout's reference map

        # calamine and perfxl alternate file by file, so that both see the same machine (its
        # speed drifts by tens of percent within seconds), each going first on every other
        # file; perfxl runs as the command does (run_checks, one process). openpyxl is so
        # much slower that a tenth of the files, once, is enough to place it.
        n = len(some)
        cal, chk = [], []
        clock = time.process_time
        for _ in range(args.repeat):
            t_cal = t_chk = 0.0
            for i, path in enumerate(some):
                for step in (0, 1) if i % 2 else (1, 0):
                    start = clock()
                    if step:
                        calamine_read(path)
                        t_cal += clock() - start
                    else:
                        run_checks([path], options, 1)
                        t_chk += clock() - start
            cal.append(t_cal / n)
            chk.append(t_chk / n)
        few = some[: max(1, n // 10)]
        t_opx = best_of(1, lambda: [openpyxl_read(p) for p in few]) / len(few)
        # the guard alone: every part inflated, verified (size, CRC-32), the facts parsed
        t_guard = best_of(args.repeat, lambda: [inspect_for_reading(p) for p in some]) / n
        t_cal, t_chk = min(cal), min(chk)
        ratios = sorted(c / b for c, b in zip(chk, cal))
        print(
            f"file: {SAMPLE.stem} as .xlsx, {source.stat().st_size // 1024} KiB, 13 sheets; "
            f"{n} different files, best of {args.repeat} rounds (CPU time)"
        )
        print(f"{'':36}{'ms/file':>10}{'vs calamine':>13}")
        print(f"{'bare python-calamine read':36}{t_cal * 1000:10.2f}{1:13.2f}")
        print(f"{'openpyxl read (values)':36}{t_opx * 1000:10.1f}{t_opx / t_cal:13.1f}")
        print(f"{'perfxl check (read + all rules)':36}{t_chk * 1000:10.2f}{t_chk / t_cal:13.2f}")
        print(f"{'  of which the guard':36}{t_guard * 1000:10.2f}{t_guard / t_cal:13.2f}")
        print(
            f"perfxl check / calamine, round by round: median {ratios[len(ratios) // 2]:.2f}, "
            f"range {ratios[0]:.2f}–{ratios[-1]:.2f}"
        )

        batch = files[: args.batch]
        cores = os.cpu_count() or 1
        timings = {}
        for workers in (1, cores):
            start = time.perf_counter()
            reports = run_checks(batch, options, workers)
            timings[workers] = time.perf_counter() - start
            assert len(reports) == len(batch) and all(r.readable for r in reports)
        print(
            f"batch of {len(batch)} files: 1 process {timings[1]:.1f} s, {cores} processes {timings[cores]:.1f} s, "
            f"speed-up {timings[1] / timings[cores]:.2f}×"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
