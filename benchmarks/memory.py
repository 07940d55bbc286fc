"""Peak memory of a command's whole process tree (the command and every process it starts),
sampled from /proc, with its wall time: what a user's machine must hold for a run (Linux only)."""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_bytes: int  # the largest sum of resident memory over the tree, in one sample
    peak_main_bytes: int  # the command's own process
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0  # user + system time of the whole tree: what a loaded machine does not change much


def run_measured(
    command: Sequence[str], *, interval: float = 0.2, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Measured:
    """Run `command`, sampling the resident memory of its process tree every `interval` seconds."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(
        list(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd
    )
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            own = _rss(process.pid)
            total = own + sum(_rss(child) for child in _descendants(process.pid))
            peak[0] = max(peak[0], total)
            peak[1] = max(peak[1], own)
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and the workers it waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(time.perf_counter() - started, peak[0], peak[1], process.returncode, stdout, stderr, cpu)


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    pending = [pid]
    while pending:
        parent = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                found.append(child)
                pending.append(child)
    return found


def disk_bytes(folder: Path) -> int:
    """Bytes of the files under `folder` (0 when it does not exist). The folder may be a running
    job's: files and folders that vanish while it is walked are not counted."""
    total = 0
    for root, _, files in os.walk(folder):  # os.walk ignores a folder that vanished; rglob raises
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except FileNotFoundError:
                continue
    return total
