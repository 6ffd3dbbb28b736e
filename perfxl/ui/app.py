"""The Flask application: the pages 发表, 收表, 汇总 over one round folder.

Every page calls :mod:`perfxl.api` and nothing else; what the page shows is derived from the
folder (:mod:`perfxl.ui.rounds`) and kept in memory only while the folder is unchanged. A batch
(checking the returns, writing blanks, merging) runs as a background job with progress and
cancel (:mod:`perfxl.ui.jobs`). No error ever reaches the browser as a stack trace: every
failure is a page (or, for the page's script, JSON) with a Chinese sentence.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import (
    Flask,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from perfxl import api
from perfxl.core.atomic import atomic_output, atomic_write
from perfxl.core.errors import PerfxlError
from perfxl.read.guard import IntakeError, inspect_workbook
from perfxl.ui import svg
from perfxl.ui.jobs import Job, Jobs
from perfxl.ui.rounds import (
    ROSTER_SUFFIXES,
    WORKBOOK_SUFFIXES,
    RoundFolder,
    save_new,
    save_roster,
)
from perfxl.ui.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    TOKEN_COOKIE,
    loopback_host_header,
    new_token,
    same_token,
    upload_name,
)

log = logging.getLogger("perfxl.ui")

MiB = 1024 * 1024
MAX_REQUEST_BYTES = 200 * MiB  # one upload request (a whole folder of returns)
MAX_FILES = 500  # files in one upload request
SUMMARY_NAME = "汇总.xlsx"
STATUS_NAME = "回收情况.xlsx"
REPORT_NAME = "回收情况.json"
DEADLINE_FILE = "截止日期.txt"
COMPARE_NAME = "对比.xlsx"
# 下一阶段: the stages the page offers, as api.next_stage names them, with their Chinese names
NEXT_STAGES = {"approval": "批复表", "monitor": "运行监控表", "self-eval": "自评表"}
NEXT_SOURCES = {"returns": "收表中各单位最新交来的表", "uploaded": "上传的上一阶段的表"}

MESSAGES = {
    400: "请求的内容不完整或有误，请返回上一页重试。",
    403: "没有权限打开这个页面。",
    404: "找不到这个页面或文件（可能已被移走或删除）。",
    405: "不支持这种操作方式，请从页面上的按钮操作。",
    413: f"上传的内容太大：一次最多 {MAX_REQUEST_BYTES // MiB} MB。请分几次上传，或删除工作簿中多余的图片和空白行列后再上传。",
    500: "程序内部出错，详情已记入日志。请返回重试；再次出现时请把日志交给管理员。",
}


@dataclass
class CollectView:
    """The 收表 table as the API returned it, for one state of the folder."""

    fingerprint: tuple[Any, ...]
    status: Any = None  # api.status(...) result, when the round has a roster
    report: Any = None  # api.check(...) of the returns, when it has none
    made: float = field(default_factory=time.time)


@dataclass
class MergeView:
    fingerprint: tuple[Any, ...]
    result: Any
    files: tuple[str, ...]
    made: float = field(default_factory=time.time)


@dataclass
class CompareView:
    fingerprint: tuple[Any, ...]
    result: Any
    made: float = field(default_factory=time.time)


@dataclass
class NextView:
    result: Any
    source: str  # "returns" (the round's newest returns) or "uploaded" (上一阶段/)
    folder: Path  # this run's folder under 结果/下一阶段/
    archive: str | None  # the zip of the written workbooks, relative to 结果/
    made: float = field(default_factory=time.time)


@dataclass
class UiState:
    round: RoundFolder
    jobs: Jobs = field(default_factory=Jobs)
    collect: CollectView | None = None
    merge: MergeView | None = None
    compare: CompareView | None = None
    next: NextView | None = None
    blanks: list[dict[str, Any]] = field(default_factory=list)


def has_status() -> bool:
    return hasattr(api, "status")


def blank_takes_form() -> bool:
    """Whether ``api.blank`` can copy a province's own blank workbook (``form=``)."""
    import inspect

    return "form" in inspect.signature(api.blank).parameters


