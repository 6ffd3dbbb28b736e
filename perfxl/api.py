"""perfxl as a library: one function per command, each returning a result object.

    load(yaml)             → LoadResult     (the Document and its diagnostics)
    generate(yaml…, out)   → GenerateResult (all or nothing)
    blank(roster, out)     → BlankResult    (blank forms and 清单.csv)
    check(workbooks…)      → CheckReport    (findings with codes, cells and hints)
    extract(workbooks…)    → ExtractResult  (project definitions read back)
    merge(workbooks…, out) → MergeResult    (the 汇总 workbook)
    status(roster, inbox…) → StatusResult   (who has returned, with errors, late; 回收情况.xlsx)
    compare(last, this)    → CompareResult  (this year's forms against last year's; 对比.xlsx)
    layouts()              → LayoutInfo…    (the layouts there are)

Bad user data never raises: the result says what is wrong. :class:`~perfxl.core.errors.PerfxlError`
(with a complete Chinese message) is raised only when a call cannot start at all — no input
found, a broken ``templates`` folder, an output that cannot be written. Nothing here prints;
batches report progress through ``progress(Progress(done, total, current))``; a callback that
raises :class:`~perfxl.core.errors.Cancelled` stops the batch at the next item, with nothing
half-written left, and the exception comes through unchanged.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, Union

from perfxl.core.errors import PerfxlError
from perfxl.results import (
    BlankFileResult,
    BlankResult,
    CheckReport,
    CompareResult,
    ExtractResult,
    GenerateResult,
    LayoutInfo,
    LayoutInitResult,
    LoadResult,
    MergeResult,
    NextFileResult,
    NextResult,
    NotUsed,
    Progress,
    StatusResult,
)

if TYPE_CHECKING:
    from perfxl.core.outputs import OutputPlan
    from perfxl.define.model import Document, LoadOptions

PathLike = Union[str, "os.PathLike[str]"]
ProgressCallback = Callable[[Progress], None]
T = TypeVar("T")

__all__ = [
    "load",
    "generate",
    "blank",
    "check",
    "extract",
    "merge",
    "status",
    "compare",
    "layouts",
    "layout_init",
    "next_stage",
]


def _workers(workers: int | None) -> int:
    from perfxl.core.parallel import default_workers

    return workers or default_workers()


def _paths(items: PathLike | Iterable[PathLike]) -> list[Path]:
    if isinstance(items, (str, os.PathLike)):
        return [Path(items)]
    return [Path(item) for item in items]


def _ticker(
    progress: ProgressCallback | None, total: int, name: Callable[[Any], str]
) -> Callable[[Any], None] | None:
    """An ``on_done`` for a batch of ``total`` steps that reports each to ``progress``."""
    if progress is None:
        return None
    done = 0

    def tick(result: Any) -> None:
        nonlocal done
        done += 1
        progress(Progress(done, total, name(result)))

    return tick


def _load_options(
    templates: Sequence[PathLike],
    lenient: bool,
    blank_rows: int | None,
    month: int | None = None,
    profile: str | None = None,
) -> LoadOptions:
    from perfxl.define.model import LoadOptions
    from perfxl.layout.templates import template_set

    if month is not None and not 1 <= int(month) <= 12:
        raise PerfxlError(f"错误：监控月份「{month}」无效（应是 1–12）")
    options = LoadOptions(
        templates=tuple(Path(t) for t in templates),
        lenient_levels=lenient,
        blank_rows=blank_rows,
        month=month,
        profile=_profile(profile, templates),
    )
    template_set(options.templates)  # a missing --templates folder stops the call, early
    return options


# ----------------------------------------------------------------------------------------


def load(
    source: PathLike,
    *,
    templates: Sequence[PathLike] = (),
    lenient: bool = False,
    blank_rows: int | None = None,
) -> LoadResult:
    """Read a project definition. ``source`` is a path, or YAML text: a ``str`` holding a
    line break, or one that names no file and reads as YAML (``layout: declaration``).
    ``result.document`` is None when the definition has errors; ``result.diagnostics``
    lists every problem found either way."""
    from perfxl.define.model import load_document_text
    from perfxl.write.generate import load_source

    options = _load_options(templates, lenient, blank_rows)
    if isinstance(source, str) and _is_yaml_text(source):
        try:
            doc = load_document_text(source, "<文本>", options)
        except PerfxlError as exc:
            return LoadResult("<文本>", None, tuple(exc.diagnostics), exc.format())
        return LoadResult("<文本>", doc, tuple(doc.diagnostics))
    return load_source(Path(source), options)


def generate(
    source: Document | LoadResult | PathLike | Iterable[PathLike],
    out: PathLike | None = None,
    *,
    templates: Sequence[PathLike] = (),
    lenient: bool = False,
    blank_rows: int | None = None,
    merge_levels: bool = True,
    month: int | None = None,
    profile: str | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> GenerateResult:
    """Write the workbook of each definition: one YAML file, several, folders of them, or a
    document already loaded. ``out`` is a folder (default: the current one), or a ``.xlsx``
    file for a single input. All or nothing: when any input has an error, no workbook is
    written and ``result.not_used`` says why for each input. ``month`` is the monitoring
    form's month N (1–12) for every project, instead of the one the YAML gives (default 7).
    ``profile`` is the scoring profile of a self-evaluation (its 预算执行率 points and the
    rules ``check`` applies later), instead of the layout's."""
    from perfxl.define.model import Document
    from perfxl.write.generate import expand_inputs, plan_outputs, run_jobs
    from perfxl.write.workbook import WriteOptions

    options = _load_options(templates, lenient, blank_rows, month, profile)
    output = Path(out) if out is not None else None
    loaded: list[LoadResult] | None = None
    if isinstance(source, (Document, LoadResult)):
        result = source if isinstance(source, LoadResult) else LoadResult(source.path, source)
        sources = [Path(result.source)]
        loaded = [result]
    else:
        sources = expand_inputs(_paths(source))
        if not sources:
            raise PerfxlError("错误：没有找到任何 YAML 文件（请给出 .yaml 文件或含有它们的文件夹）")
    jobs = plan_outputs(sources, output)
    steps = len(jobs) if loaded is not None else 2 * len(jobs)
    return run_jobs(
        jobs,
        options,
        WriteOptions(merge_levels=merge_levels),
        _workers(workers),
        _ticker(progress, steps, lambda r: Path(getattr(r, "source", "") or "").name),
        loaded=loaded,
    )


