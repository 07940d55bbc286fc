"""Boilerplate removal through the real pipeline, beside keep-everything, C4's line rules and trafilatura.

    python -m benchmarks boilerplate [--only zyte-text,cleanportaleval] [--workers 2]
                                     [--modes visible,main] [--no-stage] [--dump DIR]

Each dataset is written to a temporary folder (JSONL, or one .html file per page) and cleaned
by `corpus.pipeline.run` with the language stage skipped; the texts are read back from
documents.parquet (a document in dropped.parquet counts as empty output). The `boilerplate`
stage is used when the code has one (in `pipeline.STAGES`, or a Stage named "boilerplate" in
`corpus.stages.boilerplate`); without it, or with `--no-stage`, the output is what the reader
and the encoding stage give: keep-everything. The text before the stage (what the baselines
get) is rebuilt from the output by undoing the stage's edits, so each run is done once.

Datasets (`--only` takes names or prefixes: `zyte` is both Zyte sets, `clean` both CleanEvals):

  zyte-text        Zyte's 181 pages as html-text's visible text (upstream's baseline output, one
                   block per line, no URLs), gold `articleBody`. The cheap set for tuning.
  zyte-html        the same pages' HTML through our reader, html_mode "visible" and "main"
  cleanportaleval  71 news pages of 4 sites (CleanEval format)
  cleaneval        CleanEval's 681-page final set
  trafilatura      trafilatura's 258-page eval subset, upstream's snippet scoring
  reuters          the 19,043 Reuters-21578 stories with a body: the lines the stage removes, by kind (see
                   benchmarks.boilerplate_reuters): sign-offs only, nothing else above 0.1% of the words

Beside the scores, each row shows the article text it loses (benchmarks.boilerplate_report):
gold words missing from its output, and the pages where a gold sentence the page's visible text
holds is missing. The default html_mode's stage row carries the targets.

Metric for the first four: Zyte's evaluate.py exactly: tokens `\\w+`, multisets of token
4-gram shingles (a text under 4 tokens is one shorter shingle), TP/FP/FN per document
normalised to sum to 1, precision averaged over documents with TP+FP > 0, recall over those
with TP+FN > 0, F1 from the two averages. CleanEval gold: the `URL:` line and `<p>`/`<h>`/`<l>`
markers stripped, HTML entities unescaped (CleanPortalEval's gold has `&#039;` and the like
where the pages have the characters). CleanEval inputs start with a `<text id=URL ...>`
wrapper line and end with `</text>`: an artefact of the dataset that makes lxml move the
<head> into the body (the <title> leaks into the text of 587 of 752 pages), so it is stripped
before the page is written.

Baselines, run on the same texts: keep everything; datatrove's `C4QualityFilter` with its
line-level defaults (terminal punctuation, >= 3 words, no "javascript", no policy phrases,
citations removed) and its three whole-document rules off (fewer than 5 sentences, "lorem
ipsum", a curly bracket), so it only drops lines; `trafilatura.extract` on the raw HTML with
upstream's benchmark settings (no comments, tables, no formatting, fallback on).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import polars as pl

from benchmarks import boilerplate_reuters
from benchmarks.bench_pipeline import reuters_stories
from benchmarks.boilerplate_dump import dump_gold, dump_snippets
from benchmarks.boilerplate_report import Row, Target, mark, report_gold, report_snippets, targets
from benchmarks.boilerplate_sets import (
    CLEANEVAL,
    CPE,
    ZYTE,
    Case,
    cleaneval_format,
    trafilatura_eval,
    words,
    zyte_html,
    zyte_text,
)
from benchmarks.data import data_dir
from corpus import Edit, pipeline, replay
from corpus.config import ReadConfig, load_config
from corpus.stages.base import Stage

STAGE = "boilerplate"
DATASETS = ("zyte-text", "zyte-html", "cleanportaleval", "cleaneval", "trafilatura", "reuters")
HTML_MODES = ("visible", "main")


# ------------------------------------------------------------------ the pipeline


def stages() -> list[type[Stage]]:
    return list(pipeline.STAGES)


def skipped(all_stages: Sequence[type[Stage]], *, use_stage: bool) -> list[str]:
    """Every stage after the boilerplate stage (language now; typos and dedup to come), so the
    output is the stage's; and the stage itself with --no-stage. Without one, all after encoding."""
    names = [stage.name for stage in all_stages]
    last = names.index(STAGE) if STAGE in names else names.index("encoding") if "encoding" in names else -1
    return ([STAGE] if STAGE in names and not use_stage else []) + names[last + 1 :]


