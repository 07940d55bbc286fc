"""Run batches of documents through a slice of the stages, in this process or in worker processes.

Results come back in submission order whatever the number of workers, which is what keeps
the output identical for any `--workers`.

The pool is our own, not concurrent.futures': a worker holds one batch at a time, so when one
dies (the out-of-memory killer, a kill -9, a crash in a C library) the pool knows which batch it
was on, starts a fresh worker and gives it the batch again. A batch that kills a worker twice is
retried one document at a time, and a document that kills a worker on its own is dropped as
`worker_died`. ProcessPoolExecutor can only report the whole pool broken, and its task-feeding
thread can block forever on a dead worker's pipe (CPython issue 94777): the run hung.
Workers die with the main process (PR_SET_PDEATHSIG on Linux, and they watch their parent), so a
kill -9 of the run leaves no orphans working on.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from corpus.document import Document, Drop, ReadFailure
from corpus.errors import RunError
from corpus.readers.webpage import UnparsedHtml
from corpus.rules import NO_RULES, RuleSet
from corpus.stages.base import Stage

Item = tuple[int, Document | UnparsedHtml | ReadFailure]  # (input ordinal, record)
WORKER_DIED = "worker_died"
RUN_REASONS = (WORKER_DIED,)  # the drop reasons of stage `run` (the runner's own) in dropped.parquet


@dataclass(frozen=True)
class PassPlan:
    """One pass: apply `stages` (the first with its fitted state, if it has one), then fit `fit_next`."""

    stages: Sequence[tuple[type[Stage], Any]]  # (stage class, its config)
    fitted: Any = None  # the first stage's merged state, for a first pass kept in memory
    fit_next: tuple[type[Stage], Any] | None = None
    rules: RuleSet = NO_RULES  # every rule file in effect, checked and compiled in the main process


@dataclass
class Task:
    """A batch of documents and, for a stage whose first pass is kept on disk, its lookups."""

    number: int  # the batch's number in the run (its first ordinal // BATCH_DOCS)
    items: Sequence[Item]
    lookups: Any = None


@dataclass
class BatchResult:
    number: int = 0
    kept: list[tuple[int, Document]] = field(default_factory=list)
    # (ordinal, the record, stage name, the stage's decision)
    dropped: list[tuple[int, Document | ReadFailure, str, Drop]] = field(default_factory=list)
    # the next stage's first pass: (the ordinals of the documents it saw, its partial), one per run of `fit`
    partials: list[tuple[list[int], Any]] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)


class _PassRunner:
    """The stage instances of a pass, built once per process."""

    def __init__(self, plan: PassPlan) -> None:
        self.stages = [cls(config, plan.rules) for cls, config in plan.stages]
        self.fitted = plan.fitted
        self.fit_next = plan.fit_next[0](plan.fit_next[1], plan.rules) if plan.fit_next else None

    def run(self, task: Task) -> BatchResult:
        """The batch through each stage in turn (a stage sees the whole batch: `apply_many`)."""
        result = BatchResult(task.number)
        cpu = dict.fromkeys((stage.name for stage in self.stages), 0.0)
        live: list[tuple[int, Document]] = []
        for ordinal, record in task.items:
            if isinstance(record, UnparsedHtml):
                started = time.process_time()
                record = record.parse()
                cpu["read (html)"] = cpu.get("read (html)", 0.0) + time.process_time() - started
            if isinstance(record, ReadFailure):
                result.dropped.append((ordinal, record, "read", Drop(record.reason, record.detail)))
            else:
                live.append((ordinal, record))
        for index, stage in enumerate(self.stages):
            started = time.process_time()
            fitted = None
            if index == 0 and stage.needs_fit:
                fitted = stage.batch_state(task.lookups) if stage.fit_tables else self.fitted
            outcomes = stage.apply_many([doc for _, doc in live], fitted)
            cpu[stage.name] += time.process_time() - started
            still: list[tuple[int, Document]] = []
            for (ordinal, doc), outcome in zip(live, outcomes, strict=True):
                if isinstance(outcome, Drop):
                    result.dropped.append((ordinal, doc, stage.name, outcome))
                else:
                    still.append((ordinal, outcome))
            live = still
        result.kept = live
        result.dropped.sort(key=lambda drop: drop[0])
        if self.fit_next is not None:
            started = time.process_time()
            partial = self.fit_next.fit([doc for _, doc in result.kept])
            result.partials.append(([ordinal for ordinal, _ in result.kept], partial))
            cpu[f"{self.fit_next.name} (fit)"] = time.process_time() - started
        result.cpu = cpu
        return result


# Forked workers start at once with every module the parent imported: spawned ones spent 1.5-2 s
# of a 3,000-story run importing before any work. A forked child must never call polars or duckdb,
# whose thread pools do not survive a fork (a call hangs): the workers only run stages, which do
# no I/O, and get their first-pass lookups as plain Python values. Elsewhere than Linux, fork is
# unsafe (macOS) or missing (Windows).
_CONTEXT = multiprocessing.get_context("fork") if sys.platform == "linux" else multiprocessing.get_context("spawn")


@dataclass(eq=False)
class _Worker:
    process: Any
    connection: Connection
    task: tuple[int, Task] | None = None  # (attempt, task) it is working on


class Workers:
    """The worker processes of a run, started once for all its passes.

    Starting a pool per pass cost each pass the workers' start and the stages' own loading (the
    typos stage's word lists). Each pass's plan (its stages, configs and any in-memory fitted
    state) is pickled once to `folder`, and each worker reads it on its first batch of that pass.
    """

    def __init__(self, count: int, folder: Path) -> None:
        self.count = count
        self.folder = folder
        self._workers: list[_Worker] = []
        self._passes = 0

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker: politely, then for good after a second."""
        for worker in self._workers:
            try:
                worker.connection.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 1.0
        for worker in self._workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()
        self._workers = []

    def run_pass(self, plan: PassPlan, tasks: Iterable[Task]) -> Iterator[BatchResult]:
        """Each task's result, in the order the tasks were given."""
        if self.count <= 1:
            runner = _PassRunner(plan)
            for task in tasks:
                yield runner.run(task)
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        plan_file = self.folder / f"plan{self._passes}.pickle"
        self._passes += 1
        plan_file.write_bytes(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))
        while len(self._workers) < self.count:
            self._workers.append(self._start())
        yield from self._ordered(plan_file, iter(tasks))

    def _start(self) -> _Worker:
        ours, theirs = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_worker_main, args=(theirs, os.getpid()), daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _ordered(self, plan_file: Path, tasks: Iterator[Task]) -> Iterator[BatchResult]:
        order: deque[int] = deque()  # task numbers in the order their results are due
        done: dict[int, BatchResult] = {}
        retry: deque[tuple[int, Task]] = deque()  # (attempt, task) to run again
        pieces: dict[int, dict[int, BatchResult | None]] = {}  # a batch retried one document at a time
        window = 3 * self.count
        exhausted = False
        while True:
            for worker in self._workers:
                if worker.task is not None:
                    continue
                if retry:
                    job = retry.popleft()
                elif not exhausted and len(order) < window:
                    task = next(tasks, None)
                    if task is None:
                        exhausted = True
                        continue
                    order.append(task.number)
                    job = (1, task)
                else:
                    continue
                worker.task = job
                try:
                    worker.connection.send((plan_file, job[1]))
                except OSError:  # it died before taking the task: found dead on the next wait
                    pass
            while order and order[0] in done:
                yield done.pop(order.popleft())
            if exhausted and not order:
                return
            busy = {worker.connection: worker for worker in self._workers if worker.task is not None}
            if not busy:  # the window was full until the results above were handed on: refill it
                continue
            sentinels = {worker.process.sentinel: worker for worker in busy.values()}
            for ready in wait([*busy, *sentinels]):
                worker = busy[ready] if ready in busy else sentinels[ready]
                if worker.task is None:
                    continue
                message = _receive(worker.connection)
                attempt, task = worker.task
                if message is None:
                    worker.task = None  # its sentinel may be in `ready` too
                    cause = self._replace(worker)
                    _died(attempt, task, cause, retry, pieces, done)
                    continue
                kind, payload = message
                if kind == "error":
                    raise RunError("worker", payload)
                worker.task = None
                _finished(task, payload, pieces, done)

    def _replace(self, worker: _Worker) -> str:
        """Start a fresh worker in place of a dead one; how the dead one ended."""
        worker.process.join()
        code = worker.process.exitcode
        worker.connection.close()
        self._workers[self._workers.index(worker)] = self._start()
        return f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"


