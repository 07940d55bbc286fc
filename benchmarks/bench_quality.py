"""The quality stage beside datatrove 0.10.1's filters, on the same documents, in one run.

    python -m benchmarks quality [--only agreement,speed,rates,pipeline,placement] [--workers 2]

Data (benchmarks/quality_sets.py): Common Crawl samples (Dolma's 30 cc_net documents and Common
Crawl's WET record of one page), CleanEval's 739 pages (corpus's HTML reader) and gold texts,
Zyte's 181 pages (html-text's visible text) and gold article bodies, Reuters-21578's 19,043
full stories (title and body). Empty texts are left out (both tools drop them).

Sections:
- agreement: each datatrove filter at its defaults (GopherQualityFilter, GopherRepetitionFilter,
  C4QualityFilter's document-level decisions, FineWebQualityFilter) against corpus's rules at
  the same thresholds (presets gopher, c4, fineweb; their language limits off, as datatrove has
  none), document by document: keep or drop. Every disagreement is printed with what explains it.
- speed: documents/s of the four datatrove filters run one after the other on each document
  (datatrove caches a text's words, so spaCy cuts each text once) against the quality stage with
  presets gopher, c4 and fineweb (every signal computed, every rule decided), one process.
- rates: what each rule of each preset drops alone (documents, characters), and the preset as a
  whole, on each data set, beside the removal rates the FineWeb and Dolma papers publish.
- pipeline: `corpus clean --skip typos,dedup` with the default preset on the gold texts and
  Reuters (target: at most 1% dropped) and on the pages, each quality drop listed.
- placement: the pipeline with the quality stage before typos and dedup (its place) and after
  dedup, on the pages and Reuters: duplicates left naming a document the quality stage dropped,
  entries of the dedup index for documents not in the output, and CPU seconds of the typos stage.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from benchmarks.quality_sets import GOLD, Texts, all_sets

FILTERS = ("GopherQualityFilter", "GopherRepetitionFilter", "C4QualityFilter", "FineWebQualityFilter")
# corpus's rules standing for each filter: (preset, signal family or None for all of the preset's)
RULES_OF = {
    "GopherQualityFilter": ("gopher", "gopher"),
    "GopherRepetitionFilter": ("gopher", "gopher_repetition"),
    "C4QualityFilter": ("c4", None),
    "FineWebQualityFilter": ("fineweb", None),
}
TARGET_AGREEMENT = 0.99
TARGET_GOLD_DROPPED = 0.01
PUBLISHED = """\
Published removal rates on Common Crawl (not the same text as here: theirs is whole crawls after
language identification and, for FineWeb, its earlier filters and MinHash dedup):
  FineWeb (Penedo et al. 2024, arXiv 2406.17557, 2019-18 crawl, share of tokens removed):
    §3.5 C4's filters on the base-filtered, deduplicated crawl: terminal punctuation ~30%, curly
         bracket 2.8%, word lengths 4.3%, lorem ipsum, javascript and policy <0.5% each, all but
         terminal punctuation ~7%
    §3.6 its own: lines ending in punctuation <= 0.12: 10.14%; characters in duplicated lines
         >= 0.1: 12.47% (the paper's threshold; datatrove's default, used here, is 0.01);
         lines shorter than 30 characters >= 0.67: 3.73%; the three together ~22%
  Dolma (Soldaini et al. 2024, arXiv 2402.00159, §5.2, cc_net output of 25 crawls, share of
    UTF-8 characters): all Gopher rules ("Gopher All") 15.23%; C4's no-punctuation rule 22.73%"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        default="agreement,speed,rates,pipeline,placement",
        help="sections, comma-separated: agreement, speed, rates, pipeline, placement",
    )
    parser.add_argument("--workers", type=int, default=2, help="processes for the pipeline sections")
    args = parser.parse_args(argv)
    sections = {section.strip() for section in args.only.split(",")}
    sets = all_sets()
    print("data sets: " + ", ".join(f"{name} {len(texts):,}" for name, texts in sets.items()))
    if sections & {"agreement", "speed"}:
        agreement_and_speed(sets, agreement="agreement" in sections, speed="speed" in sections)
    if "rates" in sections:
        rates(sets)
    if "pipeline" in sections:
        in_pipeline(sets, args.workers)
    if "placement" in sections:
        placement(sets, args.workers)


# ------------------------------------------------------------------ agreement and speed


