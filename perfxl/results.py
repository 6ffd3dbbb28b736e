"""What every API call returns: plain, immutable data with ``to_dict()``.

Each result accounts for every input — used, or listed in ``not_used`` with the reason — and
names every file it wrote in ``written``. ``to_dict()`` holds only JSON types; the command
line's ``--format json`` prints exactly ``to_dict()`` of the same call, so a script and the
command see the same thing. The check report keeps the JSON contract of docs/check.md (new
keys may be added, none removed or renamed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfxl.core.findings import ERROR, WARNING, Finding

if TYPE_CHECKING:
    from perfxl.define.model import Document
    from perfxl.merging.charts import SummaryFigures


def _diagnostic_dict(diag: Finding) -> dict[str, Any]:
    """A problem in a definition as a workbook finding is: its code, severity, message, hint
    and where (file, line, column); ``text`` is the whole line as the command prints it."""
    return {**diag.to_dict(), "text": diag.format()}


@dataclass(frozen=True)
class Progress:
    """One step of a batch: ``done`` of ``total`` items finished, ``current`` the last one."""

    done: int
    total: int
    current: str

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


@dataclass(frozen=True)
class NotUsed:
    """An input that contributed nothing, and why (a complete Chinese sentence)."""

    path: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


# ----------------------------------------------------------------------------------------
# layouts


@dataclass(frozen=True)
class LayoutInfo:
    """One layout (表样) that ``generate`` and ``blank`` can write and ``check`` reads."""

    id: str
    name: str
    version: str
    framework: str
    money_unit: str

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "framework": self.framework,
            "money_unit": self.money_unit,
        }


# ----------------------------------------------------------------------------------------
# load


@dataclass(frozen=True)
class LoadResult:
    """A project definition read from YAML: the document when it has no error, and every
    diagnostic either way. Bad data never raises; ``ok`` and ``diagnostics`` say what is wrong.
    """

    source: str
    document: Document | None
    diagnostics: tuple[Finding, ...] = ()
    error: str | None = None  # the whole complaint when the document could not be built

    @property
    def ok(self) -> bool:
        return self.document is not None

    @property
    def projects(self) -> int:
        return len(self.document.projects) if self.document else 0

    @property
    def indicators(self) -> int:
        if self.document is None:
            return 0
        return sum(len(p.indicators) for p in self.document.projects)

    def to_dict(self) -> dict[str, Any]:
        doc = self.document
        return {
            "source": self.source,
            "ok": self.ok,
            "layout": doc.layout.id if doc else None,
            "year": doc.year if doc else None,
            "projects": [{"name": p.name, "indicators": len(p.indicators)} for p in doc.projects]
            if doc
            else [],
            "diagnostics": [_diagnostic_dict(d) for d in self.diagnostics],
            "error": self.error,
        }


# ----------------------------------------------------------------------------------------
# generate


@dataclass(frozen=True)
class GeneratedFile:
    source: str
    output: str
    projects: int = 0
    indicators: int = 0
    diagnostics: tuple[Finding, ...] = ()
    error: str | None = None
    written: bool = False
    loaded: bool = True  # False: the definition itself has errors (``error`` lists them)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "output": self.output,
            "loaded": self.loaded,
            "written": self.written,
            "projects": self.projects,
            "indicators": self.indicators,
            "diagnostics": [_diagnostic_dict(d) for d in self.diagnostics],
            "error": self.error,
        }


@dataclass(frozen=True)
class GenerateResult:
    """All or nothing: either every input's workbook was written, or (an input has errors)
    none was, and every input is in ``not_used`` with the reason."""

    files: tuple[GeneratedFile, ...]

    @property
    def ok(self) -> bool:
        return all(f.written for f in self.files)

    @property
    def written(self) -> tuple[str, ...]:
        return tuple(f.output for f in self.files if f.written)

    @property
    def not_used(self) -> tuple[NotUsed, ...]:
        return tuple(NotUsed(f.source, f.error or "") for f in self.files if not f.written)

    @property
    def projects(self) -> int:
        return sum(f.projects for f in self.files)

    @property
    def indicators(self) -> int:
        return sum(f.indicators for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "files": [f.to_dict() for f in self.files],
            "written": list(self.written),
            "not_used": [n.to_dict() for n in self.not_used],
            "summary": {
                "files": len(self.files),
                "written": len(self.written),
                "projects": self.projects,
                "indicators": self.indicators,
            },
        }


# ----------------------------------------------------------------------------------------
# blank


@dataclass(frozen=True)
class NextFileResult:
    """One input of ``perfxl next``: the workbook of the next stage made from it, or why not."""

    source: str
    output: str
    projects: int = 0
    error: str | None = None

    @property
    def written(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "output": self.output,
            "projects": self.projects,
            "written": self.written,
            "error": self.error,
        }


@dataclass(frozen=True)
class NextResult:
    """``perfxl next STAGE``: every input accounted for, each with its next-stage workbook."""

    stage: str
    folder: str
    files: tuple[NextFileResult, ...]

    @property
    def ok(self) -> bool:
        return bool(self.files) and all(f.written for f in self.files)

    @property
    def written(self) -> tuple[str, ...]:
        return tuple(f.output for f in self.files if f.written)

    @property
    def not_used(self) -> tuple[NotUsed, ...]:
        return tuple(NotUsed(f.source, f.error or "") for f in self.files if not f.written)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "stage": self.stage,
            "folder": self.folder,
            "files": [f.to_dict() for f in self.files],
            "written": list(self.written),
            "not_used": [n.to_dict() for n in self.not_used],
        }


@dataclass(frozen=True)
class BlankFileResult:
    output: str
    department: str
    unit: str
    projects: tuple[str, ...] = ()
    error: str | None = None

    @property
    def written(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "department": self.department,
            "unit": self.unit,
            "projects": list(self.projects),
            "written": self.written,
            "error": self.error,
        }


@dataclass(frozen=True)
class BlankResult:
    roster: str
    folder: str
    files: tuple[BlankFileResult, ...]
    manifest: str
    # with --form: the province's blank workbook, the labels its unit fields were typed
    # next to, and its fingerprint (recorded in every copy)
    form: str | None = None
    form_fields: tuple[str, ...] = ()
    form_fingerprint: str | None = None

    @property
    def ok(self) -> bool:
        return all(f.written for f in self.files)

    @property
    def written(self) -> tuple[str, ...]:
        return (*(f.output for f in self.files if f.written), self.manifest)

    @property
    def not_used(self) -> tuple[NotUsed, ...]:
        return tuple(NotUsed(f.output, f.error or "") for f in self.files if not f.written)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "roster": self.roster,
            "folder": self.folder,
            "manifest": self.manifest,
            "files": [f.to_dict() for f in self.files],
            "written": list(self.written),
            "not_used": [n.to_dict() for n in self.not_used],
            "form": self.form,
            "form_fields": list(self.form_fields),
            "form_fingerprint": self.form_fingerprint,
        }


# ----------------------------------------------------------------------------------------
# check and extract


@dataclass(frozen=True)
class CheckedFile:
    """One returned workbook, read and checked — or unreadable, the reason an R finding."""

    path: str
    layout: str | None
    ok: bool  # no error finding
    readable: bool
    projects: tuple[dict[str, Any], ...] = ()
    findings: tuple[Finding, ...] = ()
    definition_yaml: str | None = None
    annotated: str | None = None
    year: int | None = None
    money_unit: str | None = None
    format: str | None = None  # "xlsx" | "xlsm" | "xls" | "ods", once read
    # perfxl's custom document properties (name without "perfxl_"), e.g. the unit_key that
    # ``blank`` writes; not part of the JSON report
    properties: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    @property
    def indicators(self) -> int:
        return sum(len(p.get("indicators") or ()) for p in self.projects)

    def reason(self) -> str:
        """Why an unreadable file was not used: its R findings, one sentence each."""
        return "；".join(f"{f.code} {f.message}" for f in self.findings if f.severity == ERROR)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "layout": self.layout,
            "ok": self.ok,
            "projects": list(self.projects),
            "findings": [f.to_dict() for f in self.findings],
        }

    def as_dict(self) -> dict[str, Any]:
        """The check stage's older name for :meth:`to_dict`."""
        return self.to_dict()


