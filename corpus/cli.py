"""The command line: arguments -> config -> pipeline.run -> summary; the only place that prints errors."""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import click

from corpus.errors import CorpusError, RunError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from corpus import pipeline
    from corpus.stages.boilerplate.site_rules import ExampleFailure

# Each command imports what it uses when it runs: `corpus --help` and a mistyped command answer
# at once, without loading polars, the stages' word lists and models (seconds).


@cache
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False)


@click.group()
@click.version_option(package_name="corpus")
def cli() -> None:
    """Turn raw scraped text into a clean, deduplicated, auditable corpus."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--out", required=True, help="Output folder (or s3://..., gs://...: any place pyarrow reaches).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="corpus.toml to use (default: ./corpus.toml if present).",
)
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(path_type=Path),
    help="Folder of rule files merged over the shipped ones (default: ./rules if present).",
)
@click.option("--workers", type=int, help="Worker processes (default: one per core).")
@click.option("--skip", help="Stages to turn off, comma-separated (e.g. encoding,language).")
@click.option("--text-field", help="JSONL/Parquet field holding the text (default: text).")
@click.option("--id-field", help="JSONL/Parquet field holding the id (default: id).")
@click.option("--url-field", multiple=True, help="Field holding the URL; repeat to give fallbacks.")
@click.option("--overwrite", is_flag=True, help="Replace an existing, non-empty output folder.")
@click.option(
    "--dedup-against",
    "dedup_against",
    type=click.Path(path_type=Path),
    help="An earlier run's OUT: drop documents and passages it already holds.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the unfinished run of the same inputs and config "
    "that was writing OUT when it stopped (crash, kill, power loss).",
)
@click.option("--memory", help='Memory budget, e.g. "4GB" (default: a quarter of this machine\'s).')
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where the work runs: worker processes here, or a Ray cluster (pip install 'corpus[ray]'); "
    "the output is the same.",
)
@click.option(
    "--ray-address",
    help="The Ray cluster to use, e.g. 10.0.0.5:6379 (default: RAY_ADDRESS, "
    "else a local cluster started for the run with --workers CPUs).",
)
def clean(
    inputs: tuple[str, ...],
    out: str,
    config_path: Path | None,
    rules_dir: Path | None,
    workers: int | None,
    skip: str | None,
    text_field: str | None,
    id_field: str | None,
    url_field: tuple[str, ...],
    overwrite: bool,
    dedup_against: Path | None,
    resume: bool,
    memory: str | None,
    engine: str,
    ray_address: str | None,
) -> None:
    """Clean INPUT files and folders into OUT.

    Example: corpus clean seeds/ crawl.warc.gz -o out/ --skip language
    """
    from corpus import pipeline
    from corpus.config import load_config
    from corpus.remote import RemotePaths

    if workers is not None and workers < 1:
        raise UsageError("--workers", f"must be at least 1, not {workers}")
    config = load_config(
        config_path,
        stages=pipeline.STAGES,
        read_flags={"text_field": text_field, "id_field": id_field, "url_field": url_field or None},
        run_flags={
            "workers": workers,
            "skip": [s.strip() for s in skip.split(",") if s.strip()] if skip else None,
            "memory": memory,
        },
        stage_flags={"dedup": {"against": str(dedup_against) if dedup_against else None}},
    )
    if ray_address and engine != "ray":
        raise UsageError("--ray-address", "needs --engine ray")
    if engine == "ray" and importlib.util.find_spec("ray") is None:
        raise UsageError("--engine ray", "Ray is not installed", "pip install 'corpus[ray]'")
    if dedup_against is not None and "dedup" in config.run.skip:
        raise UsageError("--dedup-against", "needs the dedup stage, which --skip turns off", "drop dedup from --skip")
    remote = RemotePaths(inputs, out)  # s3://, gs://...: copied in, and OUT uploaded when complete
    remote.check_out(overwrite=overwrite)
    with _progress_display() as advance:
        try:
            summary = pipeline.run(
                remote.local_inputs(),
                remote.local_out(),
                config,
                overwrite=overwrite,
                resume=resume,
                rules_dir=rules_dir,
                on_progress=advance,
                on_warning=_warn,
                engine=engine,
                ray_address=ray_address,
            )
        except KeyboardInterrupt:
            raise Interrupted(
                out, "interrupted; the work done so far is kept", "continue it with the same command and --resume"
            ) from None
    if remote.needed:
        remote.publish(overwrite=overwrite)
    _print_summary(summary, out)


@contextmanager
def _progress_display(every: float = 30.0) -> Iterator[Callable[[pipeline.Progress], None]]:
    """A bar with the pass's total, rate and time left on a terminal; elsewhere (a log, a pipe),
    a plain line every `every` seconds, which is what a long run needs."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if sys.stderr.isatty():
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=stderr(), transient=True) as bar:
            task = bar.add_task("reading", total=None)

            def update(progress: pipeline.Progress) -> None:
                total, done = progress.total, progress.done
                if total is None and progress.input_total:  # reading: the input's bytes tell how far
                    total, done = progress.input_total, progress.input_bytes
                bar.update(task, completed=done, total=total, description=progress.label)

            yield update
        return
    started = last = time.monotonic()

    def log(progress: pipeline.Progress) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < every:
            return
        last = now
        rate = progress.done / max(now - started, 1e-9)
        if progress.total:
            left = (progress.total - progress.done) / max(rate, 1e-9)
            where = (
                f"{progress.done:,} of {progress.total:,} documents ({progress.done / progress.total:.0%}), "
                f"about {_duration(left)} left in this pass"
            )
        elif progress.input_total:
            share = progress.input_bytes / progress.input_total
            where = f"{progress.done:,} documents read, {share:.0%} of the input's bytes"
        else:
            where = f"{progress.done:,} documents"
        print(f"corpus: {progress.label}: {where}", file=sys.stderr, flush=True)

    yield log


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Interrupted(RunError):
    exit_code = 130


