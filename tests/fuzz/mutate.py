"""The mutation fuzzer: real inputs changed a little at random, each run through its target with
a time limit; what crashes or hangs is saved as a regression case."""

from __future__ import annotations

import gzip
import hashlib
import random
import re
import signal
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import zstandard

from tests.fuzz.targets import Target, compress

CRASHES = Path(__file__).parent / "crashes"
SECONDS_PER_INPUT = 20  # longer is a hang: a reader must not stall on any input
INTERESTING = [
    b"\x00",
    b"\xff",
    b"\x7f",
    b"\x80",
    b"\n",
    b"\r\n",
    b'"',
    b"{",
    b"}",
    b"\\",
    b"\\u0000",
    b"\xc3",
    b"\xe2\x80",
    b"\x1f\x8b",
    b"\x28\xb5\x2f\xfd",
    b"WARC/1.0\r\n",
    b"Content-Length: ",
    b"\r\n\r\n",
    b"<",
    b"</html>",
    b"&#",
    b"PAR1",
]
_NUMBER = re.compile(rb"\d+")


@dataclass
class Report:
    runs: Counter[str] = field(default_factory=Counter)
    crashes: list[tuple[str, Path, str]] = field(default_factory=list)  # target, saved input, error
    notes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (target, note): soft findings


class _Hang(Exception):
    pass


def mutated(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    """One to four random changes: flipped bits, interesting bytes, inserted, deleted or
    repeated runs, a spliced piece of another input, a number changed (lengths, counts), a cut."""
    out = bytearray(data)
    for _ in range(rng.randrange(1, 5)):
        size = len(out)
        kind = rng.randrange(9)
        at = rng.randrange(size + 1)
        if kind == 0 and size:
            out[min(at, size - 1)] ^= 1 << rng.randrange(8)
        elif kind == 1:
            out[at : at + rng.randrange(2)] = rng.choice(INTERESTING)
        elif kind == 2:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        elif kind == 3:
            del out[at : at + rng.randrange(1, 64)]
        elif kind == 4 and size:
            piece = out[at : at + rng.randrange(1, 256)]
            out[at:at] = piece * rng.randrange(2, 64)
        elif kind == 5 and others:
            other = rng.choice(others)
            start = rng.randrange(len(other) + 1)
            out[at : at + rng.randrange(64)] = other[start : start + rng.randrange(1, 512)]
        elif kind == 6:
            numbers = list(_NUMBER.finditer(out))
            if numbers:
                found = rng.choice(numbers)
                value = rng.choice([0, 1, 7, 255, 65535, 2**31 - 1, 2**32, 10**12, rng.randrange(10**6)])
                out[found.start() : found.end()] = str(value).encode()
        elif kind == 7:
            del out[at:]
        else:
            out[at:at] = out[: rng.randrange(64)]
    return bytes(out)


def inputs(target: Target, rng: random.Random) -> Iterator[bytes]:
    """Endless mutations of the target's seeds; for a compressed format, half of them change the
    text inside and compress it again, so that the reader behind the compression is reached."""
    seeds = target.seeds()
    plain = [_inside(target, data) for data in seeds] if target.compression else []
    while True:
        if plain and rng.random() < 0.5:
            yield compress(target.compression, mutated(rng.choice(plain), rng, plain))
        else:
            yield mutated(rng.choice(seeds), rng, seeds)


def _inside(target: Target, data: bytes) -> bytes:
    return gzip.decompress(data) if target.compression == "gzip" else zstandard.ZstdDecompressor().decompress(data)


def run_one(target: Target, data: bytes, report: Report) -> None:
    report.runs[target.name] += 1
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(SECONDS_PER_INPUT)
    try:
        for note in target.check(data):
            report.notes[target.name, note] += 1
    except _Hang:
        _save(target, data, f"hang: more than {SECONDS_PER_INPUT} s", report)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - every escaping exception is a finding (polars panics are BaseExceptions)
        _save(target, data, traceback.format_exc(limit=-3), report)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _on_alarm(signum: int, frame: object) -> None:
    raise _Hang


def _save(target: Target, data: bytes, error: str, report: Report) -> None:
    folder = CRASHES / target.name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha1(data).hexdigest()[:16]}.bin"
    path.write_bytes(data)
    report.crashes.append((target.name, path, error))


def fuzz(targets: list[Target], *, seconds: float, seed: int, report: Report | None = None) -> Report:
    """Mutate and run each target in turn, a slice of time each, for `seconds` in all."""
    report = report or Report()
    rng = random.Random(seed)
    streams = {target.name: inputs(target, random.Random(rng.random())) for target in targets}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for target in targets:
            slice_end = min(deadline, time.monotonic() + max(seconds / len(targets) / 20, 0.05))
            while time.monotonic() < slice_end:
                run_one(target, next(streams[target.name]), report)
    return report


def saved_crashes() -> list[tuple[str, Path]]:
    """Every input saved in tests/fuzz/crashes/, as (target name, path)."""
    return sorted((path.parent.name, path) for path in CRASHES.glob("*/*.bin"))
