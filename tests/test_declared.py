"""Every drop reason and rule id a run writes is one its stage (or the reader, or the runner) declares.

`corpus clean` runs on the seeds and a folder of varied real inputs (Reuters stories and copies of
them, mojibake from the wild, web pages, a WARC and its WET, Common Crawl text, other languages)
and broken files; each (stage, reason) of dropped.parquet and (stage, rule) of edits.parquet must
be declared. A static check does the same for the literals in the code that no run reaches.
"""

from __future__ import annotations

import ast
import gzip
import json
import re
import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest

from corpus.pipeline import STAGES
from corpus.readers.reasons import READ_REASONS
from corpus.rules import load_rules
from corpus.stages.base import STAGE_ERROR, declares
from corpus.stages.quality.presets import preset_names, select_rules
from corpus.workers import RUN_REASONS
from tests.conftest import REPO, SEEDS, run_cli, shared_data

STAGE_CLASSES = {stage.name: stage for stage in STAGES}
ALL_PRESETS = '[stages.quality]\npresets = ["default", "gopher", "c4", "fineweb"]\n'
_STORY = re.compile(r'<REUTERS[^>]*NEWID="(\d+)">(.*?)</REUTERS>', re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)


def declared_reasons(stage: str) -> tuple[str, ...]:
    if stage == "read":
        return READ_REASONS
    if stage == "run":
        return RUN_REASONS
    return (*STAGE_CLASSES[stage].drop_reasons, STAGE_ERROR)


