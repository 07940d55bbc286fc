"""The ordered list of stages, and a run of the inputs through them in passes; no stage logic here.

A stage that declares a first pass (`needs_fit`) splits the run into passes. Each pass reads
its documents a chunk at a time (the inputs, or the documents the pass before kept, which wait
on disk), sends them in batches to the workers, and writes what they kept, dropped and edited,
and the next stage's first-pass rows, in files named by chunk. After the pass, the first pass is
aggregated on disk (corpus/firstpass.py) or, for a stage whose state is small, merged in memory.
Memory stays bounded whatever the input size: nothing holds more than a chunk, a window of
batches, or what DuckDB is allowed.

The run's progress is a journal in the staging folder, committed at the end of every chunk, so a
run that died (kill -9, power loss) is continued by `--resume` from its last finished chunk and
ends byte-identical to a run that never stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from corpus.config import Config, parse_size
from corpus.document import Document
from corpus.errors import RunError, UsageError
from corpus.firstpass import FirstPassStore, Lookups, fit_frames, write_fit_rows
from corpus.ids import IdRegistry, as_array
from corpus.manifest import SCHEMA_VERSION, input_entries, library_versions, write_manifest
from corpus.plugins import plugin_entries, stage_libraries
from corpus.readers import InputFile, find_inputs, read_input
from corpus.rules import RuleSet, load_rules
from corpus.stages.base import Stage
from corpus.stages.boilerplate import BoilerplateStage
from corpus.stages.dedup import DedupStage
from corpus.stages.encoding import EncodingStage
from corpus.stages.language import LanguageStage
from corpus.stages.quality import QualityStage
from corpus.stages.typos import TyposStage
from corpus.staging import Staging, staging_folder, write_journal
from corpus.workers import BatchResult, Item, PassPlan, Task, Workers
from corpus.writer import (
    BATCH_DOCS,
    DOCUMENT_SCHEMA,
    DROPPED_SCHEMA,
    EDIT_SCHEMA,
    ORDINAL,
    SPILL_SCHEMA,
    TABLES,
    ChunkWriter,
    chunk_files,
    document_row,
    edit_rows,
    fsync_file,
    plan_shards,
    read_spill,
    remove_chunks_from,
    row_group_rows,
    shard_name,
    sort_chunk,
    spill_row,
    write_shard,
    write_table,
)

# The pipeline, in order. A new stage is a module under corpus/stages/ and one line here.
STAGES: list[type[Stage]] = [
    EncodingStage,
    BoilerplateStage,
    LanguageStage,
    QualityStage,
    TyposStage,
    DedupStage,
]

StageSpec = tuple[type[Stage], Any]  # a stage class and its config


@dataclass
class RunSummary:
    read: int = 0
    written: int = 0
    dropped: Counter[tuple[str, str]] = field(default_factory=Counter)  # (stage, reason) -> documents
    edits: Counter[str] = field(default_factory=Counter)  # stage -> edits
    cpu: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # stage -> CPU s, all workers
    renamed_ids: list[dict[str, str]] = field(default_factory=list)
    wall_seconds: float = 0.0
    files: dict[str, list[str]] = field(default_factory=dict)  # table -> its file names in OUT
    resumed_from: str | None = None  # where a resumed run took over
    engine: str = "local"

    def counts(self) -> dict[str, Any]:
        dropped: dict[str, int] = {}
        for (stage, reason), n in sorted(self.dropped.items()):
            dropped[f"{stage}.{reason}"] = n
        return {
            "documents_read": self.read,
            "documents_written": self.written,
            "documents_dropped": sum(self.dropped.values()),
            "dropped": dropped,
            "edits": dict(sorted(self.edits.items())),
        }

    def saved(self) -> dict[str, Any]:
        """What the journal keeps, so a resumed run counts as an uninterrupted one would."""
        return {
            "read": self.read,
            "dropped": [[s, r, n] for (s, r), n in sorted(self.dropped.items())],
            "edits": dict(self.edits),
            "cpu": dict(self.cpu),
            "renamed_ids": self.renamed_ids,
        }

    @classmethod
    def restored(cls, saved: dict[str, Any]) -> RunSummary:
        return cls(
            read=saved["read"],
            dropped=Counter({(s, r): n for s, r, n in saved["dropped"]}),
            edits=Counter(saved["edits"]),
            cpu=defaultdict(float, saved["cpu"]),
            renamed_ids=saved["renamed_ids"],
        )

    def add(self, chunk: RunSummary) -> None:
        """The counts of a chunk run elsewhere (a pass after the first: nothing read, no ids)."""
        self.dropped.update(chunk.dropped)
        self.edits.update(chunk.edits)
        for name, seconds in chunk.cpu.items():
            self.cpu[name] += seconds


@dataclass(frozen=True)
class Progress:
    """Where a run is, for a progress display: documents through this pass, out of how many."""

    label: str  # "pass 2/4"
    done: int
    total: int | None  # the documents entering the pass; None while the first pass reads the input
    input_bytes: int = 0  # the first pass: bytes of the input files read to the end, of...
    input_total: int = 0  # ...all the input files' bytes


@dataclass(frozen=True)
class Pass:
    """Apply `stages` (the first with its first pass's result), then collect `fit_next`'s first pass."""

    number: int
    stages: Sequence[StageSpec]
    fit_next: StageSpec | None
    last: bool


def run(
    inputs: Sequence[Path],
    out: Path,
    config: Config,
    *,
    overwrite: bool = False,
    resume: bool = False,
    rules_dir: Path | None = None,
    stages: Sequence[type[Stage]] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    files: Sequence[InputFile] | None = None,
    engine: str = "local",
    ray_address: str | None = None,
) -> RunSummary:
    """Clean `inputs` into `out` (documents, edits, dropped, manifest), atomically.

    `files`: the input files already found (a rerun reads a manifest's), instead of walking `inputs`.
    `resume`: continue the unfinished run of the same inputs and config that died writing `out`.
    `stages`: instead of the config's pipeline (`[run] stages`, plugins included) or STAGES.
    `engine`: "local" (worker processes) or "ray" (a Ray cluster: `ray_address`, or one started
    here); the output is the same.
    """
    started = time.perf_counter()
    _check_not_overlapping(inputs, out)
    files = find_inputs(inputs, exclude=out) if files is None else files
    rules = load_rules(rules_dir)  # checked and compiled once: the stages and the workers get them so
    stages = stages or config.pipeline or STAGES
    active = [(stage, config.stages[stage.name]) for stage in stages if stage.name not in config.run.skip]
    # Built here so a stage's complaints about its config or rules come before any work; the
    # instances also aggregate the first passes (the workers build their own).
    built = {stage: stage(stage_config, rules) for stage, stage_config in active}
    for instance in built.values():
        instance.check()
    key = _run_key(files, config, active, rules)
    try:
        with (
            staging_folder(out, overwrite=overwrite, resume=resume, key=key, warn=on_warning) as staging,
            _executor(engine, config, staging.work, ray_address) as workers,
        ):
            runner = _Runner(staging, key, config, files, active, built, rules, workers, on_progress)
            summary = runner.run()
            summary.wall_seconds = time.perf_counter() - started
            shutil.rmtree(staging.work, ignore_errors=True)
            summary.engine = engine
            write_manifest(staging.folder / "manifest.json", _manifest(config, active, rules, files, summary))
    except Exception as error:
        problem = storage_problem(error)
        if problem is None:
            raise
        full = "space" in problem or "quota" in problem.lower()
        raise RunError(
            str(out),
            f"cannot write the output: {problem}; nothing was published",
            "free space, then run again" if full else "choose another -o",
        ) from None
    return summary


def _executor(engine: str, config: Config, work: Path, ray_address: str | None) -> Any:
    """What runs the units of work: worker processes, or a Ray cluster (imported only then)."""
    if engine == "ray":
        from corpus.engines.ray import RayExecutor

        return RayExecutor(config.run.workers or None, ray_address, config.memory_bytes)
    return Workers(config.workers, work / "plans")


def storage_problem(error: BaseException) -> str | None:
    """What an error of the file system says, in words, whichever library raised it (None: not one)."""
    if isinstance(error, OSError) and error.errno is not None:
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror or os.strerror(error.errno)}{where}"
    text = str(error)
    found = re.search(r"os error (\d+)", text)
    if found:
        return os.strerror(int(found.group(1)))
    if type(error).__module__.startswith("duckdb") and ("IO Error" in text or "No space" in text):
        return text.strip().splitlines()[0]
    return None


class _Runner:
    """One run's passes, its journal and its files in the staging folder."""

    def __init__(
        self,
        staging: Staging,
        key: dict[str, Any],
        config: Config,
        files: Sequence[InputFile],
        active: Sequence[StageSpec],
        built: dict[type[Stage], Stage],
        rules: RuleSet,
        workers: Workers,
        on_progress: Callable[[Progress], None] | None,
    ) -> None:
        self.staging = staging
        self.work = staging.work
        self.config = config
        self.files = files
        self.built = built
        self.rules = rules
        self.workers = workers
        self.on_progress = on_progress
        self.passes = _plan_passes(active)
        self.chunk_docs = config.run.chunk_documents
        self.journal: dict[str, Any] = {"key": key, "pass_number": 0, "chunks_done": 0, "merged": False}
        self.summary = RunSummary()
        if staging.resumed and "summary" in staging.resumed:
            self.journal = dict(staging.resumed)
            self.summary = RunSummary.restored(staging.resumed["summary"])
            self.summary.resumed_from = staging.resumed.get("progress")

    def run(self) -> RunSummary:
        for step in self.passes:
            if step.number < self.journal["pass_number"]:
                continue
            aggregated = step.number == self.journal["pass_number"] and self.journal["merged"]
            if not aggregated:
                self._run_pass(step)
                if step.fit_next is not None:
                    self._aggregate(step)
            self.journal.update(pass_number=step.number + 1, chunks_done=0, merged=False)
            self._commit(f"pass {step.number + 1} of {len(self.passes)} finished")
        self._assemble()
        return self.summary

    # --- one pass --------------------------------------------------------------------------------

    def _run_pass(self, step: Pass) -> None:
        start_chunk = self.journal["chunks_done"]
        output = PassOutput(self.work, step, self.summary)
        output.discard(start_chunk)  # work of chunks after the last commit is done again
        plan = PassPlan(step.stages, self._fitted_in_memory(step), step.fit_next, self.rules)
        label = f"pass {step.number + 1}/{len(self.passes)}"
        run_chunks = getattr(self.workers, "run_chunks", None)  # an engine whose units of work are chunks
        if step.number and run_chunks is not None:
            lookup = self._lookup_path(step) if self._on_disk(step) else None
            self._run_chunks(run_chunks, ChunkJob(self.work, step, plan, lookup, self.chunk_docs), label)
            return
        current = start_chunk
        reader = (
            _Reader(self.files, self.config, self.summary, self.journal, self.work, self.chunk_docs)
            if step.number == 0
            else None
        )
        tasks = (
            reader.tasks(start_chunk)
            if reader
            else spilled_tasks(
                self.work,
                step,
                range(start_chunk, self.journal["chunks"]),
                Lookups(self._lookup_path(step)) if self._on_disk(step) else None,
            )
        )
        # Documents entering the pass (unknown while reading, and in a pass resumed half-way).
        entering = None if reader or start_chunk else self._entering()
        done = self.summary.read if reader else 0
        for result in self.workers.run_pass(plan, tasks):
            chunk = result.number * BATCH_DOCS // self.chunk_docs
            while chunk > current:  # every batch of `current` is in: it is done
                self._end_chunk(output, current, reader, label)
                current += 1
            output.collect(result, chunk)
            done += len(result.kept) + len(result.dropped)
            if self.on_progress:
                self.on_progress(Progress(label, done, entering, *(reader.input_progress() if reader else (0, 0))))
        total = reader.chunks() if reader else self.journal["chunks"]
        while current < total:
            self._end_chunk(output, current, reader, label)
            current += 1
        if reader:
            self.journal["chunks"] = total

    def _run_chunks(
        self, run_chunks: Callable[[ChunkJob, range], Iterator[tuple[int, RunSummary, int]]], job: ChunkJob, label: str
    ) -> None:
        """A pass after the first on an engine that runs whole chunks (reading and writing their
        files itself): the journal is committed as the finished chunks form an unbroken run."""
        start_chunk = self.journal["chunks_done"]
        entering = None if start_chunk else self._entering()
        done = 0
        for chunk, counts, documents in run_chunks(job, range(start_chunk, self.journal["chunks"])):
            self.summary.add(counts)
            self.journal["chunks_done"] = chunk + 1
            self._commit(f"{label}, {(chunk + 1) * self.chunk_docs:,} input positions done")
            done += documents
            if self.on_progress:
                self.on_progress(Progress(label, done, entering))

    def _entering(self) -> int:
        return self.summary.read - sum(self.summary.dropped.values())

    def _on_disk(self, step: Pass) -> bool:
        """Whether the pass's first stage gets its first pass's result as lookups from disk."""
        stage = step.stages[0][0] if step.stages else None
        return stage is not None and stage.needs_fit and bool(self.built[stage].fit_tables)

    def _end_chunk(self, output: PassOutput, chunk: int, reader: _Reader | None, label: str) -> None:
        output.end_chunk(chunk)
        if reader:
            reader.commit(chunk)
        self.journal["chunks_done"] = chunk + 1
        self._commit(f"{label}, {(chunk + 1) * self.chunk_docs:,} input positions done")

    def _commit(self, progress: str) -> None:
        self.journal["summary"] = self.summary.saved()
        self.journal["progress"] = progress
        write_journal(self.work, self.journal)

    # --- between passes --------------------------------------------------------------------------

    def _aggregate(self, step: Pass) -> None:
        """The first pass of the next stage: aggregated on disk, or merged in memory."""
        assert step.fit_next is not None
        stage = self.built[step.fit_next[0]]
        fit_folder = self.work / f"pass{step.number}" / "fit"
        started = time.process_time()
        if stage.fit_tables:
            store = FirstPassStore(
                fit_folder, stage.fit_tables, memory_bytes=self._aggregation_memory(), threads=self.config.workers
            )
            try:
                stage.aggregate(store)
            finally:
                store.close()
            for name, path in store.outputs.items():
                if name == "_lookup":
                    self.journal[f"lookup{step.number + 1}"] = str(path.relative_to(self.work))
                else:
                    write_table(pl.scan_parquet(path), self.staging.folder / name)
        else:
            merged = stage.merge(_partials(fit_folder / "partials"))
            for name, table in stage.tables(merged).items():
                write_table(table, self.staging.folder / name)
            path = self.work / f"fitted{step.number + 1}.pickle"
            path.write_bytes(pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL))
            fsync_file(path)
        self.summary.cpu[f"{stage.name} (fit)"] += time.process_time() - started
        self.journal["merged"] = True
        self._commit(f"first pass of {stage.name} aggregated")

    def _aggregation_memory(self) -> int:
        """DuckDB's share of the budget: what the main process and the (idle, waiting) workers do not
        hold, less a margin for the tables polars writes; at least 128 MB, at most a quarter (it
        spills to disk beyond, a little slower: measured at 200k documents, 512 MB of it is plenty)."""
        budget = self.config.memory_bytes
        resident = (
            int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            if Path("/proc/self/statm").exists()
            else 256 << 20
        )
        rest = resident * (self.workers.count + 1) + (256 << 20)
        return max(128 << 20, min(budget - rest, budget // 4))

    def _lookup_path(self, step: Pass) -> Path | None:
        name = self.journal.get(f"lookup{step.number}")
        return self.work / name if name else None

    def _fitted_in_memory(self, step: Pass) -> Any:
        stage = step.stages[0][0] if step.stages else None
        if stage is None or not stage.needs_fit or self.built[stage].fit_tables:
            return None
        return pickle.loads((self.work / f"fitted{step.number}.pickle").read_bytes())

    # --- the output tables -----------------------------------------------------------------------

    def _assemble(self) -> None:
        """documents, edits and dropped, from every pass's chunk files, in input order; sharded
        when the run is larger than one shard."""
        started = time.process_time()
        last = self.passes[-1].number
        chunks = self.journal["chunks"]
        sorted_folder = self.work / "sorted"
        for table, by in (("edits", [ORDINAL, "seq"]), ("dropped", [ORDINAL])):
            (sorted_folder / table).mkdir(parents=True, exist_ok=True)
            for chunk in range(chunks):
                target = sorted_folder / table / f"{chunk:07d}.parquet"
                files = [
                    path
                    for number in range(last + 1)
                    for path in chunk_files(self.work / f"pass{number}" / table, chunk)
                ]
                if files and not target.exists():
                    sort_chunk(files, target, by)
        kept_folder = self.work / f"pass{last}" / "kept"
        run_config = self.config.run
        shards, documents, text_bytes = plan_shards(
            kept_folder, max_rows=run_config.shard_rows, max_bytes=parse_size(run_config.shard_bytes, "shard_bytes")
        )
        rows = row_group_rows(documents, text_bytes)
        sources = {
            "documents": sorted(kept_folder.glob("*.parquet"), key=_chunk_order),
            "edits": sorted((sorted_folder / "edits").glob("*.parquet")),
            "dropped": sorted((sorted_folder / "dropped").glob("*.parquet")),
        }
        self.summary.files = {table: [shard_name(table, shard, len(shards)) for shard in shards] for table in TABLES}
        for shard in shards:
            for table, schema in TABLES.items():
                target = self.staging.folder / shard_name(table, shard, len(shards))
                if target.exists():  # written before a resume
                    continue
                files = [path for path in sources[table] if _may_hold(path, shard, self.chunk_docs)]
                write_shard(files, schema, target, shard, rows=rows)
        self.summary.written = documents
        self.summary.cpu["write"] += time.process_time() - started


class PassOutput:
    """What one pass writes, chunk by chunk: the documents it kept (spilled for the next pass, or
    the final rows), its edits and drops, and the next stage's first-pass rows or partials."""

    def __init__(self, work: Path, step: Pass, summary: RunSummary) -> None:
        folder = work / f"pass{step.number}"
        self.summary = summary
        self.final = step.last
        self.fit_stage = step.fit_next[0] if step.fit_next is not None else None
        self.fit_folder = folder / "fit"
        self.kept = ChunkWriter(folder / "kept", DOCUMENT_SCHEMA if step.last else SPILL_SCHEMA)
        self.edits = ChunkWriter(folder / "edits", EDIT_SCHEMA)
        self.dropped = ChunkWriter(folder / "dropped", DROPPED_SCHEMA)
        self.partials: list[Any] = []
        self.fit_rows: dict[str, list[pl.DataFrame]] = {}

    def discard(self, first: int, last: int | None = None) -> None:
        """Delete the files of chunks `first` to `last` (excluded; None: to the end): work done again."""
        folders = [writer.folder for writer in (self.kept, self.edits, self.dropped)]
        if self.fit_folder.exists():
            folders += [table for table in self.fit_folder.iterdir() if table.is_dir()]
        for folder in folders:
            remove_chunks_from(folder, first, last)

    def collect(self, result: BatchResult, chunk: int) -> None:
        started = time.process_time()
        summary, kept, edits, dropped = self.summary, self.kept, self.edits, self.dropped
        for ordinal, doc in result.kept:
            if self.final:
                kept.add(chunk, document_row(ordinal, doc))
                edits.extend(chunk, edit_rows(ordinal, doc.id, doc.edits))
                summary.edits.update(edit.stage for edit in doc.edits)
            else:
                kept.add(chunk, spill_row(ordinal, doc))
        for ordinal, record, stage, drop in result.dropped:
            dropped.add(
                chunk,
                {
                    ORDINAL: ordinal,
                    "id": record.id or record.source,
                    "source": record.source,
                    "stage": stage,
                    "reason": drop.reason,
                    "detail": drop.detail,
                    "text": record.text,
                    "duplicate_of": drop.duplicate_of,
                    "similarity": drop.similarity,
                    "duplicate_in": drop.duplicate_in,
                },
            )
            if isinstance(record, Document):
                edits.extend(chunk, edit_rows(ordinal, record.id, record.edits))
                summary.edits.update(edit.stage for edit in record.edits)
            summary.dropped[(stage, drop.reason)] += 1
        if self.fit_stage is not None:
            for ordinals, partial in result.partials:
                if not self.fit_stage.fit_tables:
                    self.partials.append(partial)
                    continue
                for name, frame in fit_frames(self.fit_stage, ordinals, partial, result.number).items():
                    self.fit_rows.setdefault(name, []).append(frame)
        for name, seconds in result.cpu.items():
            summary.cpu[name] += seconds
        summary.cpu["write"] += time.process_time() - started

    def end_chunk(self, chunk: int) -> None:
        for writer in (self.kept, self.edits, self.dropped):
            writer.end_chunk(chunk)
        if self.fit_stage is None:
            return
        if self.fit_stage.fit_tables:
            for name, frames in self.fit_rows.items():
                if frames:
                    write_fit_rows(self.fit_folder, name, f"{chunk:07d}", pl.concat(frames))
            self.fit_rows.clear()
        else:
            (self.fit_folder / "partials").mkdir(parents=True, exist_ok=True)
            path = self.fit_folder / "partials" / f"{chunk:07d}.pickle"
            path.write_bytes(pickle.dumps(self.partials, protocol=pickle.HIGHEST_PROTOCOL))
            fsync_file(path)
            self.partials.clear()


@dataclass(frozen=True)
class ChunkJob:
    """A pass after the first, as an engine that runs whole chunks elsewhere needs it: each chunk's
    documents wait on disk in the pass before's files, and its lookups in `lookup`."""

    work: Path
    step: Pass
    plan: PassPlan
    lookup: Path | None  # the first stage's first pass, kept on disk; None when it has none there
    chunk_docs: int


def run_chunk(
    job: ChunkJob, chunk: int, run_batches: Callable[[PassPlan, Iterator[Task]], Iterable[BatchResult]]
) -> tuple[RunSummary, int]:
    """One chunk of a pass after the first, start to end: its documents read from the files of the
    pass before, run through `run_batches`, its own files written (an earlier attempt's replaced).
    The same files as the runner's own loop writes for that chunk; the counts and documents it adds."""
    summary = RunSummary()
    output = PassOutput(job.work, job.step, summary)
    output.discard(chunk, chunk + 1)
    first = chunk * job.chunk_docs // BATCH_DOCS
    lookups = Lookups(job.lookup, batches=(first, first + job.chunk_docs // BATCH_DOCS)) if job.lookup else None
    documents = 0
    for result in run_batches(job.plan, spilled_tasks(job.work, job.step, range(chunk, chunk + 1), lookups)):
        output.collect(result, chunk)
        documents += len(result.kept) + len(result.dropped)
    output.end_chunk(chunk)
    return summary, documents


def spilled_tasks(work: Path, step: Pass, chunks: range, lookups: Lookups | None) -> Iterator[Task]:
    """The documents the pass before kept, in `chunks`, in batches with their lookups."""
    previous = work / f"pass{step.number - 1}" / "kept"
    for chunk in chunks:
        batch: list[Item] = []
        number = -1
        for path in chunk_files(previous, chunk):
            for ordinal, doc in read_spill(path):
                if ordinal // BATCH_DOCS != number:
                    if batch:
                        yield Task(number, batch, lookups.take(number) if lookups else None)
                    batch, number = [], ordinal // BATCH_DOCS
                batch.append((ordinal, doc))
        if batch:
            yield Task(number, batch, lookups.take(number) if lookups else None)


class _Reader:
    """The inputs as batches of records, with ordinals and unique ids, from a chunk on; what it
    has read is saved at each chunk's end (the ids handed out, the counts) for the journal."""

    def __init__(
        self,
        files: Sequence[InputFile],
        config: Config,
        summary: RunSummary,
        journal: dict[str, Any],
        work: Path,
        chunk_docs: int,
    ) -> None:
        self.chunk_docs = chunk_docs
        self.files = files
        self.config = config
        self.summary = summary
        self.journal = journal
        self.folder = work / "ids"
        self.folder.mkdir(parents=True, exist_ok=True)
        reading = journal.get("reading", {"file_records": [], "repeats": {}})
        self.file_records: list[int] = list(reading["file_records"])
        self.sizes = [_size(input_file.path) for input_file in files]
        saved = [np.load(path) for path in sorted(self.folder.glob("*.npy")) if int(path.stem) < journal["chunks_done"]]
        for stale in self.folder.glob("*.npy"):
            if int(stale.stem) >= journal["chunks_done"]:
                stale.unlink()
        self.registry = IdRegistry.restored(saved, reading["repeats"])
        self.read = summary.read
        self.ordinal = 0
        self._snapshots: dict[int, dict[str, Any]] = {}
        self._renamed: list[dict[str, str]] = list(summary.renamed_ids)

    def tasks(self, start_chunk: int) -> Iterator[Task]:
        batch: list[Item] = []
        for ordinal, record in self._records(start_chunk * self.chunk_docs):
            if ordinal % BATCH_DOCS == 0 and batch:
                yield self._task(batch)
                batch = []
            batch.append((ordinal, record))
        if batch:
            yield self._task(batch)
        if self.ordinal % self.chunk_docs:  # the last chunk, cut short by the input's end
            self._snapshot(self.ordinal)

    def _task(self, batch: list[Item]) -> Task:
        ids = self.registry.unique_many([record.id or record.source for _, record in batch])
        for (_, record), unique in zip(batch, ids):
            original = record.id or record.source
            if unique != original:
                self._renamed.append({"id": original, "renamed_to": unique, "source": record.source})
            record.id = unique
        self.read += len(batch)
        number = batch[0][0] // BATCH_DOCS
        if (batch[-1][0] + 1) % self.chunk_docs == 0:
            self._snapshot(batch[-1][0] + 1)
        return Task(number, batch)

    def _records(self, start: int) -> Iterator[Item]:
        """Every record from input position `start` on; whole files before it are not read again."""
        cpu_started = time.process_time()
        ordinal = 0
        for index, input_file in enumerate(self.files):
            if index < len(self.file_records) and ordinal + self.file_records[index] <= start:
                ordinal += self.file_records[index]
                continue
            first = ordinal
            for record in read_input(input_file, self.config.read):
                if ordinal >= start:
                    self.summary.cpu["read"] += time.process_time() - cpu_started
                    self.ordinal = ordinal + 1
                    yield ordinal, record
                    cpu_started = time.process_time()
                ordinal += 1
            if index == len(self.file_records):
                self.file_records.append(ordinal - first)
        self.summary.cpu["read"] += time.process_time() - cpu_started

    def _snapshot(self, end: int) -> None:
        """The state after the records before `end` (a chunk's end): saved when the chunk is done."""
        chunk = (end - 1) // self.chunk_docs
        self._snapshots[chunk] = {
            "ids": self.registry.take_added(),
            "repeats": self.registry.state(),
            "read": self.read,
            "renamed": len(self._renamed),
            "file_records": list(self.file_records),
        }

    def commit(self, chunk: int) -> None:
        snapshot = self._snapshots.pop(chunk, None)
        if snapshot is None:  # a chunk past the input's end
            return
        np.save(self.folder / f"{chunk:07d}.npy", as_array(snapshot["ids"]))
        fsync_file(self.folder / f"{chunk:07d}.npy")
        self.summary.read = snapshot["read"]
        self.summary.renamed_ids = self._renamed[: snapshot["renamed"]]
        self.journal["reading"] = {"file_records": snapshot["file_records"], "repeats": snapshot["repeats"]}

    def chunks(self) -> int:
        return -(-self.read // self.chunk_docs)

    def input_progress(self) -> tuple[int, int]:
        """Bytes of the input files read to the end, and of all of them."""
        return sum(self.sizes[: len(self.file_records)]), sum(self.sizes)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _partials(folder: Path) -> Iterator[Any]:
    """Every batch's partial, in input order, read a chunk at a time."""
    for path in sorted(folder.glob("*.pickle")):
        yield from pickle.loads(path.read_bytes())


def _chunk_order(path: Path) -> tuple[str, int, str]:
    return path.name[:7], len(path.name), path.name


def _may_hold(path: Path, shard: Any, chunk_docs: int) -> bool:
    """Whether a chunk file's positions can fall in the shard (chunks are ranges of positions)."""
    chunk = int(path.name[:7])
    return chunk * chunk_docs < shard.last and (chunk + 1) * chunk_docs > shard.first


def _check_not_overlapping(inputs: Sequence[Path], out: Path) -> None:
    """OUT is replaced whole when a run finishes, so it must not be, or hold, an input."""
    target = Path(os.path.realpath(out))  # realpath: a symlink loop is left for the write to report
    for argument in inputs:
        source = Path(os.path.realpath(argument))
        if source == target or target in source.parents:
            raise UsageError(
                str(out), f"the output folder is or contains the input {argument}", "choose an -o outside the inputs"
            )


def _plan_passes(active: Sequence[StageSpec]) -> list[Pass]:
    """Split the stages at every stage with a first pass; each pass ends by fitting the next one.
    When the first stage has a first pass (encoding skipped), a pass of no stages fits it."""
    starts = sorted({0, *(i for i, (stage, _) in enumerate(active) if stage.needs_fit)})
    slices: list[tuple[Sequence[StageSpec], StageSpec | None]] = (
        [((), active[0])] if active and active[0][0].needs_fit else []
    )
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(active)
        slices.append((active[start:end], active[end] if end < len(active) else None))
    return [
        Pass(number, stages, fit_next, number == len(slices) - 1) for number, (stages, fit_next) in enumerate(slices)
    ]


def _run_key(files: Sequence[InputFile], config: Config, active: Sequence[StageSpec], rules: RuleSet) -> dict[str, Any]:
    """What makes a run this run: a resumed run must have the same."""
    inputs = []
    for input_file in files:
        try:
            found = input_file.path.stat()
            inputs.append([input_file.source, str(input_file.path), found.st_size, found.st_mtime_ns])
        except OSError:
            inputs.append([input_file.source, str(input_file.path), None, None])
    config_text = json.dumps(config.reproducible_dict(), sort_keys=True)
    return {
        "inputs": inputs,
        "config": hashlib.sha256(config_text.encode()).hexdigest(),
        "rules": [[r.name, r.sha256] for r in rules.files],
        "stages": [stage.name for stage, _ in active],
        "versions": library_versions(stage_libraries(stage for stage, _ in active)),  # a plugin upgraded: no resume
        "layout": [BATCH_DOCS, config.run.chunk_documents, SCHEMA_VERSION],
    }


def _manifest(
    config: Config,
    active: Sequence[StageSpec],
    rules: RuleSet,
    files: Sequence[InputFile],
    summary: RunSummary,
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "corpus_version": library_versions()["corpus"],
        "stages": [stage.name for stage, _ in active],
        "plugins": plugin_entries(stage for stage, _ in active),
        "config": config.reproducible_dict(),
        "rule_files": [{"name": r.name, "origin": r.origin, "sha256": r.sha256} for r in rules.files],
        "libraries": library_versions(stage_libraries(stage for stage, _ in active), html_mode=config.read.html_mode),
        "inputs": input_entries(files),
        "files": summary.files,
        "counts": summary.counts(),
        "renamed_ids": summary.renamed_ids,
        "timings": {
            "workers": config.workers,
            "engine": summary.engine,
            "wall_seconds": round(summary.wall_seconds, 3),
            "cpu_seconds": {name: round(seconds, 3) for name, seconds in sorted(summary.cpu.items())},
            "resumed_from": summary.resumed_from,
        },
    }