def _warn(line: str) -> None:
    stderr().print(f"[yellow]warning:[/] {line}", soft_wrap=True, highlight=False, markup=True)


@cli.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("doc_id")
@click.option("--original", is_flag=True, help="Show the text before any stage, rebuilt by replaying edits backwards.")
def show(out: Path, doc_id: str, original: bool) -> None:
    """Print a document's cleaned text (or, with --original, its input text).

    Example: corpus show out/ 000_9c357a5e9c026ce2.txt --original
    """
    from corpus.output import RunOutput

    run = RunOutput.open(out)
    text = run.original(doc_id) if original else run.text(doc_id)
    # The exact text: no newline added, no terminal codes stripped (click.echo would do both).
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


@cli.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("doc_ids", nargs=-1, metavar="[ID]...")
@click.option("--stage", help="Only changes made by this stage (e.g. encoding).")
@click.option("--rule", help="Only changes made by this rule (e.g. generic.teaser); alone, every place it fired.")
@click.option("--limit", type=int, default=0, help="At most this many documents (default: all).")
@click.option("--color/--no-color", default=None, help="Colour (default: on a terminal, unless NO_COLOR is set).")
def diff(
    out: Path, doc_ids: tuple[str, ...], stage: str | None, rule: str | None, limit: int, color: bool | None
) -> None:
    """Show what the run changed in each document, word by word, with the stage/rule of each change.

    Without IDs: every document with a change (by --stage/--rule, when given), in input order.

    Example: corpus diff out/ --rule generic.teaser
    """
    from corpus.audit.terminal import diff_pages
    from corpus.output import RunOutput

    if limit < 0:
        raise UsageError("--limit", f"must be 0 (all) or more, not {limit}")
    terminal = sys.stdout.isatty()
    if color is None:
        color = terminal and "NO_COLOR" not in os.environ
    pages = diff_pages(RunOutput.open(out), doc_ids, stage=stage, rule=rule, limit=limit, color=color)
    if terminal:
        click.echo_via_pager(pages, color=color)
    else:
        for page in pages:
            click.echo(page, nl=False, color=color)