@dataclass(slots=True)
class Run:
    """One pipeline run read back: per case, the text before the stage and after it."""

    label: str
    before: dict[str, str]
    after: dict[str, str]  # "" for a dropped document
    removed: dict[str, list[tuple[str, str]]]  # key -> (rule, line) the stage removed, in order
    dropped: Counter[str] = field(default_factory=Counter)  # "stage.reason" -> documents
    cpu: dict[str, float] = field(default_factory=dict)  # manifest timings.cpu_seconds
    wall: float = 0.0
    stage_ran: bool = False

    def stage_cpu(self) -> float:
        return self.cpu.get(STAGE, 0.0) + self.cpu.get(f"{STAGE} (fit)", 0.0)


def run_corpus(cases: Sequence[Case], tmp: Path, *, label: str, html_mode: str, workers: int, use_stage: bool) -> Run:
    folder = tmp / label
    inputs = folder / "in"
    inputs.mkdir(parents=True)
    source_key: dict[str, str] = {}
    if cases[0].raw is None:  # text: one JSONL file, id = the case key, no url
        payload = b"".join(orjson.dumps({"id": case.key, "text": case.text}) + b"\n" for case in cases)
        (inputs / "docs.jsonl").write_bytes(payload)
        source_key = {case.key: case.key for case in cases}
    else:  # HTML: one file per page (names of our own: some keys are URLs or hold spaces)
        for number, case in enumerate(cases):
            name = f"{number:05d}.html"
            (inputs / name).write_bytes(case.raw or b"")
            source_key[name] = case.key
    all_stages = stages()
    skip = skipped(all_stages, use_stage=use_stage)
    toml = folder / "corpus.toml"
    toml.write_text(f'[read]\nhtml_mode = "{html_mode}"\n[run]\nworkers = {workers}\nskip = {json.dumps(skip)}\n')
    (folder / "rules").mkdir()  # the shipped rule files only, whatever ./rules holds
    config = load_config(toml, stages=all_stages)
    out = folder / "out"
    started = time.perf_counter()
    pipeline.run([inputs], out, config, rules_dir=folder / "rules", stages=all_stages)
    wall = time.perf_counter() - started

    docs = pl.read_parquet(out / "documents.parquet", columns=["id", "text"])
    dropped = pl.read_parquet(out / "dropped.parquet", columns=["id", "stage", "reason", "text"])
    edits = pl.read_parquet(out / "edits.parquet").filter(pl.col("stage") == STAGE)
    by_doc: dict[str, list[Edit]] = {}
    for row in edits.iter_rows(named=True):
        by_doc.setdefault(row["id"], []).append(Edit(**{name: row[name] for name in Edit.__slots__}))
    after, before = {}, {}
    for doc_id, text in zip(docs["id"], docs["text"], strict=True):
        after[source_key[doc_id]] = text
        before[source_key[doc_id]] = replay(text, by_doc.get(doc_id, []), reverse=True)
    counts: Counter[str] = Counter()
    for row in dropped.iter_rows(named=True):
        key = source_key[row["id"]]
        counts[f"{row['stage']}.{row['reason']}"] += 1
        after[key] = ""
        # dropped by the stage: its text then, with the stage's edits undone; dropped earlier: never reached it
        before[key] = (
            replay(row["text"] or "", by_doc.get(row["id"], []), reverse=True) if row["stage"] == STAGE else ""
        )
    removed = {
        source_key[i]: [
            (e.rule, line) for e in sorted(es, key=lambda e: e.seq) for line in e.before.split("\n") if line.strip()
        ]
        for i, es in by_doc.items()
    }
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return Run(
        label,
        before,
        after,
        removed,
        counts,
        manifest["timings"]["cpu_seconds"],
        wall,
        stage_ran=STAGE in manifest["stages"],
    )


