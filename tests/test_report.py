"""`corpus report`: the HTML file itself, and the page in a real headless browser (Debian's chromium,
driven by Playwright) on a run over the seeds plus hostile and broken records."""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ftfy
import polars as pl
import pytest

import corpus
from corpus.document import Edit
from corpus.edits import replay
from tests.conftest import SEEDS, run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
XSS_ID = "xss <img src=x onerror=window.__xss=4>"
XSS_TEXT = (
    "Breaking news about the council meeting held on Tuesday evening in the town hall.\n"
    "<script>window.__xss=1</script>\n"
    '<img src=x onerror="window.__xss=2">\n'
    '<a href="javascript:window.__xss=3">click here</a>\n'
    "The council voted to approve the new budget for the public library and the parks."
)
CAFE = (
    "Our café 😀 served “a great success” of a menu this year, despite rising costs for coffee beans across the region."
)


@pytest.fixture(scope="module")
def report_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, a mojibake page, a page of markup and a blank record, cleaned and reported."""
    folder = tmp_path_factory.mktemp("report_run")
    shutil.copytree(SEEDS, folder / "seeds")
    (folder / "extra").mkdir()
    records = [
        {"id": "cafe", "url": "https://example.com/cafe", "text": CAFE.encode("utf-8").decode("sloppy-windows-1252")},
        {"id": XSS_ID, "url": "javascript:window.__xss=5", "text": XSS_TEXT},
        {"id": "blank", "text": "   "},
    ]
    assert ftfy.fix_encoding(records[0]["text"]) == CAFE
    (folder / "extra" / "pages.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    assert run_cli("clean", "seeds/", "extra/", "-o", "out/", cwd=folder).returncode == 0
    result = run_cli("report", "out/", "-o", "report.html", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "report written to report.html" in result.stderr
    return folder


def payload(page: str) -> dict[str, Any]:
    encoded = re.search(r'<script id="corpus-data" type="application/octet-stream">([A-Za-z0-9+/=]*)</script>', page)
    assert encoded, "no data block"
    return json.loads(gzip.decompress(base64.b64decode(encoded.group(1))))


def test_the_report_is_one_offline_file_holding_every_document_and_edit(report_run: Path) -> None:
    page = (report_run / "report.html").read_text(encoding="utf-8")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1)
    assert csp.startswith("default-src 'none'; script-src 'sha256-") and "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert not re.search(r"\b(src|href)\s*=", page.split('<script id="corpus-data"')[0])  # nothing to load
    assert "<script>" not in XSS_TEXT or XSS_TEXT not in page  # the text is inside the compressed data only

    data = payload(page)
    out = report_run / "out"
    kept, dropped = pl.read_parquet(out / "documents.parquet"), pl.read_parquet(out / "dropped.parquet")
    assert data["docs"]["id"] == kept["id"].to_list() + dropped["id"].to_list()
    assert dropped["reason"].to_list() == ["empty_document"] and data["docs"]["reason"][-1] == "empty_document"
    edits = pl.read_parquet(out / "edits.parquet")
    assert sum(len(flat or []) // 5 for flat in data["edits"]) == edits.height
    # The originals are not stored, but the cleaned text and edits rebuild each one exactly.
    for index, doc_id in enumerate(data["docs"]["id"]):
        flat = data["edits"][index] or []
        rebuilt = [
            Edit(k // 5, *data["labels"][flat[k]].split("/", 1), *flat[k + 1 : k + 5]) for k in range(0, len(flat), 5)
        ]
        if doc_id.endswith(".txt"):
            assert replay(data["docs"]["text"][index], rebuilt, reverse=True) == (SEEDS / doc_id).read_text()
    assert data["stats"]["read"] == 8 and data["stats"]["dropped"] == 1


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium missing in CI (.ci/run installs it with apt)")
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does it in CI)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package (the test extra)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture()
def opened(browser: Any, report_run: Path) -> Iterator[tuple[Any, list[str], list[str]]]:
    """The report in a fresh page: (page, console errors and page errors, requested URLs)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    page.goto((report_run / "report.html").as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    yield page, problems, requests
    page.close()


def test_the_page_loads_with_no_errors_and_no_network(
    opened: tuple[Any, list[str], list[str]], report_run: Path
) -> None:
    page, problems, requests = opened
    assert problems == []
    assert requests == [(report_run / "report.html").as_uri()]
    assert page.locator("#list-count").text_content() == "8 of 8 documents"
    assert page.locator("#doc-list li").count() == 8
    assert "boilerplate/generic.teaser" in page.locator("#stats").text_content()
    signals = page.locator(".card.wide table.signals tr")  # the quality signals, a histogram each
    assert signals.count() == 29 and "gopher.word_count" in signals.nth(1).text_content()
    assert signals.nth(1).locator("td.histogram span").count() == 10


def test_a_filter_by_rule_narrows_the_list_and_a_document_shows_its_diff(
    opened: tuple[Any, list[str], list[str]],
    report_run: Path,
) -> None:
    page, problems, _ = opened
    edits = pl.read_parquet(report_run / "out" / "edits.parquet")
    spelled = edits.filter(pl.col("rule") == "typos.spelling")["id"].unique(maintain_order=True).to_list()
    assert "000_9c357a5e9c026ce2.txt" in spelled and len(spelled) < 8
    page.select_option("#filter-rule", "typos/typos.spelling")
    assert page.locator("#list-count").text_content() == f"{len(spelled)} of 8 documents"
    assert page.locator("#doc-list li .id").all_text_contents() == spelled
    page.locator("#doc-list li", has_text="000_9c357a5e9c026ce2.txt").click()
    view = page.locator("#doc-view")
    assert view.locator("h2").text_content() == "000_9c357a5e9c026ce2.txt"
    change = view.locator("span.chg", has_text="imporved")
    assert change.get_attribute("title") == "typos/typos.spelling"
    assert change.locator("del").text_content() == "imporved" and change.locator("ins").text_content() == "improved"
    page.get_by_role("button", name="Original").click()
    assert view.locator(".text").text_content() == (SEEDS / "000_9c357a5e9c026ce2.txt").read_text()
    page.select_option("#filter-rule", "encoding/ftfy.sloppy_windows_1252")
    assert [item.text_content().startswith("cafe") for item in page.locator("#doc-list li").all()] == [True]
    page.locator("#doc-list li").first.click()
    page.get_by_role("button", name="Original").click()  # code points, not UTF-16 units: the emoji comes first
    assert view.locator(".text").text_content() == CAFE.encode("utf-8").decode("sloppy-windows-1252")
    page.get_by_role("button", name="Side by side").click()
    assert view.locator(".side ins").first.text_content().startswith("café")
    page.select_option("#filter-rule", "")
    page.select_option("#filter-reason", "empty_document")
    page.locator("#doc-list li").first.click()
    assert "dropped at read: empty_document" in view.text_content()
    assert problems == []


def test_a_document_full_of_markup_runs_nothing(opened: tuple[Any, list[str], list[str]], report_run: Path) -> None:
    page, problems, requests = opened
    docs = pl.read_parquet(report_run / "out" / "documents.parquet")
    cleaned = docs.filter(pl.col("id") == XSS_ID)["text"].item()
    page.fill("#search", "council voted")
    playwright_api = pytest.importorskip("playwright.sync_api")
    playwright_api.expect(page.locator("#list-count")).to_have_text("1 of 8 documents")  # after the search's debounce
    assert page.locator("#doc-list li .id").text_content() == XSS_ID
    page.locator("#doc-list li").first.click()
    for tab, shown in (("Cleaned", cleaned), ("Original", XSS_TEXT)):
        page.get_by_role("button", name=tab).click()
        assert page.locator("#doc-view .text").text_content() == shown
    # The diffs show the markup as text, change for change as corpus.open(OUT).diff() has them.
    diff = corpus.open(report_run / "out").diff(XSS_ID)
    assert not any((change.before + change.after).isspace() for change in diff.changes)  # shown as typed
    page.get_by_role("button", name="Inline diff").click()
    inline = "".join(part if isinstance(part, str) else part.before + part.after for part in diff.segments)
    assert page.locator("#doc-view .text").text_content() == inline
    page.get_by_role("button", name="Side by side").click()
    assert page.locator("#doc-view .side .text").all_text_contents() == [XSS_TEXT, cleaned]
    assert "javascript:window.__xss=5" in page.locator("#doc-view dl").text_content()  # shown as text
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#doc-view img, #doc-view script, #doc-view a").count() == 0
    assert page.locator("img").count() == 0
    assert problems == [] and len(requests) == 1


@pytest.fixture(scope="module")
def dedup_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run where a lightly edited copy of a seed is dropped by the dedup stage as a near
    duplicate of it."""
    folder = tmp_path_factory.mktemp("dedup_run")
    shutil.copytree(SEEDS, folder / "seeds")
    original = (SEEDS / "000_9c357a5e9c026ce2.txt").read_text(encoding="utf-8")
    (folder / "seeds" / "copy.txt").write_text(
        original + "\nThe story was updated with a closing line.\n", encoding="utf-8"
    )
    assert run_cli("clean", "seeds/", "-o", "out/", cwd=folder).returncode == 0
    dropped = pl.read_parquet(folder / "out" / "dropped.parquet").filter(pl.col("id") == "copy.txt")
    assert dropped.select("reason", "duplicate_of").row(0) == ("near_duplicate", "000_9c357a5e9c026ce2.txt")
    assert run_cli("report", "out/", "-o", "report.html", cwd=folder).returncode == 0
    return folder


def test_a_duplicate_names_the_document_kept_in_its_place(dedup_run: Path) -> None:
    stats = run_cli("stats", "out", cwd=dedup_run)
    assert re.search(r"^\s+000_9c357a5e9c026ce2\.txt\s+1\s*$", stats.stdout, flags=re.M), stats.stdout
    assert re.search(r"^\s+dedup\s+near_duplicate\s+1\s*$", stats.stdout, flags=re.M)
    diff = run_cli("diff", "out", "copy.txt", cwd=dedup_run)
    assert "dropped at dedup: near_duplicate   duplicate of: 000_9c357a5e9c026ce2.txt" in diff.stdout
    assert "[-imporved-]{+improved+}‹typos/typos.spelling›" in diff.stdout


def test_the_report_links_a_duplicate_to_the_kept_document(browser: Any, dedup_run: Path) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto((dedup_run / "report.html").as_uri() + "#doc=copy.txt")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    view = page.locator("#doc-view")
    assert view.locator("h2").text_content() == "copy.txt"
    assert "dropped at dedup: near_duplicate" in view.text_content()
    view.get_by_role("button", name="000_9c357a5e9c026ce2.txt").click()
    assert view.locator("h2").text_content() == "000_9c357a5e9c026ce2.txt"
    assert "kept" in view.locator("dl").text_content() and problems == []
    page.close()


BAD_FRAGMENTS = [
    "#doc=%E0%A4%A",
    "#doc=%",
    "#doc=%ZZ",
    "#doc=%ED%A0%80",
    "#%",
    "#doc=%0A%0D",
    "#doc=\u00e9%",
    "#doc=%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D6%3E",
    "#doc=" + "%41" * 20_000,
    "#doc=missing.txt",
]


def test_any_url_fragment_leaves_the_report_readable(browser: Any, report_run: Path) -> None:
    """Malformed escapes, an encoded lone surrogate, markup and huge fragments, at load time and
    typed into the address bar later: the report shows, and a good fragment still opens its document."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    url = (report_run / "report.html").as_uri()
    for fragment in BAD_FRAGMENTS:
        page.goto("about:blank")
        page.goto(url + fragment)
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        assert page.locator("#list-count").text_content() == "8 of 8 documents", fragment
        page.evaluate("fragment => { location.hash = fragment; }", "#doc=%E0%A4%A")
        page.evaluate("fragment => { location.hash = fragment; }", "#doc=000_9c357a5e9c026ce2.txt")
        playwright_api = pytest.importorskip("playwright.sync_api")
        playwright_api.expect(page.locator("#doc-view h2")).to_have_text("000_9c357a5e9c026ce2.txt")
    assert page.evaluate("window.__xss") is None
    assert problems == []
    page.close()


def test_a_document_of_many_edits_opens_with_its_original_and_diff(browser: Any, tmp_path: Path) -> None:
    """The seeds repeated with every space doubled: about 28,000 `whitespace.inner_runs`
    edits, which the report undid one by one, copying the whole text each time."""
    words = " ".join(path.read_text() for path in sorted(SEEDS.glob("*.txt"))).split(" ")
    doubled = "  ".join(words * 8)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "spaced.txt").write_text(doubled)
    assert run_cli("clean", "in", "-o", "out", "--skip", "typos,dedup", cwd=tmp_path).returncode == 0
    edits = pl.read_parquet(tmp_path / "out" / "edits.parquet")
    assert edits.filter(pl.col("rule") == "whitespace.inner_runs").height > 25_000
    assert run_cli("report", "out", "-o", "report.html", cwd=tmp_path).returncode == 0
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto((tmp_path / "report.html").as_uri() + "#doc=spaced.txt")
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    view = page.locator("#doc-view")
    page.get_by_role("button", name="Original").click()
    assert view.locator(".text").text_content() == doubled
    diff = corpus.open(tmp_path / "out").diff("spaced.txt")
    page.get_by_role("button", name="Inline diff").click()
    assert view.locator("span.chg").count() == len(diff.changes) > 5_000  # change for change as in Python
    assert problems == []
    page.close()