def next_stage(
    stage: str,
    sources: PathLike | Iterable[PathLike],
    out: PathLike,
    *,
    month: int | None = None,
    overwrite: bool = False,
    templates: Sequence[PathLike] = (),
    progress: ProgressCallback | None = None,
) -> NextResult:
    """The next stage's workbook of each returned workbook or definition (``perfxl next``):
    ``stage`` is ``approval`` (from 申报), ``monitor`` (from 申报 or 批复) or ``self-eval``
    (from 申报, 批复 or 监控). Carried values are locked and recorded, so ``check`` of the
    returned next-stage workbook reports what differs from its source (K010–K015). One
    workbook per input in ``out``, named «source-批复表.xlsx» etc.; an input that cannot be
    used is listed with its reason, and never stops the others; no input is ever written."""
    from perfxl.carry.next import STAGE_NAMES, STAGES, expand_sources, next_one, output_name
    from perfxl.core.errors import OutputError
    from perfxl.core.outputs import OutputPlan, mirrored
    from perfxl.layout.templates import template_set

    if stage not in STAGES:
        raise PerfxlError(f"错误：阶段「{stage}」未知（可用：{'、'.join(STAGES)}）")
    if month is not None and not 1 <= int(month) <= 12:
        raise PerfxlError(f"错误：监控月份「{month}」无效（应是 1–12）")
    paths = expand_sources(_paths(sources))
    if not paths:
        raise PerfxlError(
            "错误：没有找到任何输入（请给出交回的工作簿、YAML 文件或含有它们的文件夹）"
        )
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise PerfxlError(f"{folder}：错误：输出位置已存在且不是文件夹（请换一个文件夹名）")
    ts = template_set(tuple(Path(t) for t in templates))
    # outputs never onto an input, nor into a folder of inputs (perfxl/core/outputs.py)
    plan = OutputPlan(paths, [p for p in _paths(sources) if p.is_dir()])
    targets = mirrored(paths, folder, lambda p, n: output_name(p, stage, n))
    tick = _ticker(progress, len(paths), lambda r: Path(r.source).name)
    files = []
    for path, target in zip(paths, targets):
        try:
            plan.claim(target, STAGE_NAMES[stage])
        except OutputError as exc:
            item = NextFileResult(str(path), str(target), 0, str(exc))
        else:
            item = NextFileResult(*next_one(path, stage, target, ts, month, overwrite))
        files.append(item)
        if tick is not None:
            tick(item)
    return NextResult(stage, str(folder), tuple(files))