@cli.command()
@click.argument("out", type=click.Path(path_type=Path))
def stats(out: Path) -> None:
    """Print a run's figures: documents read, kept and dropped by reason, edits by stage and rule,
    languages, duplicate clusters, the most frequent removed lines and typo corrections.

    Example: corpus stats out/
    """
    from corpus.audit.stats import print_stats, run_stats
    from corpus.output import RunOutput

    print_stats(run_stats(RunOutput.open(out)), _stdout())


@cli.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "target",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The HTML file to write.",
)
def report(out: Path, target: Path) -> None:
    """Write one self-contained HTML file (offline, no network) to audit OUT in a browser: stats with
    charts, documents filtered by stage, rule, reason, language or text, and each one's diff.

    Example: corpus report out/ -o report.html
    """
    from corpus.audit.report import write_report
    from corpus.output import RunOutput

    write_report(RunOutput.open(out), target)
    size = target.stat().st_size
    shown = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"
    stderr().print(f"report written to {target} ({shown})", highlight=False)


@cli.command("compare")
@click.argument("first", type=click.Path(path_type=Path))
@click.argument("second", type=click.Path(path_type=Path))
def compare_runs(first: Path, second: Path) -> None:
    """What changed between two runs: documents kept in one and dropped in the other, and edits
    found in only one, by rule, with examples.

    Example: corpus compare out/ out-without-teaser/
    """
    from corpus.audit.compare import compare, print_comparison
    from corpus.output import RunOutput

    print_comparison(compare(RunOutput.open(first), RunOutput.open(second)), _stdout())


@cli.command()
@click.argument("manifest", type=click.Path(path_type=Path))
@click.option("-o", "--out", required=True, type=click.Path(path_type=Path), help="Output folder of the rerun.")
@click.option("--strict", is_flag=True, help="Refuse to run when a library version differs from the manifest.")
@click.option("--workers", type=int, help="Worker processes (default: one per core; the output is the same).")
@click.option("--overwrite", is_flag=True, help="Replace an existing, non-empty output folder.")
def rerun(manifest: Path, out: Path, strict: bool, workers: int | None, overwrite: bool) -> None:
    """Run again exactly as recorded in MANIFEST (OUT/manifest.json): same inputs, rule files and config.

    Each input and rule file is checked against its recorded sha256 first. With the library
    versions of the manifest, the Parquet files are byte-identical to the first run's.

    Example: corpus rerun out/manifest.json -o out-again/
    """
    from corpus.audit import rerun as rerun_run

    if workers is not None and workers < 1:
        raise UsageError("--workers", f"must be at least 1, not {workers}")
    plan = rerun_run.prepare(manifest, workers=workers)
    if plan.library_differences:
        if strict:
            raise RunError(
                str(plan.manifest_path),
                "library versions differ from the run's: " + "; ".join(plan.library_differences),
                "install the recorded versions: the README shows how to pin them",
            )
        stderr().print(
            "[yellow]warning:[/] library versions differ from the run's, so the output may differ: "
            + "; ".join(plan.library_differences),
            soft_wrap=True,
        )
    for note in plan.notes:
        stderr().print(f"[yellow]warning:[/] {note}", soft_wrap=True)
    with _progress_display() as advance:
        summary = rerun_run.run(plan, out, overwrite=overwrite, on_progress=advance)
    _print_summary(summary, out)


RULES_OPTION = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(path_type=Path),
    help="Folder of rule files merged over the shipped ones (default: ./rules if present).",
)


@cli.group()
def rules() -> None:
    """Check rule files, and suggest new ones from the lines a run saw repeated."""


