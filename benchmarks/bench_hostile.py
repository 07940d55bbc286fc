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

import orjson
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
    """The promise for a failed run: exactly one line on stderr, no traceback (the progress lines a
    run prints every 30 s when stderr is not a terminal aside)."""
    lines = [
        line
        for line in run.stderr.strip().splitlines()
        if not (line.startswith("corpus: ") and not line.startswith("corpus: error:"))
    ]
    return "Traceback" not in run.stderr and len(lines) == 1 and bool(error_line(run))


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


# ---- machine-side attacks: the run itself killed, raced, starved of disk ---------------------

RUN_STORIES = 3_000  # Reuters stories: a run of a few dozen seconds, long enough to hit mid-way


def reuters_input(folder: Path) -> Path:
    """RUN_STORIES Reuters stories as one JSONL file, chunks of 256 so the journal moves often."""
    inputs = folder / "in"
    inputs.mkdir()
    rows = reuters_stories(RUN_STORIES)
    (inputs / "stories.jsonl").write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    (folder / "corpus.toml").write_text('[run]\nchunk_documents = 256\nskip = ["language", "typos"]\n')
    return inputs


def start(folder: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(CORPUS), "clean", "in", "-o", str(out), "--workers", "2", *extra],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def finish(process: subprocess.Popen[bytes], started: float, peak: int = 0) -> Run:
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        code = None
    return Run(
        code,
        stdout.decode(errors="replace"),
        stderr.decode(errors="replace"),
        time.perf_counter() - started,
        peak / 2**20,
    )


def wait_until(process: subprocess.Popen[bytes], reached: Callable[[], bool], limit: float = 300) -> int:
    """Poll until `reached()`, the largest PSS of the run's processes seen meanwhile."""
    deadline, peak = time.monotonic() + limit, 0
    while time.monotonic() < deadline and process.poll() is None and not reached():
        peak = max(peak, _group_memory(process.pid))
        time.sleep(0.05)
    return peak


def chunks_done(folder: Path, out: Path, at_least: int) -> Callable[[], bool]:
    journal = folder / f".{out.name}.partial" / "_work" / "journal.json"

    def reached() -> bool:
        try:
            return orjson.loads(journal.read_bytes()).get("chunks_done", 0) >= at_least
        except (OSError, orjson.JSONDecodeError):
            return False

    return reached


def run_until(folder: Path, *, chunks: int) -> tuple[Path, subprocess.Popen[bytes], float, int]:
    """A run on Reuters' stories, started and waited on until `chunks` chunks are done: OUT, the
    process, when it started and the peak memory seen so far."""
    reuters_input(folder)
    out = folder / "out"
    started = time.perf_counter()
    process = start(folder, out)
    return out, process, started, wait_until(process, chunks_done(folder, out, chunks))


def workers_of(process: subprocess.Popen[bytes]) -> list[int]:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def accounted(out: Path) -> int:
    """Input documents in OUT: kept plus dropped."""
    return kept(out) + len(dropped(out))


def worker_killed_mid_run(folder: Path) -> Result:
    """kill -9 of one worker (what the out-of-memory killer does): replaced, its batch run again."""
    reuters_input(folder)
    out = folder / "out"
    started = time.perf_counter()
    process = start(folder, out)
    peak = wait_until(process, lambda: len(workers_of(process)) >= 2 and chunks_done(folder, out, 2)())
    victims = workers_of(process)
    if victims:
        os.kill(victims[0], signal.SIGKILL)
    run = finish(process, started, peak)
    died = sum(1 for reason, _ in dropped(out).values() if reason == "worker_died")
    handled = bool(victims) and run.code == 0 and accounted(out) == RUN_STORIES
    outcome = (
        f"worker {victims[0] if victims else '?'} killed; exit {run.code}; {accounted(out):,} of {RUN_STORIES:,} "
        f"documents accounted for, {died} worker_died"
    )
    return Result(handled, outcome, run, left_on_disk(folder, out))


def sigterm_mid_run(folder: Path) -> Result:
    """SIGTERM half-way: the run ends within seconds, keeps its work, and --resume finishes it."""
    out, process, started, peak = run_until(folder, chunks=4)
    signalled = time.perf_counter()
    process.send_signal(signal.SIGTERM)
    run = finish(process, started, peak)
    ended_in = time.perf_counter() - signalled
    orphans = _processes_mentioning(folder)
    resumed = corpus("clean", "in", "-o", out, "--workers", "2", "--resume", cwd=folder)
    handled = (
        run.code == 130
        and ended_in < 10
        and not orphans
        and one_line_error(run)
        and resumed.code == 0
        and accounted(out) == RUN_STORIES
    )
    outcome = (
        f"ended in {ended_in:.1f} s, exit {run.code}: {error_line(run)[:90]}; orphans {len(orphans)}; "
        f"--resume: exit {resumed.code}, {accounted(out):,} of {RUN_STORIES:,} accounted for"
    )
    return Result(handled, outcome, run, left_on_disk(folder, out))