def blank(
    roster: PathLike,
    out: PathLike = "空白表",
    *,
    layout: str | None = None,
    year: int | None = None,
    framework: str | None = None,
    money_unit: str | None = None,
    blank_rows: int | None = None,
    per_project: bool = False,
    sheets: int = 1,
    overwrite: bool = False,
    form: PathLike | None = None,
    templates: Sequence[PathLike] = (),
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> BlankResult:
    """Blank forms for every department (or project, ``per_project``) of a roster (YAML, CSV
    or XLSX), with the header fields filled in, and a 清单.csv listing each file.

    ``form``: a province's own blank workbook (.xlsx) to copy for each unit instead of a
    layout of ours: the unit's fields are typed next to their labels, the target cells made
    text, everything else kept as the province made it (``write/blankform.py``)."""
    from perfxl.define.roster import load_roster
    from perfxl.write.blank import BlankOptions, plan_blank, write_blank, write_manifest

    folder = Path(out)
    if form is not None:
        return _blank_from_form(Path(roster), folder, Path(form), year, per_project, overwrite, templates, progress)
    options = BlankOptions(
        layout=layout,
        year=year,
        framework=framework,
        money_unit=money_unit,
        blank_rows=blank_rows,
        per_project=per_project,
        sheets=sheets,
        overwrite=overwrite,
        templates=tuple(Path(t) for t in templates),
    )
    files = plan_blank(load_roster(Path(roster)), options, folder)
    if folder.exists() and not folder.is_dir():
        raise PerfxlError(f"{folder}：错误：输出位置已存在且不是文件夹（请换一个文件夹名）")
    names = iter([f.output.name for f in files])
    errors = write_blank(
        files, options, _workers(workers), _ticker(progress, len(files), lambda _: next(names, ""))
    )
    manifest = write_manifest(files, errors, folder)
    return BlankResult(
        str(roster),
        str(folder),
        tuple(
            BlankFileResult(
                str(f.output),
                f.unit.department,
                f.unit.unit,
                tuple(name for name, _ in f.projects),
                error,
            )
            for f, error in zip(files, errors)
        ),
        str(manifest),
    )


def _blank_from_form(
    roster: Path,
    folder: Path,
    form: Path,
    year: int | None,
    per_project: bool,
    overwrite: bool,
    templates: Sequence[PathLike],
    progress: ProgressCallback | None,
) -> BlankResult:
    from perfxl.define.roster import load_roster
    from perfxl.write.blank import BlankOptions, write_manifest
    from perfxl.write.blankform import plan_form_copies, write_form_copies

    options = BlankOptions(
        year=year,
        per_project=per_project,
        overwrite=overwrite,
        templates=tuple(Path(t) for t in templates),
        form=form,
    )
    blank_form, form_year, copies = plan_form_copies(load_roster(roster), options, folder)
    if folder.exists() and not folder.is_dir():
        raise PerfxlError(f"{folder}：错误：输出位置已存在且不是文件夹（请换一个文件夹名）")
    from perfxl.core.outputs import OutputPlan

    plan = OutputPlan([form, roster])  # no copy, nor the manifest, ever lands on the form
    for copy in copies:
        plan.claim(copy.output, "空白表副本")
    plan.claim(folder / "清单.csv", "清单")
    names = iter([c.output.name for c in copies])
    errors = write_form_copies(
        blank_form,
        form_year,
        copies,
        overwrite,
        _ticker(progress, len(copies), lambda _: next(names, "")),
    )
    manifest = write_manifest(copies, errors, folder)
    return BlankResult(
        str(roster),
        str(folder),
        tuple(
            BlankFileResult(
                str(c.output),
                c.unit.department,
                c.unit.unit,
                tuple(name for name, _ in c.projects),
                error,
            )
            for c, error in zip(copies, errors)
        ),
        str(manifest),
        form=str(form),
        form_fields=tuple(blank_form.fields()),
        form_fingerprint=blank_form.fingerprint,
    )


def _workbooks(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    from perfxl.checks.run import expand_workbooks

    found = expand_workbooks(_paths(paths))
    if not found:
        raise PerfxlError(
            "错误：没有找到任何工作簿（请给出 .xlsx、.xlsm、.xls、.ods 文件或文件夹）"
        )
    return found


def _plan(paths: PathLike | Iterable[PathLike], found: list[Path]) -> OutputPlan:
    """The outputs of a call are checked against these inputs before any work."""
    from perfxl.core.outputs import OutputPlan

    return OutputPlan(found, [p for p in _paths(paths) if p.is_dir()])


def check(
    paths: PathLike | Iterable[PathLike],
    *,
    annotate: PathLike | None = None,
    report: PathLike | None = None,
    projects: bool = True,
    framework: str | None = None,
    profile: str | None = None,
    templates: Sequence[PathLike] = (),
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> CheckReport:
    """Check returned workbooks (files or folders, searched recursively). Every file ends in
    the report, readable or not (an R finding says why). ``annotate``: a folder for copies
    with every finding marked (inputs from different folders keep their folders under it).
    ``report``: the file the caller will write the report to, checked before any work like
    every output (never an input, nor a workbook inside an input folder).
    ``projects=False`` leaves out the data read (faster).
    ``framework``: check every form under this framework (an id of ``perfxl layouts``)
    instead of the one it records or its level names show. ``profile``: score every
    self-evaluation by this scoring profile (``national``, ``hubei``, templates/profiles/)
    instead of the one it records or its layout names."""
    from perfxl.checks.run import RunOptions, run_checks

    found = _workbooks(paths)
    plan = _plan(paths, found)
    if report is not None:
        plan.claim(Path(report), "检查报告")
    targets = None
    if annotate is not None:
        from perfxl.core.outputs import mirrored
        from perfxl.report.annotate import annotated_name  # openpyxl: only when annotating

        folder = plan.claim_folder(Path(annotate), "标注副本的文件夹")
        targets = [plan.claim(t, "标注副本") for t in mirrored(found, folder, annotated_name)]
    plan.ready()
    options = RunOptions(
        templates=tuple(Path(t) for t in templates),
        want_projects=projects,
        framework=_framework(framework, templates),
        profile=_profile(profile, templates),
    )
    reports = run_checks(
        found,
        options,
        _workers(workers),
        _ticker(progress, len(found), lambda r: Path(r.path).name),
        annotate_to=targets,
    )
    return CheckReport(tuple(reports))


def _yaml_name(path: Path, attempt: int) -> str:
    if attempt == 0:
        return f"{path.stem}.yaml"
    if attempt == 1:
        return f"{path.name}.yaml"
    return f"{path.stem}（{attempt}）.yaml"


def extract(
    paths: PathLike | Iterable[PathLike],
    out: PathLike | None = None,
    *,
    report: PathLike | None = None,
    framework: str | None = None,
    templates: Sequence[PathLike] = (),
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> ExtractResult:
    """Read the project definitions back out of returned workbooks; each readable file's
    ``definition_yaml`` can be given to :func:`generate` again. With ``out`` the YAML is
    also written: to that file for one workbook and a ``.yaml`` name, else into that folder
    as ``<workbook name>.yaml`` (inputs from different folders keep their folders under it;
    two inputs never share a YAML). An unreadable workbook writes nothing, so an earlier YAML
    of it stays as it was. ``report``: the file the caller writes the result to (checked
    like ``out`` before any work)."""
    from perfxl.checks.run import RunOptions, run_checks
    from perfxl.core.atomic import atomic_write
    from perfxl.core.outputs import mirrored

    found = _workbooks(paths)
    plan = _plan(paths, found)
    if report is not None:
        plan.claim(Path(report), "结果文件")
    targets: list[Path] = []
    if out is not None:
        target = Path(out)
        if target.suffix.lower() in (".yaml", ".yml"):
            if len(found) != 1:
                raise PerfxlError(
                    f"{target}：错误：有 {len(found)} 个输入工作簿，-o 应是文件夹而不是一个 YAML 文件"
                )
            targets = [plan.claim(target, "项目定义 YAML")]
        else:
            folder = plan.claim_folder(target, "输出文件夹")
            targets = [plan.claim(t, "项目定义 YAML") for t in mirrored(found, folder, _yaml_name)]
    plan.ready()
    options = RunOptions(
        templates=tuple(Path(t) for t in templates),
        want_definition=True,
        want_projects=True,
        framework=_framework(framework, templates),
    )
    reports = run_checks(
        found,
        options,
        _workers(workers),
        _ticker(progress, len(found), lambda r: Path(r.path).name),
    )
    good = tuple(r for r in reports if r.readable)
    not_used = tuple(NotUsed(r.path, r.reason()) for r in reports if not r.readable)
    written: list[str] = []
    for item, target in zip(reports, targets):
        if item.readable:
            written.append(str(atomic_write(target, item.definition_yaml or "")))
    return ExtractResult(good, not_used, tuple(written))


def merge(
    paths: PathLike | Iterable[PathLike],
    out: PathLike = "汇总.xlsx",
    *,
    title: str | None = None,
    group: str = "department",
    money_unit: str = "元",
    duplicates: str = "newer",
    strict: bool = False,
    year: int | None = None,
    forms: bool = False,
    csv: PathLike | None = None,
    sqlite: PathLike | None = None,
    framework: str | None = None,
    templates: Sequence[PathLike] = (),
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> MergeResult:
    """Merge returned workbooks (files, folders searched recursively, or glob patterns such
    as ``回收/**/*.xlsx``) into one 汇总 workbook; every input ends merged or in
    ``result.not_merged`` with the reason. ``csv``/``sqlite``: also write the data there.
    ``duplicates``: the same (unit, project, year) in several files is merged once, from the
    newest file (``newer``), every time (``keep``), or stops the merge (``stop``:
    :class:`~perfxl.core.errors.DuplicateError`). perfxl's own outputs (annotated copies,
    summaries) among the inputs are listed, not merged. ``year``: merge only the forms of
    that year (``result.notices`` says when several years were merged). Every output is
    checked against the inputs before any work: none is ever written onto an input."""
    from perfxl.merging.summary import MergeOptions, expand_inputs, input_folders
    from perfxl.merging.summary import merge as run_merge

    items = [str(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)]
    found = expand_inputs(items)
    if not found:
        raise PerfxlError(
            "错误：没有找到任何工作簿（请给出 .xlsx、.xlsm、.xls、.ods 文件或文件夹）"
        )
    options = MergeOptions(
        title=title,
        group=group,
        money_unit=money_unit,
        duplicates=duplicates,
        strict=strict,
        year=year,
        forms=forms,
        templates=tuple(Path(t) for t in templates),
        framework=_framework(framework, templates),
        csv_dir=Path(csv) if csv is not None else None,
        sqlite_path=Path(sqlite) if sqlite is not None else None,
    )
    return run_merge(
        found,
        Path(out),
        options,
        _workers(workers),
        _ticker(progress, len(found), lambda r: Path(r[0]).name),
        folders=input_folders(items),
    )


def status(
    roster: PathLike,
    inbox: PathLike | Iterable[PathLike],
    out: PathLike | None = None,
    *,
    deadline: str | dt.date | dt.datetime | None = None,
    similarity: float = 0.8,
    framework: str | None = None,
    templates: Sequence[PathLike] = (),
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> StatusResult:
    """The state of a collection round: each unit of ``roster`` (the one :func:`blank`
    takes) as 未交, 有错误, 仅有警告 or 通过, and 逾期 when its form first came after
    ``deadline`` (a date: the whole day is in time). The inbox (files or folders, searched
    recursively) is checked as :func:`check` does; each file is matched to a unit by the
    identity ``blank`` wrote into it, else by the 实施单位 it states or its file name, else by
    a name alike by difflib ratio ≥ ``similarity`` (listed to be confirmed). Files matching
    no unit are in ``result.unmatched``. ``out``: also write the 回收情况 workbook there.
    An empty inbox folder is a round where nobody has returned yet."""
    from perfxl.checks.run import RunOptions, expand_workbooks, run_checks
    from perfxl.define.roster import load_roster
    from perfxl.rounds.status import parse_deadline, run_status

    if not 0 < similarity <= 1:
        raise PerfxlError(f"错误：相似度阈值应在 0 到 1 之间，不是 {similarity}")
    roster_path = Path(roster)
    loaded = load_roster(roster_path)
    moment = parse_deadline(deadline)
    folders = _paths(inbox)
    for folder in folders:
        if not folder.exists():
            raise PerfxlError(f"{folder}：错误：文件或文件夹不存在")
    output = Path(out) if out is not None else None
    found = [p for p in expand_workbooks(folders) if not _same_file(p, roster_path)]
    plan = _plan(folders, [*found, roster_path])
    if output is not None:
        plan.claim(output, "回收情况工作簿")
    options = RunOptions(
        templates=tuple(Path(t) for t in templates),
        want_projects=True,
        framework=_framework(framework, templates),
        skip_outputs=True,
    )

    def check_all(paths: list[Path]) -> list[Any]:
        return run_checks(
            paths,
            options,
            _workers(workers),
            _ticker(progress, len(paths), lambda r: Path(r.path).name),
        )

    return run_status(loaded, found, check_all, moment, similarity, output)


def layouts(*, templates: Sequence[PathLike] = ()) -> tuple[LayoutInfo, ...]:
    """The layouts (表样) there are, built-in and from ``templates`` folders, by id."""
    from perfxl.layout.templates import template_set

    ts = template_set(tuple(Path(t) for t in templates))
    return tuple(
        LayoutInfo(lay.id, lay.name, lay.version, lay.framework, lay.money_unit)
        for lay in (ts.layout(i) for i in ts.layout_ids())
    )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


def compare(
    last: PathLike | Iterable[PathLike],
    this: PathLike | Iterable[PathLike],
    out: PathLike | None = None,
    *,
    money_share: float = 0.2,
    text_similarity: float = 0.9,
    framework: str | None = None,
    templates: Sequence[PathLike] = (),
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> CompareResult:
    """This year's forms against last year's (files or folders, any layouts: last year's
    申报 or 自评 against this year's 申报). Projects are paired by unit and name (exact, then
    alike); each pair is checked for a copied goal (C001, C002), an unchanged indicator set
    (C003), targets laxer than last year's target (C004) or last year's 实际完成值 (C005),
    money up by more than ``money_share`` with the indicators unchanged (C006) and dropped
    indicators (C007), each finding with its cell on both sides. ``out``: also write the
    对比 workbook there."""
    from dataclasses import replace
    from decimal import Decimal

    from perfxl.rounds.compare import CompareOptions, build_comparison, read_side

    if not 0 <= money_share <= 100:
        raise PerfxlError(
            f"错误：资金增幅阈值应是 0 到 100 之间的比例（0.2 即 20%），不是 {money_share}"
        )
    if not 0 < text_similarity <= 1:
        raise PerfxlError(f"错误：目标文字相似度阈值应在 0 到 1 之间，不是 {text_similarity}")
    for given in (*_paths(last), *_paths(this)):
        if not given.exists():
            raise PerfxlError(f"{given}：错误：文件或文件夹不存在")
    last_paths, this_paths = _workbooks(last), _workbooks(this)
    plan = _plan([*_paths(last), *_paths(this)], [*last_paths, *this_paths])
    if out is not None:
        plan.claim(Path(out), "对比结果工作簿")
    options = CompareOptions(Decimal(str(money_share)), text_similarity)
    fw = _framework(framework, templates)
    folders = tuple(Path(t) for t in templates)
    every = [*last_paths, *this_paths]
    read = read_side(
        every,
        folders,
        fw,
        _workers(workers),
        _ticker(progress, len(every), lambda r: Path(r.path).name),
    )
    result = build_comparison(read[: len(last_paths)], read[len(last_paths) :], options)
    if out is None:
        return result
    from perfxl.rounds.compare import compare_tables
    from perfxl.rounds.tables import write_tables

    written = write_tables(Path(out), compare_tables(result), "compare")
    return replace(result, written=(str(written),))


def layout_init(
    form: PathLike, out: PathLike, *, templates: Sequence[PathLike] = ()
) -> LayoutInitResult:
    """A starting layout from a province's blank form (.xlsx): ``out`` is the layout's
    folder, whose name is its id (put it under ``<templates>/layouts/``); it gets
    ``layout.yaml`` and ``sheet.yaml.j2``, so that generate makes the form from YAML and
    the form reads back with the same fields."""
    from perfxl.write.layoutinit import init_layout

    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise PerfxlError(f"{folder}：错误：输出位置已存在且不是文件夹（请换一个文件夹名）")
    return init_layout(Path(form), folder, tuple(Path(t) for t in templates))


def _profile(profile: str | None, templates: Sequence[PathLike]) -> str | None:
    """A scoring profile id given by the caller, checked before any work."""
    if profile is None:
        return None
    from perfxl.layout.templates import template_set

    known = template_set(tuple(Path(t) for t in templates)).profile_ids()
    if profile not in known:
        raise PerfxlError(f"错误：计分规则「{profile}」不存在（可用：{'、'.join(known)}）")
    return profile


def _framework(framework: str | None, templates: Sequence[PathLike]) -> str | None:
    """A framework id given by the caller, checked before any work: an unknown one is a
    wrong call, said in Chinese with the ids there are."""
    if framework is None:
        return None
    from perfxl.layout.templates import template_set

    known = template_set(tuple(Path(t) for t in templates)).framework_ids()
    if framework not in known:
        raise PerfxlError(f"错误：指标体系「{framework}」不存在（可用：{'、'.join(known)}）")
    return framework


def _is_yaml_text(source: str) -> bool:
    if "\n" in source:
        return True
    try:
        named = Path(source).exists()
    except (OSError, ValueError):  # a name too long, or with a NUL: no file of that name
        named = False
    return not named and ": " in source and not source.lower().endswith((".yaml", ".yml"))
