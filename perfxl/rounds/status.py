"""``status``: a collection round's state, from the roster and the inbox folder alone.

No database is kept: each run checks every file of the inbox (the parallel check of
``api.check``) and joins the reports with the roster. A file is given to a roster unit by,
in this order:

1. ``key`` — the unit identity ``blank`` wrote into the form (custom document property
   ``perfxl_unit_key``: the roster's 单位编码, else a digest of 主管部门 + 实施单位); it stays
   when the unit retypes its own name in the form;
2. ``name`` — the 实施单位 the form states equals a roster unit's after :func:`normalise`;
3. ``filename`` — the file's name (without suffix, and without a trailing ``(2)`` or
   ``-修改``-style tail) equals a roster unit's after :func:`normalise`;
4. ``similar`` — the best roster unit whose normalised name has a
   ``difflib.SequenceMatcher`` ratio ≥ the threshold (default 0.8) with the form's 实施单位
   (or the file name); listed for a person to confirm. Two units equally close match neither.

A unit's files are grouped by form (``perfxl_form``: the projects of a ``--per-project``
blank); within a form the newest file (modification time, then name) counts, and its
findings are compared by code and cell with the file before it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from perfxl.core.errors import PerfxlError
from perfxl.core.findings import ERROR, WARNING, Finding
from perfxl.define.roster import Roster, RosterUnit
from perfxl.results import CheckedFile, ReturnedFile, StatusResult, UnitStatus, UnmatchedFile

DEFAULT_SIMILARITY = 0.8
_BRACKETS = str.maketrans(
    {
        "[": "(",
        "]": ")",
        "【": "(",
        "】": ")",
        "〔": "(",
        "〕": ")",
        "{": "(",
        "}": ")",
        "「": "(",
        "」": ")",
        "〈": "(",
        "〉": ")",
    }
)
# what people add to a file name when they send it again: 「(2)」「-修改」「_v2」「改」「最终版」
_RESUBMIT_TAIL = re.compile(
    r"(?:[\s_\-—]*(?:\(\d+\)|v\d+|第?\d+次|修改稿?|修订|改|更正|最终版?|终稿|新))+$",
    re.IGNORECASE,
)


def normalise(name: str) -> str:
    """A unit name as compared: full-width forms folded to half width (NFKC: （ → (,
    Ａ → A), every space removed, every kind of bracket made round."""
    text = unicodedata.normalize("NFKC", name or "").translate(_BRACKETS)
    return re.sub(r"\s+", "", text)


def similarity(a: str, b: str) -> float:
    """How alike two normalised names are: difflib's ratio 2·M / (len(a) + len(b))."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def parse_deadline(value: str | dt.date | dt.datetime | None) -> dt.datetime | None:
    """The first moment that is late: ``2025-03-31`` → 2025-04-01 00:00 (the whole day is in
    time), ``2025-03-31 17:00`` → that minute. Local time, as file times are shown."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value + dt.timedelta(days=1), dt.time())
    text = str(value).strip().replace("/", "-").replace("年", "-").replace("月", "-")
    text = text.replace("日", "").replace("T", " ")
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            y, m, d = (int(x) for x in text.split("-"))
            return dt.datetime(y, m, d) + dt.timedelta(days=1)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise PerfxlError(
            f"错误：截止日期「{value}」无效（请写成 2025-03-31 或 2025-03-31 17:00）"
        ) from None


def file_time(path: Path) -> dt.datetime:
    """The modification time; of the link itself for a link to nothing (intake says why the
    file cannot be read), the epoch when even that is gone."""
    for stat in (os.stat, os.lstat):
        try:
            return dt.datetime.fromtimestamp(stat(path).st_mtime).replace(microsecond=0)
        except (OSError, ValueError):
            continue
    return dt.datetime.fromtimestamp(0)


@dataclass
class _Candidate:
    report: CheckedFile
    modified: dt.datetime
    unit_in_file: str | None
    unit: int | None = None  # index into the roster's units
    match: str = ""
    similarity: float | None = None
    reason: str = ""
    own_output: bool = False


class _Matcher:
    def __init__(self, units: Sequence[RosterUnit], threshold: float):
        self.units = units
        self.threshold = threshold
        self.by_key: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for i, unit in enumerate(units):
            self.by_key.setdefault(unit.key, i)
            self.by_name.setdefault(normalise(unit.unit), []).append(i)
        self.names = [normalise(u.unit) for u in units]

    def exact(self, name: str | None, department: str | None) -> int | None:
        found = self.by_name.get(normalise(name or ""), [])
        if len(found) > 1 and department:
            found = [
                i for i in found if normalise(self.units[i].department) == normalise(department)
            ]
        return found[0] if len(found) == 1 else None

    def similar(self, name: str | None) -> tuple[int | None, float]:
        wanted = normalise(name or "")
        if not wanted:
            return None, 0.0
        best, ratio, tie = None, 0.0, False
        for i, candidate in enumerate(self.names):
            quick = difflib.SequenceMatcher(None, wanted, candidate, autojunk=False)
            if quick.real_quick_ratio() < self.threshold or quick.quick_ratio() < self.threshold:
                continue
            value = quick.ratio()
            if value > ratio:
                best, ratio, tie = i, value, False
            elif value == ratio and best is not None:
                tie = True
        if best is None or ratio < self.threshold or tie:
            return None, ratio
        return best, round(ratio, 3)

    def match(self, item: _Candidate) -> None:
        props = item.report.properties
        key = props.get("unit_key")
        if key and key in self.by_key:
            item.unit, item.match = self.by_key[key], "key"
            return
        department = props.get("department") or _department_in_file(item.report)
        for name in (item.unit_in_file, props.get("unit")):
            found = self.exact(name, department)
            if found is not None:
                item.unit, item.match = found, "name"
                return
        stem = _RESUBMIT_TAIL.sub("", Path(item.report.path).stem) or Path(item.report.path).stem
        found = self.exact(stem, None)
        if found is not None:
            item.unit, item.match = found, "filename"
            return
        for name in (item.unit_in_file, stem):
            found, ratio = self.similar(name)
            if found is not None:
                item.unit, item.match, item.similarity = found, "similar", ratio
                return
        if not item.report.readable:
            item.reason = f"无法读取，也无法从文件名判断是哪个单位的：{item.report.reason()}"
        elif item.unit_in_file:
            item.reason = (
                f"表中的实施单位「{item.unit_in_file}」不在名单中"
                f"（也没有相似度达到 {self.threshold:.2f} 的单位名称）"
            )
        else:
            item.reason = "表中没有填写实施单位，文件名也不是名单中的单位名称"


def _unit_in_file(report: CheckedFile) -> str | None:
    for project in report.projects:
        value = (project.get("fields") or {}).get("unit")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _department_in_file(report: CheckedFile) -> str | None:
    for project in report.projects:
        value = (project.get("fields") or {}).get("department")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _finding_key(f: Finding) -> str:
    where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or f.cell or "")
    return f"{f.code} {where}".strip()


def _counted(findings: Sequence[Finding]) -> set[str]:
    return {_finding_key(f) for f in findings if f.severity in (ERROR, WARNING)}


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def build_status(
    roster: Roster,
    reports: Sequence[CheckedFile],
    times: Sequence[dt.datetime],
    deadline: dt.datetime | None,
    threshold: float = DEFAULT_SIMILARITY,
) -> StatusResult:
    """Join checked reports (with their files' times, in the same order) and the roster."""
    codes: dict[str, str] = {}
    for unit in roster.units:
        if unit.code and unit.code in codes:
            raise PerfxlError(
                f"{roster.path}：错误：单位编码「{unit.code}」重复（{codes[unit.code]}、"
                f"{unit.where}）；每个单位的编码应不同"
            )
        if unit.code:
            codes[unit.code] = unit.where
    matcher = _Matcher(roster.units, threshold)
    candidates = [_Candidate(r, t, _unit_in_file(r)) for r, t in zip(reports, times)]
    for item in candidates:
        own = next((f for f in item.report.findings if f.code == "M011"), None)
        if own is not None:  # perfxl's own output left in the inbox: not a return
            item.reason, item.own_output = f"{own.message}（{own.hint}）", True
            continue
        matcher.match(item)
    by_unit: dict[int, list[_Candidate]] = {}
    unmatched: list[UnmatchedFile] = []
    for item in candidates:
        if item.unit is None:
            unmatched.append(
                UnmatchedFile(
                    item.report.path,
                    _stamp(item.modified),
                    item.report.readable or item.own_output,
                    item.report.layout,
                    item.unit_in_file,
                    item.reason,
                )
            )
        else:
            by_unit.setdefault(item.unit, []).append(item)
    units = tuple(
        _unit_status(unit, by_unit.get(i, []), deadline) for i, unit in enumerate(roster.units)
    )
    return StatusResult(
        str(roster.path),
        units,
        tuple(unmatched),
        _stamp(deadline - dt.timedelta(seconds=1)) if deadline else None,
        threshold,
    )


def _returned(item: _Candidate, late: bool) -> ReturnedFile:
    report = item.report
    return ReturnedFile(
        report.path,
        _stamp(item.modified),
        report.readable,
        report.errors,
        report.warnings,
        report.layout,
        item.unit_in_file,
        item.match,
        item.similarity,
        late,
        report.properties.get("form", ""),
        report.findings,
    )


def _unit_status(
    unit: RosterUnit, items: list[_Candidate], deadline: dt.datetime | None
) -> UnitStatus:
    base = UnitStatus(unit.department, unit.unit, unit.key, unit.contact, unit.phone)
    if not items:
        return base
    forms: dict[str, list[_Candidate]] = {}
    for item in sorted(items, key=lambda c: (c.modified, c.report.path), reverse=True):
        forms.setdefault(item.report.properties.get("form", ""), []).append(item)
    late_forms = {
        form: deadline is not None and min(c.modified for c in group) >= deadline
        for form, group in forms.items()
    }
    latest = [group[0] for group in forms.values()]
    fixed: list[str] = []
    new: list[str] = []
    for group in forms.values():
        if len(group) > 1:
            now, before = _counted(group[0].report.findings), _counted(group[1].report.findings)
            fixed.extend(sorted(before - now))
            new.extend(sorted(now - before))
    errors = sum(c.report.errors for c in latest)
    warnings = sum(c.report.warnings for c in latest)
    state = "errors" if errors else "warnings" if warnings else "passed"
    returns = sorted(
        (_returned(c, late_forms[c.report.properties.get("form", "")]) for c in items),
        key=lambda r: (r.modified, r.path),
        reverse=True,
    )
    latest_paths = {c.report.path for c in latest}
    # forms sent one project each (blank --per-project): the unit owes one per roster project
    projects = [name for name, _ in unit.projects]
    missing: list[str] = []
    if len(projects) > 1 and any(form in projects for form in forms):
        missing = [name for name in projects if name not in forms]
    return UnitStatus(
        unit.department,
        unit.unit,
        unit.key,
        unit.contact,
        unit.phone,
        state,
        any(late_forms.values()),
        errors,
        warnings,
        tuple(returns),
        tuple(r for r in returns if r.path in latest_paths),
        tuple(fixed),
        tuple(new),
        tuple(missing),
    )


def status_tables(result: StatusResult) -> list:
    """The sheets of 回收情况.xlsx: 回收情况, 催报名单, 未识别文件 and 待确认."""
    from perfxl.rounds.tables import Table

    deadline = f"截止时间：{result.deadline}" if result.deadline else "未设截止时间"
    s = result.summary
    overview = Table(
        "回收情况",
        [
            "序号",
            "主管部门",
            "实施单位",
            "单位标识",
            "状态",
            "逾期",
            "错误",
            "警告",
            "最新文件",
            "文件时间",
            "交回次数",
            "识别方式",
            "表中的实施单位",
            "最新一次改正的问题",
            "最新一次新出现的问题",
            "联系人",
            "电话",
        ],
        note=(
            f"共 {s['units']} 个单位：已交 {s['returned']}（通过 {s['passed']}、仅有警告 "
            f"{s['warnings']}、有错误 {s['errors']}），未交 {s['missing']}，逾期 {s['late']}；"
            f"{deadline}；未识别文件 {s['unmatched']} 个"
        ),
    )
    for n, u in enumerate(result.units, start=1):
        newest = u.latest[0] if u.latest else None
        overview.rows.append(
            [
                n,
                u.department,
                u.unit,
                u.key,
                u.label,
                u.late if u.returns else "",
                u.errors if u.returns else "",
                u.warnings if u.returns else "",
                "\n".join(Path(r.path).name for r in u.latest),
                newest.modified if newest else "",
                len(u.returns) or "",
                "、".join(sorted({r.match_label for r in u.latest})),
                "、".join(sorted({r.unit_in_file for r in u.latest if r.unit_in_file})),
                "\n".join(u.fixed),
                "\n".join(u.new),
                u.contact,
                u.phone,
            ]
        )
        overview.marks.append(
            "bad" if u.state in ("missing", "errors") else "warn" if u.late or u.to_confirm else ""
        )
    chase = Table(
        "催报名单",
        ["序号", "主管部门", "实施单位", "原因", "联系人", "电话", "最新文件", "文件时间"],
        note="未交、逾期或有错误的单位",
    )
    for n, u in enumerate(result.to_chase, start=1):
        reasons = []
        if u.state == "missing":
            reasons.append("未交")
        if u.missing_forms:
            reasons.append(f"未交：{'、'.join(u.missing_forms)}")
        if u.state == "errors":
            reasons.append(f"有错误 {u.errors} 个")
        if u.late:
            reasons.append("逾期")
        newest = u.latest[0] if u.latest else None
        chase.rows.append(
            [
                n,
                u.department,
                u.unit,
                "、".join(reasons),
                u.contact,
                u.phone,
                "\n".join(Path(r.path).name for r in u.latest),
                newest.modified if newest else "",
            ]
        )
    strangers = Table(
        "未识别文件",
        ["序号", "文件", "文件时间", "表样", "表中的实施单位", "原因"],
        note="与名单中任何单位都对不上的文件",
    )
    for n, f in enumerate(result.unmatched, start=1):
        strangers.rows.append(
            [n, f.path, f.modified, f.layout or "", f.unit_in_file or "", f.reason]
        )
    confirm = Table(
        "待确认",
        ["序号", "名单中的实施单位", "表中的实施单位", "文件", "相似度"],
        note=f"按名称相近（相似度 ≥ {result.similarity:.2f}）对上的文件，请人工确认",
    )
    n = 0
    for u in result.units:
        for r in u.returns:
            if r.match == "similar":
                n += 1
                confirm.rows.append(
                    [n, u.unit, r.unit_in_file or Path(r.path).stem, r.path, r.similarity]
                )
    return [overview, chase, strangers, confirm]


def run_status(
    roster: Roster,
    paths: Sequence[Path],
    check: Callable[[list[Path]], list[CheckedFile]],
    deadline: dt.datetime | None,
    threshold: float,
    output: Path | None,
) -> StatusResult:
    times = [file_time(p) for p in paths]
    reports = check(list(paths))
    result = build_status(roster, reports, times, deadline, threshold)
    if output is None:
        return result
    from dataclasses import replace

    from perfxl.rounds.tables import write_tables

    written = write_tables(output, status_tables(result), "status")
    return replace(result, written=(str(written),))


def status_text(result: StatusResult) -> str:
    """The command's text report: the counts, then each unit to chase, to confirm, and each
    file that matched no unit."""
    s = result.summary
    lines = [
        f"共 {s['units']} 个单位：已交 {s['returned']}（通过 {s['passed']}、仅有警告 "
        f"{s['warnings']}、有错误 {s['errors']}），未交 {s['missing']}，逾期 {s['late']}；"
        f"{s['files']} 个文件中 {s['unmatched']} 个未识别。"
        + (f"截止时间 {result.deadline}。" if result.deadline else "")
    ]
    chase = result.to_chase
    if chase:
        lines.append("")
        lines.append(f"催报名单（{len(chase)} 个单位）：")
        for u in chase:
            contact = "，".join(x for x in (u.contact, u.phone) if x)
            newest = u.latest[0] if u.latest else None
            where = f"：{Path(newest.path).name}（{newest.modified}）" if newest else ""
            lines.append(f"  {u.unit}　{u.label}{where}" + (f"　{contact}" if contact else ""))
            if u.fixed or u.new:
                lines.append(f"    最新一次改正 {len(u.fixed)} 个问题，新出现 {len(u.new)} 个")
    confirm = result.to_confirm
    if confirm:
        lines.append("")
        lines.append("按名称相近识别、请确认：")
        for u in confirm:
            for r in u.returns:
                if r.match == "similar":
                    lines.append(
                        f"  {Path(r.path).name}：表中「{r.unit_in_file or Path(r.path).stem}」"
                        f"→ 名单中「{u.unit}」（相似度 {r.similarity:.2f}）"
                    )
    if result.unmatched:
        lines.append("")
        lines.append("未识别文件：")
        for f in result.unmatched:
            lines.append(f"  {f.path}：{f.reason}")
    for path in result.written:
        lines.append("")
        lines.append(f"已写出 {path}")
    return "\n".join(lines)