def kill_9_of_the_run(folder: Path) -> Result:
    """kill -9 of the main process: no orphan workers, OUT not published; the next run says so in
    one line and --overwrite starts afresh."""
    out, process, started, peak = run_until(folder, chunks=4)
    os.kill(process.pid, signal.SIGKILL)
    run = finish(process, started, peak)
    time.sleep(1.0)
    orphans = _processes_mentioning(folder)
    stale = left_on_disk(folder, out)
    again = corpus("clean", "in", "-o", out, "--workers", "2", cwd=folder)
    fresh = corpus("clean", "in", "-o", out, "--workers", "2", "--overwrite", cwd=folder)
    handled = (
        not orphans and again.code == 2 and one_line_error(again) and fresh.code == 0 and accounted(out) == RUN_STORIES
    )
    outcome = (
        f"after the kill: {stale}, orphans {len(orphans)}; next run: {error_line(again)[:100]}; "
        f"--overwrite: exit {fresh.code}"
    )
    return Result(handled, outcome, run, left_on_disk(folder, out))


def second_run_on_the_same_out(folder: Path) -> Result:
    """Two runs writing one OUT: the second stops at once with one line; the first finishes."""
    out, first, started, peak = run_until(folder, chunks=1)
    second = corpus("clean", "in", "-o", out, "--workers", "2", cwd=folder)
    run = finish(first, started, peak)
    handled = (
        second.code == 2
        and one_line_error(second)
        and second.seconds < 10
        and run.code == 0
        and accounted(out) == RUN_STORIES
    )
    outcome = (
        f"second run: exit {second.code} in {second.seconds:.1f} s: {error_line(second)[:100]}; first: exit {run.code}"
    )
    return Result(handled, outcome, run, left_on_disk(folder, out))


def folder_appears_at_out_during_the_run(folder: Path) -> Result:
    """A user creates OUT (with a file in it) while the run works: the publish stops with one line
    and leaves the user's folder as it was."""
    out, process, started, peak = run_until(folder, chunks=1)
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    run = finish(process, started, peak)
    intact = (out / "notes.txt").is_file() and sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    handled = run.code not in (0, None) and one_line_error(run) and intact
    outcome = f"exit {run.code}: {error_line(run)[:120]}; the user's folder intact: {intact}"
    return Result(handled, outcome, run, left_on_disk(folder, out))


def full_disk(folder: Path) -> Result:
    """OUT on a 3 MB tmpfs (root only: mount): one line naming the problem, the old OUT intact."""
    if os.geteuid() != 0:
        return Result(False, "needs root to mount a small tmpfs", Run(None, "", "", 0.0, 0.0), "")
    reuters_input(folder)
    disk = folder / "small"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], check=True)
    try:
        out = disk / "out"
        (out).mkdir()
        (out / "manifest.json").write_text("{}")  # a previous output, to be kept
        run = corpus("clean", "in", "-o", out, "--workers", "2", "--overwrite", cwd=folder)
        kept_old = (out / "manifest.json").read_text() == "{}"
        handled = run.code not in (0, None) and one_line_error(run) and kept_old
        outcome = f"exit {run.code}: {error_line(run)[:120]}; previous OUT intact: {kept_old}"
        return Result(handled, outcome, run, left_on_disk(folder, out))
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def read_only_out_parent(folder: Path) -> Result:
    folder.chmod(0o777)
    inputs = seeds_in(folder)
    for path in (inputs, *inputs.rglob("*")):
        path.chmod(0o777 if path.is_dir() else 0o666)
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    run = corpus("clean", inputs, "-o", locked / "out", cwd=folder, user=True)
    handled = run.code not in (0, None) and one_line_error(run)
    return Result(handled, f"exit {run.code}: {error_line(run)[:120]}", run, left_on_disk(folder, locked / "out"))


def out_below_a_file(folder: Path) -> Result:
    inputs = seeds_in(folder)
    (folder / "file").write_text("a file, not a folder")
    run = corpus("clean", inputs, "-o", folder / "file" / "sub", cwd=folder)
    handled = run.code not in (0, None) and one_line_error(run)
    return Result(
        handled, f"exit {run.code}: {error_line(run)[:120]}", run, "no OUT" if not (folder / "file").is_dir() else "?"
    )


def out_is_a_symlink_loop(folder: Path) -> Result:
    inputs = seeds_in(folder)
    (folder / "loop").symlink_to(folder / "loop")
    run = corpus("clean", inputs, "-o", folder / "loop" / "out", cwd=folder)
    handled = run.code not in (0, None) and one_line_error(run)
    return Result(handled, f"exit {run.code}: {error_line(run)[:120]}", run, left_on_disk(folder, folder / "out"))


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
        worker_killed_mid_run,
        sigterm_mid_run,
        kill_9_of_the_run,
        second_run_on_the_same_out,
        folder_appears_at_out_during_the_run,
        full_disk,
        read_only_out_parent,
        out_below_a_file,
        out_is_a_symlink_loop,
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