@rules.command("check")
@RULES_OPTION
def rules_check(rules_dir: Path | None) -> None:
    """Check every rule file in effect and run each rule on its examples.

    Exit code 0 when every example passes, 1 when one fails, 2 for a mistake in a file.

    Example: corpus rules check --rules my-rules/
    """
    from corpus.patterns import backtracking_warning
    from corpus.rules import load_rules
    from corpus.stages.boilerplate.site_rules import check_examples, site_rules

    rules = load_rules(rules_dir)  # every file checked before any example runs
    indexed = {site.file.name: site for site in site_rules(rules)}
    if not rules.files:
        click.echo("no rule files in effect (none shipped, and no ./rules folder or --rules)")
    total = failed = 0
    for file in rules.files:
        parts = []
        failures: list[ExampleFailure] = []
        if file.name in indexed:
            count, failures = check_examples(indexed[file.name])
            total += count
            failed += len(failures)
            parts.append(f"{_plural(len(file.boilerplate), 'rule')}, {_plural(count, 'example')}")
        if file.typos:
            parts.append(
                f"typos: {len(file.typos.protect)} protected, {_plural(len(file.typos.correct), 'correction')}"
            )
        status = f"{len(failures)} failed" if failures else "OK"
        click.echo(f"{file.name} ({file.origin}): {'; '.join(parts) or 'no rules'}: {status}")
        for failure in failures:
            click.echo(
                f"  FAIL {failure.rule_id}: {failure.expected} example {failure.number} "
                f"{failure.problem}: {_preview(failure.example)}"
            )
        for rule in file.boilerplate:
            for warning in filter(None, map(backtracking_warning, rule.patterns())):
                click.echo(f"  WARNING {rule.id}: {warning}")
    quality_total, quality_failed = _check_quality_presets()
    total, failed = total + quality_total, failed + quality_failed
    if failed:
        raise RunError(
            "rules check", f"{failed} of {_plural(total, 'example')} failed", "fix each rule or example listed above"
        )


def _check_quality_presets() -> tuple[int, int]:
    """The quality stage's presets: each rule on its examples. How many examples ran, and failed."""
    from corpus.stages.quality.presets import check_examples, load_preset, preset_names
    from corpus.stages.quality.signals import measure
    from corpus.stages.quality.words import WordCutter

    cutter = WordCutter()
    total = failed = 0
    for name in preset_names():
        preset = load_preset(name)
        count, failures = check_examples(preset, lambda text: measure(text, cutter))
        total += count
        failed += len(failures)
        status = f"{len(failures)} failed" if failures else "OK"
        click.echo(
            f"quality preset {name} ({preset.path.name}): {_plural(len(preset.rules), 'rule')}, "
            f"{_plural(count, 'example')}: {status}"
        )
        for failure in failures:
            click.echo(
                f"  FAIL {failure.rule_id}: {failure.expected} example {failure.number} {failure.problem}: "
                f"{_preview(failure.example)}"
            )
    return total, failed