def _summary(files: tuple[CheckedFile, ...]) -> dict[str, int]:
    return {
        "files": len(files),
        "errors": sum(f.errors for f in files),
        "warnings": sum(f.warnings for f in files),
    }


@dataclass(frozen=True)
class CheckReport:
    files: tuple[CheckedFile, ...]

    @property
    def ok(self) -> bool:
        """Every file readable and without an error finding."""
        return all(f.ok for f in self.files)

    @property
    def readable(self) -> bool:
        return all(f.readable for f in self.files)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for file in self.files for f in file.findings)

    @property
    def summary(self) -> dict[str, int]:
        return _summary(self.files)

    @property
    def written(self) -> tuple[str, ...]:
        return tuple(f.annotated for f in self.files if f.annotated)

    @property
    def unwritten(self) -> tuple[str, ...]:
        """The files whose annotated copy could not be written (O001 says why)."""
        return tuple(f.path for f in self.files if any(x.code == "O001" for x in f.findings))

    @property
    def not_used(self) -> tuple[NotUsed, ...]:
        return tuple(NotUsed(f.path, f.reason()) for f in self.files if not f.readable)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report of docs/check.md, key for key (unreadable files are among
        ``files``, with their R finding; annotated copies are not part of the contract)."""
        return {"files": [f.to_dict() for f in self.files], "summary": self.summary}


@dataclass(frozen=True)
class ExtractResult:
    """The project definitions read back from returned workbooks (``files``: the readable
    ones, each with ``definition_yaml``), the unreadable ones in ``not_used``."""

    files: tuple[CheckedFile, ...]
    not_used: tuple[NotUsed, ...] = ()
    written: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.not_used

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [f.to_dict() for f in self.files],
            "summary": _summary(self.files),
            "written": list(self.written),
            "not_used": [n.to_dict() for n in self.not_used],
        }


# ----------------------------------------------------------------------------------------
# merge


@dataclass(frozen=True)
class MergeResult:
    output: Path
    files: int
    merged_files: int
    projects: int
    indicators: int
    not_merged: list[tuple[str, str]] = field(default_factory=list)  # (path or path#sheet, why)
    written: tuple[str, ...] = ()
    # per unit (or department) and indicator kinds: what the 图表 sheet charts
    figures: SummaryFigures | None = None
    years: tuple[tuple[int | None, int], ...] = ()  # (year, files) merged, in year order
    notices: tuple[Finding, ...] = ()  # about the whole summary: several years (M013)

    @property
    def ok(self) -> bool:
        return not self.not_merged

    @property
    def not_used(self) -> tuple[NotUsed, ...]:
        return tuple(NotUsed(where, reason) for where, reason in self.not_merged)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "output": str(self.output),
            "written": list(self.written),
            "summary": {
                "files": self.files,
                "merged_files": self.merged_files,
                "projects": self.projects,
                "indicators": self.indicators,
                "years": [{"year": year, "files": files} for year, files in self.years],
            },
            "notices": [n.to_dict() for n in self.notices],
            "not_used": [n.to_dict() for n in self.not_used],
            "groups": [g.to_dict() for g in self.figures.groups] if self.figures else [],
            "indicator_kinds": dict(self.figures.indicator_kinds) if self.figures else {},
            "money_unit": self.figures.money_unit if self.figures else None,
        }


# ----------------------------------------------------------------------------------------
# status

STATUS_LABELS = {"missing": "未交", "errors": "有错误", "warnings": "仅有警告", "passed": "通过"}
MATCH_LABELS = {
    "key": "单位标识",
    "name": "单位名称",
    "filename": "文件名",
    "similar": "名称相近（请确认）",
}


@dataclass(frozen=True)
class ReturnedFile:
    """One returned file matched to a roster unit, and how it was matched: ``key`` (the unit
    identity ``blank`` wrote into the form), ``name`` (the 实施单位 the form states, equal
    after normalising), ``filename`` (the file's name is the unit's) or ``similar`` (a name
    alike by ``similarity`` ≥ the threshold: to be confirmed by a person)."""

    path: str
    modified: str  # the file's modification time, local, "YYYY-MM-DD HH:MM:SS"
    readable: bool
    errors: int
    warnings: int
    layout: str | None
    unit_in_file: str | None  # the 实施单位 as the form states it
    match: str
    similarity: float | None = None
    late: bool = False
    form: str = ""  # which of the unit's forms (blank --per-project: its projects)
    findings: tuple[Finding, ...] = ()

    @property
    def match_label(self) -> str:
        label = MATCH_LABELS.get(self.match, self.match)
        if self.similarity is not None and self.match == "similar":
            label = f"名称相近（相似度 {self.similarity:.2f}，请确认）"
        return label

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "modified": self.modified,
            "readable": self.readable,
            "errors": self.errors,
            "warnings": self.warnings,
            "layout": self.layout,
            "unit_in_file": self.unit_in_file,
            "match": self.match,
            "similarity": self.similarity,
            "late": self.late,
            "form": self.form,
        }


@dataclass(frozen=True)
class UnitStatus:
    """A roster unit in a collection round. ``state``: ``missing`` (未交), ``errors``
    (有错误), ``warnings`` (仅有警告) or ``passed`` (通过), from the newest return of each of
    its forms; ``late``: a form first came in after the deadline. ``fixed`` and ``new``:
    findings (code and cell) the newest return no longer has / has that the one before it
    had not."""

    department: str
    unit: str
    key: str
    contact: str = ""
    phone: str = ""
    state: str = "missing"
    late: bool = False
    errors: int = 0
    warnings: int = 0
    returns: tuple[ReturnedFile, ...] = ()  # every return, newest first
    latest: tuple[ReturnedFile, ...] = ()  # the newest return of each form
    fixed: tuple[str, ...] = ()
    new: tuple[str, ...] = ()
    # the projects whose form has not come back, when each project had its own form
    # (blank --per-project) and others have
    missing_forms: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        text = STATUS_LABELS[self.state]
        if self.state == "errors":
            text += f"（{self.errors}）"
        if self.missing_forms:
            text += f"，缺 {len(self.missing_forms)} 张表"
        return text + ("，逾期" if self.late else "")

    @property
    def complete(self) -> bool:
        """Every form of the unit returned, the newest of each without an error."""
        return self.state in ("warnings", "passed") and not self.missing_forms

    @property
    def to_chase(self) -> bool:
        """On the 催报名单: not returned (any of its forms), late, or with errors."""
        return self.state in ("missing", "errors") or self.late or bool(self.missing_forms)

    @property
    def to_confirm(self) -> bool:
        return any(r.match == "similar" for r in self.returns)

    def to_dict(self) -> dict[str, Any]:
        return {
            "department": self.department,
            "unit": self.unit,
            "key": self.key,
            "contact": self.contact,
            "phone": self.phone,
            "state": self.state,
            "label": self.label,
            "late": self.late,
            "errors": self.errors,
            "warnings": self.warnings,
            "returns": [r.to_dict() for r in self.returns],
            "latest": [r.path for r in self.latest],
            "fixed": list(self.fixed),
            "new": list(self.new),
            "missing_forms": list(self.missing_forms),
        }


@dataclass(frozen=True)
class UnmatchedFile:
    """A file in the inbox that matches no unit of the roster."""

    path: str
    modified: str
    readable: bool
    layout: str | None
    unit_in_file: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "modified": self.modified,
            "readable": self.readable,
            "layout": self.layout,
            "unit_in_file": self.unit_in_file,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class StatusResult:
    """The state of a collection round: every roster unit (``units``, in roster order) and
    every file of the inbox — matched to a unit (in its ``returns``) or in ``unmatched``."""

    roster: str
    units: tuple[UnitStatus, ...]
    unmatched: tuple[UnmatchedFile, ...] = ()
    deadline: str | None = None
    similarity: float = 0.8
    written: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Every unit returned (every form of it), and no newest return has an error."""
        return all(u.complete for u in self.units)

    @property
    def readable(self) -> bool:
        """Every file of the inbox could be read."""
        return all(r.readable for u in self.units for r in u.returns) and all(
            f.readable for f in self.unmatched
        )

    @property
    def to_chase(self) -> tuple[UnitStatus, ...]:
        return tuple(u for u in self.units if u.to_chase)

    @property
    def to_confirm(self) -> tuple[UnitStatus, ...]:
        return tuple(u for u in self.units if u.to_confirm)

    @property
    def summary(self) -> dict[str, int]:
        count = {state: 0 for state in STATUS_LABELS}
        for u in self.units:
            count[u.state] += 1
        return {
            "units": len(self.units),
            "returned": len(self.units) - count["missing"],
            **count,
            "late": sum(1 for u in self.units if u.late),
            "files": sum(len(u.returns) for u in self.units) + len(self.unmatched),
            "unmatched": len(self.unmatched),
            "to_confirm": len(self.to_confirm),
        }

    @property
    def not_used(self) -> tuple[NotUsed, ...]:
        return tuple(NotUsed(f.path, f.reason) for f in self.unmatched)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "roster": self.roster,
            "deadline": self.deadline,
            "similarity": self.similarity,
            "summary": self.summary,
            "units": [u.to_dict() for u in self.units],
            "unmatched": [f.to_dict() for f in self.unmatched],
            "written": list(self.written),
        }


