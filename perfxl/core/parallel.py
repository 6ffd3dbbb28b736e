"""One way to spread a batch over processes: ``parallel_map``.

generate, blank, check and merge all hand their items to :func:`parallel_map`. Results come
back in input order whatever order the workers finish in; with one worker or one item
everything runs in this process (no start-up cost, and a debugger sees the call).

A worker can die without raising — a native parser hitting a damaged file aborts (SIGABRT)
or segfaults — and ``concurrent.futures`` then fails every unfinished item of the pool
(``BrokenProcessPool``). So one bad file must not cost the batch: after a break, the items
that had not finished are run again one at a time, each lane in a process of its own that
is replaced when it dies; the item that still kills its process is the culprit, and
``on_crash(item, exc)`` turns it into that item's own result (without ``on_crash`` the
break is raised).

An interruption stops the whole batch, workers included: Ctrl-C (KeyboardInterrupt) or
SIGTERM (:class:`Terminated`, once :func:`stop_on_sigterm` is installed) in this process
terminates every worker before it propagates. Workers ignore Ctrl-C (the terminal sends it to
the whole process group: this process decides), and a worker told to stop unwinds its item —
so an output it was writing removes its temporary file — and exits quietly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Items handed to a worker at a time: small and fixed, so the results waiting to be
# collected never grow with the size of the batch, and a crash re-runs few items.
CHUNK = 8


# How long stopped workers get to unwind (remove their temporary files) before they are killed.
STOP_GRACE = 0.5
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(BaseException):
    """SIGTERM arrived (a BaseException, like KeyboardInterrupt: no ``except Exception`` of a
    reader may swallow it)."""


def _raise_terminated(_signum: int, _frame: FrameType | None) -> None:
    raise Terminated()


def stop_on_sigterm() -> None:
    """Make SIGTERM raise :class:`Terminated` in this process (the command line installs it;
    a library caller keeps its own signal handling)."""
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _raise_terminated)


_busy = False  # in a worker: an item is running (stopping must unwind it)


def _worker_stop(_signum: int, _frame: FrameType | None) -> None:
    """SIGTERM in a worker: unwind the running item (its temporary files go). Between items
    the worker may be sending a result: it is left alone, to be killed once that is sent —
    a worker that dies half-way through a message would hang the pool's reader."""
    if _busy:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends it at once
        raise Terminated()


def _start_worker() -> None:
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM") and os.name == "posix":
        signal.signal(signal.SIGTERM, _worker_stop)


def remove_library_temporaries() -> None:
    """Before leaving without exit handlers (``os._exit``): openpyxl keeps each sheet of a
    workbook being saved in a temporary file of its own (in TMPDIR), removed only at exit."""
    writer = sys.modules.get("openpyxl.worksheet._writer")
    for path in list(getattr(writer, "ALL_TEMP_FILES", ())):
        with contextlib.suppress(OSError):
            os.remove(path)


def _guarded(fn: Callable[..., R], *args: Any) -> R:
    """Run one task in a worker; told to stop, the task unwinds and the worker exits."""
    global _busy
    _busy = True
    try:
        return fn(*args)
    except Terminated:
        remove_library_temporaries()
        os._exit(EXIT_TERMINATED)
    finally:
        _busy = False


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=_start_worker)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop every worker of ``pool`` now: ask (SIGTERM: a running item unwinds), give them
    :data:`STOP_GRACE`, kill the rest (idle, or in native code), and do not wait for the
    pool's own thread (it may wait for a message a dead worker never finished)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(STOP_GRACE)
    pool.shutdown(wait=False, cancel_futures=True)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def _run_chunk(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [fn(item) for item in chunk]


def parallel_map(
    fn: Callable[[T], R],
    items: Sequence[T],
    workers: int = 1,
    on_done: Callable[[R], None] | None = None,
    on_crash: Callable[[T, BaseException], R] | None = None,
) -> list[R]:
    """``[fn(item) for item in items]`` over ``workers`` processes, in input order.

    ``fn`` and the items must be picklable when ``workers > 1`` (a module-level function or
    a ``functools.partial`` of one). ``on_done(result)`` is called in this process as each
    result arrives, in input order (for progress).
    """
    return list(parallel_iter(fn, items, workers, on_done, on_crash))


def parallel_iter(
    fn: Callable[[T], R],
    items: Sequence[T],
    workers: int = 1,
    on_done: Callable[[R], None] | None = None,
    on_crash: Callable[[T, BaseException], R] | None = None,
) -> Iterator[R]:
    """:func:`parallel_map` one result at a time, for a consumer that stores each result
    as it comes and so keeps memory flat however long the batch."""
    for result in _results(fn, items, workers, on_crash):
        if on_done is not None:
            on_done(result)
        yield result


def _results(
    fn: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    on_crash: Callable[[T, BaseException], R] | None,
) -> Iterator[R]:
    if workers <= 1 or len(items) <= 1:
        for item in items:
            yield fn(item)
        return
    done_late: dict[int, R] = {}  # finished after an earlier chunk's pool broke
    unfinished: list[int] = []
    pool = _pool(min(workers, len(items)))
    try:
        futures = [
            (start, pool.submit(_guarded, _run_chunk, fn, list(items[start : start + CHUNK])))
            for start in range(0, len(items), CHUNK)
        ]
        for start, future in futures:
            try:
                chunk_results = future.result()
            except BrokenProcessPool:
                unfinished.extend(range(start, min(start + CHUNK, len(items))))
                continue
            for offset, result in enumerate(chunk_results):
                if unfinished:
                    done_late[start + offset] = result
                else:
                    yield result
    except BaseException:  # Ctrl-C, SIGTERM, or the consumer gave up: no worker lives on
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    if not unfinished:
        return
    done_late.update(_isolated(fn, items, unfinished, min(workers, len(unfinished)), on_crash))
    for index in range(unfinished[0], len(items)):
        yield done_late.pop(index)


def _isolated(
    fn: Callable[[T], R],
    items: Sequence[T],
    indexes: list[int],
    lanes: int,
    on_crash: Callable[[T, BaseException], R] | None,
) -> dict[int, R]:
    """Run each item alone in a one-process pool (one pool per lane, replaced when it breaks),
    so a crash can only be the item that was running."""
    queue = list(reversed(indexes))
    lock = threading.Lock()
    failures: list[BaseException] = []
    results: dict[int, R] = {}
    pools: dict[int, ProcessPoolExecutor] = {}  # each lane's current pool, to stop them all
    stopping = threading.Event()

    def next_index() -> int | None:
        with lock:
            return queue.pop() if queue and not failures and not stopping.is_set() else None

    def lane(number: int) -> None:
        pool = pools[number] = _pool(1)
        try:
            while (index := next_index()) is not None:
                try:
                    result = pool.submit(_guarded, fn, items[index]).result()
                except BrokenProcessPool as exc:
                    pool.shutdown(wait=True)
                    if stopping.is_set():
                        return
                    pool = pools[number] = _pool(1)
                    if on_crash is None:
                        with lock:
                            failures.append(exc)
                        return
                    result = on_crash(items[index], exc)
                with lock:
                    results[index] = result
        finally:
            pool.shutdown(wait=True)

    with ThreadPoolExecutor(max_workers=lanes) as threads:
        futures = [threads.submit(lane, number) for number in range(lanes)]
        try:
            for future in futures:
                future.result()
        except BaseException:
            stopping.set()
            for pool in list(pools.values()):
                _stop(pool)
            raise
    if failures:
        raise failures[0]
    return results