def create_app(
    folder: Path,
    *,
    token: str | None = None,
    loopback: bool = True,
    workers: int | None = None,
) -> Flask:
    """The application over the round folder ``folder``. ``token``: required on every request
    (LAN mode); ``loopback``: the server listens on 127.0.0.1 only, so a request naming any
    other host is refused; ``workers``: processes for batches (default: all cores)."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        MAX_FORM_PARTS=MAX_FILES + 50,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="perfxl_session",
        TOKEN_COOKIE_NAME=TOKEN_COOKIE,
        ACCESS_TOKEN=token,
        LOOPBACK=loopback,
        WORKERS=workers,
        JSON_AS_ASCII=False,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    state = UiState(RoundFolder(Path(folder)).prepare())
    app.extensions["perfxl"] = state
    _guards(app)
    _errors(app)
    _routes(app, state)
    return app


def ui_state(app: Flask) -> UiState:
    state: UiState = app.extensions["perfxl"]
    return state


# ----------------------------------------------------------------------------------------
# guards: where requests may come from, tokens


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.path.startswith("/jobs/")


def _guards(app: Flask) -> None:
    @app.before_request
    def _check_origin() -> Any:
        if app.config["LOOPBACK"] and not loopback_host_header(request.host):
            abort(403, description="只接受本机（127.0.0.1）的访问。")
        expected = app.config["ACCESS_TOKEN"]
        if expected:
            given = request.args.get("token")
            if given is not None:
                if not same_token(given, expected):
                    abort(403, description="访问口令不对：请使用程序启动时显示的完整地址打开。")
                args = {k: v for k, v in request.args.items() if k != "token"}
                response = redirect(
                    request.path
                    + (
                        "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in args.items())
                        if args
                        else ""
                    )
                )
                response.set_cookie(
                    app.config["TOKEN_COOKIE_NAME"],
                    expected,
                    httponly=True,
                    samesite="Strict",
                )
                return response
            cookie = request.cookies.get(app.config["TOKEN_COOKIE_NAME"])
            if not same_token(cookie, expected):
                abort(
                    403,
                    description="需要访问口令：请使用程序启动时显示的完整地址（含 ?token=…）打开。",
                )
        if request.method == "POST":
            given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
            if not same_token(given, session.get("csrf")):
                abort(403, description="页面已过期（缺少安全校验码），请刷新页面后重试。")
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def _csrf() -> dict[str, Any]:
        if "csrf" not in session:
            session["csrf"] = new_token()
        return {"csrf_token": session["csrf"], "csrf_field": CSRF_FIELD}


def _errors(app: Flask) -> None:
    def page(code: int, message: str) -> tuple[Any, int]:
        if _wants_json():
            return jsonify({"error": message, "code": code}), code
        return render_template("error.html", code=code, message=message), code

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[Any, int]:
        code = exc.code or 500
        message = MESSAGES.get(code, MESSAGES[400])
        if code in (400, 403) and exc.description and _is_chinese(exc.description):
            message = exc.description
        return page(code, message)

    @app.errorhandler(PerfxlError)
    def _perfxl(exc: PerfxlError) -> tuple[Any, int]:
        return page(400, exc.format())

    @app.errorhandler(Exception)
    def _internal(exc: Exception) -> tuple[Any, int]:
        log.exception("request %s %s failed", request.method, request.path)
        return page(500, MESSAGES[500])


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# ----------------------------------------------------------------------------------------
# the pages


def _routes(app: Flask, state: UiState) -> None:
    rnd = state.round
    jobs = state.jobs

    def workers() -> int | None:
        value: int | None = app.config["WORKERS"]
        return value

    @app.context_processor
    def _common() -> dict[str, Any]:
        return {
            "round_root": str(rnd.root),
            "running": jobs.running(),
            "has_compare": hasattr(api, "compare"),
            "has_next": hasattr(api, "next_stage") and "next_stage" in app.view_functions,
            "nav": request.endpoint,
        }

    @app.get("/")
    def index() -> Any:
        return redirect(url_for("collect"))

    # -- jobs --------------------------------------------------------------------------

    @app.get("/jobs/<job_id>")
    def job_state(job_id: str) -> Any:
        job = jobs.get(job_id)
        if job is None:
            abort(404)
        return jsonify(job.to_dict())

    @app.post("/jobs/<job_id>/cancel")
    def job_cancel(job_id: str) -> Any:
        job = jobs.cancel(job_id)
        if job is None:
            abort(404)
        if _wants_json():
            return jsonify(job.to_dict())
        flash("已请求取消，当前文件处理完后停止。", "info")
        return redirect(request.referrer or url_for("collect"))

    # -- 发表 ----------------------------------------------------------------------------

    @app.get("/send")
    def send() -> Any:
        roster = rnd.roster()
        job = jobs.latest("send")
        return render_template(
            "send.html",
            roster=roster,
            roster_units=_roster_units(roster),
            layouts=api.layouts(),
            forms=[p.name for p in rnd.forms()] if blank_takes_form() else None,
            year=dt.date.today().year + 1,
            job=job,
            batches=state.blanks,
        )

    @app.post("/send/roster")
    def send_roster() -> Any:
        upload = request.files.get("roster")
        name = upload_name(upload.filename if upload else None, ROSTER_SUFFIXES)
        if upload is None or not upload.filename:
            flash("请选择单位名单文件（YAML、CSV 或 XLSX）。", "error")
            return redirect(url_for("send"))
        if name is None:
            flash(
                f"「{_display(upload.filename)}」不是单位名单：请上传 .yaml、.csv 或 .xlsx 文件。",
                "error",
            )
            return redirect(url_for("send"))
        data = upload.read()
        suffix = Path(name).suffix.lower()
        problem = _roster_problem(name, suffix, data)
        if problem:
            flash(problem, "error")
            return redirect(url_for("send"))
        saved = save_roster(rnd.root, ".yaml" if suffix == ".yml" else suffix, data)
        flash(
            f"已保存单位名单「{name}」为 {saved.name}，共 {len(_roster_units(saved))} 个单位。",
            "ok",
        )
        return redirect(url_for("send"))

    @app.post("/send/blanks")
    def send_blanks() -> Any:
        roster = rnd.roster()
        if roster is None:
            flash("请先上传单位名单。", "error")
            return redirect(url_for("send"))
        layout = request.form.get("layout") or None
        known = {lay.id for lay in api.layouts()}
        if layout is not None and layout not in known:
            abort(400, description=f"没有表样「{layout}」。")
        year = _int(request.form.get("year"), 2000, 2100, "年度")
        blank_rows = _int(request.form.get("blank_rows") or "10", 0, 200, "空白指标行数")
        per_project = request.form.get("per_project") == "1"
        form = _province_form(rnd, request.form.get("form") or "", request.files.get("form_file"))
        stamp = time.strftime("%Y%m%d-%H%M%S")
        out = rnd.blanks / stamp

        def work(job: Job) -> dict[str, Any]:
            extra: dict[str, Any] = {"form": form} if form is not None else {}
            result = api.blank(
                roster,
                out,
                layout=layout,
                year=year,
                blank_rows=blank_rows,
                per_project=per_project,
                workers=workers(),
                progress=job.progress,
                **extra,
            )
            written = [Path(p) for p in result.written]
            archive = rnd.results / f"空白表-{stamp}.zip"
            _zip(archive, [(p, p.name) for p in written])
            return {
                "stamp": stamp,
                "zip": archive.name,
                "files": len([f for f in result.files if f.written]),
                "failed": [(Path(f.output).name, f.error) for f in result.files if not f.written],
                "folder": str(out),
            }

        def done(job: Job) -> None:
            if job.result:
                state.blanks.insert(0, job.result)

        job = jobs.start("send", "生成空白表", work, done)
        return _job_response(job, url_for("send"))

    # -- 收表 ----------------------------------------------------------------------------

    def collect_view() -> CollectView | None:
        view = state.collect
        if view is not None and view.fingerprint == rnd.fingerprint():
            return view
        return None

    def start_refresh() -> Job:
        def work(job: Job) -> CollectView:
            fingerprint = rnd.fingerprint()
            roster = rnd.roster()
            files = rnd.returns()
            if roster is not None and has_status():
                status = api.status(  # type: ignore[attr-defined]
                    roster,
                    rnd.inbox,
                    rnd.results / STATUS_NAME,
                    deadline=_deadline(rnd),
                    workers=workers(),
                    progress=job.progress,
                )
                atomic_write(
                    rnd.results / REPORT_NAME,
                    json.dumps(status.to_dict(), ensure_ascii=False, indent=2),
                )
                return CollectView(fingerprint, status=status)
            report = (
                api.check(files, annotate=rnd.annotated, workers=workers(), progress=job.progress)
                if files
                else None
            )
            return CollectView(fingerprint, report=report)

        def done(job: Job) -> None:
            if job.result is not None:
                state.collect = job.result

        return jobs.start("collect", "检查收到的表", work, done)

    @app.get("/collect")
    def collect() -> Any:
        view = collect_view()
        job = jobs.latest("collect")
        if view is None and (job is None or job.finished) and jobs.running() is None:
            if job is None or job.state != "failed" or request.args.get("again"):
                job = start_refresh()
        return render_template(
            "collect.html",
            view=view,
            job=job,
            roster=rnd.roster(),
            deadline=_deadline(rnd),
            rows=_collect_rows(view, rnd) if view else [],
            summary=_collect_summary(view) if view else None,
            cli=_status_command(rnd),
            annotate_job=jobs.latest("annotate"),
            max_mb=MAX_REQUEST_BYTES // MiB,
            max_files=MAX_FILES,
        )

    @app.post("/collect/upload")
    def collect_upload() -> Any:
        uploads = [f for f in request.files.getlist("files") if f and f.filename]
        if not uploads:
            return _flash_or_json("请选择要上传的工作簿（可一次选多个，或选一个文件夹）。", 400)
        if len(uploads) > MAX_FILES:
            return _flash_or_json(
                f"一次最多上传 {MAX_FILES} 个文件，这次有 {len(uploads)} 个，请分几次上传。", 400
            )
        accepted, refused = _receive(rnd, uploads, rnd.inbox)
        job = start_refresh() if accepted else None
        if _wants_json():
            return jsonify(
                {"accepted": accepted, "refused": refused, "job": job.to_dict() if job else None}
            )
        for item in accepted:
            renamed = (
                "" if item["saved"] == Path(item["name"]).name else f"（保存为 {item['saved']}）"
            )
            flash(f"已收到「{item['name']}」{renamed}", "ok")
        for item in refused:
            flash(f"未收下：{item['reason']}", "error")
        return redirect(url_for("collect"))

    @app.post("/collect/refresh")
    def collect_refresh() -> Any:
        state.collect = None
        job = start_refresh()
        return _job_response(job, url_for("collect"))

    @app.post("/collect/deadline")
    def collect_deadline() -> Any:
        text = (request.form.get("deadline") or "").strip()
        target = rnd.root / DEADLINE_FILE
        if text:
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                abort(400, description=f"截止日期「{text}」不是有效日期，请写成 2025-03-31 这样。")
            atomic_write(target, text + "\n")
            flash(f"截止日期已设为 {text}。", "ok")
        elif target.exists():
            target.unlink()
            flash("已取消截止日期。", "ok")
        state.collect = None
        return redirect(url_for("collect"))

    @app.get("/collect/file/<path:name>")
    def collect_file(name: str) -> Any:
        view = collect_view()
        if view is None:
            flash("收到的表有变化，正在重新检查。", "info")
            return redirect(url_for("collect"))
        entry = _find_file(view, rnd, name)
        if entry is None:
            abort(404)
        if view.status is not None and entry["readable"]:
            # the status lists the findings; the check of this one file also gives the value
            # each indicator cell holds (a fraction of a second for one form)
            checked = api.check([Path(entry["path"])], workers=1).files[0]
            entry["findings"] = _finding_rows(checked.findings, checked)
        return render_template("unit.html", entry=entry, name=name)

    @app.get("/collect/annotated/<path:name>")
    def collect_annotated(name: str) -> Any:
        path = _inbox_file(rnd, name)
        copy = _annotated_copy(rnd, path, workers=1)
        return send_file(copy, as_attachment=True, download_name=copy.name)

    @app.post("/collect/annotated.zip")
    def collect_annotated_all() -> Any:
        view = collect_view()
        if view is None:
            flash("收到的表有变化，请等重新检查完成后再下载。", "info")
            return redirect(url_for("collect"))
        files = [Path(r["path"]) for r in _collect_rows(view, rnd) if r.get("path")]
        if not files:
            flash("还没有收到任何表。", "error")
            return redirect(url_for("collect"))

        def work(job: Job) -> dict[str, Any]:
            report = api.check(
                files, annotate=rnd.annotated, workers=workers(), progress=job.progress
            )
            copies = [Path(f.annotated) for f in report.files if f.annotated]
            archive = rnd.results / "批注副本.zip"
            _zip(archive, [(p, p.name) for p in copies])
            return {"zip": archive.name, "files": len(copies)}

        job = jobs.start("annotate", "生成标注副本", work)
        return _job_response(job, url_for("collect"))

    @app.get("/collect/report.<fmt>")
    def collect_report(fmt: str) -> Any:
        view = collect_view()
        if view is None or fmt not in ("json", "xlsx"):
            abort(404)
        if fmt == "xlsx":
            path = rnd.results / STATUS_NAME
            if view.status is None or not path.is_file():
                abort(404)
            return send_file(path, as_attachment=True, download_name=STATUS_NAME)
        data = (
            view.status.to_dict()
            if view.status is not None
            else (view.report.to_dict() if view.report is not None else {"files": []})
        )
        return Response(
            json.dumps(data, ensure_ascii=False, indent=2),
            mimetype="application/json",
            headers={"Content-Disposition": _attachment(REPORT_NAME)},
        )

    # -- 汇总 ----------------------------------------------------------------------------

    @app.get("/merge")
    def merge() -> Any:
        view = state.merge
        current = view is not None and view.fingerprint == rnd.fingerprint()
        result = view.result if view else None
        figures = getattr(result, "figures", None)
        return render_template(
            "merge.html",
            view=view,
            current=current,
            job=jobs.latest("merge"),
            result=result,
            figures=figures,
            charts=_charts(figures) if figures else None,
            summary_exists=(rnd.results / SUMMARY_NAME).is_file(),
        )

    @app.post("/merge")
    def merge_run() -> Any:
        title = (request.form.get("title") or "").strip()[:80] or None
        money_unit = request.form.get("money_unit") or "元"
        if money_unit not in ("元", "万元"):
            abort(400, description="金额单位只能是 元 或 万元。")
        group = request.form.get("group") or "unit"
        if group not in ("unit", "department"):
            abort(400, description="分组方式只能是 按实施单位 或 按主管部门。")
        fingerprint = rnd.fingerprint()
        files = _current_returns(state)
        if not files:
            flash("还没有收到任何表，无法汇总。", "error")
            return redirect(url_for("merge"))

        def work(job: Job) -> MergeView:
            result = api.merge(
                files,
                rnd.results / SUMMARY_NAME,
                title=title,
                money_unit=money_unit,
                group=group,
                duplicates="newer",
                workers=workers(),
                progress=job.progress,
            )
            return MergeView(fingerprint, result, tuple(str(f) for f in files))

        def done(job: Job) -> None:
            if job.result is not None:
                state.merge = job.result

        job = jobs.start("merge", "汇总", work, done)
        return _job_response(job, url_for("merge"))

    # -- 对比上年 (when the library has compare) -----------------------------------------

    def last_year_files() -> list[Path]:
        return rnd.last_year_files()

    @app.get("/compare")
    def compare() -> Any:
        if not hasattr(api, "compare"):
            abort(404)
        view = state.compare
        fingerprint = (rnd.fingerprint(), rnd.last_year_fingerprint())
        result = view.result if view else None
        return render_template(
            "compare.html",
            last_files=[p.relative_to(rnd.last_year).as_posix() for p in last_year_files()],
            this_files=len(_current_returns(state)),
            job=jobs.latest("compare"),
            result=result,
            current=view is not None and view.fingerprint == fingerprint,
            findings=_compare_rows(result) if result else [],
            summary_exists=(rnd.results / COMPARE_NAME).is_file(),
            max_files=MAX_FILES,
        )

    def upload_into(folder: Path, page: str, what: str) -> Any:
        """Keep the uploaded workbooks of a page's side folder (last year's, the previous
        stage's) after the intake guard, and go back to that page with what was kept."""
        uploads = [f for f in request.files.getlist("files") if f and f.filename]
        if not uploads:
            flash(f"请选择{what}的工作簿（可一次选多个，或选一个文件夹）。", "error")
            return redirect(url_for(page))
        if len(uploads) > MAX_FILES:
            flash(
                f"一次最多上传 {MAX_FILES} 个文件，这次有 {len(uploads)} 个，请分几次上传。",
                "error",
            )
            return redirect(url_for(page))
        folder.mkdir(parents=True, exist_ok=True)
        accepted, refused = _receive(rnd, uploads, folder)
        if _wants_json():
            return jsonify({"accepted": accepted, "refused": refused, "job": None})
        if accepted:
            flash(f"已收到{what}的表 {len(accepted)} 个。", "ok")
        for item in refused:
            flash(f"未收下：{item['reason']}", "error")
        return redirect(url_for(page))

    @app.post("/compare/upload")
    def compare_upload() -> Any:
        if not hasattr(api, "compare"):
            abort(404)
        return upload_into(rnd.last_year, "compare", "上年")

    @app.post("/compare")
    def compare_run() -> Any:
        if not hasattr(api, "compare"):
            abort(404)
        last = last_year_files()
        this = _current_returns(state)
        if not last or not this:
            flash("需要上年的表和今年收到的表才能对比。", "error")
            return redirect(url_for("compare"))
        fingerprint = (rnd.fingerprint(), rnd.last_year_fingerprint())

        def work(job: Job) -> CompareView:
            result = api.compare(  # type: ignore[attr-defined]
                last,
                this,
                rnd.results / COMPARE_NAME,
                workers=workers(),
                progress=job.progress,
            )
            return CompareView(fingerprint, result)

        def done(job: Job) -> None:
            if job.result is not None:
                state.compare = job.result

        job = jobs.start("compare", "对比上年", work, done)
        return _job_response(job, url_for("compare"))

    # -- 下一阶段 (when the library has next_stage) ---------------------------------------

    @app.get("/next")
    def next_stage() -> Any:
        if not hasattr(api, "next_stage"):
            abort(404)
        view = state.next
        rows = _next_rows(view.result) if view else []
        return render_template(
            "next.html",
            stages=NEXT_STAGES,
            sources=NEXT_SOURCES,
            previous_files=[p.relative_to(rnd.previous).as_posix() for p in rnd.previous_files()],
            this_files=len(_current_returns(state)),
            job=jobs.latest("next"),
            view=view,
            rows=rows,
            written=sum(1 for r in rows if r["written"]),
            max_files=MAX_FILES,
        )

    @app.post("/next/upload")
    def next_upload() -> Any:
        if not hasattr(api, "next_stage"):
            abort(404)
        return upload_into(rnd.previous, "next_stage", "上一阶段")

    @app.post("/next")
    def next_run() -> Any:
        if not hasattr(api, "next_stage"):
            abort(404)
        stage = request.form.get("stage") or ""
        if stage not in NEXT_STAGES:
            abort(400, description="下一阶段只能是 批复表、运行监控表 或 自评表，请重新选择。")
        month = _int(request.form.get("month"), 1, 12, "监控月份") if stage == "monitor" else None
        source = request.form.get("source") or "returns"
        if source not in NEXT_SOURCES:
            abort(400, description="表的来源只能是 收表中的表 或 上传的上一阶段的表。")
        files = _current_returns(state) if source == "returns" else rnd.previous_files()
        if not files:
            flash(
                "收表中还没有任何表。" if source == "returns" else "还没有上传上一阶段的表。",
                "error",
            )
            return redirect(url_for("next_stage"))
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        name = f"{NEXT_STAGES[stage]}-{stamp}"
        folder, n = rnd.next_stages / name, 2
        while folder.exists():  # two runs in one second: each keeps its own folder
            folder, n = rnd.next_stages / f"{name}（{n}）", n + 1

        def work(job: Job) -> NextView:
            result = api.next_stage(stage, files, folder, month=month, progress=job.progress)
            written = [Path(p) for p in result.written]
            archive = None
            if written:
                members = [(p, p.name) for p in written]
                zipped = _zip(folder.with_name(folder.name + ".zip"), members)
                archive = zipped.relative_to(rnd.results).as_posix()
            return NextView(result, source, folder, archive)

        def done(job: Job) -> None:
            if job.result is not None:
                state.next = job.result

        job = jobs.start("next", f"生成{NEXT_STAGES[stage]}", work, done)
        return _job_response(job, url_for("next_stage"))

    # -- downloads of what perfxl wrote into 结果/ --------------------------------------

    @app.get("/results/<path:name>")
    def results_file(name: str) -> Any:
        return send_from_directory(rnd.results, name, as_attachment=True)


