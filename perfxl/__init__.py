"""perfxl — 财政项目支出绩效目标表的生成、回收检查与汇总。

The library in eight calls (see docs/api.md)::

    import perfxl
    report = perfxl.check(["回收/"])
    for finding in report.findings:
        print(finding.code, finding.message)

Everything is imported on first use (PEP 562), so ``import perfxl`` costs nearly nothing and
a check never loads the write stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → module that defines it
_EXPORTS = {
    "load": "perfxl.api",
    "generate": "perfxl.api",
    "blank": "perfxl.api",
    "check": "perfxl.api",
    "extract": "perfxl.api",
    "merge": "perfxl.api",
    "status": "perfxl.api",
    "compare": "perfxl.api",
    "layouts": "perfxl.api",
    "LayoutInfo": "perfxl.results",
    "layout_init": "perfxl.api",
    "LayoutInitResult": "perfxl.results",
    "next_stage": "perfxl.api",
    "Progress": "perfxl.results",
    "NotUsed": "perfxl.results",
    "LoadResult": "perfxl.results",
    "GenerateResult": "perfxl.results",
    "GeneratedFile": "perfxl.results",
    "BlankResult": "perfxl.results",
    "BlankFileResult": "perfxl.results",
    "CheckReport": "perfxl.results",
    "CheckedFile": "perfxl.results",
    "ExtractResult": "perfxl.results",
    "MergeResult": "perfxl.results",
    "StatusResult": "perfxl.results",
    "UnitStatus": "perfxl.results",
    "ReturnedFile": "perfxl.results",
    "UnmatchedFile": "perfxl.results",
    "NextResult": "perfxl.results",
    "NextFileResult": "perfxl.results",
    "CompareResult": "perfxl.results",
    "CompareFinding": "perfxl.results",
    "Finding": "perfxl.core.findings",
    "PerfxlError": "perfxl.core.errors",
    "OutputError": "perfxl.core.errors",
    "Document": "perfxl.define.model",
}

__all__ = [
    "__version__",
    "load",
    "generate",
    "blank",
    "check",
    "extract",
    "merge",
    "status",
    "compare",
    "layouts",
    "LayoutInfo",
    "layout_init",
    "LayoutInitResult",
    "next_stage",
    "Progress",
    "NotUsed",
    "LoadResult",
    "GenerateResult",
    "GeneratedFile",
    "BlankResult",
    "BlankFileResult",
    "CheckReport",
    "CheckedFile",
    "ExtractResult",
    "MergeResult",
    "StatusResult",
    "UnitStatus",
    "ReturnedFile",
    "UnmatchedFile",
    "NextResult",
    "NextFileResult",
    "CompareResult",
    "CompareFinding",
    "Finding",
    "PerfxlError",
    "OutputError",
    "Document",
]

if TYPE_CHECKING:
    from perfxl.api import (
        blank,
        check,
        compare,
        extract,
        generate,
        layout_init,
        layouts,
        load,
        merge,
        next_stage,
        status,
    )
    from perfxl.core.errors import OutputError, PerfxlError
    from perfxl.core.findings import Finding
    from perfxl.define.model import Document
    from perfxl.results import (
        BlankFileResult,
        BlankResult,
        CheckedFile,
        CheckReport,
        CompareFinding,
        CompareResult,
        ExtractResult,
        GeneratedFile,
        GenerateResult,
        LayoutInfo,
        LayoutInitResult,
        LoadResult,
        MergeResult,
        NextFileResult,
        NextResult,
        NotUsed,
        Progress,
        ReturnedFile,
        StatusResult,
        UnitStatus,
        UnmatchedFile,
    )


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'perfxl' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # the next access skips this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
