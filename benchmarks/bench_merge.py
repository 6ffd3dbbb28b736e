"""Benchmark: perfxl merge of 1,000 and 10,000 workbooks — time, peak memory, and the ratio
to a bare python-calamine read of the same files.

Each size runs in a fresh Python process so that its peak memory (ru_maxrss of the merging
process, and separately of its worker processes) is its own.

Usage:  python benchmarks/bench_merge.py [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare(folder: Path, n: int) -> None:
    from perfxl.define.model import load_document
    from perfxl.layout.templates import template_set
    from perfxl.write.workbook import DocumentWriter

    source = folder / "source.xlsx"
    DocumentWriter(template_set()).write(
        load_document(ROOT / "sample_data" / "putuo-2020-target.yaml"), source
    )
    for i in range(n):
        sub = folder / "in" / f"区{i % 16:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, sub / f"单位{i:05d}.xlsx")
    source.unlink()


def run_one(folder: Path, what: str) -> dict:
    import python_calamine

    from perfxl.merging.summary import MergeOptions, expand_inputs, merge

    paths = expand_inputs([str(folder / "in")])
    start = time.perf_counter()
    if what == "calamine":
        for p in paths:
            book = python_calamine.CalamineWorkbook.from_path(str(p))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()
        result = None
    else:
        result = merge(
            paths,
            folder / "汇总.xlsx",
            MergeOptions(duplicates="keep"),
            workers=os.cpu_count() or 1,
        )
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "rss_mb": own,
        "children_rss_mb": children,
        "files": len(paths),
        "projects": result.projects if result else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(Path(args.child[0]), args.child[1])))
        return
    print(
        f"{'files':>7}{'calamine s':>12}{'merge s':>10}{'ratio':>8}{'merge RSS MB':>14}{'workers RSS MB':>16}"
    )
    for n in args.sizes:
        tmp = Path(tempfile.mkdtemp(prefix="perfxl-merge-"))
        try:
            prepare(tmp, n)
            out = {}
            for what in ("calamine", "merge"):
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", str(tmp), what],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                out[what] = json.loads(proc.stdout.strip().splitlines()[-1])
            c, m = out["calamine"], out["merge"]
            assert m["projects"] == 3 * n
            print(
                f"{n:7d}{c['seconds']:12.1f}{m['seconds']:10.1f}{m['seconds'] / c['seconds']:8.2f}"
                f"{m['rss_mb']:14.0f}{m['children_rss_mb']:16.0f}"
            )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
