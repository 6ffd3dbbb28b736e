"""The local page (perfxl ui) through Flask's test client: every route, the round folder as
the only state, and everything a hostile or careless upload can do."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from perfxl.results import Progress
from perfxl.ui import app as ui_app
from perfxl.ui.app import create_app, ui_state
from perfxl.ui.rounds import RoundFolder, documents_folder, save_new
from perfxl.ui.security import upload_name

from .uiround import RETURNED, make_round, unit_name

WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return make_round(tmp_path_factory.mktemp("ui-returns"))


@pytest.fixture
def app(tmp_path):
    app = create_app(tmp_path / "round", workers=1)
    app.config["TESTING"] = False  # errors go through the error pages, as for a user
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def csrf(client, page: str = "/send") -> str:
    html = client.get(page).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def wait(app, kind: str):
    state = ui_state(app)
    job = state.jobs.latest(kind)
    assert job is not None
    job = state.jobs.wait(job.id, timeout=120)
    assert job.finished, job.to_dict()
    return job


def upload(client, files: list[tuple[str, bytes]], token: str | None = None, json_reply=True):
    data = {"files": [(io.BytesIO(body), name) for name, body in files]}
    if token is not None:
        data["csrf_token"] = token
    headers = {"Accept": "application/json"} if json_reply else {}
    return client.post(
        "/collect/upload", data=data, content_type="multipart/form-data", headers=headers
    )


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text


# ----------------------------------------------------------------------------------------
# every route


def test_every_page_answers_in_chinese(client):
    assert client.get("/").status_code == 302
    for page, title in (("/send", "发表"), ("/collect", "收表"), ("/merge", "汇总")):
        response = client.get(page)
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and f"<title>{title}" in text
        assert 'lang="zh-CN"' in text
        assert "http://" not in text and "https://" not in text  # nothing from the network
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    for asset in ("app.css", "app.js", "icon.svg"):
        assert client.get(f"/static/{asset}").status_code == 200
    missing = client.get("/没有这个页面")
    assert missing.status_code == 404 and "找不到这个页面" in missing.get_data(as_text=True)


def test_static_assets_fetch_nothing_from_the_network():
    static = Path(ui_app.__file__).parent / "static"
    for path in static.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), path.name
        assert "@import" not in text and "@font-face" not in text


def test_round_folder_is_made_and_the_default_is_in_documents(tmp_path, monkeypatch):
    create_app(tmp_path / "新的一轮", workers=1)
    assert {p.name for p in (tmp_path / "新的一轮").iterdir()} >= {"回收", "结果", "空白表"}
    config = tmp_path / "config"
    config.mkdir()
    (config / "user-dirs.dirs").write_text('XDG_DOCUMENTS_DIR="$HOME/文档"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("HOME", str(tmp_path))
    if documents_folder().parent == tmp_path:  # Linux desktops (UOS, 麒麟): XDG user dirs
        assert documents_folder() == tmp_path / "文档"


# ----------------------------------------------------------------------------------------
# 发表


def test_send_roster_and_blanks_as_a_zip(client, app, generated):
    token = csrf(client)
    body = generated.roster.read_bytes()
    response = client.post(
        "/send/roster",
        data={"csrf_token": token, "roster": (io.BytesIO(body), "名单.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get("/send").get_data(as_text=True)
    assert "共 13 个单位" in page
    rnd = ui_state(app).round
    assert rnd.roster() == rnd.root / "名单.yaml"
    response = client.post(
        "/send/blanks",
        data={"csrf_token": token, "layout": "declaration", "year": "2026", "blank_rows": "5"},
    )
    assert response.status_code == 302
    job = wait(app, "send")
    assert job.state == "done", job.error
    page = client.get("/send").get_data(as_text=True)
    link = re.search(r'href="(/results/[^"]+\.zip)"', page).group(1)
    archive = client.get(link)
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zf:
        names = zf.namelist()
        assert len([n for n in names if n.endswith(".xlsx")]) == 13 and "清单.csv" in names
        first = zf.read(next(n for n in names if n.endswith(".xlsx")))
    wb = openpyxl.load_workbook(io.BytesIO(first))
    assert "填报说明" in wb.sheetnames


def test_send_refuses_a_bad_roster_and_a_bad_year(client, app):
    token = csrf(client)
    for name, body, words in (
        ("名单.pdf", b"%PDF-1.4", "不是单位名单"),
        ("名单.yaml", b"departments: [\n", "有问题"),
        ("名单.xlsx", b"%PDF-1.4 pretending", "不是"),
        ("名单.csv", b"", "空文件"),
    ):
        response = client.post(
            "/send/roster",
            data={"csrf_token": token, "roster": (io.BytesIO(body), name)},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        text = response.get_data(as_text=True)
        assert words in text, (name, text[-800:])
        no_traceback(text)
    assert ui_state(app).round.roster() is None
    (ui_state(app).round.root / "名单.yaml").write_text(
        "departments:\n  - {department: 甲, unit: 乙}\n", encoding="utf-8"
    )
    response = client.post("/send/blanks", data={"csrf_token": token, "year": "二〇二六"})
    assert response.status_code == 400 and "不是整数" in response.get_data(as_text=True)
    response = client.post(
        "/send/blanks", data={"csrf_token": token, "year": "2026", "layout": "x"}
    )
    assert response.status_code == 400 and "没有表样" in response.get_data(as_text=True)


# ----------------------------------------------------------------------------------------
# 收表


def test_upload_checks_and_lists_every_return(client, app, generated):
    token = csrf(client, "/collect")
    files = [(p.name, p.read_bytes()) for p in generated.returns]
    reply = upload(client, files, token)
    assert reply.status_code == 200
    data = reply.get_json()
    assert [a["saved"] for a in data["accepted"]] == [p.name for p in generated.returns]
    assert data["refused"] == [] and data["job"]["kind"] == "collect"
    job = wait(app, "collect")
    assert job.state == "done", job.error
    inbox = ui_state(app).round.inbox
    assert sorted(p.name for p in inbox.iterdir()) == sorted(p.name for p in generated.returns)
    for p in generated.returns:  # saved byte for byte
        assert (inbox / p.name).read_bytes() == p.read_bytes()
    page = client.get("/collect").get_data(as_text=True)
    for i in range(1, RETURNED + 1):
        assert unit_name(i) in page
    # a unit's page: every finding, its cell, the value and how to fix it
    unit = client.get(f"/collect/file/{unit_name(1)}.xlsx").get_data(as_text=True)
    assert "M001" in unit and "F6" in unit and "2,000.00" in unit and "怎么改" in unit
    warn = client.get(f"/collect/file/{unit_name(2)}.xlsx").get_data(as_text=True)
    assert "I009" in warn and "F13" in warn and "很多" in warn
    clean = client.get(f"/collect/file/{unit_name(3)}.xlsx").get_data(as_text=True)
    assert "没有发现问题" in clean
    # the annotated copy of one, and of all as a zip
    copy = client.get(f"/collect/annotated/{unit_name(1)}.xlsx")
    assert copy.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(copy.data))
    assert wb.sheetnames[0] == "检查结果"
    assert client.post("/collect/annotated.zip", data={"csrf_token": token}).status_code == 302
    job = wait(app, "annotate")
    assert job.state == "done", job.error
    with zipfile.ZipFile(ui_state(app).round.results / job.result["zip"]) as zf:
        assert len(zf.namelist()) == RETURNED
    link = re.search(r'id="annotated-zip" href="([^"]+)"', client.get("/collect").get_data(as_text=True))
    assert client.get(link.group(1)).status_code == 200
    report = client.get("/collect/report.json")
    assert report.status_code == 200 and "attachment" in report.headers["Content-Disposition"]
    json.loads(report.data)


def test_a_resubmission_never_overwrites_the_earlier_return(client, app, generated):
    token = csrf(client, "/collect")
    first = generated.returns[0]
    upload(client, [(first.name, first.read_bytes())], token)
    wait(app, "collect")
    again = upload(client, [(first.name, b"PK\x03\x04" + b"\0" * 200)], token).get_json()
    assert again["refused"] and first.name in again["refused"][0]["reason"]  # damaged: refused
    second = upload(client, [(first.name, generated.returns[1].read_bytes())], token).get_json()
    saved = second["accepted"][0]["saved"]
    assert saved == f"{first.stem}（2）.xlsx"
    inbox = ui_state(app).round.inbox
    assert (inbox / first.name).read_bytes() == first.read_bytes()
    assert (inbox / saved).read_bytes() == generated.returns[1].read_bytes()
    assert not [p for p in inbox.iterdir() if p.name.startswith(".perfxl-")]


def test_save_new_counts_up(tmp_path):
    names = [save_new(tmp_path, "甲.xlsx", b"x").name for _ in range(3)]
    assert names == ["甲.xlsx", "甲（2）.xlsx", "甲（3）.xlsx"]


def test_bad_uploads_are_refused_with_the_guards_message(client, app, generated):
    token = csrf(client, "/collect")
    good = generated.returns[2].read_bytes()
    reply = upload(
        client,
        [
            ("通知.pdf", b"%PDF-1.4"),
            ("假的.xlsx", b"%PDF-1.4 this is not a workbook"),
            ("空的.xlsx", b""),
            ("截断.xlsx", good[:3000]),
            ("../../逃出去.xlsx", good),
            ("CON.xlsx", good),
            ("C:\\Users\\某人\\桌面\\第三中心.xlsx", good),
            ("~$临时.xlsx", good),
        ],
        token,
    ).get_json()
    refused = {r["name"]: r["reason"] for r in reply["refused"]}
    assert set(refused) == {"通知.pdf", "假的.xlsx", "空的.xlsx", "截断.xlsx", "~$临时.xlsx"}
    assert "临时文件" in refused["~$临时.xlsx"]
    assert "不是工作簿" in refused["通知.pdf"]
    assert "假的.xlsx" in refused["假的.xlsx"] and "不是" in refused["假的.xlsx"]
    assert "空文件" in refused["空的.xlsx"]
    assert "截断.xlsx" in refused["截断.xlsx"]
    saved = sorted(a["saved"] for a in reply["accepted"])
    assert saved == sorted(["逃出去.xlsx", "_CON.xlsx", "第三中心.xlsx"])
    rnd = ui_state(app).round
    assert sorted(p.name for p in rnd.inbox.iterdir()) == saved
    # nothing landed outside the round, and nothing is left in the staging folder
    assert not (rnd.root.parent / "逃出去.xlsx").exists()
    assert not list((rnd.results / ".上传中").iterdir())
    wait(app, "collect")


def test_upload_limits(client, app, monkeypatch):
    token = csrf(client, "/collect")
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    big = upload(client, [("大.xlsx", b"PK" + b"\0" * 20_000)], token)
    assert big.status_code == 413 and "太大" in big.get_json()["error"]
    page = upload(client, [("大.xlsx", b"PK" + b"\0" * 20_000)], token, json_reply=False)
    assert page.status_code == 413 and "一次最多" in page.get_data(as_text=True)
    no_traceback(page.get_data(as_text=True))
    app.config["MAX_CONTENT_LENGTH"] = ui_app.MAX_REQUEST_BYTES
    monkeypatch.setattr(ui_app, "MAX_FILES", 2)
    many = upload(client, [(f"{i}.xlsx", b"x") for i in range(3)], token)
    assert many.status_code == 400 and "一次最多上传 2 个文件" in many.get_json()["error"]
    none = upload(client, [], token)
    assert none.status_code == 400
    assert list(ui_state(app).round.inbox.iterdir()) == []


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("../../x.xlsx", "x.xlsx"),
        ("..\\..\\x.xlsx", "x.xlsx"),
        ("/etc/passwd.xlsx", "passwd.xlsx"),
        ("CON.xlsx", "_CON.xlsx"),
        ("nul.XLSX", "_nul.xlsx"),
        ("上海市闵行区社会保障服务中心.xlsx", "上海市闵行区社会保障服务中心.xlsx"),
        ("报表?:*.xlsx", "报表___.xlsx"),
        ("a\x00b\x1f.xlsx", "ab.xlsx"),
        ("..xlsx", None),
        (".xlsx", None),
        ("..", None),
        ("x.exe", None),
        ("", None),
    ],
)
def test_upload_names(raw, expected):
    assert upload_name(raw, WORKBOOKS) == expected


def test_paths_outside_the_round_are_not_served(client, app, generated, tmp_path):
    rnd = ui_state(app).round
    (rnd.root / "名单.yaml").write_text("secret", encoding="utf-8")
    (tmp_path / "outside.xlsx").write_bytes(generated.returns[0].read_bytes())
    for url in (
        "/results/../名单.yaml",
        "/results/..%2f名单.yaml",
        "/collect/annotated/../../outside.xlsx",
        "/collect/annotated/..%2f..%2foutside.xlsx",
        "/collect/file/../../outside.xlsx",
        "/collect/report.csv",
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        assert b"secret" not in response.data


# ----------------------------------------------------------------------------------------
# security


def test_every_post_needs_the_csrf_token(client, app, generated):
    csrf(client, "/collect")
    body = generated.returns[0].read_bytes()
    for url, data in (
        ("/collect/upload", {"files": (io.BytesIO(body), "a.xlsx")}),
        ("/send/roster", {"roster": (io.BytesIO(b"departments: []"), "名单.yaml")}),
        ("/send/blanks", {"year": "2026"}),
        ("/collect/refresh", {}),
        ("/collect/deadline", {"deadline": "2025-03-31"}),
        ("/collect/annotated.zip", {}),
        ("/merge", {}),
        ("/next", {"stage": "approval"}),
        ("/next/upload", {"files": (io.BytesIO(body), "a.xlsx")}),
        ("/jobs/1/cancel", {}),
    ):
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 403, url
        assert "页面已过期" in response.get_data(as_text=True)
    wrong = client.post("/collect/refresh", data={"csrf_token": "x" * 32})
    assert wrong.status_code == 403
    rnd = ui_state(app).round
    assert rnd.returns() == [] and rnd.roster() is None
    assert not (rnd.root / "截止日期.txt").exists()
    assert not rnd.next_stages.exists() and rnd.previous_files() == []


def test_lan_mode_needs_the_token(tmp_path):
    app = create_app(tmp_path / "round", token="right-token", loopback=False, workers=1)
    client = app.test_client()
    refused = client.get("/collect")
    assert refused.status_code == 403 and "访问口令" in refused.get_data(as_text=True)
    wrong = client.get("/collect?token=wrong")
    assert wrong.status_code == 403 and "不对" in wrong.get_data(as_text=True)
    assert client.get("/static/app.js").status_code == 403
    first = client.get("/collect?token=right-token")
    assert first.status_code == 302 and first.headers["Location"] == "/collect"
    assert "HttpOnly" in first.headers["Set-Cookie"]
    assert client.get("/collect").status_code == 200  # the cookie carries it from now on
    other = app.test_client()
    other.set_cookie("perfxl_token", "wrong")
    assert other.get("/collect").status_code == 403


def test_loopback_refuses_other_host_names(client):
    # a page elsewhere that points a name at 127.0.0.1 (DNS rebinding) is refused
    response = client.get("/collect", headers={"Host": "evil.example:8000"})
    assert response.status_code == 403 and "只接受本机" in response.get_data(as_text=True)
    assert client.get("/collect", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_an_internal_error_is_a_chinese_page_not_a_traceback(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom in the library")

    monkeypatch.setattr(ui_app.api, "layouts", broken)
    response = client.get("/send")
    text = response.get_data(as_text=True)
    assert response.status_code == 500 and "程序内部出错" in text
    assert "boom" not in text
    no_traceback(text)
    assert (
        client.get("/jobs/nope", headers={"Accept": "application/json"}).get_json()["code"] == 404
    )
    assert client.put("/collect").status_code == 405


# ----------------------------------------------------------------------------------------
# 汇总 and long batches


def test_merge_shows_totals_charts_and_gives_the_workbook(client, app, generated):
    token = csrf(client, "/collect")
    upload(client, [(p.name, p.read_bytes()) for p in generated.returns], token)
    wait(app, "collect")
    assert client.post("/merge", data={"csrf_token": token, "money_unit": "元"}).status_code == 302
    job = wait(app, "merge")
    assert job.state == "done", job.error
    page = client.get("/merge").get_data(as_text=True)
    assert page.count("<svg") == 3 and "各实施单位的项目金额（元）" in page
    assert f"项目 <b>{RETURNED}</b>" in page
    # money: 4 units planted with 2,000 and 8 with 1,000
    assert "16,000.00" in page
    summary = client.get("/results/汇总.xlsx")
    assert summary.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(summary.data))
    assert "图表" in wb.sheetnames and len(wb["图表"]._charts) == 3


def test_a_cancelled_merge_writes_nothing(client, app, generated):
    token = csrf(client, "/collect")
    rnd = ui_state(app).round
    for p in generated.returns:
        save_new(rnd.inbox, p.name, p.read_bytes())
    jobs = ui_state(app).jobs
    real_start = jobs.start

    def start_cancelled(kind, label, work, on_done=None):
        def cancelled_work(job):
            job.cancel_requested.set()  # as if 取消 was pressed before the first file ended
            return work(job)

        return real_start(kind, label, cancelled_work, on_done)

    jobs.start = start_cancelled  # type: ignore[method-assign]
    client.post("/merge", data={"csrf_token": token})
    job = wait(app, "merge")
    assert job.state == "cancelled" and job.done == 1
    assert not (rnd.results / "汇总.xlsx").exists()
    assert not [p for p in rnd.results.rglob("*") if p.name.startswith(".perfxl-")]
    page = client.get("/merge").get_data(as_text=True)
    assert "已取消" in page


def test_job_progress_and_cancel_routes(client, app):
    token = csrf(client)
    import threading

    gate = threading.Event()

    def slow(job):
        job.total = 5
        for i in range(5):
            gate.wait(5)
            job.progress(Progress(i + 1, 5, f"第{i + 1}个"))
        return None

    job = ui_state(app).jobs.start("slow", "测试", slow)
    state = client.get(f"/jobs/{job.id}").get_json()
    assert state["state"] == "running" and state["label"] == "测试"
    page = client.get("/collect").get_data(as_text=True)
    assert f'data-job="{job.id}"' in page and "取消" in page
    reply = client.post(
        f"/jobs/{job.id}/cancel", data={"csrf_token": token}, headers={"Accept": "application/json"}
    )
    assert reply.status_code == 200
    gate.set()
    ui_state(app).jobs.wait(job.id)
    assert client.get(f"/jobs/{job.id}").get_json()["state_label"] == "已取消"


def test_round_folder_fingerprint_sees_files_copied_in_by_hand(tmp_path, generated):
    rnd = RoundFolder(tmp_path / "r").prepare()
    before = rnd.fingerprint()
    (rnd.inbox / "手工放入.xlsx").write_bytes(generated.returns[0].read_bytes())
    assert rnd.fingerprint() != before and len(rnd.returns()) == 1


# ----------------------------------------------------------------------------------------
# one state with the command line: perfxl status on the round folder shows what the page shows


def settled_page(client, app) -> str:
    """The 收表 page once its table is of the folder as it is now (a file touched after a
    check started makes the page check again)."""
    state = ui_state(app)
    for _ in range(10):
        html = client.get("/collect").get_data(as_text=True)
        view = state.collect
        if view is not None and view.fingerprint == state.round.fingerprint():
            return html
        wait(app, "collect")
    raise AssertionError("the page never settled")


def page_rows(html: str) -> dict[str, tuple[str, str]]:
    """unit → (data-state, the state's label) of the 收表 table."""
    rows = {}
    for row in re.findall(r'<tr class="[^"]*" data-state="([^"]*)">(.*?)</tr>', html, re.S):
        state, cells = row
        unit = re.search(r"<td>([^<]+)", cells).group(1).strip()
        label = re.search(r'<span class="tag [^"]*">([^<]+)</span>', cells).group(1)
        rows[unit] = (state, label)
    return rows


def test_the_page_and_perfxl_status_agree(client, app, generated, run_cli, tmp_path):
    from .uiround import DEPARTMENT, fixed_return, form_yaml

    token = csrf(client)
    client.post(
        "/send/roster",
        data={
            "csrf_token": token,
            "roster": (io.BytesIO(generated.roster.read_bytes()), "名单.yaml"),
        },
        content_type="multipart/form-data",
    )
    # a stranger's form (a unit not on the roster)
    stranger_src = tmp_path / "外单位.yaml"
    stranger_src.write_text(
        form_yaml(1).replace(unit_name(1), "不在名单上的中心"), encoding="utf-8"
    )
    from perfxl import api

    api.generate(stranger_src, tmp_path / "外单位.xlsx", workers=1)
    files = [(p.name, p.read_bytes()) for p in generated.returns]
    files.append(("外单位.xlsx", (tmp_path / "外单位.xlsx").read_bytes()))
    upload(client, files, token)
    wait(app, "collect")
    # unit 1 sends its form again, corrected: the newest counts
    fixed = fixed_return(tmp_path, 1)
    import os
    import time

    time.sleep(0.01)
    reply = upload(client, [(fixed.name, fixed.read_bytes())], token).get_json()
    assert reply["accepted"][0]["saved"] == f"{unit_name(1)}（2）.xlsx"
    later = time.time() + 5
    os.utime(ui_state(app).round.inbox / reply["accepted"][0]["saved"], (later, later))
    html = settled_page(client, app)
    rows = page_rows(html)
    rnd = ui_state(app).round
    code, out, err = run_cli(
        "status", "--roster", str(rnd.roster()), str(rnd.inbox), "--format", "json", "-q"
    )
    assert code == 1, err  # units missing or with errors
    cli = json.loads(out)
    page = json.loads(client.get("/collect/report.json").data)
    for key in ("units", "unmatched", "summary", "roster", "deadline"):
        assert page[key] == cli[key], key
    assert len(cli["units"]) == 13
    for unit in cli["units"]:
        assert rows[unit["unit"]] == (unit["state"], unit["label"]), unit["unit"]
    by_unit = {u["unit"]: u for u in cli["units"]}
    assert by_unit[unit_name(1)]["state"] == "passed" and len(by_unit[unit_name(1)]["returns"]) == 2
    assert by_unit[unit_name(4)]["state"] == "errors"
    assert by_unit[unit_name(2)]["state"] == "warnings"
    assert by_unit[unit_name(13)]["state"] == "missing"
    assert [Path(u["path"]).name for u in cli["unmatched"]] == ["外单位.xlsx"]
    unit2 = client.get(f"/collect/file/{unit_name(2)}.xlsx").get_data(as_text=True)
    assert re.search(r"<td>F13|!F13</td>", unit2) and "<td>很多</td>" in unit2
    assert "未识别的文件" in html and DEPARTMENT in html
    # the 回收情况 workbook the page offers is the one status writes
    book = client.get("/collect/report.xlsx")
    assert book.status_code == 200
    assert {"回收情况", "催报名单"} <= set(openpyxl.load_workbook(io.BytesIO(book.data)).sheetnames)
    # a deadline set on the page is the command's --deadline
    client.post("/collect/deadline", data={"csrf_token": token, "deadline": "2020-01-31"})
    assert (rnd.root / "截止日期.txt").read_text(encoding="utf-8").strip() == "2020-01-31"
    html = settled_page(client, app)
    assert "--deadline 2020-01-31" in html
    code, out, _ = run_cli(
        "status",
        "--roster",
        str(rnd.roster()),
        str(rnd.inbox),
        "--deadline",
        "2020-01-31",
        "--format",
        "json",
        "-q",
    )
    cli = json.loads(out)
    rows = page_rows(html)
    for unit in cli["units"]:
        assert rows[unit["unit"]] == (unit["state"], unit["label"]), unit["unit"]
    assert sum(u["late"] for u in cli["units"]) == 12 and "逾期" in html
    # the merge takes the newest return of each unit: unit 1's corrected form, once
    client.post("/merge", data={"csrf_token": token})
    job = wait(app, "merge")
    assert job.state == "done", job.error
    merged = {Path(p).name for p in job.result.files}
    assert f"{unit_name(1)}（2）.xlsx" in merged and f"{unit_name(1)}.xlsx" not in merged
    assert job.result.result.projects == RETURNED


# ----------------------------------------------------------------------------------------
# 对比上年


def test_compare_with_last_year(client, app, generated, tmp_path):
    from perfxl import api

    from .uiround import form_yaml

    token = csrf(client, "/compare")
    rnd = ui_state(app).round
    for p in generated.returns:
        save_new(rnd.inbox, p.name, p.read_bytes())
    # last year: the same units, the same goal and indicators (copied), a smaller budget
    last = tmp_path / "上年定义"
    last.mkdir()
    for i in (1, 2, 3):
        text = form_yaml(i, "passed").replace("year: 2025", "year: 2024")
        text = text.replace("2025-01-01", "2024-01-01").replace("2025-12-31", "2024-12-31")
        (last / f"{unit_name(i)}.yaml").write_text(text, encoding="utf-8")
    made = api.generate(last, tmp_path / "上年", workers=1)
    assert made.ok
    files = [(Path(p).name, Path(p).read_bytes()) for p in made.written]
    data = {"csrf_token": token, "files": [(io.BytesIO(b), n) for n, b in files]}
    client.post("/compare/upload", data=data, content_type="multipart/form-data")
    assert len(rnd.last_year_files()) == 3
    page = client.get("/compare").get_data(as_text=True)
    assert "已有上年的表 3 个" in page
    assert client.post("/compare", data={"csrf_token": token}).status_code == 302
    job = wait(app, "compare")
    assert job.state == "done", job.error
    result = job.result.result
    assert result.summary["pairs"] == 3
    page = client.get("/compare").get_data(as_text=True)
    codes = {f.finding.code for f in result.findings}
    assert codes and all(code in page for code in codes)
    assert "C001" in codes or "C002" in codes  # the goal copied from last year
    book = client.get("/results/对比.xlsx")
    assert book.status_code == 200
    openpyxl.load_workbook(io.BytesIO(book.data))


def test_send_with_the_provinces_own_blank_workbook(client, app, generated):
    from perfxl.ui.app import blank_takes_form

    if not blank_takes_form():
        pytest.skip("perfxl.blank(form=...) is not in this version of the library")
    token = csrf(client)
    rnd = ui_state(app).round
    (rnd.root / "名单.yaml").write_bytes(generated.roster.read_bytes())
    from .blanks import BLANKS  # published blank forms, rebuilt (tests/blanks/)

    module = BLANKS[sorted(BLANKS)[0]]
    buffer = io.BytesIO()
    module.FORM.save(buffer)
    form = buffer.getvalue()
    response = client.post(
        "/send/blanks",
        data={
            "csrf_token": token,
            "year": "2026",
            "form_file": (io.BytesIO(form), "省里的表.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    job = wait(app, "send")
    assert job.state == "done", job.error
    assert [p.name for p in rnd.forms()] == ["省里的表.xlsx"]
    with zipfile.ZipFile(rnd.results / job.result["zip"]) as zf:
        assert len([n for n in zf.namelist() if n.endswith(".xlsx")]) == 13
    bad = client.post(
        "/send/blanks",
        data={"csrf_token": token, "year": "2026", "form_file": (io.BytesIO(b"%PDF"), "表.xlsx")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "表.xlsx" in bad.get_data(as_text=True)


def test_refresh_checks_the_folder_again(client, app, generated):
    token = csrf(client, "/collect")
    wait(app, "collect")
    rnd = ui_state(app).round
    save_new(rnd.inbox, "手工放入.xlsx", generated.returns[0].read_bytes())  # copied in by hand
    reply = client.post(
        "/collect/refresh", data={"csrf_token": token}, headers={"Accept": "application/json"}
    )
    assert reply.status_code == 200 and reply.get_json()["kind"] == "collect"
    wait(app, "collect")
    assert "手工放入.xlsx" in client.get("/collect").get_data(as_text=True)


# ----------------------------------------------------------------------------------------
# 下一阶段


def test_next_stage_page_renders_and_is_in_the_menu(client):
    response = client.get("/next")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>下一阶段" in text
    assert 'href="/next"' in client.get("/send").get_data(as_text=True)
    for label in ("批复表", "运行监控表", "自评表", "1-12 月"):
        assert label in text
    assert "http://" not in text and "https://" not in text


def test_next_stage_from_the_rounds_returns(client, app, generated):
    token = csrf(client, "/next")
    rnd = ui_state(app).round
    chosen = generated.returns[:3]
    inputs = {p.name: p.read_bytes() for p in chosen}
    for p in chosen:
        save_new(rnd.inbox, p.name, p.read_bytes())
    before = {p.name: p.read_bytes() for p in rnd.returns()}
    form = {"csrf_token": token, "stage": "approval", "source": "returns"}
    assert client.post("/next", data=form).status_code == 302
    job = wait(app, "next")
    assert job.state == "done", job.error
    view = job.result
    assert len(view.result.files) == 3 and view.result.ok
    # written under 结果/下一阶段/, never onto or beside the inputs
    assert {p.name: p.read_bytes() for p in rnd.returns()} == before == inputs
    for out in view.result.written:
        assert Path(out).parent == view.folder and rnd.next_stages in Path(out).parents
    page = client.get("/next").get_data(as_text=True)
    assert "生成 3 个，未生成 0 个" in page
    for p in chosen:
        assert f"{p.stem}-批复表.xlsx" in page
    download = client.get(re.search(r'id="download-next" href="([^"]+)"', page).group(1))
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.data)) as zf:
        names = sorted(zf.namelist())
        assert names == sorted(Path(o).name for o in view.result.written)
        for i, name in enumerate(sorted(p.name for p in chosen)):
            stem = Path(name).stem
            book = openpyxl.load_workbook(io.BytesIO(zf.read(f"{stem}-批复表.xlsx")))
            texts = {
                str(c.value)
                for ws in book.worksheets
                for row in ws.iter_rows()
                for c in row
                if c.value is not None
            }
            assert f"{stem}业务经费" in texts, (name, i)


def test_next_stage_from_uploaded_previous_stage_workbooks(client, app, generated, tmp_path):
    from perfxl import api

    token = csrf(client, "/next")
    rnd = ui_state(app).round
    approval = api.next_stage("approval", [generated.returns[0]], tmp_path / "批复")
    assert approval.ok
    uploads = [Path(approval.written[0]), generated.returns[1]]
    data = {"csrf_token": token, "files": [(io.BytesIO(p.read_bytes()), p.name) for p in uploads]}
    client.post("/next/upload", data=data, content_type="multipart/form-data")
    assert len(rnd.previous_files()) == 2
    assert "已上传上一阶段的表 2 个" in client.get("/next").get_data(as_text=True)
    # 批复表 from a 批复表 cannot be made: that input is explained, the other one is written
    form = {"csrf_token": token, "stage": "approval", "source": "uploaded"}
    assert client.post("/next", data=form).status_code == 302
    job = wait(app, "next")
    assert job.state == "done", job.error
    files = {Path(f.source).name: f for f in job.result.result.files}
    assert files[generated.returns[1].name].written
    refused = files[Path(approval.written[0]).name]
    assert not refused.written and "不能生成批复表" in (refused.error or "")
    page = client.get("/next").get_data(as_text=True)
    assert "生成 1 个，未生成 1 个" in page and "不能生成批复表" in page
    with zipfile.ZipFile(rnd.results / job.result.archive) as zf:
        assert zf.namelist() == [Path(job.result.result.written[0]).name]
    # 运行监控表 for 1-5 月 from both
    form = {"csrf_token": token, "stage": "monitor", "month": "5", "source": "uploaded"}
    assert client.post("/next", data=form).status_code == 302
    job = wait(app, "next")
    assert job.state == "done" and job.result.result.ok, job.result.result.to_dict()
    assert all("运行监控表" in Path(o).name for o in job.result.result.written)


def test_next_stage_refuses_a_bad_stage_month_or_source(client, app, generated):
    token = csrf(client, "/next")
    rnd = ui_state(app).round
    save_new(rnd.inbox, generated.returns[0].name, generated.returns[0].read_bytes())
    for form, message in (
        ({"stage": "final"}, "下一阶段只能是"),
        ({"stage": "monitor", "month": "13"}, "监控月份应在 1 到 12 之间"),
        ({"stage": "monitor", "month": "七"}, "监控月份「七」不是整数"),
        ({"stage": "approval", "source": "../回收"}, "表的来源只能是"),
    ):
        response = client.post("/next", data={"csrf_token": token, **form})
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and message in text, (form, text)
        no_traceback(text)
    assert ui_state(app).jobs.latest("next") is None and not rnd.next_stages.exists()
    # nothing uploaded yet: a plain message, no job
    form = {"csrf_token": token, "stage": "approval", "source": "uploaded"}
    response = client.post("/next", data=form, follow_redirects=True)
    assert "还没有上传上一阶段的表" in response.get_data(as_text=True)


def test_a_cancelled_next_stage_gives_no_zip(client, app, generated):
    token = csrf(client, "/next")
    rnd = ui_state(app).round
    for p in generated.returns[:3]:
        save_new(rnd.inbox, p.name, p.read_bytes())
    jobs = ui_state(app).jobs
    real_start = jobs.start

    def start_cancelled(kind, label, work, on_done=None):
        def cancelled_work(job):
            job.cancel_requested.set()  # as if 取消 was pressed before the first file ended
            return work(job)

        return real_start(kind, label, cancelled_work, on_done)

    jobs.start = start_cancelled  # type: ignore[method-assign]
    client.post("/next", data={"csrf_token": token, "stage": "self-eval"})
    job = wait(app, "next")
    assert job.state == "cancelled" and job.done == 1
    assert ui_state(app).next is None and not list(rnd.results.rglob("*.zip"))
    assert not [p for p in rnd.results.rglob("*") if p.name.startswith(".perfxl-")]
    assert "上次生成已取消" in client.get("/next").get_data(as_text=True)
