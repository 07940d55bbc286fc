"""Scaled inputs for the scale benchmark: real Reuters stories, perturbed into any number of
distinct documents, a known share of them near-duplicates of an earlier one.

    python -m benchmarks.scale_data --docs 200000 -o /tmp/scale-200k     # JSONL.zst files

Each document is a Reuters-21578 story (cycling through the 19,043 with a body) made distinct
from every other copy of that story: its sentences shuffled within paragraphs, a share of its
words swapped for other words of the same story, its figures changed, and a few invented names
(so that the vocabulary keeps growing with the input, as a real crawl's does). It gets a URL on
one of a few hundred sites, and each site's pages carry that site's chrome (a menu line, a
newsletter pitch, a copyright line), as scraped pages do. A share of the documents
(`--near`, 5% by default) are instead near-duplicates of an earlier document: a copy with a few
words changed (word 5-gram Jaccard above 0.8). The output is the same for the same arguments.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterator
from pathlib import Path

import orjson
import zstandard

from benchmarks.bench_pipeline import reuters_stories

DOCS_PER_FILE = 50_000
SITES = 300
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_SYLLABLES = ("ka", "ro", "mi", "ten", "sa", "lo", "vin", "da", "ri", "mo", "ne", "sho", "ba", "ul", "ter")


def documents(count: int, *, near: float = 0.05, seed: int = 0) -> Iterator[dict[str, str]]:
    """`count` records {id, url, text}, in order; a share `near` are near-duplicates of an earlier one."""
    stories = [story["text"] for story in reuters_stories()]
    rng = random.Random(seed)
    recent: list[str] = []  # texts a near-duplicate may copy: the last few hundred, as a recrawl would
    for number in range(count):
        site = rng.randrange(SITES)
        if recent and rng.random() < near:
            text = _retouched(rng.choice(recent), rng)
        else:
            text = _perturbed(stories[number % len(stories)], rng)
            recent.append(text)
            if len(recent) > 500:
                recent.pop(rng.randrange(len(recent)))
        page = (
            f"Home | World | Business | Site {site} Markets\n\n{text}\n\n"
            f"Sign up for the Site {site} newsletter.\n© 2026 Site {site} Media. All rights reserved."
        )
        yield {"id": f"doc-{number:09d}", "url": f"https://site{site}.example/news/{number}", "text": page}


def _perturbed(story: str, rng: random.Random) -> str:
    words = story.split()
    vocabulary = [word for word in words if word.isalpha() and word.islower()] or ["the"]
    paragraphs = []
    for paragraph in story.split("\n\n"):
        sentences = _SENTENCE.split(paragraph.strip())
        rng.shuffle(sentences)
        paragraphs.append(" ".join(sentences))
    text = "\n\n".join(paragraphs)
    text = _FIGURE.sub(lambda match: str(rng.randrange(1, 10_000)), text)
    out = []
    for word in text.split(" "):
        roll = rng.random()
        if roll < 0.15 and word.isalpha() and word.islower():
            word = rng.choice(vocabulary)
        elif roll < 0.155:
            word = _name(rng)
        out.append(word)
    return " ".join(out)


def _retouched(text: str, rng: random.Random) -> str:
    """A near copy: about one word in 60 changed, so the word 5-gram Jaccard stays above 0.8."""
    words = text.split(" ")
    for _ in range(max(1, len(words) // 60)):
        words[rng.randrange(len(words))] = _name(rng)
    return " ".join(words)


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def write(count: int, folder: Path, *, near: float = 0.05, seed: int = 0) -> list[Path]:
    """The documents as JSONL.zst files of DOCS_PER_FILE records each, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    compressor = zstandard.ZstdCompressor(level=3)
    batch: list[bytes] = []

    def flush() -> None:
        path = folder / f"part-{len(paths):05d}.jsonl.zst"
        path.write_bytes(compressor.compress(b"".join(batch)))
        paths.append(path)
        batch.clear()

    for record in documents(count, near=near, seed=seed):
        batch.append(orjson.dumps(record) + b"\n")
        if len(batch) == DOCS_PER_FILE:
            flush()
    if batch:
        flush()
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, required=True)
    parser.add_argument("--near", type=float, default=0.05, help="share of near-duplicates (default 0.05)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args(argv)
    paths = write(args.docs, args.out, near=args.near, seed=args.seed)
    print(f"{args.docs:,} documents in {len(paths)} files under {args.out}")


if __name__ == "__main__":
    main()
