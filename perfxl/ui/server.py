"""Start the local page: bind, print the address, open the browser, serve until stopped.

The server is werkzeug's own (the one Flask uses), threaded, so a long batch in the
background never stops the page from answering. By default it listens on 127.0.0.1 and a
free port the system chooses; another address (an office LAN) requires the random access
token printed with the address.
"""

from __future__ import annotations

import logging
import sys
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfxl.core.errors import PerfxlError
from perfxl.ui.rounds import default_round_folder
from perfxl.ui.security import is_loopback, new_token

log = logging.getLogger("perfxl.ui")


@dataclass
class Running:
    """A server started by :func:`start`: its address, and how to stop it."""

    url: str  # the address to open, with ?token=… in LAN mode
    port: int
    server: Any
    thread: threading.Thread | None = None

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=10)


def start(
    folder: Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    workers: int | None = None,
    in_thread: bool = False,
) -> Running:
    """Create the app over ``folder`` (default: perfxl in the user's documents) and bind it.
    ``in_thread``: serve from a background thread (tests); else call ``serve_forever``."""
    from werkzeug.serving import make_server

    from perfxl.ui.app import create_app

    loopback = is_loopback(host)
    token = None if loopback else new_token()
    root = Path(folder) if folder is not None else default_round_folder()
    app = create_app(root, token=token, loopback=loopback, workers=workers)
    problem = _bind_problem(host, port)
    if problem is None:
        try:
            server = make_server(host, port, app, threaded=True)
        except (OSError, SystemExit) as exc:  # werkzeug exits on a taken port
            problem = getattr(exc, "strerror", None) or "端口已被占用"
    if problem is not None:
        raise PerfxlError(
            f"错误：无法在 {host}:{port} 上启动（{problem}）；"
            "端口可能已被占用，请换一个端口（--port）或不指定端口"
        )
    bound = server.server_port
    # two pages on different ports of one machine share cookies: give each its own names
    app.config["SESSION_COOKIE_NAME"] = f"perfxl_session_{bound}"
    app.config["TOKEN_COOKIE_NAME"] = f"perfxl_token_{bound}"
    shown = "127.0.0.1" if loopback else _lan_address(host)
    url = f"http://{shown}:{bound}/" + (f"?token={token}" if token else "")
    running = Running(url, bound, server)
    if in_thread:
        running.thread = threading.Thread(
            target=server.serve_forever, name="perfxl-ui", daemon=True
        )
        running.thread.start()
    return running


def _bind_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (werkzeug would print English and exit)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def _lan_address(host: str) -> str:
    """The address to tell LAN users: the machine's own address when bound to all."""
    if host not in ("0.0.0.0", "::", ""):
        return f"[{host}]" if ":" in host else host
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the route
            return str(probe.getsockname()[0])
    except OSError:
        return socket.gethostname()


def serve(
    folder: Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = True,
    say: Callable[[str], None] = print,
) -> None:
    """Run the page until Ctrl-C: print where it is, open the default browser there."""
    running = start(folder, host=host, port=port)
    app_root = running.server.app.extensions["perfxl"].round.root
    say(f"perfxl 网页已启动：{running.url}")
    say(f"本轮的文件夹：{app_root}")
    if not is_loopback(host):
        say("局域网中的其他电脑请用上面的完整地址（含 token）打开；没有 token 的访问会被拒绝。")
    say("关闭这个窗口（或按 Ctrl-C）即停止。")
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # a log file or a pipe must show the address now, not at exit
            stream.flush()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    if open_browser:
        threading.Timer(0.5, lambda: webbrowser.open(running.url)).start()
    try:
        running.server.serve_forever()
    except KeyboardInterrupt:
        say("已停止。")
    finally:
        running.server.server_close()


def gui_main() -> None:
    """``perfxl-ui``: what a desktop shortcut starts. No console is there to print to
    (a Windows GUI program has none), so the address and any error go to a log file in the
    round folder, and the browser opens by itself."""
    folder = default_round_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        logfile = folder / "perfxl-ui.log"
        logging.basicConfig(
            filename=str(logfile),
            level=logging.INFO,
            encoding="utf-8",
            format="%(asctime)s %(levelname)s %(message)s",
        )
    except OSError:
        logging.basicConfig(level=logging.INFO)

    def say(text: str) -> None:
        log.info("%s", text)
        if sys.stdout is not None:
            try:
                print(text, flush=True)
            except (OSError, ValueError):
                pass

    try:
        serve(folder, say=say)
    except PerfxlError as exc:
        say(exc.format())
        sys.exit(2)