# ----------------------------------------------------------------------------------------
# helpers of the pages


def _job_response(job: Job, back: str) -> Any:
    if _wants_json():
        return jsonify(job.to_dict())
    return redirect(back)


def _flash_or_json(message: str, code: int) -> Any:
    if _wants_json():
        return jsonify({"error": message, "code": code}), code
    flash(message, "error")
    return redirect(url_for("collect"))


def _display(name: str) -> str:
    """An uploaded name as the user knows it (its last part), for messages."""
    return name.replace("\\", "/").rsplit("/", 1)[-1][:120] or "（无名文件）"


def _attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


def _int(text: str | None, low: int, high: int, what: str) -> int:
    try:
        value = int((text or "").strip())
    except ValueError:
        abort(400, description=f"{what}「{text or ''}」不是整数。")
    if not low <= value <= high:
        abort(400, description=f"{what}应在 {low} 到 {high} 之间，不是 {value}。")
    return value


def _deadline(rnd: RoundFolder) -> str | None:
    try:
        text = (rnd.root / "截止日期.txt").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None


def _status_command(rnd: RoundFolder) -> str:
    roster = rnd.roster()
    deadline = _deadline(rnd)
    parts = ["perfxl status", f'--roster "{roster or rnd.root / "名单.yaml"}"', f'"{rnd.inbox}"']
    if deadline:
        parts.append(f"--deadline {deadline}")
    return " ".join(parts)