# ------------------------------------------------------------------ baselines


def c4_lines(texts: Sequence[str]) -> tuple[list[str], float]:
    """datatrove's C4QualityFilter, line rules only; the outputs and the CPU seconds they took."""
    from datatrove.data import Document
    from datatrove.pipeline.filters.c4_filters import C4QualityFilter

    c4 = C4QualityFilter(min_num_sentences=-1, filter_lorem_ipsum=False, filter_curly_bracket=False)
    outputs = []
    started = time.process_time()
    for number, text in enumerate(texts):
        doc = Document(text=text, id=str(number))
        outputs.append(doc.text if c4.filter(doc) is True else "")
    return outputs, time.process_time() - started


def _trafilatura_one(raw: bytes) -> tuple[str, float]:
    import trafilatura

    started = time.process_time()
    try:  # upstream's tests/eval_common.py EXTRACT_OPTS, fallback runner; a crash is an empty output
        text = trafilatura.extract(raw, include_comments=False, include_tables=True, include_formatting=False) or ""
    except Exception:  # noqa: BLE001
        text = ""
    return text, time.process_time() - started


def trafilatura_raw(cases: Sequence[Case], workers: int) -> tuple[list[str], float]:
    # spawn, as the pipeline's workers: polars' thread pool in this process does not survive a fork
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        results = pool.map(_trafilatura_one, [case.raw or b"" for case in cases], chunksize=4)
    return [text for text, _ in results], sum(seconds for _, seconds in results)


# ------------------------------------------------------------------ report


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for dist in ("corpus", "datatrove", "trafilatura", "html-text"):
        try:
            out.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            out.append(f"{dist} absent")
    return ", ".join(out)


def _dropped_note(run: Run) -> str:
    return f"  dropped: {dict(run.dropped)}" if run.dropped else ""


def _keyed(run: Run, cases: Sequence[Case]) -> Run:
    """The run's dicts in case order, every case present (a case with no row at all is empty)."""
    run.before = {c.key: run.before.get(c.key, "") for c in cases}
    run.after = {c.key: run.after.get(c.key, "") for c in cases}
    return run


# ------------------------------------------------------------------ the datasets


@dataclass(slots=True)
class Options:
    workers: int
    modes: tuple[str, ...]
    use_stage: bool
    dump: Path | None
    dump_pages: int
    reuters_docs: int


def _corpus(cases: Sequence[Case], tmp: Path, label: str, mode: str, opts: Options) -> Run:
    return _keyed(
        run_corpus(cases, tmp, label=label, html_mode=mode, workers=opts.workers, use_stage=opts.use_stage), cases
    )


def _stage_row(name: str, run: Run, n: int, target: Target | None) -> Row:
    label = name if run.stage_ran else f"{name} [skipped]"
    speed = n / run.stage_cpu() if run.stage_ran and run.stage_cpu() else None
    return Row(
        label,
        list(run.after.values()),
        speed,
        note=_dropped_note(run),
        before=list(run.before.values()),
        target=target,
        run=run,
    )


def _installed(module: str, what: str) -> bool:
    if importlib.util.find_spec(module) is not None:
        return True
    print(f"{module} not installed: {what} skipped (pip install -e '.[bench]')", file=sys.stderr)
    return False


def _c4_rows(texts: Sequence[str], name: str = "C4 line rules (datatrove)") -> list[Row]:
    if not _installed("datatrove", "the C4 baseline"):
        return []
    outputs, seconds = c4_lines(texts)
    return [Row(name, outputs, len(texts) / seconds if seconds else None)]