def datatrove_filters() -> dict[str, Any]:
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )

    return {
        "GopherQualityFilter": GopherQualityFilter(),
        "GopherRepetitionFilter": GopherRepetitionFilter(),
        "C4QualityFilter": C4QualityFilter(),
        "FineWebQualityFilter": FineWebQualityFilter(),
    }


def datatrove_decisions(texts: Texts, filters: dict[str, Any]) -> tuple[dict[str, list[str | None]], float]:
    """Each filter's reason to drop each text (None: kept), and the CPU seconds of all four."""
    from datatrove.data import Document as DatatroveDocument

    decisions: dict[str, list[str | None]] = {name: [] for name in filters}
    started = time.process_time()
    for key, text in texts:
        for name, step in filters.items():  # a fresh document each: C4QualityFilter rewrites the text
            outcome = step.filter(DatatroveDocument(text=text, id=key))
            decisions[name].append(None if outcome is True else outcome[1] if isinstance(outcome, tuple) else "dropped")
    return decisions, time.process_time() - started


def corpus_decisions(texts: Texts) -> tuple[list[dict[str, Any]], dict[str, list[str | None]], float]:
    """The signals of each text, the first rule standing for each filter that drops it, and the CPU
    seconds of the stage (signals and presets gopher, c4, fineweb)."""
    from corpus.document import Document, Drop
    from corpus.stages.quality import QualityConfig, QualityStage

    stage = QualityStage(QualityConfig(presets=("gopher", "c4", "fineweb")))
    decisions: dict[str, list[str | None]] = {name: [] for name in FILTERS}
    signals = []
    started = time.process_time()
    outcomes = [stage.apply(Document(id=key, source=key, text=text)) for key, text in texts]
    seconds = time.process_time() - started
    for outcome in outcomes:
        if isinstance(outcome, Drop):
            detail = orjson.loads(outcome.detail or "{}")
            failed = [detail["rule"], *detail["also"]]
            measured = detail["signals"]
        else:
            failed, measured = [], outcome.quality
        signals.append(measured)
        for name, (preset, family) in RULES_OF.items():
            mine = [
                rule
                for rule in failed
                if rule.startswith(f"quality.{preset}.") and (family is None or _family(rule) == family)
            ]
            decisions[name].append(mine[0] if mine else None)
    return signals, decisions, seconds


def _family(rule_id: str) -> str:
    from corpus.stages.quality.presets import load_preset

    return next(rule.signal.split(".")[0] for rule in load_preset(rule_id.split(".")[1]).rules if rule.id == rule_id)


def agreement_and_speed(sets: dict[str, Texts], *, agreement: bool, speed: bool) -> None:
    filters = datatrove_filters()
    seconds = {"datatrove": 0.0, "corpus": 0.0}
    rows = []
    disagreements = []
    for name, texts in sets.items():
        theirs, their_seconds = datatrove_decisions(texts, filters)
        signals, ours, our_seconds = corpus_decisions(texts)
        seconds["datatrove"] += their_seconds
        seconds["corpus"] += our_seconds
        row = {"set": name, "documents": len(texts), "datatrove s": their_seconds, "corpus s": our_seconds}
        for filter_name in FILTERS:
            differ = [
                i for i, (a, b) in enumerate(zip(theirs[filter_name], ours[filter_name])) if (a is None) != (b is None)
            ]
            row[filter_name] = (
                len(texts) - len(differ),
                sum(a is not None for a in theirs[filter_name]),
                sum(b is not None for b in ours[filter_name]),
            )
            disagreements += [
                (name, filter_name, texts[i], theirs[filter_name][i], ours[filter_name][i], signals[i]) for i in differ
            ]
        rows.append(row)
    if agreement:
        print(
            "\nagreement with datatrove 0.10.1, keep or drop, document by document "
            "(agree / documents; dropped by datatrove, by corpus):"
        )
        print(f"{'':<16} {'documents':>9}" + "".join(f" {name:>30}" for name in FILTERS))
        totals = dict.fromkeys(FILTERS, 0)
        for row in rows:
            cells = ""
            for filter_name in FILTERS:
                agree, theirs_dropped, ours_dropped = row[filter_name]
                totals[filter_name] += agree
                cell = f"{agree / row['documents']:.2%} ({theirs_dropped}, {ours_dropped})"
                cells += f" {cell:>30}"
            print(f"{row['set']:<16} {row['documents']:>9,}" + cells)
        documents = sum(row["documents"] for row in rows)
        print(f"{'all':<16} {documents:>9,}" + "".join(f" {totals[f] / documents:>30.3%}" for f in FILTERS))
        for filter_name in FILTERS:
            share = totals[filter_name] / documents
            print(
                f"target: >= 99% agreement, {filter_name}: {share:.3%} "
                f"{'met' if share >= TARGET_AGREEMENT else 'MISSED'}"
            )
        print(f"\ndisagreements ({len(disagreements)}):" if disagreements else "\ndisagreements: none")
        for name, filter_name, (key, text), their_reason, our_rule, signals in disagreements:
            print(f"- {name} {key}: {filter_name} says {their_reason or 'keep'}, corpus says {our_rule or 'keep'}")
            print(f"  {explain(text, filter_name, signals)}")
    if speed:
        documents = sum(row["documents"] for row in rows)
        print(
            "\nspeed, one process, CPU seconds (documents/s): datatrove's four filters one after the other "
            "against the quality stage with presets gopher, c4, fineweb"
        )
        for row in rows:
            print(
                f"{row['set']:<16} {row['documents']:>7,} docs  datatrove {row['datatrove s']:7.1f} s "
                f"({row['documents'] / row['datatrove s']:7.0f}/s)  corpus {row['corpus s']:6.1f} s "
                f"({row['documents'] / row['corpus s']:7.0f}/s)  {row['datatrove s'] / row['corpus s']:5.1f}x"
            )
        ratio = seconds["datatrove"] / seconds["corpus"]
        print(
            f"{'all':<16} {documents:>7,} docs  datatrove {seconds['datatrove']:7.1f} s "
            f"({documents / seconds['datatrove']:7.0f}/s)  corpus {seconds['corpus']:6.1f} s "
            f"({documents / seconds['corpus']:7.0f}/s)  {ratio:5.1f}x"
        )
        print(f"target: no slower than datatrove: {ratio:.1f}x {'met' if ratio >= 1 else 'MISSED'}")