def varied_inputs(folder: Path) -> Path:
    """Real inputs of every kind the readers take, and broken files, in `folder`."""
    folder.mkdir(parents=True)
    sgml = shared_data("neardup-reuters21578", "sgm", "reut2-000.sgm.gz")
    stories = []
    for match in _STORY.finditer(gzip.decompress(sgml.read_bytes()).decode("latin-1")):
        if body := _BODY.search(match.group(2)):
            stories.append(json.dumps({"id": f"reuters-{match.group(1)}", "text": body.group(1)}))
        if len(stories) == 400:
            break
    (folder / "reuters.jsonl").write_text("\n".join(stories) + "\n")
    (folder / "reuters-again.jsonl").write_text("\n".join(stories[:20]) + "\n")  # exact duplicates
    wild = json.loads(shared_data("mojibake-ftfy-test-cases", "in-the-wild.json").read_text())
    (folder / "mojibake.jsonl").write_text("".join(json.dumps({"text": case["original"]}) + "\n" for case in wild))
    for page in sorted(shared_data("boilerplate-trafilatura-eval", "html").glob("*.html.gz"))[::25]:
        shutil.copyfile(page, folder / page.name)
    for page in sorted(shared_data("boilerplate-zyte-article-extraction-benchmark", "html").glob("*.html.gz"))[:4]:
        shutil.copyfile(page, folder / page.name)
    crawl = shared_data("webtext-commoncrawl-samples")
    for name in ("whirlwind.warc.gz", "whirlwind.warc.wet.gz"):
        shutil.copyfile(crawl / "whirlwind" / name, folder / name)
    shutil.copyfile(crawl / "dolma-cc" / "cc_en_head-0174.jsonl.gz", folder / "cc.jsonl.gz")
    with zipfile.ZipFile(shared_data("langid-udhr", "udhr.zip")) as archive:
        for name in ("Hindi-UTF8", "Russian-UTF8", "Spanish-Latin1", "English-Latin1"):
            (folder / f"udhr-{name}.txt").write_bytes(archive.read(f"udhr/{name}"))
    # broken files, one for each way a file or record goes wrong
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("  \n\t\n")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "records.jsonl").write_text(
        '{"text": "fine words here"}\n{not json\n[1, 2]\n{"text": null}\n{"id": 5}\n{"text": "ok", "id": {"a": 1}}\n'
    )
    warc = (crawl / "whirlwind" / "whirlwind.warc.gz").read_bytes()
    (folder / "truncated.warc.gz").write_bytes(warc[: len(warc) // 2])
    packed = gzip.compress("".join(line + "\n" for line in stories[:50]).encode())
    (folder / "truncated.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    (folder / "bomb.txt.gz").write_bytes(gzip.compress(b" " * (50 << 20)))
    (folder / "not-gzip.jsonl.gz").write_text('{"text": "plain text named as gzip"}\n')
    (folder / "garbage.parquet").write_bytes(b"PAR1" + bytes(range(200)) + b"PAR1")
    (folder / "notes.xyz").write_text("an unsupported file name\n")
    (folder / "huge.txt").write_bytes(b"word " * ((9 << 20) // 5))  # over max_document_bytes (8 MiB)
    return folder


@pytest.fixture(scope="module")
def varied_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("declared")
    inputs = varied_inputs(folder / "inputs")
    (folder / "corpus.toml").write_text(ALL_PRESETS)
    result = run_cli("clean", SEEDS, inputs, "-o", "out", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "out"


def test_a_run_drops_only_for_declared_reasons(varied_run: Path) -> None:
    dropped = pl.read_parquet(varied_run / "dropped.parquet").select("stage", "reason").unique().rows()
    undeclared = sorted((stage, reason) for stage, reason in dropped if not declares(declared_reasons(stage), reason))
    assert undeclared == []
    read = {reason for stage, reason in dropped if stage == "read"}
    assert read >= {  # the broken files (so that the check above has something to check)
        "binary_content", "corrupt_file", "empty_document", "format_mismatch", "invalid_json", "invalid_text_field",
        "missing_text_field", "not_an_object", "too_large", "truncated_record", "unsupported_format",
    }  # fmt: skip
    assert {stage for stage, _ in dropped} >= {"read", "quality", "dedup"}
    quality = {rule.id for rule in select_rules(preset_names(), (), {})}
    assert {reason for stage, reason in dropped if stage == "quality"} <= quality  # "<preset>.<rule>": real rules


def test_a_run_edits_only_under_declared_rule_ids(varied_run: Path) -> None:
    edited = pl.read_parquet(varied_run / "edits.parquet").select("stage", "rule").unique().rows()
    undeclared = sorted((stage, rule) for stage, rule in edited if not declares(STAGE_CLASSES[stage].rule_ids, rule))
    assert undeclared == []
    assert {stage for stage, _ in edited} >= {"encoding", "boilerplate", "typos", "dedup"}
    assert any(rule.startswith("ftfy.") for stage, rule in edited if stage == "encoding")
    site = load_rules(None).rule_ids() | set(STAGE_CLASSES["boilerplate"].rule_ids)
    assert {rule for stage, rule in edited if stage == "boilerplate"} <= site  # "<rule file>.<rule>": real rules


_EDIT_HELPERS = ("replace", "rewrite", "substitute", "apply_spans")  # corpus.edits, which take rule=
_DROPS = ("Drop", "InputProblem", "ReadFailure")


def _literals(call: ast.Call) -> list[str]:
    """The string literals a call passes as a drop reason or a rule id."""
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
    found = [keyword.value for keyword in call.keywords if keyword.arg == "rule" and name in _EDIT_HELPERS]
    found += [keyword.value for keyword in call.keywords if keyword.arg == "reason" and name in _DROPS]
    if name in ("Drop", "InputProblem") and call.args:
        found.append(call.args[0])
    if name == "ReadFailure" and len(call.args) > 1:
        found.append(call.args[1])
    return [node.value for node in found if isinstance(node, ast.Constant) and isinstance(node.value, str)]


@pytest.mark.parametrize("path", sorted((REPO / "corpus").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO)))
def test_every_reason_and_rule_written_in_the_code_is_declared(path: Path) -> None:
    """What no run above reaches (a worker dying, a regex timing out) is checked in the source."""
    parts = path.relative_to(REPO / "corpus").with_suffix("").parts
    stage = parts[1] if parts[0] == "stages" and len(parts) > 1 and parts[1] in STAGE_CLASSES else None
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        for literal in _literals(node):
            if stage is not None:
                declared = (*STAGE_CLASSES[stage].drop_reasons, *STAGE_CLASSES[stage].rule_ids, STAGE_ERROR)
            else:
                declared = (*READ_REASONS, *RUN_REASONS, STAGE_ERROR)
            assert declares(declared, literal), f"{path.name}:{node.lineno}: {literal!r} is not declared"


def test_declarations_are_snake_case_or_dotted_names() -> None:
    names = re.compile(r"[a-z0-9_]+(\.([a-z0-9_]+|<[a-z ]+>))*|<[a-z ]+>\.<[a-z ]+>")
    for stage in STAGES:
        for entry in (*stage.drop_reasons, *stage.rule_ids):
            assert names.fullmatch(entry), (stage.name, entry)
        assert len(set(stage.drop_reasons)) == len(stage.drop_reasons) and len(set(stage.rule_ids)) == len(
            stage.rule_ids
        )
    for reason in (*READ_REASONS, *RUN_REASONS, STAGE_ERROR):
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", reason), reason
