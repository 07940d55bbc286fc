"""The ordered list of stages, and a run of the inputs through them in passes; no stage logic here.

A stage that declares a first pass (`needs_fit`) splits the run: documents are spilled to
Parquet shards in OUT's temporary folder, the stage's per-batch partials are merged, and the
next pass reads the shards back in order with the merged result.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.config import Config
from corpus.document import Document
from corpus.errors import UsageError
from corpus.manifest import SCHEMA_VERSION, input_entries, library_versions, write_manifest
from corpus.plugins import plugin_entries, stage_libraries
from corpus.readers import InputFile, find_inputs, read_input
from corpus.rules import RuleFile, load_rule_files
from corpus.stages.base import Stage
from corpus.stages.boilerplate import BoilerplateStage
from corpus.stages.dedup import DedupStage
from corpus.stages.encoding import EncodingStage
from corpus.stages.language import LanguageStage
from corpus.stages.quality import QualityStage
from corpus.stages.typos import TyposStage
from corpus.workers import BatchResult, Item, PassPlan, Workers
from corpus.writer import (
    DOCUMENT_SCHEMA, DROPPED_SCHEMA, EDIT_SCHEMA, ORDINAL, SPILL_SCHEMA, ShardWriter,
    assemble, check_output_folder, document_row, edit_rows, read_spill, spill_row, staging_folder, write_table,
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

BATCH_DOCS = 64  # documents per task sent to a worker; fixed, so shards do not depend on --workers


@dataclass
class RunSummary:
    read: int = 0
    written: int = 0
    dropped: Counter[tuple[str, str]] = field(default_factory=Counter)  # (stage, reason) -> documents
    edits: Counter[str] = field(default_factory=Counter)  # stage -> edits
    cpu: Counter[str] = field(default_factory=Counter)  # stage -> CPU seconds, summed over workers
    renamed_ids: list[dict[str, str]] = field(default_factory=list)
    wall_seconds: float = 0.0

    def counts(self) -> dict[str, Any]:
        dropped: dict[str, int] = {}
        for (stage, reason), n in sorted(self.dropped.items()):
            dropped[f"{stage}.{reason}"] = n
        return {
            "documents_read": self.read, "documents_written": self.written,
            "documents_dropped": sum(self.dropped.values()), "dropped": dropped,
            "edits": dict(sorted(self.edits.items())),
        }


def run(
    inputs: Sequence[Path],
    out: Path,
    config: Config,
    *,
    overwrite: bool = False,
    rules_dir: Path | None = None,
    stages: Sequence[type[Stage]] | None = None,
    on_progress: Callable[[str, int], None] | None = None,
    files: Sequence[InputFile] | None = None,
) -> RunSummary:
    """Clean `inputs` into `out` (documents, edits, dropped, manifest), atomically.

    `files`: the input files already found (a rerun reads a manifest's), instead of walking `inputs`.
    `stages`: instead of the config's pipeline (`[run] stages`, plugins included) or STAGES.
    """
    started = time.perf_counter()
    _check_not_overlapping(inputs, out)
    files = find_inputs(inputs, exclude=out) if files is None else files
    check_output_folder(out, overwrite=overwrite)
    rule_files = load_rule_files(rules_dir)
    stages = stages or config.pipeline or STAGES
    active = [(stage, config.stages[stage.name]) for stage in stages if stage.name not in config.run.skip]
    # Built here so a stage's complaints about its config or rules come before any work; the
    # instances also merge the first passes (the workers build their own).
    built = {stage: stage(stage_config, rule_files) for stage, stage_config in active}
    for instance in built.values():
        instance.check()
    summary = RunSummary()

    with staging_folder(out) as staging, Workers(config.workers, staging / "_work" / "plans") as workers:
        work = staging / "_work"
        edits = ShardWriter(work / "edits", EDIT_SCHEMA)
        dropped = ShardWriter(work / "dropped", DROPPED_SCHEMA)
        source: Iterable[Sequence[Item]] = _batches(_read_all(files, config, summary))
        passes = _plan_passes(active)
        fitted: Any = None
        for number, (pass_stages, fit_next) in enumerate(passes):
            last = number == len(passes) - 1
            kept = ShardWriter(work / f"pass{number}", DOCUMENT_SCHEMA if last else SPILL_SCHEMA)
            partials = []
            plan = PassPlan(pass_stages, fitted, fit_next, rule_files)
            for result in workers.run_pass(plan, source):
                _collect(result, kept, edits, dropped, summary, final=last)
                partials.append(result.partial)
                if on_progress:
                    on_progress(f"pass {number + 1}/{len(passes)}", len(result.kept) + len(result.dropped))
            kept.flush()
            if fit_next is not None:
                stage = built[fit_next[0]]
                fit_started = time.process_time()
                fitted = stage.merge([partial for partial in partials if partial is not None])
                for name, table in stage.tables(fitted).items():
                    write_table(table, staging / name)
                summary.cpu[f"{stage.name} (fit)"] += time.process_time() - fit_started
                source = _batches(_spilled(kept.paths))
        edits.flush()
        dropped.flush()
        write_started = time.process_time()
        summary.written = assemble(kept.paths, DOCUMENT_SCHEMA, staging / "documents.parquet", sort=[ORDINAL])
        assemble(edits.paths, EDIT_SCHEMA, staging / "edits.parquet", sort=[ORDINAL, "seq"])
        assemble(dropped.paths, DROPPED_SCHEMA, staging / "dropped.parquet", sort=[ORDINAL])
        summary.cpu["write"] += time.process_time() - write_started
        shutil.rmtree(work, ignore_errors=True)
        summary.wall_seconds = time.perf_counter() - started
        write_manifest(staging / "manifest.json", _manifest(config, active, rule_files, files, summary))
    return summary


StageSpec = tuple[type[Stage], Any]  # a stage class and its config


def _check_not_overlapping(inputs: Sequence[Path], out: Path) -> None:
    """OUT is replaced whole when a run finishes, so it must not be, or hold, an input."""
    target = out.resolve()
    for argument in inputs:
        source = argument.resolve()
        if source == target or target in source.parents:
            raise UsageError(str(out), f"the output folder is or contains the input {argument}",
                             "choose an -o outside the inputs")


def _plan_passes(active: Sequence[StageSpec]) -> list[tuple[Sequence[StageSpec], StageSpec | None]]:
    """Split the stages at every stage with a first pass; each pass ends by fitting the next one.
    When the first stage has a first pass (encoding skipped), a pass of no stages fits it."""
    starts = sorted({0, *(i for i, (stage, _) in enumerate(active) if stage.needs_fit)})
    passes: list[tuple[Sequence[StageSpec], StageSpec | None]] = [((), active[0])] if active and active[0][0].needs_fit else []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(active)
        passes.append((active[start:end], active[end] if end < len(active) else None))
    return passes


def _read_all(files: Sequence[InputFile], config: Config, summary: RunSummary) -> Iterator[Item]:
    """Every record of every input, in order, with ids made unique (`~2`, `~3`... in input order)."""
    seen: dict[str, int] = {}
    ordinal = 0
    cpu_started = time.process_time()
    for input_file in files:
        for record in read_input(input_file, config.read):
            original_id = record.id or record.source
            count = seen.get(original_id, 0) + 1
            seen[original_id] = count
            unique = original_id if count == 1 else f"{original_id}~{count}"
            while count > 1 and unique in seen:  # an input id may itself look like "x~2"
                count += 1
                unique = f"{original_id}~{count}"
            if unique != original_id:
                seen[unique] = 1
                summary.renamed_ids.append({"id": original_id, "renamed_to": unique, "source": record.source})
            record.id = unique
            summary.read += 1
            summary.cpu["read"] += time.process_time() - cpu_started
            yield ordinal, record
            cpu_started = time.process_time()
            ordinal += 1
    summary.cpu["read"] += time.process_time() - cpu_started


def _batches(items: Iterable[Item]) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH_DOCS:
            yield batch
            batch = []
    if batch:
        yield batch


def _spilled(paths: Sequence[Path]) -> Iterator[Item]:
    for path in paths:
        yield from read_spill(path)


def _collect(
    result: BatchResult, kept: ShardWriter, edits: ShardWriter, dropped: ShardWriter,
    summary: RunSummary, *, final: bool,
) -> None:
    started = time.process_time()
    for ordinal, doc in result.kept:
        if final:
            kept.add(document_row(ordinal, doc))
            edits.extend(edit_rows(ordinal, doc.id, doc.edits))
            summary.edits.update(edit.stage for edit in doc.edits)
        else:
            kept.add(spill_row(ordinal, doc))
    for ordinal, record, stage, drop in result.dropped:
        dropped.add({ORDINAL: ordinal, "id": record.id or record.source, "source": record.source,
                     "stage": stage, "reason": drop.reason, "detail": drop.detail, "text": record.text,
                     "duplicate_of": drop.duplicate_of, "similarity": drop.similarity,
                     "duplicate_in": drop.duplicate_in})
        if isinstance(record, Document):
            edits.extend(edit_rows(ordinal, record.id, record.edits))
            summary.edits.update(edit.stage for edit in record.edits)
        summary.dropped[(stage, drop.reason)] += 1
    summary.cpu.update(result.cpu)
    summary.cpu["write"] += time.process_time() - started


def _manifest(
    config: Config, active: Sequence[StageSpec], rule_files: Sequence[RuleFile],
    files: Sequence[InputFile], summary: RunSummary,
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "corpus_version": library_versions()["corpus"],
        "stages": [stage.name for stage, _ in active],
        "plugins": plugin_entries(stage for stage, _ in active),
        "config": config.reproducible_dict(),
        "rule_files": [{"name": r.name, "origin": r.origin, "sha256": r.sha256} for r in rule_files],
        "libraries": library_versions(stage_libraries(stage for stage, _ in active), html_mode=config.read.html_mode),
        "inputs": input_entries(files),
        "counts": summary.counts(),
        "renamed_ids": summary.renamed_ids,
        "timings": {
            "workers": config.workers,
            "wall_seconds": round(summary.wall_seconds, 3),
            "cpu_seconds": {name: round(seconds, 3) for name, seconds in sorted(summary.cpu.items())},
        },
    }
