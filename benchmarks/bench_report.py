"""`corpus report` on 10,000 web-page-sized documents: the file's size, the time to build it, and
the time chromium takes to show it, to filter it and to open a document; beside the run's own
Parquet files (their size, and polars reading them) as the baseline, in the same run.

    python -m benchmarks report [--docs 10000] [--stories-per-doc 8]

Each document is `--stories-per-doc` Reuters-21578 stories (about 6 KB, a web page's text),
reused in rotation; the run skips the typos and language stages (their time is not measured here).
The browser figures need Debian's chromium and the playwright package (the test extra).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import orjson
import polars as pl

from benchmarks.bench_pipeline import reuters_stories
from corpus import pipeline
from corpus.audit.report import write_report
from corpus.config import load_config
from corpus.output import RunOutput


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--stories-per-doc", type=int, default=8)
    args = parser.parse_args()
    stories = reuters_stories()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with (work / "pages.jsonl").open("wb") as handle:
            for number in range(args.docs):
                parts = [
                    stories[(number * args.stories_per_doc + k) % len(stories)]["text"]
                    for k in range(args.stories_per_doc)
                ]
                handle.write(
                    orjson.dumps(
                        {"id": f"page-{number:05d}", "url": f"https://example.com/{number}", "text": "\n\n".join(parts)}
                    )
                    + b"\n"
                )
        config = load_config(None, stages=pipeline.STAGES, run_flags={"skip": ["language", "typos"]})
        pipeline.run([work / "pages.jsonl"], work / "out", config)
        run = RunOutput.open(work / "out")
        parquet_bytes = sum(path.stat().st_size for path in (work / "out").glob("*.parquet"))
        started = time.perf_counter()
        for name in ("documents", "edits", "dropped"):
            pl.read_parquet(work / "out" / f"{name}.parquet")
        parquet_seconds = time.perf_counter() - started
        started = time.perf_counter()
        write_report(run, work / "report.html")
        build_seconds = time.perf_counter() - started
        report_bytes = (work / "report.html").stat().st_size
        text_bytes = run.documents["text"].str.len_bytes().sum()
        print(f"{args.docs:,} documents, {text_bytes / 1e6:.1f} MB of cleaned text, {run.edits.height:,} edits")
        print(f"{'':32}{'report.html':>14}{'Parquet (baseline)':>22}")
        print(f"{'size, MB':32}{report_bytes / 1e6:>14.1f}{parquet_bytes / 1e6:>22.1f}")
        print(f"{'build / read in Python, s':32}{build_seconds:>14.2f}{parquet_seconds:>22.2f}")
        for label, seconds in _browser(work / "report.html", run.edits["rule"][0]):
            print(f"{label:32}{seconds:>14.2f}{'':>22}")


def _browser(page_path: Path, rule_label: str) -> list[tuple[str, float]]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        print("(no browser figures: chromium or the playwright package is missing)")
        return []
    figures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(page_path.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=120_000)
        figures.append(("chromium: page ready, s", time.perf_counter() - started))
        rules = [
            option for option in page.locator("#filter-rule option").all_text_contents() if option.endswith(rule_label)
        ]
        started = time.perf_counter()
        page.select_option("#filter-rule", rules[0])
        page.locator("#doc-list li").first.wait_for()
        figures.append(("chromium: filter by a rule, s", time.perf_counter() - started))
        started = time.perf_counter()
        page.locator("#doc-list li").first.click()
        page.locator("#doc-view .text").wait_for()
        figures.append(("chromium: open a document, s", time.perf_counter() - started))
        page.select_option("#filter-rule", "")
        before = page.locator("#list-count").text_content()
        started = time.perf_counter()
        page.fill("#search", "crude oil")
        while page.locator("#list-count").text_content() == before:
            time.sleep(0.01)
        # the search box waits 200 ms for typing to stop; that pause is not the search's time
        figures.append(("chromium: search the text, s", time.perf_counter() - started - 0.2))
        browser.close()
    return figures


if __name__ == "__main__":
    main()