@rules.command("suggest")
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--site",
    help="Host whose repeated lines to suggest, as in line_stats.parquet "
    "(omit it for documents without a URL, and give --marker).",
)
@click.option(
    "--marker",
    "markers",
    multiple=True,
    help="Text only this site's documents contain, for documents without a URL; repeat for more.",
)
@click.option(
    "--min-documents",
    type=int,
    default=3,
    show_default=True,
    help="Suggest lines found in at least this many documents.",
)
@click.option("--limit", type=int, default=100, show_default=True, help="At most this many lines (0: all).")
@RULES_OPTION
def rules_suggest(
    out: Path,
    site: str | None,
    markers: tuple[str, ...],
    min_documents: int,
    limit: int,
    rules_dir: Path | None,
) -> None:
    """Print a site rule file, for review, from the lines of OUT's line_stats.parquet.

    Lines the rule files in effect already remove are left out.

    Example: corpus rules suggest out/ --site antiwar.com > rules/antiwar.com.toml
    """
    from corpus.audit.suggest import frequent_lines, not_yet_removed, suggest_site_file
    from corpus.rules import load_rules

    if min_documents < 1:
        raise UsageError("--min-documents", f"must be at least 1, not {min_documents}")
    if limit < 0:
        raise UsageError("--limit", f"must be 0 (all) or more, not {limit}")
    if site is not None:
        site = site.strip().lower().removeprefix("www.")  # as the boilerplate stage records sites
        if not site or any(char in site for char in "/: "):
            raise UsageError("--site", f"{site!r} is not a host name", 'give the bare host, like "antiwar.com"')
    elif not markers:
        raise UsageError(
            "--site",
            "needed, or --marker for documents without a URL",
            'give --site antiwar.com, or --marker "text only that site\'s pages contain"',
        )
    if any(not marker.strip() for marker in markers):
        raise UsageError("--marker", "is empty", "give text only that site's documents contain")
    candidates = frequent_lines(out / "line_stats.parquet", site, min_documents=min_documents, limit=0)
    lines = not_yet_removed(candidates, load_rules(rules_dir), site, markers)
    if not lines:
        raise UsageError(
            "--min-documents",
            f"no line of {site or 'the documents without a URL'} is found in "
            f"{min_documents} or more documents" + (" and not yet removed" if candidates else ""),
            "lower --min-documents",
        )
    command = " ".join(
        [
            "corpus rules suggest",
            str(out),
            *(["--site", site] if site else []),
            *(f"--marker {marker!r}" for marker in markers),
            "--min-documents",
            str(min_documents),
        ]
    )
    sys.stdout.write(
        suggest_site_file(
            lines[: limit or None],
            site=site,
            markers=markers,
            min_documents=min_documents,
            command=command,
            already_removed=len(candidates) - len(lines),
        )
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _preview(text: str, width: int = 100) -> str:
    shown = repr(text)
    return shown if len(shown) <= width else shown[: width - 4] + "...'"


def _print_summary(summary: pipeline.RunSummary, out: str | Path) -> None:
    from rich.table import Table

    dropped = sum(summary.dropped.values())
    stderr().print(
        f"[bold]{summary.read}[/] documents read, [bold]{summary.written}[/] written to {out}, "
        f"[bold]{dropped}[/] dropped, in {summary.wall_seconds:.1f} s"
    )
    if summary.dropped:
        table = Table("dropped at", "reason", "documents", box=None)
        for (stage, reason), n in sorted(summary.dropped.items()):
            table.add_row(stage, reason, str(n))
        stderr().print(table)
    table = Table("stage", "edits", "CPU s", box=None)
    for name in sorted(set(summary.edits) | set(summary.cpu), key=lambda n: (n in ("read", "write"), n)):
        table.add_row(name, str(summary.edits.get(name, "")), f"{summary.cpu.get(name, 0.0):.2f}")
    stderr().print(table)


def main() -> None:
    """The installed `corpus` command."""
    signal.signal(signal.SIGTERM, _terminated)  # clean up like Ctrl-C: no staging folder, no orphan workers
    sys.exit(run())


def run(args: Sequence[str] | None = None, prog_name: str | None = None) -> int:
    """The command line on `args` (default: sys.argv[1:]), its exit status returned and any error
    printed as one line on stderr: `main` without the process around it, so tests run it in-process."""
    try:
        cli.main(args=args, prog_name=prog_name, standalone_mode=False)
    except CorpusError as error:
        return _fail(error.line(), error.exit_code)
    except click.exceptions.Abort:
        return _fail("interrupted", 1)
    except click.ClickException as error:  # usage errors from click itself
        ctx = getattr(error, "ctx", None)  # a UsageError's: the command it was given to
        return _fail(f"{ctx.command_path if ctx else 'corpus'}: {error.format_message()}", 2)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    return 0


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _fail(line: str, code: int) -> int:
    print(f"corpus: error: {line}", file=sys.stderr)
    return code
