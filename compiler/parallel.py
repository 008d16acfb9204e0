"""Running one function over many files in worker processes, in order, surviving a dying worker."""

from __future__ import annotations

import os
import signal
import sys
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterator


def jobs_for(jobs: int | None, n: int) -> int:
    """Worker processes for n tasks: ``jobs`` if given (> 0), else one per CPU core."""
    wanted = jobs if jobs and jobs > 0 else (os.cpu_count() or 1)
    if sys.platform == "win32":
        wanted = min(wanted, 61)  # ProcessPoolExecutor's limit on Windows
    return max(1, min(wanted, n))


def _pool(jobs: int, initializer: Callable | None, initargs: tuple) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, initializer=initializer, initargs=initargs)


def run_parallel(fn: Callable, tasks: list[tuple], jobs: int, initializer: Callable | None = None,
                 initargs: tuple = (), on_crash: Callable[[tuple], object] | None = None,
                 started: Callable[[], None] | None = None) -> Iterator[tuple[int, object]]:
    """(task index, result) for every task, in task order, with at most a few tasks in flight.

    ``jobs == 1`` runs in this process.  When a worker process dies (the pool
    breaks), the tasks that were in flight are retried one at a time in a fresh
    pool; a task that kills its worker again gives ``on_crash(task)``.
    """
    if jobs == 1:
        if initializer is not None:
            initializer(*initargs)
        if started:
            started()
        for i, task in enumerate(tasks):
            yield i, fn(*task)
        return
    window = jobs * 4
    done: dict[int, object] = {}
    next_out = 0
    next_in = 0
    suspects: list[int] = []
    pool = _pool(jobs, initializer, initargs)
    try:
        running: dict[Future, int] = {}
        while next_in < len(tasks) and len(running) < window:
            running[pool.submit(fn, *tasks[next_in])] = next_in
            next_in += 1
        if started:
            started()  # the workers exist: a progress thread may start now (no fork after threads)
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for fut in finished:
                i = running.pop(fut)
                try:
                    done[i] = fut.result()
                except BrokenProcessPool:
                    suspects.append(i)
                    broken = True
            if broken:
                suspects.extend(running.values())
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                for i in sorted(suspects):
                    done[i] = _isolated(fn, tasks[i], initializer, initargs, on_crash)
                suspects.clear()
                pool = _pool(jobs, initializer, initargs)
            while next_out in done:
                yield next_out, done.pop(next_out)
                next_out += 1
            while next_in < len(tasks) and len(running) < window:
                running[pool.submit(fn, *tasks[next_in])] = next_in
                next_in += 1
        while next_out in done:  # pragma: no cover - defensive
            yield next_out, done.pop(next_out)
            next_out += 1
    except KeyboardInterrupt:
        _interrupt_workers(pool)  # a Ctrl+C sent to this process only (not the console's process group)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _interrupt_workers(pool: ProcessPoolExecutor) -> None:
    """Pass an interrupt on to the workers, so that the shutdown does not wait for their files to finish
    (a worker's initializer decides what an interrupt does there)."""
    if sys.platform == "win32":  # pragma: no cover - the console sends Ctrl+C to every process
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            os.kill(process.pid, signal.SIGINT)
        except (ProcessLookupError, PermissionError, AttributeError):
            pass


def _isolated(fn: Callable, task: tuple, initializer, initargs, on_crash):
    """Run one task in a pool of its own: the task that broke the pool breaks only this one."""
    with _pool(1, initializer, initargs) as single:
        try:
            return single.submit(fn, *task).result()
        except BrokenProcessPool:
            if on_crash is None:
                raise
            return on_crash(task)


def progress_bar(console, total: int, what: str):
    """A rich progress bar on ``console`` (shown only on a terminal) and its task."""
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("剩余"), TimeRemainingColumn(), console=console, transient=False,
                        disable=not console.is_terminal)
    task = progress.add_task(what, total=total)
    return progress, task
