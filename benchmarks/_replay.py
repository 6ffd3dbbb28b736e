"""Record perfxl's XlsxWriter calls once and replay them on raw XlsxWriter: the baseline that
writes exactly the same cells, styles and validations without any of perfxl's own work."""

from __future__ import annotations

import datetime
import gc
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from perfxl.layout.templates import template_set
from perfxl.write.workbook import DocumentWriter, WriteOptions

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "in_memory": True,
}


class _Token:
    def __init__(self, kind: str, index: int):
        self.kind, self.index = kind, index


class _Recorder:
    """Stands in for an xlsxwriter Workbook or Worksheet and logs every call."""

    def __init__(self, log: list, target: Any):
        self._log, self._target = log, target

    def __getattr__(self, name: str):
        def call(*args, **kwargs):
            self._log.append((self._target, name, args, kwargs))
            if name == "add_worksheet":
                token = _Token("ws", sum(1 for e in self._log if e[1] == "add_worksheet") - 1)
                return _Recorder(self._log, token)
            if name == "add_format":
                return _Token("fmt", sum(1 for e in self._log if e[1] == "add_format") - 1)
            if name == "worksheets":
                return [_Recorder(self._log, _Token("ws", 0))]
            return None

        return call


def record(doc, options: WriteOptions | None = None) -> list:
    log: list = []
    DocumentWriter(template_set(), options).build(_Recorder(log, "wb"), doc)  # type: ignore[arg-type]
    return log


def compile_replay(log: list):
    """Turn a call log into straight-line Python — ``ws1.write_string(3, 1, '…', f5)`` — so the
    baseline pays for XlsxWriter only, not for interpreting the log."""
    lines = ["def run(path):", "    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)"]
    n_ws = n_fmt = 0

    def arg(x: Any) -> str:
        if isinstance(x, _Token):
            return f"{x.kind}{x.index}"
        return repr(x)

    for target, name, args, kwargs in log:
        obj = "wb" if target == "wb" else arg(target)
        call = (
            f"{obj}.{name}("
            + ", ".join([*map(arg, args), *(f"{k}={arg(v)}" for k, v in kwargs.items())])
            + ")"
        )
        if name == "add_worksheet":
            lines.append(f"    ws{n_ws} = {call}")
            n_ws += 1
        elif name == "add_format":
            lines.append(f"    fmt{n_fmt} = {call}")
            n_fmt += 1
        elif name == "worksheets":
            continue
        else:
            lines.append(f"    {call}")
    lines.append("    wb.close()")
    namespace = {
        "xlsxwriter": xlsxwriter,
        "WORKBOOK_OPTIONS": WORKBOOK_OPTIONS,
        "Decimal": Decimal,
        "datetime": datetime,
    }
    exec(compile("\n".join(lines), "<replay>", "exec"), namespace)
    return namespace["run"]


def replay(log: list, path: Path) -> None:
    compile_replay(log)(path)


def best_of(repeat: int, fn, clock=time.process_time) -> float:
    """Best of ``repeat`` runs. Single-process work is timed in CPU time, which a busy
    neighbour on a shared machine disturbs far less than wall time."""
    times = []
    for _ in range(repeat):
        gc.collect()  # start every run from the same heap
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)
