"""Rerun a finished run from its manifest.json: the same inputs (checked by sha256), rule files
(checked by sha256) and config; library versions compared, so a difference is named, not found later."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus import pipeline
from corpus.config import Config, recorded_config
from corpus.errors import ConfigError, RunError, UsageError
from corpus.manifest import file_sha256, library_versions
from corpus.plugins import stage_libraries
from corpus.readers import InputFile
from corpus.rules import load_rule_files


@dataclass(frozen=True)
class Rerun:
    manifest_path: Path
    config: Config
    files: list[InputFile]
    rules_dir: Path | None
    library_differences: list[str]  # "polars 2.1.0 in the run, 2.2.0 now"
    notes: list[str]  # what the rerun could not reproduce exactly, besides libraries


def prepare(manifest_path: Path, *, workers: int | None = None) -> Rerun:
    """Everything the rerun needs, checked; a changed input or rule file raises naming it."""
    if manifest_path.is_dir():
        manifest_path = manifest_path / "manifest.json"
    manifest = _read(manifest_path)
    where = str(manifest_path)
    try:
        config = recorded_config(
            manifest["config"], manifest["stages"], stages=pipeline.STAGES, where=where, workers=workers
        )
        inputs, recorded_rules = manifest["inputs"], manifest["rule_files"]
    except KeyError as missing:
        raise ConfigError(
            where,
            f"not a corpus manifest (no {missing.args[0]!r})",
            "give the manifest.json of a finished `corpus clean`",
        ) from None
    notes = []
    if inputs and any("source" not in entry for entry in inputs):
        notes.append("the manifest predates input sources: each file's documents take its file name as source")
    files = [InputFile(Path(entry["path"]), entry.get("source", Path(entry["path"]).name)) for entry in inputs]
    _check_inputs(inputs)
    unread = [entry["path"] for entry in inputs if entry.get("sha256") is None]
    if unread:
        notes.append(
            f"{len(unread)} input{'s' * (len(unread) > 1)} could not be read in the run "
            f"({', '.join(unread[:3])}{', ...' if len(unread) > 3 else ''}): read again as they are now"
        )
    rules_dir = _check_rule_files(recorded_rules)
    active = [stage for stage in config.pipeline if stage.name not in config.run.skip]
    now = library_versions(stage_libraries(active), html_mode=config.read.html_mode)
    return Rerun(manifest_path, config, files, rules_dir, _differences(manifest.get("libraries", {}), now), notes)


def run(rerun: Rerun, out: Path, *, overwrite: bool = False, on_progress: Any = None) -> pipeline.RunSummary:
    return pipeline.run(
        [f.path for f in rerun.files],
        out,
        rerun.config,
        overwrite=overwrite,
        rules_dir=rerun.rules_dir,
        on_progress=on_progress,
        files=rerun.files,
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            str(path), "manifest not found", "give OUT/manifest.json of a finished `corpus clean`"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(str(path), f"cannot read the manifest: {error}") from None
    if not isinstance(manifest, dict):
        raise ConfigError(str(path), "not a corpus manifest (not a JSON object)")
    return manifest


def _check_inputs(inputs: Sequence[dict[str, Any]]) -> None:
    problems = []
    for entry in inputs:
        path = Path(entry["path"])
        if entry.get("sha256") is None:
            continue  # not readable in the run (a dropped row says why); prepare() notes it
        if not path.is_file():
            problems.append(
                (
                    entry["path"],
                    "input not found",
                    "run `corpus rerun` from the folder `corpus clean` ran in; input paths are relative to it",
                )
            )
        elif (now := file_sha256(path)) != entry["sha256"]:
            problems.append(
                (
                    entry["path"],
                    f"input changed since the run (sha256 {entry['sha256'][:12]}… recorded, {now[:12]}… now)",
                    "restore it, or run `corpus clean` again",
                )
            )
    _raise_first(problems, "inputs")


def _check_rule_files(recorded: Sequence[dict[str, Any]]) -> Path | None:
    """The user's rules folder the run read (None: none), after checking it holds exactly the
    rule files recorded, unchanged; packaged files are checked too (they change with corpus)."""
    user_origins = sorted({entry["origin"] for entry in recorded if entry["origin"] != "package"})
    if len(user_origins) > 1:
        raise ConfigError(", ".join(user_origins), "the manifest names more than one rules folder")
    rules_dir = Path(user_origins[0]) if user_origins else None
    if rules_dir is not None and not rules_dir.is_dir():
        raise UsageError(
            str(rules_dir), "rules folder not found", "run `corpus rerun` from the folder `corpus clean` ran in"
        )
    loaded = {(f.name, f.origin): f for f in load_rule_files(rules_dir)}
    problems = []
    for entry in recorded:
        key = (entry["name"], entry["origin"])
        shown = entry["name"] if entry["origin"] == "package" else str(Path(entry["origin"]) / entry["name"])
        found = loaded.pop(key, None)
        if found is None:
            problems.append((shown, "rule file missing", "restore it from the run's rules folder"))
        elif found.sha256 != entry["sha256"]:
            kind = "packaged rule file (another corpus version?)" if entry["origin"] == "package" else "rule file"
            problems.append(
                (
                    shown,
                    f"{kind} changed since the run (sha256 {entry['sha256'][:12]}… recorded, {found.sha256[:12]}… now)",
                    "restore it, or run `corpus clean` again",
                )
            )
    for extra in loaded.values():
        problems.append(
            (
                str(extra.path),
                "a rule file the run did not use",
                "move it away, or run `corpus rerun` from another folder",
            )
        )
    _raise_first(problems, "rule files")
    return rules_dir


def _raise_first(problems: list[tuple[str, str, str]], kind: str) -> None:
    if problems:
        where, what, how = problems[0]
        more = f"; {len(problems) - 1} more {kind} differ" if len(problems) > 1 else ""
        raise RunError(where, what + more, how)


def _differences(recorded: dict[str, str], now: dict[str, str]) -> list[str]:
    return [
        f"{name} {recorded.get(name, 'absent')} in the run, {now.get(name, 'absent')} now"
        for name in sorted(set(recorded) | set(now))
        if recorded.get(name) != now.get(name)
    ]