def _trafilatura_rows(cases: Sequence[Case], opts: Options) -> list[Row]:
    if not _installed("trafilatura", "the trafilatura baseline"):
        return []
    outputs, seconds = trafilatura_raw(cases, opts.workers)
    return [Row("trafilatura.extract on the raw HTML", outputs, len(cases) / seconds if seconds else None)]


DEFAULT_MODE = ReadConfig().html_mode


def _mode_label(mode: str) -> str:
    return f'corpus html_mode "{mode}"' + (" (default)" if mode == DEFAULT_MODE else "")


def bench_zyte_text(tmp: Path, opts: Options) -> None:
    cases = zyte_text()
    run = _corpus(cases, tmp, "zyte-text", "visible", opts)
    before = list(run.before.values())
    stage = "corpus boilerplate stage"
    rows = [
        Row("keep everything", before, note="  (upstream README, html-text: P .500 R .994 F1 .665)"),
        *_c4_rows(before),
        _stage_row(stage, run, len(cases), targets(stage, min_r=0.975, min_f1=0.94, max_pages=10)),
    ]
    counts = report_gold(
        f"zyte-text: Zyte's {len(cases)} pages as html-text's visible text (no URLs), gold articleBody; "
        "token 4-gram P/R/F1 as Zyte's evaluate.py",
        cases,
        rows,
        before,
    )
    _dump_gold(opts, "zyte-text", cases, rows[-1], counts, rows[0].name)


def bench_html_gold(
    name: str,
    title: str,
    cases: Sequence[Case],
    tmp: Path,
    opts: Options,
    target: Callable[[str, str], Target | None],
    modes: Sequence[str] | None = None,
) -> None:
    """An HTML set with a gold main text: our reader in each mode, then the stage; C4 and trafilatura beside.
    `target(stage row, keep-everything row)` marks the default mode's stage row."""
    rows: list[Row] = []
    kept_by: dict[str, str] = {}  # stage row -> the row of its input (for the dump's "before the stage")
    visible: list[str] | None = None
    for mode in opts.modes if modes is None else modes:
        run = _corpus(cases, tmp, f"{name}-{mode}", mode, opts)
        before = list(run.before.values())
        if mode == "visible":
            keep = "keep everything (visible text)"
            visible = before
            rows += [Row(keep, before), *_c4_rows(before, "C4 line rules (datatrove) on it")]
        else:
            keep = 'corpus html_mode "main" (no stage)'
            rows.append(Row(keep, before, note=_dropped_note(run) if not run.stage_ran else ""))
        stage = f"{_mode_label(mode)} + stage"
        rows.append(_stage_row(stage, run, len(cases), target(stage, keep) if mode == DEFAULT_MODE else None))
        kept_by[rows[-1].name] = keep
    rows += _trafilatura_rows(cases, opts)
    if visible is None:  # "pages" counts sentences the visible text holds, whichever modes are run
        visible = list(_corpus(cases, tmp, f"{name}-visible-reference", "visible", opts).before.values())
    counts = report_gold(title, cases, rows, visible)
    for row in rows:
        if row.run is not None:
            _dump_gold(opts, f"{name}-{row.run.label.rsplit('-', 1)[1]}", cases, row, counts, kept_by[row.name])


def _dump_gold(
    opts: Options,
    label: str,
    cases: Sequence[Case],
    row: Row,
    counts: dict[str, list[tuple[float, float, float]]],
    keep_name: str,
) -> None:
    if opts.dump is not None and isinstance(row.run, Run):
        dump_gold(opts.dump / label, cases, row.run, counts[row.name], counts[keep_name], opts.dump_pages)


