"""Configuration: defaults < corpus.toml < command-line flags; unknown keys are errors."""

from __future__ import annotations

import collections.abc
import dataclasses
import difflib
import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from corpus.errors import ConfigError
from corpus.plugins import pipeline_stages
from corpus.stages.base import Stage

DEFAULT_CONFIG_NAME = "corpus.toml"


@dataclass(frozen=True)
class ReadConfig:
    """How records become documents (JSONL and Parquet fields; dotted paths reach into objects)."""

    text_field: str = "text"  # the common name in Dolma, datatrove, RedPajama, HF datasets
    id_field: str = "id"  # same; a record without one gets its `source` as id
    url_field: tuple[str, ...] = ("url", "metadata.url")  # first present wins; Dolma nests it
    # "main": the article only, by trafilatura, then the boilerplate stage (the best route measured
    # on every labelled set of news pages, see the benchmarks); "visible": everything a browser
    # shows; "noscript": as one without JavaScript does (keeps <noscript>, where a few blog themes
    # hide the whole article; elsewhere it holds "enable JavaScript").
    html_mode: Literal["visible", "noscript", "main"] = "main"
    # A bigger document is dropped as too_large, never read whole. A run's memory peaks at about
    # 80 times its largest document on top of some 300 MB (see Limits): 8 MiB keeps a worker
    # near 1 GB, and is 8 times what Common Crawl keeps of a page, more than the longest books.
    max_document_bytes: int = 8 * 1024 * 1024
    # A .gz/.zst expanding to more than this many times its size is a compression bomb
    # (corrupt_file); real text compresses 3 to 10 times, a gzip bomb about 1,000.
    max_expansion_ratio: float = 100.0

    def __post_init__(self) -> None:
        if self.max_document_bytes < 1:
            raise ValueError(f"max_document_bytes must be at least 1, not {self.max_document_bytes}")
        if not self.max_expansion_ratio >= 1:
            raise ValueError(f"max_expansion_ratio must be at least 1, not {self.max_expansion_ratio}")
        if self.html_mode == "main":  # fail before any page is read, with the pip command
            from corpus.readers.html import require_main_text_extractor

            require_main_text_extractor()


@dataclass(frozen=True)
class RunConfig:
    workers: int = 0  # 0 = one per core; output is identical whatever the number
    skip: tuple[str, ...] = ()  # stage names to turn off
    stages: tuple[str, ...] = ()  # the pipeline in order, plugins included; empty: the built-in one
    # A memory budget for the whole run, workers included ("4GB", "512MB"; "" = a quarter of the
    # machine's memory, at most 2 GB): the first passes' aggregation gets what the processes leave
    # of it and spills to disk beyond. A larger budget is faster; the output does not depend on it.
    memory: str = ""
    # Past one shard, documents/edits/dropped are written as documents-00000.parquet... (each shard
    # holding the same documents' rows in all three): a shard ends at this many documents...
    shard_rows: int = 1_000_000
    shard_bytes: str = "1GB"  # ...or this much text, whichever comes first
    # Input positions per unit of work: a run that died is resumed from its last finished unit
    # (at most one per worker is done again). Smaller: less redone, more files. A multiple of 64.
    chunk_documents: int = 4096

    def __post_init__(self) -> None:
        if self.memory:
            parse_size(self.memory, "memory")
        parse_size(self.shard_bytes, "shard_bytes")
        if self.shard_rows < 1:
            raise ValueError(f"shard_rows must be at least 1, not {self.shard_rows}")
        if self.chunk_documents < 64 or self.chunk_documents % 64:
            raise ValueError(f"chunk_documents must be a multiple of 64, not {self.chunk_documents}")


_UNITS = {
    "": 1,
    "B": 1,
    "K": 1 << 10,
    "KB": 1 << 10,
    "M": 1 << 20,
    "MB": 1 << 20,
    "G": 1 << 30,
    "GB": 1 << 30,
    "T": 1 << 40,
    "TB": 1 << 40,
}


