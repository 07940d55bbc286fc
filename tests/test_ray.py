"""--engine ray: the same runs on a local Ray cluster give the local engine's output byte for byte,
survive a worker that dies, and resume after a kill -9.

One Ray cluster (2 CPUs, a 1 GB object store) serves the whole test session: starting one takes
seconds, which no other test should pay.
"""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import polars as pl
import pytest

from corpus import pipeline
from corpus.config import load_config
from corpus.stages.encoding import EncodingStage
from tests.conftest import SEEDS, run_cli, run_installed, shared_data
from tests.stages_for_tests import KillingStage, RepeatedLinesStage
from tests.test_dedup import (
    _FIELD,
    _STORY,
    stories,  # noqa: F401  (a fixture of the resume inputs)
)
from tests.test_readers import broken_inputs
from tests.test_resume import identical, inputs, journal, reference, start  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def ray_cluster() -> str:
    """A local Ray cluster for the session; its address, for runs in other processes."""
    import ray

    ray.init(num_cpus=2, object_store_memory=1 << 30, include_dashboard=False, logging_level="ERROR")
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


def clean(inputs: list[Path], out: Path, engine: str, stages: list | None = None, **run_flags: object) -> None:
    stages = stages or pipeline.STAGES
    stage_flags = run_flags.pop("stage_flags", None)
    config = load_config(None, stages=stages, run_flags={"workers": 2, **run_flags}, stage_flags=stage_flags)  # type: ignore[arg-type]
    pipeline.run(inputs, out, config, stages=stages, engine=engine)


def assert_same_output(local: Path, ray: Path) -> None:
    """Every Parquet file of OUT byte for byte, and the manifest but for its timings."""
    names = sorted(path.name for path in local.glob("*.parquet"))
    assert names == sorted(path.name for path in ray.glob("*.parquet"))
    for name in names:
        assert (local / name).read_bytes() == (ray / name).read_bytes(), name
    manifests = [json.loads((out / "manifest.json").read_text()) for out in (local, ray)]
    timings = [manifest.pop("timings") for manifest in manifests]
    assert manifests[0] == manifests[1]
    assert [t["engine"] for t in timings] == ["local", "ray"]


def both(inputs: list[Path], tmp_path: Path, **run_flags: object) -> tuple[Path, Path]:
    clean(inputs, tmp_path / "local", "local", **run_flags)
    clean(inputs, tmp_path / "ray", "ray", **run_flags)
    assert_same_output(tmp_path / "local", tmp_path / "ray")
    return tmp_path / "local", tmp_path / "ray"


def reuters_jsonl(folder: Path, count: int) -> Path:
    """The first `count` Reuters-21578 stories with a title and a body, as JSONL files of 500."""
    records = []
    for path in sorted(shared_data("neardup-reuters21578", "sgm").glob("reut2-*.sgm.gz")):
        for match in _STORY.finditer(gzip.decompress(path.read_bytes()).decode("latin-1")):
            title, body = _FIELD["TITLE"].search(match.group(0)), _FIELD["BODY"].search(match.group(0))
            if title and body:
                records.append({"id": f"reuters-{match.group(1)}", "text": f"{title.group(1)}\n\n{body.group(1)}"})
        if len(records) >= count:
            break
    folder.mkdir(parents=True, exist_ok=True)
    for start_at in range(0, count, 500):
        rows = records[start_at : min(start_at + 500, count)]
        (folder / f"reuters-{start_at:05d}.jsonl").write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return folder


def test_seeds_give_the_same_bytes_on_ray(ray_cluster: str, tmp_path: Path) -> None:
    local, _ = both([SEEDS], tmp_path)
    assert pl.read_parquet(local / "documents.parquet").height == 5


