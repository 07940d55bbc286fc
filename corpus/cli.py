"""The command line: arguments -> config -> pipeline.run -> summary; the only place that prints errors."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from corpus import pipeline
from corpus.config import load_config
from corpus.errors import CorpusError, UsageError
from corpus.output import RunOutput

stderr = Console(stderr=True, highlight=False)


@click.group()
@click.version_option(package_name="corpus")
def cli() -> None:
    """Turn raw scraped text into a clean, deduplicated, auditable corpus."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="corpus.toml to use (default: ./corpus.toml if present).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path),
              help="Folder of rule files merged over the shipped ones (default: ./rules if present).")
@click.option("--workers", type=int, help="Worker processes (default: one per core).")
@click.option("--skip", help="Stages to turn off, comma-separated (e.g. encoding,language).")
@click.option("--text-field", help="JSONL/Parquet field holding the text (default: text).")
@click.option("--id-field", help="JSONL/Parquet field holding the id (default: id).")
@click.option("--url-field", multiple=True, help="Field holding the URL; repeat to give fallbacks.")
@click.option("--overwrite", is_flag=True, help="Replace an existing, non-empty output folder.")
def clean(
    inputs: tuple[Path, ...], out: Path, config_path: Path | None, rules_dir: Path | None,
    workers: int | None, skip: str | None, text_field: str | None, id_field: str | None,
    url_field: tuple[str, ...], overwrite: bool,
) -> None:
    """Clean INPUT files and folders into OUT.

    Example: corpus clean seeds/ crawl.warc.gz -o out/ --skip language
    """
    if workers is not None and workers < 1:
        raise UsageError("--workers", f"must be at least 1, not {workers}")
    config = load_config(
        config_path,
        stages=pipeline.STAGES,
        read_flags={"text_field": text_field, "id_field": id_field, "url_field": url_field or None},
        run_flags={"workers": workers, "skip": [s.strip() for s in skip.split(",") if s.strip()] if skip else None},
    )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=stderr, transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("reading", total=None)

        def advance(label: str, documents: int) -> None:
            progress.update(task, advance=documents, description=label)

        summary = pipeline.run(inputs, out, config, overwrite=overwrite, rules_dir=rules_dir, on_progress=advance)
    _print_summary(summary, out)


@cli.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("doc_id")
@click.option("--original", is_flag=True, help="Show the text before any stage, rebuilt by replaying edits backwards.")
def show(out: Path, doc_id: str, original: bool) -> None:
    """Print a document's cleaned text (or, with --original, its input text).

    Example: corpus show out/ 000_9c357a5e9c026ce2.txt --original
    """
    run = RunOutput.open(out)
    text = run.original(doc_id) if original else run.text(doc_id)
    # The exact text: no newline added, no terminal codes stripped (click.echo would do both).
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


def _print_summary(summary: pipeline.RunSummary, out: Path) -> None:
    dropped = sum(summary.dropped.values())
    stderr.print(f"[bold]{summary.read}[/] documents read, [bold]{summary.written}[/] written to {out}, "
                 f"[bold]{dropped}[/] dropped, in {summary.wall_seconds:.1f} s")
    if summary.dropped:
        table = Table("dropped at", "reason", "documents", box=None)
        for (stage, reason), n in sorted(summary.dropped.items()):
            table.add_row(stage, reason, str(n))
        stderr.print(table)
    table = Table("stage", "edits", "CPU s", box=None)
    for name in sorted(set(summary.edits) | set(summary.cpu), key=lambda n: (n in ("read", "write"), n)):
        table.add_row(name, str(summary.edits.get(name, "")), f"{summary.cpu.get(name, 0.0):.2f}")
    stderr.print(table)


def main() -> None:
    signal.signal(signal.SIGTERM, _terminated)  # clean up like Ctrl-C: no staging folder, no orphan workers
    try:
        cli.main(standalone_mode=False)
    except CorpusError as error:
        _fail(error.line(), error.exit_code)
    except click.exceptions.Abort:
        _fail("interrupted", 1)
    except click.ClickException as error:  # usage errors from click itself
        _fail(f"{error.ctx.command_path if getattr(error, 'ctx', None) else 'corpus'}: {error.format_message()}", 2)
    except KeyboardInterrupt:
        _fail("interrupted", 130)


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _fail(line: str, code: int) -> None:
    print(f"corpus: error: {line}", file=sys.stderr)
    sys.exit(code)
