"""Quality rules as data: the presets shipped in `corpus/quality_presets/*.toml`, checked once
into frozen rules, and the checks of their examples that `corpus rules check` runs.

A preset file holds a `description`, optional `languages` (the default of its rules), named
example `[texts]` and `[[rule]]` tables: `id`, `signal` ("gopher.word_count"), `drop`
("below" or "above"), `threshold`, optional `languages` and `description`, and
`examples = { drop = [...], keep = [...] }` naming texts. A rule's full id is
`quality.<preset>.<id>`.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from corpus.errors import ConfigError
from corpus.stages.quality.signals import BY_PATH, Signals

PRESET_FOLDER = Path(__file__).resolve().parents[2] / "quality_presets"
_FILE_KEYS = {"description": str, "languages": list, "texts": dict, "rule": list}
_RULE_KEYS = {
    "id": str,
    "signal": str,
    "drop": str,
    "threshold": (int, float),
    "languages": list,
    "description": str,
    "examples": dict,
}
_REQUIRED = ("id", "signal", "drop", "threshold", "examples")
_REPEAT_KEYS = {"repeat", "times"}


@dataclass(frozen=True)
class QualityRule:
    id: str  # "quality.gopher.min_words"
    signal: str  # "gopher.word_count"
    drop: Literal["below", "above"]
    threshold: float
    languages: tuple[str, ...] = ()  # the rule applies to these languages only; empty: to all
    description: str = ""
    drop_examples: tuple[str, ...] = ()
    keep_examples: tuple[str, ...] = ()

    def value(self, signals: Signals) -> int | float | None:
        family, name = self.signal.split(".")
        return signals[family][name]

    def fires(self, signals: Signals) -> bool:
        """True when the signal is beyond the threshold (strictly); a missing value never fires."""
        value = self.value(signals)
        if value is None:
            return False
        return value < self.threshold if self.drop == "below" else value > self.threshold

    def applies_to(self, language: str | None) -> bool:
        """Every document when the rule names no language; else documents in one of them, and
        documents without a language (the language stage skipped)."""
        return not self.languages or language is None or language in self.languages


@dataclass(frozen=True)
class Preset:
    name: str
    path: Path
    description: str
    rules: tuple[QualityRule, ...]


def preset_names() -> list[str]:
    return sorted(path.stem for path in PRESET_FOLDER.glob("*.toml"))


def load_preset(name: str) -> Preset:
    path = PRESET_FOLDER / f"{name}.toml"
    if not path.is_file():
        raise ConfigError("[stages.quality] presets", f"unknown preset {name!r}", f"valid: {', '.join(preset_names())}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(str(path), f"invalid preset: {error}", "fix the TOML syntax") from None
    where = str(path)
    _check_keys(data, _FILE_KEYS, where, "top level")
    texts = {key: _text(value, where, key) for key, value in data.get("texts", {}).items()}
    default_languages = tuple(data.get("languages", ()))
    rules = tuple(_rule(table, name, texts, default_languages, where) for table in data.get("rule", []))
    ids = [rule.id for rule in rules]
    duplicated = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicated:
        raise ConfigError(where, f"rule id {duplicated[0]!r} is used twice", "give each rule its own id")
    return Preset(name, path, data.get("description", ""), rules)


def select_rules(
    presets: Sequence[str], disable: Sequence[str], thresholds: Mapping[str, float]
) -> tuple[QualityRule, ...]:
    """The rules of the presets in order, without the disabled ones, with thresholds overridden;
    a rule id named in `disable` or `thresholds` that no preset has is an error."""
    rules = [rule for name in dict.fromkeys(presets) for rule in load_preset(name).rules]
    known = {rule.id for rule in rules}
    for key, ids in (("disable", disable), ("thresholds", list(thresholds))):
        for rule_id in ids:
            if rule_id not in known:
                close = difflib.get_close_matches(rule_id, sorted(known), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise ConfigError(
                    f"[stages.quality] {key}",
                    f"no rule {rule_id!r} in presets {', '.join(presets)}",
                    f"{hint}rule ids are listed by `corpus rules check`",
                )
    return tuple(
        rule if rule.id not in thresholds else replace(rule, threshold=thresholds[rule.id])
        for rule in rules
        if rule.id not in disable
    )


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    expected: Literal["drop", "keep"]
    number: int
    example: str
    problem: str


def check_examples(preset: Preset, measure: Any) -> tuple[int, list[ExampleFailure]]:
    """Each rule alone on its examples (`measure(text) -> signals`): a drop example must make it
    fire, a keep example must not. How many ran, and the failures."""
    count = 0
    failures = []
    for rule in preset.rules:
        for expected, examples in (("drop", rule.drop_examples), ("keep", rule.keep_examples)):
            for number, example in enumerate(examples, 1):
                count += 1
                signals = measure(example)
                if rule.fires(signals) != (expected == "drop"):
                    verb = "did not fire" if expected == "drop" else "fired"
                    problem = f"{verb}: {rule.signal} = {rule.value(signals)!r} ({rule.drop} {rule.threshold:g} drops)"
                    failures.append(ExampleFailure(rule.id, expected, number, example, problem))  # type: ignore[arg-type]
    return count, failures


def _rule(
    table: Any, preset: str, texts: Mapping[str, str], default_languages: tuple[str, ...], where: str
) -> QualityRule:
    if not isinstance(table, dict):
        raise ConfigError(where, "[[rule]] must be a table")
    label = f"rule {table.get('id', '(without id)')!r}"
    _check_keys(table, _RULE_KEYS, where, label)
    for key in _REQUIRED:
        if key not in table:
            raise ConfigError(where, f"{label}: missing key {key!r}")
    if table["signal"] not in BY_PATH:
        close = difflib.get_close_matches(table["signal"], sorted(BY_PATH), n=1)
        raise ConfigError(
            where,
            f"{label}: unknown signal {table['signal']!r}",
            f"did you mean {close[0]!r}?" if close else f"valid: {', '.join(BY_PATH)}",
        )
    if table["drop"] not in ("below", "above"):
        raise ConfigError(where, f'{label}: drop must be "below" or "above", not {table["drop"]!r}')
    examples = table["examples"]
    _check_keys(examples, {"drop": list, "keep": list}, where, f"{label} examples")
    if not examples.get("drop") or not examples.get("keep"):
        raise ConfigError(where, f"{label}: examples need at least one text to drop and one to keep")
    for name in (*examples["drop"], *examples["keep"]):
        if name not in texts:
            raise ConfigError(
                where, f"{label}: example {name!r} is not in [texts]", f"valid: {', '.join(sorted(texts))}"
            )
    return QualityRule(
        id=f"quality.{preset}.{table['id']}",
        signal=table["signal"],
        drop=table["drop"],
        threshold=table["threshold"],
        languages=tuple(table.get("languages", default_languages)),
        description=table.get("description", ""),
        drop_examples=tuple(texts[name] for name in examples["drop"]),
        keep_examples=tuple(texts[name] for name in examples["keep"]),
    )


def _text(value: Any, where: str, key: str) -> str:
    """An example text: a string (leading newline of a TOML multi-line string dropped), or
    `{ repeat = "...", times = N }` for texts too long to write out."""
    if isinstance(value, str):
        return value
    if (
        isinstance(value, dict)
        and set(value) == _REPEAT_KEYS
        and isinstance(value["repeat"], str)
        and isinstance(value["times"], int)
        and value["times"] > 0
    ):
        return value["repeat"] * value["times"]
    raise ConfigError(where, f'[texts] {key}: must be a string or {{ repeat = "...", times = N }}')


def _check_keys(table: Mapping[str, Any], valid: Mapping[str, Any], where: str, section: str) -> None:
    for key, value in table.items():
        if key not in valid:
            close = difflib.get_close_matches(key, sorted(valid), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(where, f"{section}: unknown key {key!r}", f"{hint}valid: {', '.join(sorted(valid))}")
        if not isinstance(value, valid[key]) or isinstance(value, bool):
            raise ConfigError(where, f"{section}: {key} has the wrong type ({type(value).__name__})")