# ----------------------------------------------------------------------------------------
# compare


@dataclass(frozen=True)
class Side:
    """A place on one side of a comparison: the file, the sheet and the cell."""

    file: str
    sheet: str
    cell: str = ""

    @property
    def place(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "sheet": self.sheet, "cell": self.cell}


@dataclass(frozen=True)
class CompareFinding:
    """A C finding with its place on both sides: ``this`` (this year's form; None for a
    project only last year had) and ``last``. ``finding.sheet``/``cell`` are this year's
    place when there is one."""

    finding: Finding
    unit: str
    this: Side | None
    last: Side | None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.finding.to_dict(),
            "project": self.finding.project,
            "unit": self.unit,
            "this": self.this.to_dict() if self.this else None,
            "last": self.last.to_dict() if self.last else None,
        }


@dataclass(frozen=True)
class PairedProject:
    """A project of this year and its counterpart of last year: ``match`` is ``exact`` (same
    unit and name, years aside) or ``similar`` (names alike by ``similarity``)."""

    unit: str
    name: str
    last_name: str
    match: str
    similarity: float
    this: Side
    last: Side
    codes: tuple[str, ...] = ()  # the codes of the pair's findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "last_name": self.last_name,
            "match": self.match,
            "similarity": self.similarity,
            "this": self.this.to_dict(),
            "last": self.last.to_dict(),
            "codes": list(self.codes),
        }