def parse_size(text: str, name: str) -> int:
    """ "4GB", "512MB", "1.5G" or a number of bytes, as bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?B?)\s*", text.upper())
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f'{name} must be a size such as "4GB" or "512MB", not {text!r}')
    return int(float(match.group(1)) * _UNITS[match.group(2)])


@dataclass(frozen=True)
class Config:
    read: ReadConfig = field(default_factory=ReadConfig)
    run: RunConfig = field(default_factory=RunConfig)
    stages: Mapping[str, Any] = field(default_factory=dict)  # stage name -> its frozen config
    pipeline: tuple[type[Stage], ...] = ()  # the stage classes in order; empty: the built-in pipeline

    @property
    def workers(self) -> int:
        return self.run.workers or len(os.sched_getaffinity(0)) or 1

    @property
    def memory_bytes(self) -> int:
        """The run's memory budget: as set, or a quarter of the machine's memory, at most 2 GB."""
        if self.run.memory:
            return parse_size(self.run.memory, "memory")
        return min(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 4, 2 << 30)

    def reproducible_dict(self) -> dict[str, Any]:
        """Everything that can change the output (workers cannot), for the manifest."""
        return {
            "read": _plain(dataclasses.asdict(self.read)),
            "skip": list(self.run.skip),
            "shard_rows": self.run.shard_rows,
            "shard_bytes": self.run.shard_bytes,
            "pipeline": list(self.run.stages),
            "stages": {name: _plain(dataclasses.asdict(cfg)) for name, cfg in self.stages.items()},
        }


def load_config(
    path: Path | None,
    *,
    stages: Sequence[type[Stage]],
    read_flags: Mapping[str, Any] | None = None,
    run_flags: Mapping[str, Any] | None = None,
    stage_flags: Mapping[str, Mapping[str, Any]] | None = None,
) -> Config:
    """Build the effective config. `path=None` uses ./corpus.toml when it exists."""
    data: dict[str, Any] = {}
    where = "defaults"
    if path is None and Path(DEFAULT_CONFIG_NAME).is_file():
        path = Path(DEFAULT_CONFIG_NAME)
    if path is not None:
        where = str(path)
        data = _read_toml(path)
    _check_keys(data, {"read", "run", "stages"}, where, "top level")
    read = _build(ReadConfig, data.get("read", {}), where, "[read]", read_flags)
    run = _build(RunConfig, data.get("run", {}), where, "[run]", run_flags)
    stages = pipeline_stages(run.stages, stages, where)
    stage_by_name = {stage.name: stage for stage in stages}
    stage_tables = data.get("stages", {})
    _check_table(stage_tables, where, "stages")
    _check_keys(stage_tables, set(stage_by_name), where, "[stages]")
    for name in run.skip:
        if name not in stage_by_name:
            raise ConfigError(where, f"cannot skip unknown stage {name!r}", _valid(name, stage_by_name))
    stage_configs = {
        name: _build(
            stage.config_class, stage_tables.get(name, {}), where, f"[stages.{name}]", (stage_flags or {}).get(name)
        )
        for name, stage in stage_by_name.items()
    }
    return Config(read=read, run=run, stages=stage_configs, pipeline=stages)


def recorded_config(
    recorded: Mapping[str, Any],
    ran: Sequence[str],
    *,
    stages: Sequence[type[Stage]],
    where: str,
    workers: int | None = None,
) -> Config:
    """The config a manifest recorded (`Config.reproducible_dict`, the stages that `ran`), checked
    as corpus.toml is; stages added to corpus since are skipped, so they change nothing."""
    _check_keys(recorded, {"read", "skip", "shard_rows", "shard_bytes", "pipeline", "stages"}, where, "config")
    order = tuple(recorded.get("pipeline", ()))
    stages = pipeline_stages(order, stages, where)
    stage_by_name = {stage.name: stage for stage in stages}
    tables = recorded.get("stages", {})
    _check_table(tables, where, "config.stages")
    _check_keys(tables, set(stage_by_name), where, "config.stages")
    skip = [*recorded.get("skip", []), *(name for name in stage_by_name if name not in ran and name not in tables)]
    return Config(
        read=_build(ReadConfig, recorded.get("read", {}), where, "config.read", None),
        run=_build(
            RunConfig,
            {
                "skip": list(dict.fromkeys(skip)),
                "stages": list(order),
                **{key: recorded[key] for key in ("shard_rows", "shard_bytes") if key in recorded},
            },
            where,
            "config",
            {"workers": workers},
        ),
        stages={
            name: _build(stage.config_class, tables.get(name, {}), where, f"config.stages.{name}", None)
            for name, stage in stage_by_name.items()
        },
        pipeline=stages,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(str(path), "config file not found", "check the --config path") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), f"invalid TOML: {error}", "fix the syntax") from None
    except OSError as error:
        raise ConfigError(str(path), f"cannot read config: {error.strerror}") from None


def _build(cls: type, table: Any, where: str, section: str, flags: Mapping[str, Any] | None) -> Any:
    """Instantiate a config dataclass from a TOML table, checking every key and type."""
    _check_table(table, where, section)
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    _check_keys(table, set(names), where, section)
    values = {key: _coerce(value, hints[key], where, f"{section} {key}") for key, value in table.items()}
    for key, value in (flags or {}).items():
        if value is not None:
            values[key] = _coerce(value, hints[key], "command line", key)
    try:
        return cls(**values)
    except ValueError as error:  # a config's own range checks (__post_init__)
        raise ConfigError(where, f"{section} {error}") from None


def _coerce(value: Any, hint: Any, where: str, key: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Literal:
        if value not in args:
            raise ConfigError(where, f"{key} must be one of {', '.join(map(repr, args))}, not {value!r}")
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        hint = next(arg for arg in args if arg is not type(None))
        return _coerce(value, hint, where, key)
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(value, dict):
            raise ConfigError(where, f"{key} must be a table, not {type(value).__name__}")
        return {
            _coerce(name, args[0], where, key): _coerce(item, args[1], where, f"{key}.{name}")
            for name, item in value.items()
        }
    if origin is tuple:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(where, f"{key} must be a list, not {type(value).__name__}")
        return tuple(_coerce(item, args[0], where, key) for item in value)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ConfigError(where, f"{key} must be {hint.__name__}, not {type(value).__name__} {value!r}")
    return value


def _check_table(table: Any, where: str, section: str) -> None:
    if not isinstance(table, dict):
        raise ConfigError(where, f"{section} must be a table")


def _check_keys(table: Mapping[str, Any], valid: set[str], where: str, section: str) -> None:
    for key in table:
        if key not in valid:
            raise ConfigError(where, f"unknown key {key!r} in {section}", _valid(key, valid))


def _valid(key: str, valid: Any) -> str:
    options = sorted(valid)
    close = difflib.get_close_matches(key, options, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{hint}valid: {', '.join(options)}"


def _plain(value: Any) -> Any:
    """Tuples to lists, so the config reads as JSON."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