def test_broken_inputs_give_the_same_drops_on_ray(ray_cluster: str, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    expected = broken_inputs(tmp_path / "in")
    local, _ = both([tmp_path / "in"], tmp_path)
    dropped = pl.read_parquet(local / "dropped.parquet").filter(pl.col("stage") == "read")
    assert dict(dropped.select("source", "reason").rows()) == expected


def test_reuters_stories_give_the_same_bytes_on_ray_in_many_chunks_and_shards(ray_cluster: str, tmp_path: Path) -> None:
    """2,000 stories in chunks of 128 (16 units of work per pass, finishing out of order) and
    shards of 600 kept documents."""
    source = reuters_jsonl(tmp_path / "in", 2000)
    local, _ = both([source], tmp_path, chunk_documents=128, shard_rows=600)
    assert len(list(local.glob("documents-*.parquet"))) >= 3
    dropped = pl.read_parquet(sorted(local.glob("dropped-*.parquet")))
    assert dropped.filter(pl.col("stage") == "dedup").height > 10  # the stories' own duplicates were found


def test_web_samples_give_the_same_bytes_on_ray(ray_cluster: str, tmp_path: Path) -> None:
    """Dolma's Common Crawl JSONL, a WARC with HTML pages and its WET, read and cleaned on Ray."""
    both([shared_data("webtext-commoncrawl-samples")], tmp_path)


def test_a_chunk_whose_worker_dies_is_run_again_without_losing_or_repeating_documents(
    ray_cluster: str, tmp_path: Path
) -> None:
    """A worker killed in the middle of a later pass's chunk (as the out-of-memory killer would):
    Ray runs the chunk again, which replaces what the first attempt had written."""
    paragraphs = [p for path in sorted(SEEDS.glob("*.txt")) for p in path.read_text().split("\n\n") if len(p) > 80]
    records = [
        {"id": f"p{n}", "text": paragraphs[n % len(paragraphs)] + (" ONCE" if n == 300 else "")} for n in range(64 * 12)
    ]
    (tmp_path / "in.jsonl").write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    stages = [EncodingStage, RepeatedLinesStage, KillingStage]  # the killing stage runs in the second pass
    marker = tmp_path / "killed-once"
    flags = {"chunk_documents": 128, "stage_flags": {"killing": {"marker": str(marker)}}}
    clean([tmp_path / "in.jsonl"], tmp_path / "ray", "ray", stages, **flags)
    assert marker.exists()  # a worker did die
    clean([tmp_path / "in.jsonl"], tmp_path / "local", "local", stages, **flags)
    assert_same_output(tmp_path / "local", tmp_path / "ray")
    ids = [pl.read_parquet(tmp_path / "ray" / f"{table}.parquet")["id"] for table in ("documents", "dropped")]
    assert sorted(pl.concat(ids).to_list()) == sorted(record["id"] for record in records)  # each exactly once


def test_a_document_that_kills_every_worker_is_dropped_as_locally(ray_cluster: str, tmp_path: Path) -> None:
    """Its chunk dies twice on Ray, then runs batch by batch, then one document at a time."""
    paragraphs = [p for path in sorted(SEEDS.glob("*.txt")) for p in path.read_text().split("\n\n") if len(p) > 80]
    records = [
        {"id": f"p{n}", "text": paragraphs[n % len(paragraphs)] + (" KILL" if n == 70 else "")} for n in range(64 * 3)
    ]
    (tmp_path / "in.jsonl").write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    stages = [EncodingStage, RepeatedLinesStage, KillingStage]
    for engine in ("local", "ray"):
        clean([tmp_path / "in.jsonl"], tmp_path / engine, engine, stages)
    for table in ("documents.parquet", "edits.parquet"):
        assert (tmp_path / "local" / table).read_bytes() == (tmp_path / "ray" / table).read_bytes()
    dropped = [pl.read_parquet(tmp_path / engine / "dropped.parquet") for engine in ("local", "ray")]
    died = dropped[1].filter(pl.col("reason") == "worker_died")
    assert died.select("id", "stage", "text").rows() == [("p70", "run", records[70]["text"])]
    assert died["detail"].item().startswith("a worker process died on this document twice (")
    assert dropped[0].drop("detail").equals(dropped[1].drop("detail"))  # the detail names how the worker died


def test_a_ray_run_killed_in_a_later_pass_resumes_to_the_same_bytes(
    ray_cluster: str, inputs: Path, reference: Path
) -> None:  # noqa: F811
    """kill -9 of the driver in the middle of the second pass (chunks run as Ray tasks), then
    --resume on Ray: the local engine's bytes. The killed driver's tasks die with it."""
    for out, reached in (
        ("ray-first", lambda j: j.get("pass_number") == 0 and j.get("chunks_done", 0) >= 3),
        ("ray-second", lambda j: j.get("pass_number") == 1 and j.get("chunks_done", 0) >= 3),
    ):
        process = start(inputs, out, "--engine", "ray", "--ray-address", ray_cluster)
        deadline = time.monotonic() + 300
        while not reached(journal(inputs, out) or {}) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        stopped = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        assert stopped, "the run finished before it could be killed"
        assert not (inputs / out).exists()
        time.sleep(2)  # Ray ends the dead driver's tasks
        resumed = run_cli(
            "clean",
            "part0.jsonl",
            "part1.jsonl",
            "-o",
            out,
            "--workers",
            "2",
            "--resume",
            "--engine",
            "ray",
            "--ray-address",
            ray_cluster,
            cwd=inputs,
        )
        assert resumed.returncode == 0, resumed.stderr
        assert identical(inputs / out, reference)
        manifest = json.loads((inputs / out / "manifest.json").read_text())
        expected = json.loads((reference / "manifest.json").read_text())
        assert manifest["counts"] == expected["counts"]
        assert manifest["timings"]["resumed_from"]


def test_ray_is_imported_only_for_the_ray_engine(tmp_path: Path) -> None:
    code = (
        "import sys; from click.testing import CliRunner; from corpus.cli import cli; "
        f"r = CliRunner().invoke(cli, ['clean', {str(SEEDS)!r}, '-o', {str(tmp_path / 'out')!r}, '--workers', '1']); "
        "assert r.exit_code == 0, r.output; CliRunner().invoke(cli, ['--help']); "
        "print('ray' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "False"


def test_an_unreachable_cluster_is_one_line(tmp_path: Path) -> None:
    # the installed command: this test process is connected to the session's cluster already
    result = run_installed("clean", SEEDS, "-o", tmp_path / "out", "--engine", "ray", "--ray-address", "127.0.0.1:9")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "cannot start or reach the Ray cluster at 127.0.0.1:9" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def s3_server() -> dict[str, str]:
    """A local S3 stand-in (moto's server on loopback), as the environment a user's AWS setup gives."""
    import socket

    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    environment = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }
    boto3.client(
        "s3",
        endpoint_url=environment["AWS_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket="crawl")
    yield environment
    server.stop()


def test_inputs_and_out_on_s3_give_the_local_bytes(ray_cluster: str, s3_server: dict[str, str], tmp_path: Path) -> None:
    """A folder and a single file on S3 in, OUT on S3: the bytes of a local run of the same files."""
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server["AWS_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    folder = reuters_jsonl(tmp_path / "in" / "news", 600)
    (folder / "sub").mkdir()
    broken_inputs(folder / "sub")
    (tmp_path / "in" / "seed.txt").write_bytes((SEEDS / "001_95e79b1fb524aad6.txt").read_bytes())
    for path in sorted((tmp_path / "in").rglob("*")):
        if path.is_file():
            s3.upload_file(str(path), "crawl", f"raw/{path.relative_to(tmp_path / 'in').as_posix()}")
    local = run_cli(
        "clean",
        tmp_path / "in" / "news",
        tmp_path / "in" / "seed.txt",
        "-o",
        tmp_path / "local",
        "--workers",
        "2",
        cwd=tmp_path,
    )  # the same folder: no ./rules or ./corpus.toml in either
    assert local.returncode == 0, local.stderr
    command = Path(sys.executable).parent / "corpus"
    remote = subprocess.run(
        [
            command,
            "clean",
            "s3://crawl/raw/news",
            "s3://crawl/raw/seed.txt",
            "-o",
            "s3://crawl/out",
            "--engine",
            "ray",
            "--ray-address",
            ray_cluster,
            "--workers",
            "2",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, **s3_server},
    )
    assert remote.returncode == 0, remote.stderr
    listed = s3.list_objects_v2(Bucket="crawl", Prefix="out/")["Contents"]
    names = sorted(
        item["Key"].removeprefix("out/") for item in listed if item["Key"] != "out/"
    )  # not the folder marker
    assert names == sorted(path.name for path in (tmp_path / "local").iterdir())
    for name in names:
        if name.endswith(".parquet"):
            body = s3.get_object(Bucket="crawl", Key=f"out/{name}")["Body"].read()
            assert body == (tmp_path / "local" / name).read_bytes(), name
    manifest = json.loads(s3.get_object(Bucket="crawl", Key="out/manifest.json")["Body"].read())
    paths = [entry["path"] for entry in manifest["inputs"]]
    assert paths[0] == "s3://crawl/raw/news/reuters-00000.jsonl" and paths[-1] == "s3://crawl/raw/seed.txt"
    expected = json.loads((tmp_path / "local" / "manifest.json").read_text())
    assert [entry["source"] for entry in manifest["inputs"]] == [entry["source"] for entry in expected["inputs"]]
    assert all(path.startswith("s3://crawl/raw/") for path in paths) and "s3://crawl/raw/news/sub/notes.warc" in paths
    assert not (tmp_path / ".corpus-remote").exists()  # the local copies are gone
