"""Rule patterns: what running them on RE2 (linear time, unable to hang) costs the boilerplate
stage, against every pattern on Python's `re` (what the stage did before), in the same run; and
what the literal prefilter (stages/boilerplate/site_rules.py) saves, against RE2 without it.

    python -m benchmarks patterns

The boilerplate stage over Zyte's 181 pages (html-text's visible text) and 3,000 Reuters-21578
stories, in one process (first pass included), three times each way: CPU seconds of the first
run (which compiles the patterns, as each run does once) and the best of the other two, and
whether both ways remove exactly the same lines.
"""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.bench_pipeline import reuters_stories
from benchmarks.boilerplate_sets import zyte_text
from corpus import patterns
from corpus.document import Document
from corpus.firstpass import apply_in_process
from corpus.rules import load_rules
from corpus.stages.boilerplate import BoilerplateConfig, BoilerplateStage, site_rules

TRIALS = 3


def documents() -> dict[str, list[Document]]:
    zyte = [Document(id=case.key, source=case.key, text=case.text) for case in zyte_text()]
    reuters = [Document(id=story["id"], source=story["id"], text=story["text"]) for story in reuters_stories(3000)]
    return {"Zyte's 181 pages": zyte, "3,000 Reuters stories": reuters}


def run(docs: Sequence[Document]) -> tuple[float, list[str]]:
    """CPU seconds of the stage over copies of `docs` (it edits the documents it is given), and its output."""
    docs = copy.deepcopy(list(docs))
    started = time.process_time()
    stage = BoilerplateStage(BoilerplateConfig(), load_rules(None))
    with tempfile.TemporaryDirectory() as folder:
        outcomes = apply_in_process(stage, docs, Path(folder))
    texts = [outcome.text if isinstance(outcome, Document) else "" for outcome in outcomes]
    return time.process_time() - started, texts


def measure(engine: str) -> dict[str, tuple[float, float, str]]:
    """In this process: per set, CPU seconds of the first run and the best of the others, and a
    hash of the first run's output."""
    if engine == "re":
        patterns.re2 = None  # every pattern falls back to re, as without google-re2
    if engine == "re2, no prefilter":
        site_rules.needs = lambda source, flags: None  # every pattern tried on every line
    found = {}
    for name, docs in documents().items():
        runs = [run(docs) for _ in range(TRIALS)]
        digest = hashlib.sha256("\x00".join(runs[0][1]).encode()).hexdigest()
        found[name] = (runs[0][0], min(seconds for seconds, _ in runs[1:]), digest)
    return found


def main(argv: list[str] | None = None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["--engine"]:  # one side, in a process of its own
        print(json.dumps(measure(arguments[1])))
        return
    # Each side in a fresh process: the stage's first run in a process compiles the patterns, and
    # a process that has run the stage over these documents before is no fair start.
    sides = {
        engine: json.loads(
            subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_patterns", "--engine", engine],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for engine in ("re2", "re", "re2, no prefilter")
    }
    print(
        "boilerplate stage, one process, CPU seconds: rule patterns on RE2 (as shipped) against every pattern "
        "on Python's re; first run (compiling the patterns) and the best of the next two"
    )
    for name in sides["re2"]:
        (first2, best2, hash2), (first, best, hash_) = sides["re2"][name], sides["re"][name]
        print(
            f"{name:<24} RE2 {best2:5.2f} s (first {first2:5.2f})   re {best:5.2f} s (first {first:5.2f})   "
            f"{best2 / best:.2f}x   same output: {hash2 == hash_}"
        )
    print("the same, RE2 without the literal prefilter: the patterns that can match anywhere tried on every line")
    for name in sides["re2"]:
        (first2, best2, hash2), (first, best, hash_) = sides["re2"][name], sides["re2, no prefilter"][name]
        print(
            f"{name:<24} with {best2:5.2f} s (first {first2:5.2f})   without {best:5.2f} s (first {first:5.2f})   "
            f"{best2 / best:.2f}x   same output: {hash2 == hash_}"
        )


if __name__ == "__main__":
    main()
