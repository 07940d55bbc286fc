"""A stage of one's own: a package installed from tests/plugins/, found by its entry point,
placed by `[run] stages`, run end to end with its first pass, edits and drops recorded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import polars as pl
import pytest

from corpus import replay
from corpus.config import load_config
from corpus.document import Edit
from corpus.errors import ConfigError
from corpus.stages.base import Stage
from tests.conftest import shared_data

PLUGIN = Path(__file__).parent / "plugins" / "redact_emails"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin installed as a user installs a package, offline, into a folder of its own."""
    source = tmp_path_factory.mktemp("source") / "redact_emails"
    shutil.copytree(PLUGIN, source)  # the build writes into the source folder; not into the repo
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--no-build-isolation",
            "--no-deps",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def corpus_cli(site: Path, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [str(Path(sys.executable).parent / "corpus"), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    """Presidio's synthetic requests and CVs, with their labelled e-mail addresses, and a mailing list."""
    records = json.loads(shared_data("pii-presidio-synth", "synth_dataset_v2.json").read_text())
    documents = [{"id": f"presidio-{i}", "text": r["full_text"]} for i, r in enumerate(records)]
    addresses = [s["entity_value"] for r in records for s in r["spans"] if s["entity_type"] == "EMAIL_ADDRESS"]
    documents.append({"id": "mailing-list", "text": "Subscribers:\n" + "\n".join(addresses[:20])})
    folder = tmp_path_factory.mktemp("in")
    (folder / "texts.jsonl").write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in documents))
    return folder, documents


CONFIG = """
[run]
stages = ["encoding", "redact_emails", "dedup"]

[stages.redact_emails]
public_min_documents = 2
"""


def test_a_plugin_stage_runs_end_to_end_like_a_built_in_one(site: Path, texts, tmp_path: Path) -> None:
    folder, documents = texts
    (tmp_path / "corpus.toml").write_text(CONFIG)
    runs = {}
    for workers in ("1", "2"):
        result = corpus_cli(site, "clean", folder, "-o", f"out{workers}", "--workers", workers, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        runs[workers] = tmp_path / f"out{workers}"
    for table in ("documents", "edits", "dropped"):
        assert (runs["1"] / f"{table}.parquet").read_bytes() == (runs["2"] / f"{table}.parquet").read_bytes()
    out = runs["1"]

    records = json.loads(shared_data("pii-presidio-synth", "synth_dataset_v2.json").read_text())
    labelled = [s["entity_value"] for r in records for s in r["spans"] if s["entity_type"] == "EMAIL_ADDRESS"]
    # public by the first pass: on two documents, or on one and the mailing list
    public = {address for address in labelled if labelled.count(address) > 1} | set(labelled[:20])
    edits = pl.read_parquet(out / "edits.parquet").filter(pl.col("stage") == "redact_emails")
    assert set(edits["rule"]) == {"redact_emails.address"} and set(edits["after"]) == {"<EMAIL>"}
    assert sorted(edits["before"]) == sorted(a for a in labelled if a not in public) and len(public) < 25

    dropped = pl.read_parquet(out / "dropped.parquet").filter(pl.col("stage") == "redact_emails")
    assert dropped.select("id", "reason").rows() == [("mailing-list", "address_list")]
    assert dropped["detail"].item() == "20 addresses in 21 words"

    docs = pl.read_parquet(out / "documents.parquet")
    originals = {d["id"]: d["text"] for d in documents}
    all_edits = pl.read_parquet(out / "edits.parquet")
    for doc_id, text in docs.select("id", "text").iter_rows():
        doc_edits = [Edit(**row) for row in all_edits.filter(pl.col("id") == doc_id).drop("id").iter_rows(named=True)]
        assert replay(text, doc_edits, reverse=True) == originals[doc_id]

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["stages"] == ["encoding", "redact_emails", "dedup"]
    assert manifest["plugins"] == [
        {
            "stage": "redact_emails",
            "entry_point": "corpus_redact_emails:RedactEmailsStage",
            "package": "corpus-redact-emails",
            "version": "0.2.0",
        }
    ]
    assert manifest["libraries"]["corpus-redact-emails"] == "0.2.0"
    assert manifest["config"]["pipeline"] == ["encoding", "redact_emails", "dedup"]
    assert manifest["config"]["stages"]["redact_emails"] == {"public_min_documents": 2, "max_address_share": 0.5}

    again = corpus_cli(site, "rerun", out / "manifest.json", "-o", "again", "--strict", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / "edits.parquet").read_bytes() == (out / "edits.parquet").read_bytes()


def test_a_stage_that_is_not_installed_is_a_one_line_error_naming_the_valid_ones(tmp_path: Path) -> None:
    config = tmp_path / "corpus.toml"
    config.write_text('[run]\nstages = ["encoding", "redact_email"]\n')
    with pytest.raises(ConfigError, match=r"no stage 'redact_email' .*corpus\.stages.*valid: boilerplate, dedup"):
        load_config(config, stages=_builtin())


def test_the_plugin_is_a_stage_with_a_first_pass(site: Path) -> None:
    sys.path.insert(0, str(site))
    try:
        from corpus_redact_emails import RedactEmailsStage  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(site))
    assert issubclass(RedactEmailsStage, Stage) and RedactEmailsStage.needs_fit


def _builtin() -> list[type[Stage]]:
    from corpus import pipeline

    return list(pipeline.STAGES)
