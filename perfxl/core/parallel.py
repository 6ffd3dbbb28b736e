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
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Items handed to a worker at a time: small and fixed, so the results waiting to be
# collected never grow with the size of the batch, and a crash re-runs few items.
CHUNK = 8


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
    with ProcessPoolExecutor(max_workers=min(workers, len(items))) as pool:
        futures = [
            (start, pool.submit(_run_chunk, fn, list(items[start : start + CHUNK])))
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

    def next_index() -> int | None:
        with lock:
            return queue.pop() if queue and not failures else None

    def lane() -> None:
        pool = ProcessPoolExecutor(max_workers=1)
        try:
            while (index := next_index()) is not None:
                try:
                    result = pool.submit(fn, items[index]).result()
                except BrokenProcessPool as exc:
                    pool.shutdown(wait=True)
                    pool = ProcessPoolExecutor(max_workers=1)
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
        for future in [threads.submit(lane) for _ in range(lanes)]:
            future.result()
    if failures:
        raise failures[0]
    return results