def _receive(connection: Connection) -> tuple[str, Any] | None:
    """The worker's reply, or None when it died instead."""
    try:
        if connection.poll():
            return connection.recv()
    except (EOFError, OSError):
        pass
    return None


def _died(
    attempt: int,
    task: Task,
    cause: str,
    retry: deque[tuple[int, Task]],
    pieces: dict[int, dict[int, BatchResult | None]],
    done: dict[int, BatchResult],
) -> None:
    """A worker died on `task`: run it again once, then one document at a time, and drop a
    document that kills a worker on its own."""
    if attempt == 1:
        retry.append((2, task))
    elif len(task.items) > 1:
        pieces[task.number] = dict.fromkeys((ordinal for ordinal, _ in task.items), None)
        retry.extend((2, Task(task.number, [item], task.lookups)) for item in task.items)
    else:
        ordinal, record = task.items[0]
        if isinstance(record, UnparsedHtml):
            record = ReadFailure(record.source, WORKER_DIED, "", id=record.id)
        drop = Drop(
            WORKER_DIED,
            f"a worker process died on this document twice ({cause}): out of memory, or a crash in a library",
        )
        _finished(task, BatchResult(task.number, dropped=[(ordinal, record, "run", drop)]), pieces, done)


def _finished(
    task: Task, result: BatchResult, pieces: dict[int, dict[int, BatchResult | None]], done: dict[int, BatchResult]
) -> None:
    parts = pieces.get(task.number)
    if parts is None:
        done[task.number] = result
        return
    parts[task.items[0][0]] = result
    if any(part is None for part in parts.values()):
        return
    del pieces[task.number]
    merged = BatchResult(task.number)
    for part in parts.values():  # in input order: the batch's items were
        assert part is not None
        merged.kept.extend(part.kept)
        merged.dropped.extend(part.dropped)
        merged.partials.extend(part.partials)
        for name, seconds in part.cpu.items():
            merged.cpu[name] = merged.cpu.get(name, 0.0) + seconds
    done[task.number] = merged


def _worker_main(connection: Connection, parent: int) -> None:
    """A worker: take (plan file, task) pairs until told to stop, and send each result back."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the main process decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    runner: tuple[Path, _PassRunner] | None = None
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        plan_file, task = message
        try:
            if runner is None or runner[0] != plan_file:
                runner = (plan_file, _PassRunner(pickle.loads(plan_file.read_bytes())))
            reply: tuple[str, Any] = ("ok", runner[1].run(task))
        except Exception:
            reply = ("error", traceback.format_exc().strip().splitlines()[-1])
        connection.send(reply)


def _die_with_parent(parent: int) -> None:
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)

    def watch() -> None:  # elsewhere (and as a second guard): notice the parent is gone
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