def bench_trafilatura(tmp: Path, opts: Options) -> None:
    cases = trafilatura_eval()
    rows: list[Row] = []
    visible: list[str] | None = None
    for mode in opts.modes:
        run = _corpus(cases, tmp, f"trafilatura-{mode}", mode, opts)
        before = list(run.before.values())
        if mode == "visible":
            visible = before
            rows += [
                Row("keep everything (visible text)", before),
                *_c4_rows(before, "C4 line rules (datatrove) on it"),
            ]
        else:
            rows.append(Row('corpus html_mode "main" (no stage)', before))
        rows.append(_stage_row(f"{_mode_label(mode)} + stage", run, len(cases), None))
    rows += _trafilatura_rows(cases, opts)
    report_snippets(
        f"trafilatura: its eval subset, {len(cases)} pages; snippets as upstream's eval_common.count_item "
        "(with = main text, without = boilerplate; whitespace-normalised substrings)",
        cases,
        rows,
        visible if visible is not None else rows[0].outputs,
    )
    if opts.dump is not None:
        for row in rows:
            if isinstance(row.run, Run):
                dump_snippets(
                    opts.dump / f"trafilatura-{row.run.label.rsplit('-', 1)[1]}", cases, row.run, opts.dump_pages
                )


REUTERS_MAX_WORDS = 0.001  # of the words removed apart from sign-offs


def bench_reuters(tmp: Path, opts: Options) -> None:
    cases = [Case(r["id"], text=r["text"]) for r in reuters_stories(opts.reuters_docs)]
    run = _corpus(cases, tmp, "reuters", "visible", opts)
    before = list(run.before.values())
    total = sum(map(words, before))
    c4 = _c4_rows(before)
    after = list(run.after.values())
    print(
        f"\nreuters: {len(cases)} Reuters-21578 stories (clean news text: every word removed is a loss); "
        "words = whitespace-separated, a dropped story loses all of its words"
    )
    print(f"  {'':<46} {'words removed':>13} {'docs touched':>12} {'docs/s':>8}")
    stage = "corpus boilerplate stage" + ("" if run.stage_ran else " [skipped]")
    stage_speed = len(cases) / run.stage_cpu() if run.stage_ran and run.stage_cpu() else None
    for label, outputs, speed, note in (
        *((row.name, row.outputs, row.docs_per_s, "") for row in c4),
        (stage, after, stage_speed, _dropped_note(run)),
    ):
        share = 1 - sum(map(words, outputs)) / total
        touched = sum(a != b for a, b in zip(before, outputs))
        speed_text = f"{speed:8.0f}" if speed else " " * 8
        print(f"  {label:<46} {share:13.2%} {touched:12d} {speed_text}{note}")
    kinds, share, lost = boilerplate_reuters.report(before, after, [case.key for case in cases])
    print(
        f"  lines the stage removed: {kinds['sign-off']:,} sign-offs; "
        + ", ".join(f"{what} {kinds[what]}" for what in boilerplate_reuters.KINDS)
    )
    print(
        f"  targets: no line inside a wrapped paragraph {mark(not kinds['inside a wrapped paragraph'])}, "
        f"no headline {mark(not kinds['headline'])}, words removed apart from sign-offs {share:.3%} "
        f"<= {REUTERS_MAX_WORDS:.1%} {mark(share <= REUTERS_MAX_WORDS)}"
    )
    for doc_id, what, line in lost[:12]:
        print(f"    {doc_id:<14} {what:<26} {line[:80]}")
    if opts.dump is not None and lost:
        folder = opts.dump / "reuters"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "removed_lines.tsv").open("w", encoding="utf-8") as handle:
            handle.write("id\tkind\tline\n")
            for doc_id, what, line in lost:
                handle.write(f"{doc_id}\t{what}\t{line}\n")


# ------------------------------------------------------------------ main


