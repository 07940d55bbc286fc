"""Hostile inputs, hostile rules, hostile machines: each attack a real `corpus` run, in a table.

    python -m benchmarks hostile [--only NAME,NAME] [--no-sizes]

Each row is an attack: a function that gets an empty scratch folder, sets the attack up with
real text (the seeds, Reuters-21578), runs the installed `corpus` command as a user would, and
says what happened: the outcome (handled as promised or not), wall seconds, the peak resident
memory of the corpus process and its workers, and what the run left on disk (OUT and its
tables, staging folders beside OUT, processes still running). Add an attack by writing one more
function and listing it in ATTACKS. A second table gives the peak memory of a run on one
document of growing size (one line of Reuters' text), against which the default
`[read] max_document_bytes` is set.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import zstandard

from benchmarks.bench_pipeline import reuters_stories
from corpus.config import ReadConfig

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
CORPUS = Path(sys.executable).parent / "corpus"
TIMEOUT = 600  # seconds: a run still going then is a hang


@dataclass
class Run:
    code: int | None  # None: killed after TIMEOUT
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


@dataclass
class Result:
    handled: bool  # as the README promises
    outcome: str  # one line
    run: Run
    left: str  # what is on disk (and still running) afterwards


@dataclass(frozen=True)
class Attack:
    name: str
    run: Callable[[Path], Result]


def corpus(*args: str | Path, cwd: Path, user: bool = False) -> Run:
    """The installed command, as a user runs it; `user`: as `nobody` when root (the permission
    bits do not apply to root), through util-linux's setpriv. Peak memory: the largest sum of
    the proportional set sizes of the run's processes (it and its workers, one process group),
    sampled every 20 ms (the kernel's ru_maxrss would count the benchmark's own memory, which a
    forked child starts with)."""
    command = [str(CORPUS), *map(str, args)]
    if user and os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    started = time.perf_counter()
    peak = 0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, start_new_session=True)
        code: int | None = None
        while True:
            peak = max(peak, _group_memory(process.pid))
            try:
                code = process.wait(timeout=0.02)
                break
            except subprocess.TimeoutExpired:
                if time.perf_counter() - started > TIMEOUT:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    code = None
                    break
        out.seek(0)
        err.seek(0)
        return Run(
            code,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            time.perf_counter() - started,
            peak / 2**20,
        )


def _group_memory(group: int) -> int:
    """Bytes: the summed proportional set sizes (PSS) of a process group's members: a page the
    forked workers share with the main process counts once, not once per process (summed RSS
    counted the shared libraries and the parent's pages three times with two workers)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) != group:
                continue
            rollup = (entry / "smaps_rollup").read_text()
        except (OSError, ValueError, IndexError):
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
    return total


def left_on_disk(folder: Path, out: Path) -> str:
    """OUT and its row counts, anything else beside it (staging folders), processes still running."""
    parts = []
    if out.is_dir():
        tables = {
            name: pl.scan_parquet(out / f"{name}.parquet").select(pl.len()).collect().item()
            for name in ("documents", "dropped")
            if (out / f"{name}.parquet").is_file()
        }
        parts.append(f"OUT ({', '.join(f'{n} {name}' for name, n in tables.items()) or 'no tables'})")
    else:
        parts.append("no OUT")
    strays = sorted(path.name for path in out.parent.iterdir() if path.name.startswith(f".{out.name}."))
    if strays:
        parts.append("STRAY " + ", ".join(strays))
    running = _processes_mentioning(folder)
    if running:
        parts.append(f"RUNNING {len(running)} processes")
    return "; ".join(parts)


def _processes_mentioning(folder: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(folder).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def dropped(out: Path) -> dict[str, tuple[str, str]]:
    if not (out / "dropped.parquet").is_file():
        return {}
    frame = pl.read_parquet(out / "dropped.parquet")
    return {row["id"]: (row["reason"], row["detail"] or "") for row in frame.iter_rows(named=True)}


def kept(out: Path) -> int:
    return (
        pl.scan_parquet(out / "documents.parquet").select(pl.len()).collect().item()
        if (out / "documents.parquet").is_file()
        else 0
    )


def error_line(run: Run) -> str:
    lines = [line for line in run.stderr.splitlines() if line.startswith("corpus: error:")]
    return lines[-1] if lines else ""


def one_line_error(run: Run) -> bool:
    """The promise for a failed run: exactly one line on stderr, no traceback."""
    return "Traceback" not in run.stderr and run.stderr.strip().count("\n") == 0 and bool(error_line(run))


def seeds_in(folder: Path) -> Path:
    inputs = folder / "in"
    shutil.copytree(SEEDS, inputs)
    return inputs


def expect_drops(
    folder: Path,
    inputs: Path | list[Path],
    want: dict[str, str],
    *,
    kept_at_least: int,
    extra: tuple[str, ...] = (),
    user: bool = False,
) -> Result:
    """Run on `inputs`; handled if it finished (exit 0, no traceback) with each of `want`
    (id -> reason) dropped so and at least `kept_at_least` documents kept."""
    out = folder / "out"
    arguments = inputs if isinstance(inputs, list) else [inputs]
    run = corpus("clean", *arguments, "-o", out, "--workers", "2", *extra, cwd=folder, user=user)
    drops = dropped(out)
    got = {name: drops.get(name, ("kept" if name not in drops else "", ""))[0] for name in want}
    handled = run.code == 0 and "Traceback" not in run.stderr and got == want and kept(out) >= kept_at_least
    shown = ", ".join(f"{name}: {reason}" for name, reason in got.items()) or "nothing dropped"
    last = run.stderr.strip().splitlines()[-1:] or [""]
    outcome = f"{shown}; {kept(out)} kept" if run.code == 0 else f"exit {run.code}: {error_line(run) or last[0][:120]}"
    return Result(handled, outcome, run, left_on_disk(folder, out))


# ---- input-side attacks ----------------------------------------------------------------------


def unreadable_file(folder: Path) -> Result:
    folder.chmod(0o777)
    inputs = seeds_in(folder)
    (inputs / "secret.txt").write_text((SEEDS / "002_d92830401b061d51.txt").read_text())
    (inputs / "secret.txt").chmod(0)
    for path in (inputs, *inputs.glob("0*.txt")):
        path.chmod(0o777 if path.is_dir() else 0o666)
    return expect_drops(folder, inputs, {"secret.txt": "unreadable_file"}, kept_at_least=5, user=True)


def unreadable_folder(folder: Path) -> Result:
    folder.chmod(0o777)
    inputs = seeds_in(folder)
    (inputs / "closed").mkdir()
    (inputs / "closed" / "a.txt").write_text("text nobody may list")
    (inputs / "closed").chmod(0)
    for path in (inputs, *inputs.glob("0*.txt")):
        path.chmod(0o777 if path.is_dir() else 0o666)
    return expect_drops(folder, inputs, {"closed": "unreadable_folder"}, kept_at_least=5, user=True)


def special_files_in_a_folder(folder: Path) -> Result:
    inputs = seeds_in(folder)
    os.mkfifo(inputs / "pipe.txt")
    (inputs / "zero.txt").symlink_to("/dev/zero")
    (inputs / "dangling.txt").symlink_to("nowhere.txt")
    (inputs / "loop.txt").symlink_to("loop.txt")
    (inputs / "linked").symlink_to(SEEDS, target_is_directory=True)
    return expect_drops(
        folder,
        inputs,
        {
            "pipe.txt": "not_a_file",
            "zero.txt": "not_a_file",
            "dangling.txt": "broken_link",
            "loop.txt": "broken_link",
            "linked": "not_a_file",
        },
        kept_at_least=5,
    )


def folder_named_like_a_file(folder: Path) -> Result:
    inputs = folder / "crawl.jsonl.gz"
    shutil.copytree(SEEDS, inputs)
    return expect_drops(folder, inputs, {}, kept_at_least=5)


def special_files_named_directly(folder: Path) -> Result:
    os.mkfifo(folder / "pipe.jsonl")
    (folder / "loop.txt").symlink_to("loop.txt")
    return expect_drops(
        folder,
        [folder / "pipe.jsonl", folder / "loop.txt", SEEDS / "000_9c357a5e9c026ce2.txt"],
        {"pipe.jsonl": "not_a_file", "loop.txt": "broken_link"},
        kept_at_least=1,
    )


def missing_input_named_directly(folder: Path) -> Result:
    run = corpus("clean", folder / "missing.txt", "-o", folder / "out", cwd=folder)
    handled = run.code == 2 and one_line_error(run) and "no such file or folder" in run.stderr
    return Result(handled, error_line(run), run, left_on_disk(folder, folder / "out"))


def stray_nul_in_prose(folder: Path) -> Result:
    (folder / "in").mkdir()
    (folder / "in" / "prose.txt").write_bytes(b"The council met on Tuesday and\x00 approved the new budget for 2024.\n")
    result = expect_drops(folder, folder / "in", {"prose.txt": "kept"}, kept_at_least=1)
    edits = pl.read_parquet(folder / "out" / "edits.parquet") if result.run.code == 0 else None
    if edits is not None:
        removed = edits.filter(pl.col("rule") == "control_chars")["before"].to_list()
        result.handled = result.handled and removed == ["\x00"]
        result.outcome += f"; control_chars removed {removed!r}"
    return result


def binary_named_txt(folder: Path) -> Result:
    (folder / "in").mkdir()
    shutil.copy(Path(sys.executable).resolve(), folder / "in" / "python.txt")
    pyc = next(Path(pl.__file__).parent.rglob("*.pyc"))
    shutil.copy(pyc, folder / "in" / "bytecode.txt")
    return expect_drops(
        folder, folder / "in", {"python.txt": "binary_content", "bytecode.txt": "binary_content"}, kept_at_least=0
    )


def reuters_line(size: int) -> bytes:
    text = " ".join(story["text"].replace("\n", " ") for story in reuters_stories()).encode()
    return (text * (size // len(text) + 1))[:size]


def huge_one_line_text(folder: Path) -> Result:
    (folder / "in").mkdir()
    with (folder / "in" / "huge.txt").open("wb") as handle:
        chunk = reuters_line(30_000_000)
        for _ in range(10):  # 300 MB
            handle.write(chunk)
    shutil.copy(SEEDS / "001_95e79b1fb524aad6.txt", folder / "in" / "small.txt")
    return expect_drops(folder, folder / "in", {"huge.txt": "too_large"}, kept_at_least=1)


def huge_one_line_text_gzip(folder: Path) -> Result:
    (folder / "in").mkdir()
    chunk = reuters_line(30_000_000)
    with gzip.open(folder / "in" / "huge.txt.gz", "wb", compresslevel=1) as handle:
        for _ in range(10):
            handle.write(chunk)
    result = expect_drops(folder, folder / "in", {"huge.txt.gz": "too_large"}, kept_at_least=0)
    detail = dropped(folder / "out").get("huge.txt.gz", ("", ""))[1]
    result.outcome += f" ({detail.split(', over')[0]})"
    return result


def gzip_bomb_jsonl_line(folder: Path) -> Result:
    (folder / "in").mkdir()
    with gzip.open(folder / "in" / "bomb.jsonl.gz", "wb", compresslevel=9) as handle:
        handle.write(
            b'{"id": "before", "text": "'
            + (SEEDS / "000_9c357a5e9c026ce2.txt").read_bytes().replace(b"\n", b" ").replace(b'"', b"'")
            + b'"}\n{"id": "bomb", "text": "'
        )
        block = b"a" * (1 << 24)
        for _ in range(128):  # a 2 GB line
            handle.write(block)
        handle.write(b'"}\n')
    size = (folder / "in" / "bomb.jsonl.gz").stat().st_size
    result = expect_drops(folder, folder / "in", {"bomb.jsonl.gz": "corrupt_file"}, kept_at_least=1)
    result.outcome = f"{size / 1e6:.1f} MB gzip: " + result.outcome
    return result


def zstd_bomb_text(folder: Path) -> Result:
    (folder / "in").mkdir()
    with (folder / "in" / "bomb.txt.zst").open("wb") as raw, zstandard.ZstdCompressor().stream_writer(raw) as handle:
        block = b"A" * (1 << 24)
        for _ in range(256):  # 4 GB
            handle.write(block)
    return expect_drops(folder, folder / "in", {"bomb.txt.zst": "corrupt_file"}, kept_at_least=0)


# ---- rule-side attacks -------------------------------------------------------------------------


def rules_folder(folder: Path, pattern: str, remove: str, keep: str | None = None) -> Path:
    rules = folder / "rules"
    rules.mkdir()
    examples = f'remove = ["{remove}"]' + (f', keep = ["{keep}"]' if keep else "")
    (rules / "mine.toml").write_text(
        f'[site]\nall = true\n\n[[boilerplate]]\nid = "mine"\nkind = "line_pattern"\n'
        f"pattern = '{pattern}'\nexamples = {{ {examples} }}\n"
    )
    return rules


def catastrophic_user_regex(folder: Path) -> Result:
    inputs = seeds_in(folder)
    (inputs / "attack.txt").write_text("Some words of an article come first.\n" + "a" * 50_000 + "!\n")
    rules = rules_folder(folder, "(a+)+$", "aaaa")
    return expect_drops(folder, inputs, {"attack.txt": "kept"}, kept_at_least=6, extra=("--rules", rules))


def catastrophic_regex_re2_cannot_run(folder: Path) -> Result:
    inputs = seeds_in(folder)
    (inputs / "attack.txt").write_text("a" * 60 + "!\n")
    rules = rules_folder(folder, r"(a+)+(?=\d)", "aaa1", "aaa")
    check = corpus("rules", "check", "--rules", rules, cwd=folder)
    result = expect_drops(folder, inputs, {"attack.txt": "regex_timeout"}, kept_at_least=5, extra=("--rules", rules))
    warned = "WARNING mine.mine: can backtrack catastrophically" in check.stdout
    result.handled = result.handled and warned
    result.outcome += "; rules check warns" if warned else "; rules check SILENT"
    return result


def hostile_text_for_a_shipped_rule(folder: Path) -> Result:
    inputs = seeds_in(folder)
    (inputs / "byline.txt").write_text(
        "By Anne" + "andAnne" * 40 + " 5!\n\n" + (SEEDS / "003_3331d411a437cf58.txt").read_text()
    )
    return expect_drops(folder, inputs, {"byline.txt": "kept"}, kept_at_least=6, extra=("--skip", "dedup"))


# ---- audit-side attacks ------------------------------------------------------------------------


def show_original_of_many_edits(folder: Path) -> Result:
    """A 3 MB story collection with every space doubled: one `whitespace.inner_runs` edit per
    word gap; `corpus show --original` and `corpus diff` on it."""
    (folder / "in").mkdir()
    text = reuters_line(1_500_000).decode().replace(" ", "  ")
    (folder / "in" / "spaced.txt").write_text(text)
    out = folder / "out"
    run = corpus("clean", folder / "in", "-o", out, "--skip", "typos,dedup,language", cwd=folder)
    edits = pl.scan_parquet(out / "edits.parquet").select(pl.len()).collect().item() if run.code == 0 else 0
    show = corpus("show", out, "spaced.txt", "--original", cwd=folder)
    diff = corpus("diff", out, "spaced.txt", "--no-color", cwd=folder)
    handled = show.code == 0 and show.stdout == text and diff.code == 0
    outcome = (
        f"{edits:,} edits: show --original {show.seconds:.1f} s (exact: {show.stdout == text}), "
        f"diff {diff.seconds:.1f} s"
    )
    return Result(handled, outcome, show, left_on_disk(folder, out))


ATTACKS: list[Attack] = [
    Attack(function.__name__.replace("_", " "), function)
    for function in (
        unreadable_file,
        unreadable_folder,
        special_files_in_a_folder,
        folder_named_like_a_file,
        special_files_named_directly,
        missing_input_named_directly,
        stray_nul_in_prose,
        binary_named_txt,
        huge_one_line_text,
        huge_one_line_text_gzip,
        gzip_bomb_jsonl_line,
        zstd_bomb_text,
        catastrophic_user_regex,
        catastrophic_regex_re2_cannot_run,
        hostile_text_for_a_shipped_rule,
        show_original_of_many_edits,
    )
]


def memory_by_size(sizes_mb: list[int]) -> None:
    """Peak memory of `corpus clean` (one worker, all stages) on one document of one line."""
    default = ReadConfig().max_document_bytes
    print(
        f"\nPeak memory of `corpus clean --workers 1` on one document (Reuters on one line); "
        f"default [read] max_document_bytes = {default / 2**20:g} MiB"
    )
    print("| document | peak MB | per byte of document | seconds |")
    print("|---|---|---|---|")
    base = None
    for size in sizes_mb:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            (folder / "in").mkdir()
            (folder / "in" / "doc.txt").write_bytes(
                reuters_line(size * 1_000_000) if size else b"A short line of text."
            )
            (folder / "corpus.toml").write_text("[read]\nmax_document_bytes = 1000000000\n")
            run = corpus("clean", "in", "-o", "out", "--workers", "1", cwd=folder)
            if base is None:
                base = run.peak_mb
            extra = f"{(run.peak_mb - base) / size:.0f}x" if size else "(start-up)"
            print(f"| {size} MB | {run.peak_mb:,.0f} | {extra} | {run.seconds:.1f} |", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks hostile", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="attacks to run, comma-separated (spaces as _)")
    parser.add_argument("--no-sizes", action="store_true", help="skip the memory by document size table")
    parser.add_argument("--sizes", default="0,1,2,4,8,16", help="document sizes in MB for the memory table")
    args = parser.parse_args(argv)
    chosen = [attack for attack in ATTACKS if not args.only or attack.name.replace(" ", "_") in args.only.split(",")]
    print("| attack | handled | outcome | seconds | peak MB | left on disk |")
    print("|---|---|---|---|---|---|")
    for attack in chosen:
        with tempfile.TemporaryDirectory(prefix="corpus-hostile-") as name:
            try:
                result = attack.run(Path(name))
            except Exception as error:  # noqa: BLE001 - a broken attack is a row, not the end of the table
                print(f"| {attack.name} | ERROR | {type(error).__name__}: {error} | | | |", flush=True)
                continue
            finally:
                for path in Path(name).rglob("*"):  # what the attack locked, so it can be removed
                    if not path.is_symlink():
                        path.chmod(0o777)
        run = result.run
        print(
            f"| {attack.name} | {'yes' if result.handled else 'NO'} | {result.outcome} | {run.seconds:.1f} | "
            f"{run.peak_mb:,.0f} | {result.left} |",
            flush=True,
        )
    if not args.no_sizes:
        memory_by_size([int(size) for size in args.sizes.split(",")])


if __name__ == "__main__":
    main()