def _roster_units(roster: Path | None) -> list[Any]:
    if roster is None:
        return []
    try:
        from perfxl.define.roster import load_roster

        return list(load_roster(roster).units)
    except PerfxlError:
        return []


def _roster_problem(name: str, suffix: str, data: bytes) -> str | None:
    """Why an uploaded roster cannot be used (a Chinese sentence), or None."""
    import tempfile

    if not data:
        return f"「{name}」是空文件。"
    with tempfile.TemporaryDirectory(prefix="perfxl-roster-") as tmp:
        probe = Path(tmp) / f"名单{suffix}"
        probe.write_bytes(data)
        if suffix == ".xlsx":
            try:
                inspect_workbook(probe)
            except IntakeError as exc:
                return str(exc)
        try:
            from perfxl.define.roster import load_roster

            units = load_roster(probe).units
        except PerfxlError as exc:
            return f"单位名单「{name}」有问题：{exc.format()}"
        except Exception:  # a file no roster reader understands
            log.exception("roster %s", name)
            return f"单位名单「{name}」无法读取，请检查文件是否是单位名单。"
    if not units:
        return f"单位名单「{name}」中没有任何单位。"
    return None


def _intake_problem(rnd: RoundFolder, name: str, data: bytes) -> str | None:
    """The same guard ``check`` applies, before a return is kept: a file it refuses is never
    saved into the round."""
    if not data:
        return f"「{name}」是空文件（0 字节），请让填报单位重新发送。"
    staging = rnd.results / ".上传中"
    staging.mkdir(parents=True, exist_ok=True)
    probe = staging / f"{secrets.token_hex(6)}{Path(name).suffix}"
    try:
        probe.write_bytes(data)
        inspect_workbook(probe)
    except IntakeError as exc:
        return str(exc).replace(probe.name, name)
    finally:
        probe.unlink(missing_ok=True)
    return None


