"""Benchmark: checking a form read by the family vocabulary vs the same form of a known layout.

The goal (issue: read every province's form): reading an unknown form by the family reader
costs at most twice a known one. Both sides are the same content: the Minhang sample as
perfxl writes it (identified by its hidden sheet, read by the layout), and copies with the
hidden sheet and document properties removed and labels written as other provinces print
them: ``family`` with its whole header relabelled (no layout fits: scored against every
layout, then read by the vocabulary — what a form of another province costs), and
``partial`` with only three labels changed (项目支出名称, 预算部门, 预算单位), which still
resembles the declaration: read by that layout, found incomplete, then read by the
vocabulary — the longest path a form can take. All are timed file by file, taking turns.

The files of a side are all different, as a real batch is: in copy i every text a unit
types (project names, goals, indicator names, qualitative targets…) ends in its own mark,
and only the labels, level names, list values and quantitative targets stay the same — so what the reader keeps from one
file to the next is what a batch of one province's forms really shares, its labels.

Usage:  python benchmarks/bench_family.py [--n 40] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from perfxl.checks.run import RunOptions, check_file  # noqa: E402
from perfxl.define.model import load_document  # noqa: E402
from perfxl.layout.templates import template_set  # noqa: E402
from perfxl.write.workbook import DocumentWriter  # noqa: E402

SAMPLE = ROOT / "sample_data" / "minhang-2024-declaration.yaml"
# three labels as other provinces print them: the form still resembles the declaration
PARTIAL = {"项目名称": "项目支出名称", "主管部门": "预算部门", "实施单位": "预算单位"}
# and the rest of its header as well: no layout fits at all
OTHER = {
    **PARTIAL,
    "项目性质": "项目属性",
    "项目类别": "项目分类",
    "计划开始日期": "项目开始日期",
    "计划完成日期": "项目完成日期",
    "项目资金总额": "项目总投资",
    "年度资金申请总额": "年度资金总额",
    "项目总目标": "实施期绩效目标",
    "年度总体目标": "本年度绩效目标",
}


def as_other_province(source: Path, target: Path, labels: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(source)
    del wb["_perfxl"]
    wb.custom_doc_props.props.clear()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if type(cell).__name__ != "MergedCell" and cell.value in labels:
                    cell.value = labels[cell.value]
    wb.save(target)


def _fixed_texts() -> set[str]:
    """Texts every form of the batch shares: labels, level names, list values."""
    from perfxl.read.locate import layout_map, norm_label

    ts = template_set()
    fixed = set(layout_map(ts, "declaration").labels)
    for framework_id in ts.framework_ids():
        fw = ts.framework(framework_id)
        for level in range(fw.depth):
            fixed |= set(fw.all_names(level))
    layout = ts.layout("declaration")
    for values in (*layout.lists.values(), *ts.common_lists().values()):
        fixed |= {norm_label(v) for v in values}
    return fixed


def distinct_copy(source: Path, target: Path, mark: int, fixed: set[str]) -> None:
    """``source`` with every typed text of its project sheets marked ``mark``."""
    from perfxl.checks.targets import QUANTITATIVE, parse_target
    from perfxl.read.locate import norm_label

    wb = openpyxl.load_workbook(source)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if (
                    type(cell).__name__ != "MergedCell"
                    and isinstance(value, str)
                    and norm_label(value) not in fixed
                    and not value.startswith("=")
                    and parse_target(value).kind != QUANTITATIVE  # targets stay targets
                ):
                    cell.value = f"{value}·{mark}"
    wb.save(target)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40, help="files per side")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        known = folder / "known.xlsx"
        DocumentWriter(template_set()).write(load_document(SAMPLE), known)
        sources = {"known": known, "family": folder / "other.xlsx", "partial": folder / "p.xlsx"}
        as_other_province(known, sources["family"], OTHER)
        as_other_province(known, sources["partial"], PARTIAL)
        sides: dict[str, list[Path]] = {side: [] for side in sources}
        fixed = _fixed_texts()
        for i in range(args.n):
            for side, source in sources.items():
                path = folder / f"{side}-{i}.xlsx"
                distinct_copy(source, path, i, fixed)
                sides[side].append(path)
        options = RunOptions()
        assert check_file(sides["known"][0], options).layout == "declaration"
        assert check_file(sides["family"][0], options).layout == "family"
        assert check_file(sides["partial"][0], options).layout == "family"
        ratios: dict[str, list[float]] = {"family": [], "partial": []}
        per_file: dict[str, list[float]] = {side: [] for side in sources}
        names = list(sources)
        for _ in range(args.rounds):
            spent = dict.fromkeys(sources, 0.0)
            for i in range(args.n):
                order = names if i % 2 == 0 else names[::-1]
                for side in order:
                    start = time.perf_counter()
                    check_file(sides[side][i], options)
                    spent[side] += time.perf_counter() - start
            for side in spent:
                per_file[side].append(spent[side] / args.n * 1000)
            for side in ratios:
                ratios[side].append(spent[side] / spent["known"])
    print(f"{args.n} files per side, {args.rounds} rounds (the Minhang sample, 11 projects)")
    for side, values in per_file.items():
        low, high = min(values), max(values)
        print(f"  {side:8s} {statistics.median(values):6.1f} ms/file ({low:.1f}–{high:.1f})")
    for side, values in ratios.items():
        print(
            f"  {side} / known: median {statistics.median(values):.2f} "
            f"(range {min(values):.2f}–{max(values):.2f}; goal ≤ 2)"
        )


if __name__ == "__main__":
    main()
