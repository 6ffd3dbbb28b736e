"""Starting the local page: a free port on 127.0.0.1, the LAN token, the command, the GUI
entry point, and a wheel that carries every asset (a non-editable install works)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile

import pytest

from perfxl import api
from perfxl.core.errors import Cancelled
from perfxl.ui.server import start

from .conftest import ROOT
from .uiround import make_round


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_starts_on_a_free_loopback_port(tmp_path):
    running = start(tmp_path / "本轮", workers=1, in_thread=True)
    try:
        assert running.url == f"http://127.0.0.1:{running.port}/" and running.port > 0
        assert running.server.host == "127.0.0.1"
        code, text = fetch(running.url + "collect")
        assert code == 200 and "收表" in text
        # a second page on another port at once: its own port, its own cookies
        other = start(tmp_path / "另一轮", workers=1, in_thread=True)
        try:
            assert other.port != running.port
            assert fetch(other.url + "send")[0] == 200
        finally:
            other.stop()
    finally:
        running.stop()


def test_lan_mode_prints_a_token_and_refuses_without_it(tmp_path):
    running = start(tmp_path / "本轮", host="0.0.0.0", workers=1, in_thread=True)
    try:
        assert "?token=" in running.url
        token = running.url.split("?token=")[1]
        assert len(token) >= 32
        local = f"http://127.0.0.1:{running.port}/collect"
        code, text = fetch(local)
        assert code == 403 and "访问口令" in text
        assert fetch(local + "?token=wrong")[0] == 403
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())
        try:
            opener.open(local + "?token=" + token, timeout=30)
        except urllib.error.HTTPError as exc:
            assert exc.code == 302
            cookie = exc.headers["Set-Cookie"].split(";")[0]
        code, text = fetch(local, {"Cookie": cookie})
        assert code == 200 and "收表" in text
    finally:
        running.stop()


def test_a_taken_port_is_a_chinese_error(tmp_path):
    from perfxl.core.errors import PerfxlError

    running = start(tmp_path / "本轮", workers=1, in_thread=True)
    try:
        with pytest.raises(PerfxlError, match="端口"):
            start(tmp_path / "另一轮", port=running.port, workers=1)
    finally:
        running.stop()


def test_the_command_prints_the_address_without_opening_a_browser(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "BROWSER": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "perfxl", "ui", "--folder", str(tmp_path / "本轮"), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("perfxl 网页已启动：http://127.0.0.1:"), line
        url = line.split("：", 1)[1].strip()
        assert fetch(url + "merge")[0] == 200
        assert (tmp_path / "本轮" / "回收").is_dir()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_pyproject_declares_the_gui_entry_point_and_the_assets():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'perfxl-ui = "perfxl.ui.server:gui_main"' in text
    assert "[project.gui-scripts]" in text and '"Flask>=3.0"' in text
    desktop = (ROOT / "perfxl" / "ui" / "perfxl-ui.desktop").read_text(encoding="utf-8")
    assert "Exec=perfxl-ui" in desktop and "Terminal=false" in desktop


@pytest.mark.slow
def test_a_built_wheel_carries_every_asset_and_serves_them(tmp_path):
    """A non-editable install: build the wheel, install it into a folder of its own, and
    serve the page from there (not from this checkout)."""
    source = tmp_path / "src"  # a copy: building writes build/ next to the sources
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("perfxl", "templates"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("perfxl-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "perfxl-ui = perfxl.ui.server:gui_main" in zf.read(entry_points).decode()
    assets = sorted(
        str(p.relative_to(ROOT)).replace(os.sep, "/")
        for p in (ROOT / "perfxl" / "ui").rglob("*")
        if p.is_file() and p.suffix in (".html", ".css", ".js", ".svg", ".desktop")
    )
    assert assets and set(assets) <= names, set(assets) - names
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    probe = (
        "import perfxl.ui.app as a, sys\n"
        "assert a.__file__.startswith(sys.argv[1]), a.__file__\n"
        "c = a.create_app(sys.argv[2], workers=1).test_client()\n"
        "for u in ('/send', '/collect', '/merge', '/static/app.css', '/static/app.js'):\n"
        "    r = c.get(u); assert r.status_code == 200, (u, r.status_code)\n"
        "print('ok')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe, str(target), str(tmp_path / "本轮")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(target)},
        cwd=tmp_path,
    )
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_a_progress_callback_that_raises_cancelled_stops_the_batch_cleanly(tmp_path, workers):
    generated = make_round(tmp_path / "生成")
    out = tmp_path / "out"
    out.mkdir()
    seen = []

    def stop_after_first(step):
        seen.append(step)
        raise Cancelled()

    with pytest.raises(Cancelled):
        api.merge(generated.returns, out / "汇总.xlsx", workers=workers, progress=stop_after_first)
    assert len(seen) == 1 and list(out.iterdir()) == []
    with pytest.raises(Cancelled):
        api.check(generated.returns, workers=workers, progress=stop_after_first)


def test_layouts_lists_what_generate_and_blank_write():
    ids = [lay.id for lay in api.layouts()]
    assert {"declaration", "approval", "self-eval", "target-2020"} <= set(ids)
    assert api.layouts()[0].to_dict()["name"]
