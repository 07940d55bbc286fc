"""The public API: `corpus.__all__` is pinned, each name imports, and importing corpus stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import corpus
import corpus.document
import corpus.edits
import corpus.output
import corpus.stages.base

# Changing this list changes the public API: do it on purpose, and say so in README.md.
PUBLIC = ["Document", "Drop", "Edit", "RunOutput", "Stage", "open", "replay"]


def test_all_is_the_pinned_public_api() -> None:
    assert corpus.__all__ == PUBLIC
    assert set(PUBLIC) <= set(dir(corpus))


def test_each_public_name_imports_as_the_object_it_names() -> None:
    namespace: dict[str, object] = {}
    exec("from corpus import *", namespace)
    assert {name for name in namespace if not name.startswith("__")} == set(PUBLIC)
    assert namespace["Stage"] is corpus.stages.base.Stage  # the base class README tells users to subclass
    assert namespace["Document"] is corpus.document.Document
    assert namespace["Drop"] is corpus.document.Drop
    assert namespace["Edit"] is corpus.document.Edit
    assert namespace["RunOutput"] is corpus.output.RunOutput
    assert namespace["replay"] is corpus.edits.replay
    assert namespace["open"] is corpus.open and callable(corpus.open)
    assert corpus.open.__doc__ and "gzip.open" in corpus.open.__doc__  # named like the builtin on purpose


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Pipeline'"):
        getattr(corpus, "Pipeline")  # noqa: B009 - the lazy __getattr__ under test


def test_importing_corpus_loads_no_heavy_library() -> None:
    """The command line imports the package first: the public names must load only when used."""
    code = "import sys, corpus; print(sorted(m for m in ('polars', 'duckdb', 'numpy') if m in sys.modules))"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"
    code = "import sys, corpus; corpus.Stage; print('polars' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "True"  # the lazy name does load (so the check above can fail)
