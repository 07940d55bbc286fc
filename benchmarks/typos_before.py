"""The typos stage as it was before its precision rework, loaded from git, to measure beside today's.

The benchmark prints the stage's figures before and after in the same run. Rather than keep a
copy of the old code in the repo (it would rot, and read as a second stage), its three modules
are read from the commit named below with `git show`, written to a temporary package, and
imported there: the old `TyposStage` then runs on the same text as the new one. Without git or
that commit (an exported tarball), the "before" rows say so and the rest of the benchmark runs.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from benchmarks.data import REPO

COMMIT = "a88772804572b094c0d48e17c2045f12695e39b9"  # main before the rework (the last commit that has it)
MODULES = ("__init__", "weights", "words")
PACKAGE = "typos_before"
_OLD_PATH = "corpus.stages.typos"


def load() -> ModuleType | str:
    """The old `corpus.stages.typos` as the module `typos_before`, or why it could not be loaded."""
    if PACKAGE in sys.modules:
        return sys.modules[PACKAGE]
    folder = Path(tempfile.mkdtemp(prefix="corpus-typos-before-")) / PACKAGE
    folder.mkdir()
    for name in MODULES:
        try:
            source = subprocess.run(
                ["git", "-C", str(REPO), "show", f"{COMMIT}:corpus/stages/typos/{name}.py"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError) as error:
            return f"not available ({type(error).__name__}: no git history with commit {COMMIT[:7]})"
        (folder / f"{name}.py").write_text(source.replace(_OLD_PATH, PACKAGE), encoding="utf-8")
    sys.path.insert(0, str(folder.parent))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder.parent))