def _select(only: str | None) -> list[str]:
    if not only:
        return list(DATASETS)
    chosen = []
    for word in (w.strip() for w in only.split(",") if w.strip()):
        hits = [name for name in DATASETS if name == word or name.startswith(word)]
        if not hits:
            sys.exit(f"--only: no dataset {word!r}; choose from {', '.join(DATASETS)} (or a prefix: zyte, clean)")
        chosen += [name for name in hits if name not in chosen]
    return [name for name in DATASETS if name in chosen]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks boilerplate", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=f"datasets, comma-separated names or prefixes: {', '.join(DATASETS)}")
    parser.add_argument("--workers", type=int, default=2, help="pipeline workers and trafilatura processes (default 2)")
    parser.add_argument(
        "--modes", default=",".join(HTML_MODES), help="html_mode values for the HTML sets (default visible,main)"
    )
    parser.add_argument("--no-stage", action="store_true", help="skip the boilerplate stage: measure keep-everything")
    parser.add_argument(
        "--dump", type=Path, help="write the worst pages' errors here (one folder per dataset and mode)"
    )
    parser.add_argument("--dump-pages", type=int, default=25, help="pages per dump folder (default 25)")
    parser.add_argument("--reuters-docs", type=int, default=0, help="Reuters stories (default 0: all 19,043)")
    args = parser.parse_args(argv)
    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    if not set(modes) <= set(HTML_MODES):
        sys.exit(f"--modes: choose from {', '.join(HTML_MODES)}")
    if "main" in modes and importlib.util.find_spec("trafilatura") is None:
        print(
            'trafilatura not installed: html_mode "main" and the trafilatura baseline skipped '
            "(pip install -e '.[bench]')",
            file=sys.stderr,
        )
        modes = tuple(m for m in modes if m != "main")
    base = data_dir()
    if not (base / ZYTE).is_dir():
        sys.exit(f"benchmark data not found under {base} (set CORPUS_BENCH_DATA)")
    opts = Options(args.workers, modes, not args.no_stage, args.dump, args.dump_pages, args.reuters_docs or 0)
    names = _select(args.only)
    all_stages = stages()
    has_stage = any(stage.name == STAGE for stage in all_stages)
    print(
        f"boilerplate benchmark: {', '.join(names)}; stage: "
        f"{'boilerplate' if has_stage and opts.use_stage else 'none (keep everything stands in)'}; "
        f"skipped: {', '.join(skipped(all_stages, use_stage=opts.use_stage))}; {opts.workers} workers; {_versions()}"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-boilerplate-") as folder:
        tmp = Path(folder)
        for name in names:
            began = time.perf_counter()
            if name == "zyte-text":
                bench_zyte_text(tmp, opts)
            elif name == "zyte-html":
                cases = zyte_html()
                bench_html_gold(
                    name,
                    f"zyte-html: the same {len(cases)} pages' HTML through our reader; token 4-gram "
                    "P/R/F1 as Zyte's evaluate.py",
                    cases,
                    tmp,
                    opts,
                    lambda stage, keep: targets(stage, min_r=0.975, min_f1=0.965, max_pages=10),
                )
            elif name == "cleanportaleval":
                cases = cleaneval_format(base / CPE / "cleanportaleval.tar.xz", "cleanportaleval", tmp / "cpe-data")
                bench_html_gold(
                    name,
                    f"cleanportaleval: {len(cases)} news pages of 4 sites, gold with markers "
                    "stripped; token 4-gram P/R/F1 as Zyte's evaluate.py",
                    cases,
                    tmp,
                    opts,
                    lambda stage, keep: targets(stage, min_f1=0.94),
                )
            elif name == "cleaneval":
                cases = cleaneval_format(base / CLEANEVAL / "cleaneval.tar.xz", "cleaneval/final", tmp / "ce-data")
                bench_html_gold(
                    name,
                    f"cleaneval: the final set, {len(cases)} pages, gold with markers stripped; "
                    "token 4-gram P/R/F1 as Zyte's evaluate.py",
                    cases,
                    tmp,
                    opts,
                    lambda stage, keep: targets(stage, not_below=keep),
                )
            elif name == "trafilatura":
                bench_trafilatura(tmp, opts)
            else:
                bench_reuters(tmp, opts)
            print(f"  ({name}: {time.perf_counter() - began:.1f} s)", flush=True)
    print(
        f"\ndocs/s: the stage's CPU seconds from manifest.json (fit included, summed over workers) and C4's and "
        f"trafilatura's CPU seconds on the same texts. Total {time.perf_counter() - started:.0f} s."
    )
    if opts.dump is not None:
        print(f"dump: {opts.dump}/<dataset>-<mode>/ (index.tsv, then one file per page, worst first)")


if __name__ == "__main__":
    main()