def _province_form(rnd: RoundFolder, chosen: str, upload: Any) -> Path | None:
    """The province's own blank workbook to copy (uploaded now, or one uploaded before), or
    None for one of perfxl's layouts."""
    if upload is not None and upload.filename:
        if not blank_takes_form():
            abort(400, description="这个版本的 perfxl 还不能按省里的空白表生成。")
        name = upload_name(upload.filename, (".xlsx",))
        if name is None:
            abort(
                400,
                description=f"「{_display(upload.filename)}」不是 .xlsx 工作簿：省里的空白表请另存为 .xlsx 后上传。",
            )
        data = upload.read()
        problem = _intake_problem(rnd, name, data)
        if problem:
            abort(400, description=problem)
        rnd.form_folder.mkdir(parents=True, exist_ok=True)
        return save_new(rnd.form_folder, name, data)
    if chosen:
        match = [p for p in rnd.forms() if p.name == chosen]
        if not match:
            abort(400, description=f"没有这份空白表「{chosen}」。")
        return match[0]
    return None


def _receive(
    rnd: RoundFolder, uploads: list[Any], folder: Path
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Keep each uploaded workbook that passes the intake guard in ``folder`` (never over an
    earlier file); every upload ends accepted (with the name it was saved as) or refused
    (with the reason, a Chinese sentence naming it)."""
    accepted: list[dict[str, str]] = []
    refused: list[dict[str, str]] = []
    for upload in uploads:
        shown = _display(upload.filename or "")
        if shown.startswith("~$"):
            refused.append(
                {
                    "name": shown,
                    "reason": f"「{shown}」是 Excel 或 WPS 打开文件时留下的临时文件，不是交回的表。",
                }
            )
            continue
        name = upload_name(upload.filename, WORKBOOK_SUFFIXES)
        if name is None:
            refused.append(
                {
                    "name": shown,
                    "reason": f"「{shown}」不是工作簿（只收 .xlsx、.xlsm、.xls、.ods 文件）。",
                }
            )
            continue
        data = upload.read()
        problem = _intake_problem(rnd, name, data)
        if problem:
            refused.append({"name": shown, "reason": problem})
            continue
        saved = save_new(folder, name, data)
        accepted.append({"name": shown, "saved": saved.name})
    return accepted, refused


def _zip(archive: Path, members: list[tuple[Path, str]]) -> Path:
    with atomic_output(archive) as temporary:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as zf:
            seen: set[str] = set()
            for path, arcname in members:
                name, n = arcname, 2
                while name in seen:
                    name = f"{Path(arcname).stem}（{n}）{Path(arcname).suffix}"
                    n += 1
                seen.add(name)
                zf.write(path, name)
    return archive


def _inbox_file(rnd: RoundFolder, name: str) -> Path:
    path = rnd.inbox / name
    if not rnd.within(path) or not path.is_file() or path.suffix.lower() not in WORKBOOK_SUFFIXES:
        abort(404)
    try:
        path.resolve().relative_to(rnd.inbox.resolve())
    except ValueError:
        abort(404)
    return path


def _annotated_copy(rnd: RoundFolder, path: Path, workers: int | None) -> Path:
    report = api.check([path], annotate=rnd.annotated, workers=workers)
    copy = report.files[0].annotated
    if not copy:
        raise PerfxlError(f"「{path.name}」无法生成标注副本（文件无法读取）。")
    return Path(copy)


def _relative(rnd: RoundFolder, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(rnd.inbox.resolve()).as_posix()
    except ValueError:
        return Path(path).name


def _file_time(path: str) -> str:
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(Path(path).stat().st_mtime))
    except OSError:
        return ""


STATE_CLASS = {
    "missing": "missing",
    "errors": "errors",
    "warnings": "warnings",
    "passed": "passed",
    "unreadable": "errors",
    "unmatched": "missing",
}


def _collect_rows(view: CollectView, rnd: RoundFolder) -> list[dict[str, Any]]:
    """One row per roster unit (with status), or per file (no roster yet)."""
    rows: list[dict[str, Any]] = []
    if view.status is not None:
        for unit in view.status.units:
            latest = unit.latest[0] if unit.latest else None
            rows.append(
                {
                    "unit": unit.unit,
                    "department": unit.department,
                    "label": unit.label,
                    "state": unit.state,
                    "css": STATE_CLASS.get(unit.state, ""),
                    "late": unit.late,
                    "errors": unit.errors if latest else None,
                    "warnings": unit.warnings if latest else None,
                    "path": latest.path if latest else None,
                    "file": _relative(rnd, latest.path) if latest else None,
                    "time": latest.modified[:16] if latest else "",
                    "returns": len(unit.returns),
                    "match": latest.match_label if latest else "",
                    "confirm": unit.to_confirm,
                }
            )
        for other in view.status.unmatched:
            rows.append(
                {
                    "unit": other.unit_in_file or "（未识别）",
                    "department": "",
                    "label": "未识别的文件",
                    "state": "unmatched",
                    "css": "missing",
                    "late": False,
                    "errors": None,
                    "warnings": None,
                    "path": other.path,
                    "file": _relative(rnd, other.path),
                    "time": other.modified[:16],
                    "returns": 1,
                    "match": other.reason,
                    "confirm": False,
                }
            )
        return rows
    if view.report is not None:
        for f in view.report.files:
            rows.append(
                {
                    "unit": _unit_of(f) or "（表上未填实施单位）",
                    "department": "",
                    "label": "无法读取" if not f.readable else f"错误 {f.errors} 个",
                    "state": "unreadable" if not f.readable else "",
                    "css": "errors" if not f.readable or f.errors else "",
                    "late": False,
                    "errors": f.errors,
                    "warnings": f.warnings,
                    "path": f.path,
                    "file": _relative(rnd, f.path),
                    "time": _file_time(f.path),
                    "returns": 1,
                    "match": "",
                    "confirm": False,
                }
            )
    return rows


def _unit_of(checked: Any) -> str:
    for project in checked.projects:
        fields = project.get("fields") or {}
        name = fields.get("unit") or fields.get("applicant")
        if name:
            return str(name)
    return ""


def _collect_summary(view: CollectView) -> dict[str, Any] | None:
    if view.status is not None:
        data: dict[str, Any] = view.status.summary
        return data
    if view.report is not None:
        return {"files": len(view.report.files), **view.report.summary}
    return None


def _find_file(view: CollectView, rnd: RoundFolder, name: str) -> dict[str, Any] | None:
    """The page of one return: its unit, state and every finding with cell, value, hint."""
    if view.status is not None:
        for unit in view.status.units:
            for returned in unit.returns:
                if _relative(rnd, returned.path) == name:
                    return {
                        "unit": unit.unit,
                        "department": unit.department,
                        "label": unit.label,
                        "css": STATE_CLASS.get(unit.state, ""),
                        "path": returned.path,
                        "file": name,
                        "time": returned.modified,
                        "newest": returned in unit.latest,
                        "errors": returned.errors,
                        "warnings": returned.warnings,
                        "findings": _finding_rows(returned.findings, None),
                        "fixed": unit.fixed if returned in unit.latest else (),
                        "new": unit.new if returned in unit.latest else (),
                        "readable": returned.readable,
                    }
        for other in view.status.unmatched:
            if _relative(rnd, other.path) == name:
                return {
                    "unit": other.unit_in_file or "（未识别）",
                    "department": "",
                    "label": "未识别的文件",
                    "css": "missing",
                    "path": other.path,
                    "file": name,
                    "time": other.modified,
                    "newest": True,
                    "errors": 0,
                    "warnings": 0,
                    "findings": [],
                    "fixed": (),
                    "new": (),
                    "readable": other.readable,
                    "reason": other.reason,
                }
        return None
    if view.report is not None:
        for f in view.report.files:
            if _relative(rnd, f.path) == name:
                return {
                    "unit": _unit_of(f) or "（表上未填实施单位）",
                    "department": "",
                    "label": "无法读取"
                    if not f.readable
                    else f"错误 {f.errors} 个，警告 {f.warnings} 个",
                    "css": "errors" if f.errors or not f.readable else "",
                    "path": f.path,
                    "file": name,
                    "time": _file_time(f.path),
                    "newest": True,
                    "errors": f.errors,
                    "warnings": f.warnings,
                    "findings": _finding_rows(f.findings, f),
                    "fixed": (),
                    "new": (),
                    "readable": f.readable,
                }
    return None


def _finding_rows(findings: Any, checked: Any) -> list[dict[str, Any]]:
    """Each finding with the indicator target of its row, where the report read one (the
    message quotes the value of other cells)."""
    values: dict[tuple[str, str], str] = {}
    for project in getattr(checked, "projects", ()) or ():
        for ind in project.get("indicators") or ():
            if ind.get("cell"):
                row = _row_of(ind["cell"])
                values[(project.get("sheet") or "", row)] = str(ind.get("target") or "")
    order = {"error": 0, "warning": 1, "info": 2}
    rows = []
    for f in sorted(findings, key=lambda f: (order.get(f.severity, 3), f.sheet, f.cell)):
        rows.append(
            {
                "code": f.code,
                "severity": f.severity,
                "severity_label": {"error": "错误", "warning": "警告", "info": "提示"}.get(
                    f.severity, f.severity
                ),
                "where": f"{f.sheet}!{f.cell}"
                if f.sheet and f.cell
                else (f.sheet or f.cell or "整个文件"),
                "value": values.get((f.sheet, _row_of(f.cell)), "") if f.cell else "",
                "message": f.message,
                "hint": f.hint,
            }
        )
    return rows


def _row_of(cell: str) -> str:
    """The row of a cell reference: ``F13`` → ``13``."""
    return cell.lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz").split(":")[0]


def _current_returns(state: UiState) -> list[Path]:
    """The returns a merge takes: with a status, the newest return of each unit's forms
    (a resubmission replaces the earlier one); without one, every return in 回收/."""
    view = state.collect
    if (
        view is not None
        and view.status is not None
        and view.fingerprint == state.round.fingerprint()
    ):
        return [Path(r.path) for u in view.status.units for r in u.latest]
    return state.round.returns()


def _next_rows(result: Any) -> list[dict[str, Any]]:
    """Every input of a 下一阶段 run: the workbook written from it, or why not."""
    return [
        {
            "source": Path(f.source).name,
            "output": Path(f.output).name if f.written else "",
            "projects": f.projects,
            "written": f.written,
            "error": f.error or "",
        }
        for f in result.files
    ]


def _compare_rows(result: Any) -> list[dict[str, Any]]:
    order = {"error": 0, "warning": 1, "info": 2}
    rows = []
    for item in sorted(result.findings, key=lambda f: (order.get(f.finding.severity, 3), f.unit)):
        f = item.finding
        rows.append(
            {
                "code": f.code,
                "severity": f.severity,
                "severity_label": {"error": "错误", "warning": "警告", "info": "提示"}.get(
                    f.severity, f.severity
                ),
                "unit": item.unit,
                "project": f.project,
                "this": f"{Path(item.this.file).name} {item.this.place}" if item.this else "",
                "last": f"{Path(item.last.file).name} {item.last.place}" if item.last else "",
                "message": f.message,
                "hint": f.hint,
            }
        )
    return rows


def _charts(figures: Any) -> dict[str, Any]:
    groups = figures.groups
    label = figures.group_label
    kinds = figures.indicator_kinds
    return {
        "money": svg.bars(
            f"各{label}的项目金额（{figures.money_unit}）",
            [(g.name, [g.amount]) for g in groups],
            [f"项目金额（{figures.money_unit}）"],
            colors=(svg.BLUE,),
        ),
        "findings": svg.bars(
            f"各{label}的问题数",
            [(g.name, [g.errors, g.warnings]) for g in groups],
            ["错误", "警告"],
            colors=(svg.RED, svg.YELLOW),
        ),
        "share": svg.share(
            "定量指标与定性指标的占比",
            [
                ("定量", kinds.get("quantitative", 0)),
                ("定性", kinds.get("qualitative", 0)),
                ("未能判断", kinds.get("other", 0)),
            ],
        ),
    }