def explain(text: str, filter_name: str, signals: dict[str, Any]) -> str:
    """What makes the two decide differently, as far as it can be told from outside datatrove."""
    from datatrove.pipeline.filters.gopher_repetition_filter import find_all_duplicate
    from datatrove.utils.text import TERMINAL_PUNCTUATION, split_into_words

    from corpus.stages.quality.words import WordCutter

    theirs = split_into_words(text)
    ours = WordCutter().words(text).tokens
    if theirs != ours:
        first = next((i for i, (a, b) in enumerate(zip(theirs, ours)) if a != b), min(len(theirs), len(ours)))
        return (
            f"words differ (ours: spaCy's rules re-expressed): spaCy {theirs[first : first + 4]}, "
            f"corpus {ours[first : first + 4]} (word {first} of {len(theirs)} / {len(ours)})"
        )
    if filter_name == "GopherRepetitionFilter":
        for n in range(5, 11):
            size = len(text)
            if round(find_all_duplicate(theirs, n) / size, 12) != round(
                signals["gopher_repetition"][f"dup_{n}_gram_char_frac"], 12
            ):
                return (
                    f"duplicated {n}-grams: datatrove compares an n-gram's words joined without spaces, "
                    "so ('ab', 'c') repeats ('a', 'bc'): theirs"
                )
    odd = sorted({char for char in text if (char in TERMINAL_PUNCTUATION) != _is_terminal(char)})
    if odd and filter_name in ("FineWebQualityFilter", "C4QualityFilter"):
        return (
            f"terminal punctuation: {', '.join(f'U+{ord(c):04X}' for c in odd)} is one in datatrove's list "
            "or in Unicode's Sentence_Terminal, not both (ours: the Unicode property)"
        )
    return f"unexplained; corpus's signals: {json.dumps(signals)[:300]}"


def _is_terminal(char: str) -> bool:
    import regex

    return regex.match(r"\p{Sentence_Terminal}", char) is not None


# ------------------------------------------------------------------ drop rates


