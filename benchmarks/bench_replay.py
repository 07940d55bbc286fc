"""Replay and diff of a document with many edits, beside the previous one-edit-at-a-time algorithm.

    python -m benchmarks replay [--megabytes 30]

The document is the one that took `corpus show OUT ID --original` an hour: Reuters-21578's
stories as one 30 MB line, which the encoding stage gives about 277,000 edits (runs of spaces
made one, an entity unescaped). Timed: `replay` forwards and backwards (what `corpus show
--original` does) and `document_diff` (what `corpus diff` and `corpus.open(OUT).diff` do). The
previous algorithms, kept here as the baseline, copy the whole text (or walk the whole chunk
list, which grows with each edit) for each edit: they are timed on the first N and 2N edits
only, and their time for all of them projected: replay's at the cost per edit of the 2N (a
copy of the text: the same for every edit), the diff's from a cost a + b * k for the k-th
edit fitted on the two.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from benchmarks.bench_pipeline import reuters_stories
from corpus.audit.diff import DocumentDiff, _group, _to_words, document_diff
from corpus.document import Document, Edit
from corpus.edits import replay
from corpus.stages.encoding import EncodingConfig, EncodingStage


def previous_replay(text: str, edits: Sequence[Edit], *, reverse: bool = False) -> str:
    """The previous `corpus.edits.replay`: each edit spliced into the whole text."""
    ordered = sorted(edits, key=lambda e: e.seq)
    if reverse:
        for edit in reversed(ordered):
            text = text[: edit.start] + edit.before + text[edit.start + len(edit.after) :]
    else:
        for edit in ordered:
            text = text[: edit.start] + edit.after + text[edit.end :]
    return text


def previous_document_diff(doc_id: str, original: str, edits: Sequence[Edit]) -> DocumentDiff:
    """The previous `corpus.audit.diff.document_diff`: the whole chunk list walked for each edit."""
    chunks: list[tuple[str, str, str]] = [("same", original, "")] if original else []
    for edit in sorted(edits, key=lambda e: e.seq):
        label = f"{edit.stage}/{edit.rule}"
        out: list[tuple[str, str, str]] = []
        position = 0
        inserted = False
        for kind, text, chunk_label in chunks:
            if kind == "del":
                out.append((kind, text, chunk_label))
                continue
            low = min(max(edit.start - position, 0), len(text))
            high = min(max(edit.end - position, 0), len(text))
            position += len(text)
            head, middle, tail = text[:low], text[low:high], text[high:]
            if head:
                out.append((kind, head, chunk_label))
            if middle and kind == "same":
                out.append(("del", middle, label))
            if tail:
                if not inserted:
                    out.append(("ins", edit.after, label))
                    inserted = True
                out.append((kind, tail, chunk_label))
        if not inserted:
            out.append(("ins", edit.after, label))
        chunks = [chunk for chunk in out if chunk[1]]
    return DocumentDiff(doc_id, tuple(_to_words(_group(chunks))))


def one_line_document(megabytes: float) -> Document:
    """Reuters' stories on one line, cut to size, through the encoding stage (its edits)."""
    text = " ".join(story["text"].replace("\n", " ") for story in reuters_stories())
    size = int(megabytes * 1_000_000)
    doc = Document(id="reuters", source="reuters", text=(text * (size // len(text) + 1))[:size])
    result = EncodingStage(EncodingConfig()).apply(doc)
    assert isinstance(result, Document)
    return result


def timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def projected(first: float, second: float, n: int, total: int, *, growing: bool) -> float:
    """Seconds for `total` edits from the times of the first n and 2n edits: each edit costs a
    (the same for all), or a + b*k for the k-th when the cost grows with the edits made."""
    if not growing:
        return second / (2 * n) * total
    b = max((second - 2 * first) / n**2, 0.0)  # 2n edits cost 2an + 2bn^2, n edits an + bn^2/2
    a = max((first - b * n**2 / 2) / n, 0.0)
    return a * total + b * total**2 / 2


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks replay", description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=30.0, help="size of the one-line document (default 30)")
    parser.add_argument("--sample", type=int, default=1000, help="N: the previous algorithms run on N and 2N edits")
    args = parser.parse_args(argv)

    doc = one_line_document(args.megabytes)
    edits, n = doc.edits, args.sample
    original = replay(doc.text, edits, reverse=True)
    print(
        f"document: {len(original):,} characters on one line, {len(edits):,} edits; the previous "
        f"algorithms run on the first {n:,} and {2 * n:,} and projected"
    )
    after = {k: previous_replay(original, edits[:k]) for k in (n, 2 * n)}
    cases: list[tuple[str, Callable[[], object], Callable[[int], object], object]] = [
        ("replay forwards", lambda: replay(original, edits), lambda k: previous_replay(original, edits[:k]), doc.text),
        (
            "replay backwards (corpus show --original)",
            lambda: replay(doc.text, edits, reverse=True),
            lambda k: previous_replay(after[k], edits[:k], reverse=True),
            original,
        ),
        (
            "document_diff (corpus diff, corpus.open().diff)",
            lambda: document_diff("d", original, edits),
            lambda k: previous_document_diff("d", original, edits[:k]),
            None,
        ),
    ]
    print(
        f"| | corpus, all {len(edits):,} edits | previous, {n:,} / {2 * n:,} edits | previous, projected to all "
        "| speed-up |"
    )
    print("|---|---|---|---|---|")
    for name, now, before, expected in cases:
        seconds, result = timed(now)
        assert expected is None or result == expected
        times = {k: timed(lambda k=k, before=before: before(k))[0] for k in (n, 2 * n)}
        total = projected(times[n], times[2 * n], n, len(edits), growing=name.startswith("document_diff"))
        shown = (
            f"{total:,.0f} s" if total < 120 else f"{total / 60:,.0f} min" if total < 7200 else f"{total / 3600:,.1f} h"
        )
        print(
            f"| {name} | {seconds:.2f} s | {times[n]:.2f} / {times[2 * n]:.2f} s | {shown} | {total / seconds:,.0f}x |"
        )


if __name__ == "__main__":
    main()