@dataclass(frozen=True)
class UnpairedProject:
    side: str  # "last" or "this"
    unit: str
    name: str
    where: Side

    def to_dict(self) -> dict[str, Any]:
        return {"side": self.side, "unit": self.unit, "name": self.name, **self.where.to_dict()}


@dataclass(frozen=True)
class CompareResult:
    """This year against last year: the pairs, the unpaired projects of either side, the C
    findings, and the files that could not be read (``not_used``)."""

    pairs: tuple[PairedProject, ...]
    unpaired: tuple[UnpairedProject, ...]
    findings: tuple[CompareFinding, ...]
    not_used: tuple[NotUsed, ...] = ()
    last_files: int = 0
    this_files: int = 0
    money_share: float = 0.2
    text_similarity: float = 0.9
    written: tuple[str, ...] = ()
    skipped: tuple[NotUsed, ...] = ()  # perfxl's own outputs among the inputs: not compared

    @property
    def ok(self) -> bool:
        """Every file read and no warning (copied, lowered, dropped…); notes (提示) aside."""
        return self.readable and not any(
            f.finding.severity in (ERROR, WARNING) for f in self.findings
        )

    @property
    def readable(self) -> bool:
        return not self.not_used

    @property
    def summary(self) -> dict[str, int]:
        return {
            "last_files": self.last_files,
            "this_files": self.this_files,
            "pairs": len(self.pairs),
            "similar": sum(1 for p in self.pairs if p.match == "similar"),
            "unpaired_last": sum(1 for u in self.unpaired if u.side == "last"),
            "unpaired_this": sum(1 for u in self.unpaired if u.side == "this"),
            "findings": len(self.findings),
            "warnings": sum(1 for f in self.findings if f.finding.severity == WARNING),
            "infos": sum(1 for f in self.findings if f.finding.severity == "info"),
            "unreadable": len(self.not_used),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "summary": self.summary,
            "money_share": self.money_share,
            "text_similarity": self.text_similarity,
            "pairs": [p.to_dict() for p in self.pairs],
            "unpaired": [u.to_dict() for u in self.unpaired],
            "findings": [f.to_dict() for f in self.findings],
            "not_used": [n.to_dict() for n in self.not_used],
            "skipped": [n.to_dict() for n in self.skipped],
            "written": list(self.written),
        }


# ----------------------------------------------------------------------------------------
# layout init


@dataclass(frozen=True)
class LayoutInitResult:
    """What ``layout init`` wrote from a blank form: the layout id (the folder's name), its
    layout.yaml and sheet.yaml.j2, the labels that became fields and the indicator columns."""

    form: str
    layout: str
    written: tuple[str, ...]
    fields: tuple[str, ...]
    columns: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "layout": self.layout,
            "written": list(self.written),
            "fields": list(self.fields),
            "columns": list(self.columns),
        }