def rates(sets: dict[str, Texts]) -> None:
    from corpus.stages.quality.presets import load_preset
    from corpus.stages.quality.signals import measure
    from corpus.stages.quality.words import WordCutter

    cutter = WordCutter()
    measured = {name: [(text, measure(text, cutter)) for _, text in texts] for name, texts in sets.items()}
    print(
        "\ndrop rates: each rule alone, then the preset (any of its rules), "
        "as documents / characters dropped, on the texts as given (language limits off)"
    )
    header = f"{'rule':<36}" + "".join(f" {name:>16}" for name in sets)
    for preset_name in ("default", "gopher", "c4", "fineweb"):
        preset = load_preset(preset_name)
        print(f"\npreset {preset_name}: {preset.description}\n{header}")
        for rule in [*preset.rules, None]:
            cells = ""
            for name in sets:
                fired = [
                    (text, signals)
                    for text, signals in measured[name]
                    if (any(r.fires(signals) for r in preset.rules) if rule is None else rule.fires(signals))
                ]
                total_chars = sum(len(text) for text, _ in measured[name])
                cell = f"{_share(len(fired), len(measured[name]))}/{_share(sum(len(t) for t, _ in fired), total_chars)}"
                cells += f" {cell:>16}"
            label = "(any rule of the preset)" if rule is None else rule.id.removeprefix("quality.")
            print(f"{label:<36}{cells}")
    print("\n" + PUBLISHED)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


# ------------------------------------------------------------------ the default in the pipeline


def in_pipeline(sets: dict[str, Texts], workers: int) -> None:
    print(
        "\nthe default preset in the pipeline (corpus clean --skip typos,dedup: encoding, boilerplate, "
        "language, quality), each data set on its own:"
    )
    for name, texts in sets.items():
        summary, dropped, _ = _clean(texts, workers, skip=["typos", "dedup"])
        reached = summary.read - sum(n for (stage, _), n in summary.dropped.items() if stage != "quality")
        by_quality = [row for row in dropped if row["stage"] == "quality"]
        target = ""
        if name in GOLD:
            share = len(by_quality) / reached
            target = f"  target <= 1%: {'met' if share <= TARGET_GOLD_DROPPED else 'MISSED'}"
        print(f"{name:<16} {len(by_quality):>5} of {reached:,} dropped ({_share(len(by_quality), reached)}){target}")
        for row in by_quality:
            print(
                f"    {row['reason'].removeprefix('quality.default.'):<22} {row['id'][:40]:<40} "
                f"{' '.join((row['text'] or '').split())[:90]!r}"
            )


def _clean(
    texts: Texts, workers: int, *, skip: Sequence[str] = (), order: Sequence[str] = ()
) -> tuple[Any, list[dict[str, Any]], set[str]]:
    """`corpus clean` on the texts: its summary, dropped.parquet's rows, and the ids in the dedup
    index that are not in documents.parquet."""
    import polars as pl

    from corpus import pipeline
    from corpus.config import load_config

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        (folder / "texts.jsonl").write_bytes(
            b"".join(orjson.dumps({"id": key, "text": text}) + b"\n" for key, text in texts)
        )
        config = load_config(
            None,
            stages=pipeline.STAGES,
            run_flags={"workers": workers, "skip": list(skip), "stages": list(order) or None},
        )
        out = Path(tmp) / "out"
        summary = pipeline.run([folder], out, config)
        dropped = pl.read_parquet(out / "dropped.parquet").to_dicts()
        stale: set[str] = set()
        if (out / "dedup_index.parquet").is_file():
            stale = set(pl.read_parquet(out / "dedup_index.parquet")["id"]) - set(
                pl.read_parquet(out / "documents.parquet")["id"]
            )
    return summary, dropped, stale


# ------------------------------------------------------------------ placement


def placement(sets: dict[str, Texts], workers: int) -> None:
    texts = [item for name in ("Common Crawl", "CleanEval pages", "Zyte pages", "Reuters") for item in sets[name]]
    builtin = ["encoding", "boilerplate", "language", "quality", "typos", "dedup"]
    after_dedup = ["encoding", "boilerplate", "language", "typos", "dedup", "quality"]
    print(
        f"\nwhere the quality stage belongs: the whole pipeline on the pages and Reuters ({len(texts):,} documents), "
        f"{workers} workers, quality before typos and dedup / after dedup:"
    )
    for label, order in (("before typos and dedup", builtin), ("after dedup", after_dedup)):
        started = time.perf_counter()
        summary, dropped, stale = _clean(texts, workers, order=order)
        wall = time.perf_counter() - started
        gone = {row["id"] for row in dropped if row["stage"] == "quality"}
        dangling = [row for row in dropped if row["duplicate_of"] in gone]
        print(
            f"{label:<24} quality drops {len(gone):>4}, duplicates naming a document the quality stage dropped "
            f"{len(dangling):>3}, dedup index entries for documents not kept {len(stale):>3}, "
            f"CPU s: typos {summary.cpu['typos'] + summary.cpu['typos (fit)']:.1f}, "
            f"quality {summary.cpu['quality']:.1f}; "
            f"wall {wall:.1f} s"
        )


if __name__ == "__main__":
    main()
