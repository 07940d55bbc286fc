"""Run batches of documents through a slice of the stages, in this process or in a pool.

Results come back in submission order whatever the number of workers, which is what keeps
the output identical for any `--workers`.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from corpus.document import Document, Drop, ReadFailure
from corpus.readers.webpage import UnparsedHtml
from corpus.rules import RuleFile
from corpus.stages.base import Stage

Item = tuple[int, Document | UnparsedHtml | ReadFailure]  # (input ordinal, record)


@dataclass(frozen=True)
class PassPlan:
    """One pass: apply `stages` (the first with its fitted state, if it has one), then fit `fit_next`."""

    stages: Sequence[tuple[type[Stage], Any]]  # (stage class, its config)
    fitted: Any = None
    fit_next: tuple[type[Stage], Any] | None = None
    rules: Sequence[RuleFile] = ()  # every rule file in effect, for the stages that read them


@dataclass
class BatchResult:
    kept: list[tuple[int, Document]] = field(default_factory=list)
    # (ordinal, the record, stage name, the stage's decision)
    dropped: list[tuple[int, Document | ReadFailure, str, Drop]] = field(default_factory=list)
    partial: Any = None
    cpu: dict[str, float] = field(default_factory=dict)


class _PassRunner:
    """The stage instances of a pass, built once per process."""

    def __init__(self, plan: PassPlan) -> None:
        self.stages = [cls(config, plan.rules) for cls, config in plan.stages]
        self.fitted = plan.fitted
        self.fit_next = plan.fit_next[0](plan.fit_next[1], plan.rules) if plan.fit_next else None

    def run(self, items: Sequence[Item]) -> BatchResult:
        """The batch through each stage in turn (a stage sees the whole batch: `apply_many`)."""
        result = BatchResult()
        cpu = dict.fromkeys((stage.name for stage in self.stages), 0.0)
        live: list[tuple[int, Document]] = []
        for ordinal, record in items:
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
            outcomes = stage.apply_many([doc for _, doc in live], self.fitted if index == 0 else None)
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
            result.partial = self.fit_next.fit([doc for _, doc in result.kept])
            cpu[f"{self.fit_next.name} (fit)"] = time.process_time() - started
        result.cpu = cpu
        return result


_runner: tuple[Path, _PassRunner] | None = None  # per worker process: the current pass's stages


def _run_in_worker(plan_file: Path, items: Sequence[Item]) -> BatchResult:
    global _runner
    if _runner is None or _runner[0] != plan_file:
        _runner = (plan_file, _PassRunner(pickle.loads(plan_file.read_bytes())))
    return _runner[1].run(items)


# Forked workers start at once with every module the parent imported: spawned ones spent 1.5-2 s
# of a 3,000-story run importing (scipy alone, through datasketch, 0.4 s) before any work.
# A forked child must never call polars, whose thread pool does not survive a fork (a call
# hangs): the workers only run stages, and a stage's reading of Parquet (`--dedup-against`) is
# in `Stage.check`, which runs in the parent.
# Elsewhere than Linux, fork is unsafe (macOS) or missing (Windows).
_CONTEXT = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


class Workers:
    """The worker processes of a run, started once for all its passes.

    Starting a pool per pass cost each pass the workers' start and the stages' own loading (the
    typos stage's word lists): on 3,000 Reuters stories in four passes, more than the stages' work. Each pass's plan (its stages, configs and the fitted
    state) is pickled once to `folder`, and each worker reads it on its first batch of that pass.
    """

    def __init__(self, count: int, folder: Path) -> None:
        self.count = count
        self.folder = folder
        self._pool: ProcessPoolExecutor | None = None
        self._passes = 0

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def run_pass(self, plan: PassPlan, batches: Iterable[Sequence[Item]]) -> Iterator[BatchResult]:
        """Each batch's result, in the order the batches were given."""
        if self.count <= 1:
            runner = _PassRunner(plan)
            for batch in batches:
                yield runner.run(batch)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.count, mp_context=_CONTEXT)
        self.folder.mkdir(parents=True, exist_ok=True)
        plan_file = self.folder / f"plan{self._passes}.pickle"
        self._passes += 1
        plan_file.write_bytes(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))
        yield from _ordered(partial(self._pool.submit, _run_in_worker, plan_file), batches, window=self.count * 3)


def _ordered(submit: Callable[..., Future[BatchResult]], batches: Iterable[Sequence[Item]], *,
             window: int) -> Iterator[BatchResult]:
    pending: deque[Future[BatchResult]] = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
