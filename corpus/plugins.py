"""Stages of one's own: a stage class in the user's package, registered under the entry point
group `corpus.stages`, placed in the pipeline by name with `[run] stages = [...]`.

A plugin stage is a `corpus.stages.base.Stage` like the built-in ones (config dataclass,
`apply`, optional first pass); the runner records its edits and drops the same way, and the
manifest names its package and version (`plugins`, and `libraries`).

    # the plugin's pyproject.toml
    [project.entry-points."corpus.stages"]
    redact_emails = "corpus_redact_emails:RedactEmailsStage"
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from corpus.errors import ConfigError
from corpus.stages.base import Stage

ENTRY_POINT_GROUP = "corpus.stages"


def pipeline_stages(names: Sequence[str], builtin: Sequence[type[Stage]], where: str) -> tuple[type[Stage], ...]:
    """The stages `names` lists, in that order (empty: the built-in pipeline), each a built-in
    stage or an installed plugin; an unknown, repeated or broken one stops the run here."""
    if not names:
        return tuple(builtin)
    by_name = {stage.name: stage for stage in builtin}
    installed = _installed()
    found: list[type[Stage]] = []
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(where, f"[run] stages: {name!r} is listed twice", "list each stage once")
        if name in by_name:
            found.append(by_name[name])
        elif name in installed:
            found.append(_load(installed[name], where))
        else:
            valid = sorted({*by_name, *installed})
            raise ConfigError(
                where,
                f"[run] stages: no stage {name!r} (built in, or a plugin installed under the "
                f"entry point group {ENTRY_POINT_GROUP!r})",
                f"valid: {', '.join(valid)}",
            )
    return tuple(found)


def plugin_entries(stages: Iterable[type[Stage]]) -> list[dict[str, str]]:
    """For the manifest: each plugin stage's name, entry point, package and version."""
    installed = _installed()
    entries = []
    for stage in stages:
        point = installed.get(stage.name)
        if point is not None and not stage.__module__.startswith("corpus."):  # a built-in stage is not one
            distribution = point.dist
            entries.append(
                {
                    "stage": stage.name,
                    "entry_point": point.value,
                    "package": distribution.name if distribution else "unknown",
                    "version": distribution.version if distribution else "unknown",
                }
            )
    return entries


def stage_libraries(stages: Iterable[type[Stage]]) -> list[tuple[str, str]]:
    """Versions of what touches the text in these stages: each stage's libraries, and the
    package of each plugin (a rerun with another version of it is named, like a library's)."""
    stages = list(stages)
    versions = [item for stage in stages for item in stage.library_versions().items()]
    return versions + [(entry["package"], entry["version"]) for entry in plugin_entries(stages)]


def _installed() -> dict[str, EntryPoint]:
    return {point.name: point for point in entry_points(group=ENTRY_POINT_GROUP)}


def _load(point: EntryPoint, where: str) -> type[Stage]:
    """The plugin's class, checked as the runner needs it (a broken plugin fails before any work)."""
    try:
        stage: Any = point.load()
    except Exception as error:  # any import error of the user's package
        raise ConfigError(
            where,
            f"stage {point.name!r}: cannot load {point.value}: {type(error).__name__}: {error}",
            "check that its package is installed in this environment",
        ) from None
    if not (isinstance(stage, type) and issubclass(stage, Stage)):
        raise ConfigError(where, f"stage {point.name!r}: {point.value} is not a subclass of corpus.stages.base.Stage")
    if getattr(stage, "name", None) != point.name:
        raise ConfigError(
            where,
            f"stage {point.name!r}: {point.value} is named {getattr(stage, 'name', None)!r}",
            "give the class the entry point's name (its edits and drops are recorded under it)",
        )
    if not dataclasses.is_dataclass(getattr(stage, "config_class", None)):
        raise ConfigError(
            where,
            f"stage {point.name!r}: {point.value}.config_class is not a dataclass",
            "its fields are the [stages.<name>] table",
        )
    return stage
