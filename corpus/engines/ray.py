"""The Ray engine: the local engine's runner, its units of work run as Ray tasks on a cluster.

Only the units of work move; the runner (corpus/pipeline.py) still keeps the journal, aggregates
the first passes (DuckDB, in this process) and assembles the output from the chunk files, with the
same code as locally. So the output is byte-identical to the local engine's by construction,
not by a sort at the end:

- The first pass reads the inputs here, in order (ordinals and unique ids are handed out in
  input order), and sends each batch of 64 documents to a Ray task; the results are taken in
  submission order and written here, as the local engine does with its worker processes.
- Every later pass is one Ray task per chunk (`[run] chunk_documents` input positions): the task
  reads its chunk's documents from the pass before's files and its lookups from the aggregated
  first pass, runs the pass's stages batch by batch and writes its chunk's files itself
  (`corpus.pipeline.run_chunk`), so no document goes through this process or Ray's object
  store. The journal is committed as the finished chunks form an unbroken run from the start:
  `--resume` continues as locally.

Why not Ray Data's `map_batches`: its blocks come back reordered unless `preserve_order` is set
(ray #50890), a groupby on small data pays a large fixed cost (ray #53493, #61016), and the rows
would travel through the object store and spill; plain tasks over chunks that read and write
files keep none of that. Every drop and edit is written by the same code as locally, so every
document is traced to the stage and rule that dropped or changed it.

Failures: a batch task whose worker dies (killed, out of memory, its node lost) is run again,
then one document at a time, and a document that kills a worker on its own is dropped as
`worker_died`, exactly as the local pool does. A chunk task is retried once by Ray (it first
deletes whatever an earlier attempt of the same chunk wrote, so nothing is written twice); if it
dies again, its chunk is run here batch by batch under the same rule. An error of a stage stops
the run, as locally.

Memory: at most 3 batches per CPU are in flight in the first pass and 2 chunks per CPU in later
passes; each chunk task holds one batch and the table buffers of one chunk (bounded by rows and
bytes, corpus/writer.py), so the object store holds only the first pass's batches in flight and
never needs to spill.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import RayError, RayTaskError

from corpus.errors import RunError
from corpus.pipeline import ChunkJob, RunSummary, run_chunk, storage_problem
from corpus.workers import BatchResult, PassPlan, Task, _died, _finished, _PassRunner

FIRST_PASS_WINDOW = 3  # batches in flight per CPU, as the local pool
CHUNK_WINDOW = 2  # chunks in flight (or finished, waiting for an earlier one) per CPU
OBJECT_STORE_MIN = 256 << 20  # a local cluster's object store: its share of the memory budget, within these
OBJECT_STORE_MAX = 2 << 30
CONNECT_TIMEOUT = 10.0  # seconds to reach a cluster's address

# A Ray worker process keeps the stages of the pass it last worked on (the typos stage's word
# lists take seconds to load): (the pass's object id, what it holds).
_CACHE: dict[str, tuple[str, Any]] = {}


def _cached(ref: ray.ObjectRef, build: Any) -> Any:
    key = ref.hex()
    if _CACHE.get("pass", ("",))[0] != key:
        _CACHE.clear()
        _CACHE["pass"] = (key, build(ray.get(ref)))
    return _CACHE["pass"][1]


@ray.remote(max_retries=0)  # a death is handled by the driver: again, then one document at a time
def _run_batch(plan: list[ray.ObjectRef], task: Task) -> BatchResult:
    """One batch through the pass's stages. The plan comes in a list so that Ray hands over its
    reference, not the plan, which each worker then loads once per pass."""
    return _cached(plan[0], _PassRunner).run(task)


@ray.remote(max_retries=1)
def _run_chunk(job: list[ray.ObjectRef], chunk: int) -> tuple[RunSummary, int]:
    """One chunk of a pass after the first, read and written here (see corpus.pipeline.run_chunk)."""
    loaded, runner = _cached(job[0], lambda value: (value, _PassRunner(value.plan)))
    return run_chunk(loaded, chunk, lambda _plan, tasks: (runner.run(task) for task in tasks))


class RayExecutor:
    """The units of work of a run on a Ray cluster: the one at `address` (or RAY_ADDRESS), the one
    this process is already connected to, or a local one started for the run with `cpus` CPUs."""

    def __init__(self, cpus: int | None, address: str | None, memory_bytes: int) -> None:
        self.cpus = cpus
        self.address = address or os.environ.get("RAY_ADDRESS") or None
        self.memory_bytes = memory_bytes
        self.started = False
        self.session: Path | None = None
        self.count = 1  # CPUs of this node: the runner leaves memory for that many workers here
        self.cluster_cpus = 1

    def __enter__(self) -> RayExecutor:
        if not ray.is_initialized():
            self._start()
        self.cluster_cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        here = ray.util.get_node_ip_address()
        self.count = max(
            1,
            int(
                sum(
                    node["Resources"].get("CPU", 0)
                    for node in ray.nodes()
                    if node["Alive"] and node["NodeManagerAddress"] == here
                )
            ),
        )
        return self

    def _start(self) -> None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        try:
            if self.address:
                _check_reachable(self.address)
                ray.init(address=self.address, logging_level=logging.WARNING)
            else:
                store = min(max(self.memory_bytes // 2, OBJECT_STORE_MIN), OBJECT_STORE_MAX)
                ray.init(
                    num_cpus=self.cpus,
                    object_store_memory=store,
                    include_dashboard=False,
                    logging_level=logging.WARNING,
                )
                node = ray._private.worker._global_node  # private: set by ray.init, typed as None before
                self.session = Path(node.get_session_dir_path())  # type: ignore[attr-defined]
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray cluster"
            raise RunError(
                "--ray-address",
                f"cannot start or reach {where}: {_first_line(error)}",
                "check the address (ray status on a node of the cluster)",
            ) from None
        self.started = True

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Leave a cluster this run started, and its session folder (logs, spilled objects), which
        would otherwise pile up in /tmp/ray run after run."""
        if not self.started:
            return
        ray.shutdown()
        self.started = False
        if self.session is not None:
            shutil.rmtree(self.session, ignore_errors=True)

    def run_pass(self, plan: PassPlan, tasks: Iterable[Task]) -> Iterator[BatchResult]:
        """Each task's result, in the order the tasks were given (the local pool's contract)."""
        plan_ref = [ray.put(plan)]
        window = FIRST_PASS_WINDOW * self.cluster_cpus
        order: deque[int] = deque()  # task numbers in the order their results are due
        pending: dict[ray.ObjectRef, tuple[int, Task]] = {}  # running: (attempt, task)
        done: dict[int, BatchResult] = {}
        retry: deque[tuple[int, Task]] = deque()
        pieces: dict[int, dict[int, BatchResult | None]] = {}
        source = iter(tasks)
        exhausted = False
        while True:
            while retry or (not exhausted and len(order) < window):
                if retry:
                    job = retry.popleft()
                else:
                    task = next(source, None)
                    if task is None:
                        exhausted = True
                        break
                    order.append(task.number)
                    job = (1, task)
                pending[_run_batch.remote(plan_ref, job[1])] = job
            while order and order[0] in done:
                yield done.pop(order.popleft())
            if exhausted and not order:
                return
            if not pending:  # results handed on above made room in the window
                continue
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                attempt, task = pending.pop(ref)
                try:
                    result = ray.get(ref)
                except RayTaskError as error:
                    raise _task_error(error) from None
                except RayError as error:  # the worker or its node died
                    _died(attempt, task, type(error).__name__, retry, pieces, done)
                    continue
                _finished(task, result, pieces, done)

    def run_chunks(self, job: ChunkJob, chunks: range) -> Iterator[tuple[int, RunSummary, int]]:
        """Each chunk run by a task that reads and writes its files itself; (chunk, its counts, its
        documents), in chunk order."""
        job_ref = [ray.put(job)]
        window = CHUNK_WINDOW * self.cluster_cpus
        pending: dict[ray.ObjectRef, int] = {}
        finished: dict[int, tuple[RunSummary, int]] = {}
        todo = iter(chunks)
        due = chunks.start
        while True:
            while len(pending) + len(finished) < window:
                chunk = next(todo, None)
                if chunk is None:
                    break
                pending[_run_chunk.remote(job_ref, chunk)] = chunk
            while due in finished:
                yield (due, *finished.pop(due))
                due += 1
            if not pending:
                if due >= chunks.stop:
                    return
                continue
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                chunk = pending.pop(ref)
                try:
                    finished[chunk] = ray.get(ref)
                except RayTaskError as error:
                    raise _task_error(error) from None
                except RayError:  # died twice: here, batch by batch, as the local pool would
                    finished[chunk] = run_chunk(job, chunk, self.run_pass)


def _check_reachable(address: str) -> None:
    """Ray keeps trying an address that does not answer for minutes; a host:port is tried once here."""
    host, _, port = address.rpartition(":")
    if "://" in address or not port.isdigit():
        return  # "auto", a ray:// client address: left to Ray
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as error:
        raise ConnectionError(error.strerror or str(error)) from None


def _task_error(error: RayTaskError) -> BaseException:
    """A stage's or a file's error in a task, as the local engine reports it."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, BaseException):
        if storage_problem(cause) is not None or isinstance(cause, (RunError, KeyboardInterrupt)):
            return cause
        return RunError("worker", f"{type(cause).__name__}: {_first_line(cause)}")
    return RunError("worker", _first_line(error))


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
