"""Long batches off the request thread: progress the page polls, and a cancel button.

A job is one call of :mod:`perfxl.api` run in a background thread. The API reports each
finished item through its ``progress`` callback; the job's callback records it and, when the
user pressed 取消, raises :class:`~perfxl.core.errors.Cancelled`, which the API lets through
with nothing half-written. Only one job runs at a time: the machine's cores are the batch's,
and a second batch would only make both slower.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from perfxl.core.errors import Cancelled, PerfxlError
from perfxl.results import Progress

log = logging.getLogger("perfxl.ui")

RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"
STATE_LABELS = {RUNNING: "进行中", DONE: "已完成", FAILED: "出错", CANCELLED: "已取消"}
KEEP_FINISHED = 20


@dataclass
class Job:
    id: str
    kind: str  # what it is for: "collect", "send", "merge" …
    label: str  # in Chinese, for the page
    started: float = field(default_factory=time.time)
    done: int = 0
    total: int = 0
    current: str = ""
    state: str = RUNNING
    error: str | None = None
    result: Any = None
    cancel_requested: threading.Event = field(default_factory=threading.Event)

    @property
    def finished(self) -> bool:
        return self.state != RUNNING

    def progress(self, step: Progress) -> None:
        """The ``progress`` callback handed to the API."""
        self.done, self.total, self.current = step.done, step.total, step.current
        if self.cancel_requested.is_set():
            raise Cancelled()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "state": self.state,
            "state_label": STATE_LABELS[self.state],
            "done": self.done,
            "total": self.total,
            "current": self.current,
            "error": self.error,
            "seconds": round(time.time() - self.started, 1),
        }


class Jobs:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._count = 0

    def running(self) -> Job | None:
        with self._lock:
            return next((j for j in self._jobs.values() if not j.finished), None)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def latest(self, kind: str) -> Job | None:
        with self._lock:
            found = [j for j in self._jobs.values() if j.kind == kind]
        return found[-1] if found else None

    def start(
        self,
        kind: str,
        label: str,
        work: Callable[[Job], Any],
        on_done: Callable[[Job], None] | None = None,
    ) -> Job:
        """Run ``work(job)`` in a background thread, unless a job is already running (that
        one is returned: the page then shows its progress)."""
        with self._lock:
            busy = next((j for j in self._jobs.values() if not j.finished), None)
            if busy is not None:
                return busy
            self._count += 1
            job = Job(f"{self._count}", kind, label)
            self._jobs[job.id] = job
            finished = [k for k, j in self._jobs.items() if j.finished]
            for key in finished[:-KEEP_FINISHED]:
                del self._jobs[key]
        thread = threading.Thread(
            target=self._run, args=(job, work, on_done), name=f"perfxl-{kind}", daemon=True
        )
        thread.start()
        return job

    @staticmethod
    def _run(job: Job, work: Callable[[Job], Any], on_done: Callable[[Job], None] | None) -> None:
        try:
            job.result = work(job)
            job.state = DONE
        except Cancelled:
            job.state = CANCELLED
        except PerfxlError as exc:
            job.error, job.state = exc.format(), FAILED
        except Exception:  # the page says so in Chinese; the details go to the log only
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.error, job.state = "处理时出现内部错误，详情见程序日志。", FAILED
        if on_done is not None:
            try:
                on_done(job)
            except Exception:
                log.exception("after job %s", job.id)

    def cancel(self, job_id: str) -> Job | None:
        job = self.get(job_id)
        if job is not None and not job.finished:
            job.cancel_requested.set()
        return job

    def wait(self, job_id: str, timeout: float = 60.0) -> Job | None:
        """Block until the job ends (tests, and the page without script)."""
        deadline = time.monotonic() + timeout
        job = self.get(job_id)
        while job is not None and not job.finished and time.monotonic() < deadline:
            time.sleep(0.05)
        return job
