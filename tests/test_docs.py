"""The docs say what the code does: the reference pages are the code's, the config examples load,
the README's links lead somewhere. (`mkdocs build --strict` in .ci/run checks the site's own links.)"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from corpus import _docs
from corpus.config import load_config
from corpus.errors import ConfigError
from corpus.pipeline import STAGES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TOML_BLOCK = re.compile(r"^```toml\n(.*?)^```", re.MULTILINE | re.DOTALL)
CONFIG_TABLE = re.compile(r"^\[(read|run|stages(\.\w+)?)\]", re.MULTILINE)


@pytest.mark.parametrize("name", sorted(_docs.PAGES))
def test_the_committed_reference_is_what_the_code_generates(name: str) -> None:
    committed = (DOCS / "reference" / name).read_text(encoding="utf-8")
    assert committed == _docs.PAGES[name](), (
        f"docs/reference/{name} differs from the code: run `python -m corpus._docs` and commit the result"
    )


def test_every_configuration_key_has_help() -> None:
    missing = [
        f"[{section}] {item.name}"
        for section, cls in _docs.config_sections()
        for item in dataclasses.fields(cls)
        if not _docs.field_help(cls).get(item.name)
    ]
    assert not missing, f"no comment beside or above the default of {missing}"


def test_a_key_renamed_in_the_code_shows_in_the_reference() -> None:
    page = _docs.configuration_page()
    assert "| `max_document_bytes = 8388608` | *integer*: " in page
    assert "`rare_cost`" not in page  # the key the old README's example kept after the code dropped it
    assert "## `[stages.typos]`" in page and "## `[stages.dedup]`" in page


def test_field_help_joins_a_comment_block_to_the_field_it_belongs_to() -> None:
    from corpus.stages.dedup import DedupConfig

    helps = _docs.field_help(DedupConfig)
    assert helps["num_perm"] == "MinHash permutations"
    assert helps["bands"].startswith("LSH: `bands` bands of `rows` values each.")  # the block above it
    assert helps["rows"] == "values per band (see bands)"


def config_examples() -> list[tuple[str, str]]:
    """Every TOML block of the docs whose tables are corpus.toml's (rule files and presets aside)."""
    found = []
    for page in sorted([*DOCS.rglob("*.md"), ROOT / "README.md"]):
        for block in TOML_BLOCK.findall(page.read_text(encoding="utf-8")):
            first_table = re.search(r"^\[.*$", block, re.MULTILINE)
            if first_table and CONFIG_TABLE.match(first_table.group(0)):
                found.append((str(page.relative_to(ROOT)), block))
    return found


def test_the_docs_show_config_examples() -> None:
    pages = {page for page, _ in config_examples()}
    assert {"docs/configuration.md", "docs/reference/configuration.md"} <= pages


@pytest.mark.parametrize("page,block", config_examples())
def test_each_config_example_in_the_docs_loads(page: str, block: str, tmp_path: Path) -> None:
    path = tmp_path / "corpus.toml"
    path.write_text(block, encoding="utf-8")
    try:
        load_config(path, stages=STAGES)
    except ConfigError as error:
        pytest.fail(f"the example in {page} does not load: {error.line()}")


def test_the_config_loader_would_catch_a_drifted_example(tmp_path: Path) -> None:
    path = tmp_path / "corpus.toml"
    path.write_text("[stages.typos]\nrare_cost = 0.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="rare_cost"):
        load_config(path, stages=STAGES)


@pytest.mark.parametrize("page", ["README.md", "CHANGELOG.md", "rules/README.md"])
def test_relative_links_outside_the_site_lead_to_files(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    links = [
        link.split("#")[0]
        for link in re.findall(r"\]\(([^)\s]+)\)", text)
        if not re.match(r"[a-z]+:", link) and not link.startswith("#")
    ]
    assert links
    missing = [link for link in links if not (ROOT / page).parent.joinpath(link).exists()]
    assert not missing, f"{page} links to files that do not exist: {missing}"


def test_the_readme_is_short_and_keeps_the_quick_start() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) <= 8 * 1024
    assert "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/corpus clean seeds/ -o out/" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = next(line for line in ci.splitlines() if ".venv/bin/python -m pytest" in line)
    assert test_command in readme  # CI installs exactly as the README says
