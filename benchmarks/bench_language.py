"""Language stage vs plain seeded langdetect on the Lingua/Leipzig sentences and the UDHR.

Run from the repo root: `python -m benchmarks.bench_language` (about a minute on one core).
Data: $CORPUS_BENCH_DATA or <repo root>/../shared/benchmarks/data. Items are sampled
deterministically (by SHA-1 of the text), so every run scores the same items.

Ground truth: items in a language langdetect can output are "known" and must get that label
("nb"/"nn" count as langdetect's "no", any "zh-*" as Chinese); every other item is "unknown" and
the right answer for it is "und".
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from benchmarks.data import data_dir
from corpus.pipeline import BATCH_DOCS
from corpus.stages.language import UND, LanguageConfig, LanguageStage

LEIPZIG_PER_LANGUAGE = 40  # 75 languages -> 3,000 sentences
UDHR_LINES_PER_TEXT = 5  # ~380 translations -> ~1,900 paragraphs
UDHR_MIN_LETTERS = 20  # skip headings such as "Article 12"
DOC_CHARS = 5000  # UDHR "documents": the first 5,000 chars of each translation
CONFIDENT = 0.9

LANGDETECT = set(
    "af ar bg bn ca cs cy da de el en es et fa fi fr gu he hi hr hu id it ja kn ko lt lv mk ml mr ne nl no "
    "pa pl pt ro ru sk sl so sq sv sw ta te th tl tr uk ur vi zh-cn zh-tw".split()
)
# ISO 639-3 (UDHR file-name prefix) -> langdetect code, for the languages langdetect outputs.
ISO3 = {
    "afr": "af",
    "arb": "ar",
    "bul": "bg",
    "ben": "bn",
    "cat": "ca",
    "ces": "cs",
    "cym": "cy",
    "dan": "da",
    "deu": "de",
    "ell": "el",
    "eng": "en",
    "spa": "es",
    "est": "et",
    "pes": "fa",
    "fin": "fi",
    "fra": "fr",
    "guj": "gu",
    "heb": "he",
    "hin": "hi",
    "hrv": "hr",
    "hun": "hu",
    "ind": "id",
    "ita": "it",
    "jpn": "ja",
    "kan": "kn",
    "kor": "ko",
    "lit": "lt",
    "lav": "lv",
    "mkd": "mk",
    "mal": "ml",
    "mar": "mr",
    "nep": "ne",
    "nld": "nl",
    "nob": "no",
    "nno": "no",
    "pan": "pa",
    "pol": "pl",
    "por": "pt",
    "ron": "ro",
    "rus": "ru",
    "slk": "sk",
    "slv": "sl",
    "som": "so",
    "als": "sq",
    "swe": "sv",
    "swh": "sw",
    "tam": "ta",
    "tel": "te",
    "tha": "th",
    "tgl": "tl",
    "tur": "tr",
    "ukr": "uk",
    "urd": "ur",
    "vie": "vi",
    "cmn": "zh",
}


@dataclass(frozen=True)
class Item:
    text: str
    truth: str  # langdetect code, "zh" for either Chinese, or "und" (a language langdetect lacks)
    label: str  # the source's own label, for reports


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def leipzig_items(root: Path) -> list[Item]:
    items = []
    with tarfile.open(root / "langid-lingua-leipzig-testdata" / "language-testdata.tar.xz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            parts = member.name.split("/")
            if not member.isfile() or len(parts) < 2 or parts[-2] != "sentences":
                continue
            code = parts[-1].removesuffix(".txt")
            lines = {ln.strip() for ln in io.TextIOWrapper(tar.extractfile(member), encoding="utf-8")}
            truth = "no" if code in ("nb", "nn") else "zh" if code == "zh" else code if code in LANGDETECT else UND
            for text in sorted((ln for ln in lines if ln), key=_sha)[:LEIPZIG_PER_LANGUAGE]:
                items.append(Item(text, truth, code))
    return items


def udhr_texts(root: Path) -> list[tuple[str, str, str]]:
    """(file label, truth, text) for every labelled UDHR translation."""
    out = []
    with zipfile.ZipFile(root / "langid-udhr" / "udhr2.zip") as zf:
        for name in sorted(zf.namelist()):
            if not name.endswith(".txt"):
                continue
            label = name.rsplit("/", 1)[-1].removesuffix(".txt")
            if label[:3].isdigit():  # Unicode-UDHR ids without an ISO code: unlabelled
                continue
            truth = ISO3.get(label.split("_")[0], UND)
            out.append((label, truth, zf.read(name).decode("utf-8")))
    return out


def udhr_items(texts: list[tuple[str, str, str]]) -> list[Item]:
    items = []
    for label, truth, text in texts:
        lines = {ln.strip() for ln in text.splitlines()}
        lines = {ln for ln in lines if sum(ch.isalpha() for ch in ln) >= UDHR_MIN_LETTERS}
        items += [Item(ln, truth, label) for ln in sorted(lines, key=_sha)[:UDHR_LINES_PER_TEXT]]
    return items


def udhr_docs(texts: list[tuple[str, str, str]]) -> list[Item]:
    return [Item(text[:DOC_CHARS], truth, label) for label, truth, text in texts]


def plain_langdetect(text: str) -> tuple[str, float]:
    """The baseline: langdetect's own API on the full text, seeded, top answer of detect_langs."""
    try:
        ranked = detect_langs(text)
    except LangDetectException:
        return UND, 0.0
    return (ranked[0].lang, ranked[0].prob) if ranked else (UND, 0.0)


def run(fn: Callable[[str], tuple[str, float]], items: list[Item]) -> tuple[list[tuple[str, float]], float]:
    start = time.process_time()
    out = [fn(item.text) for item in items]
    return out, time.process_time() - start


def run_stage(stage: LanguageStage, items: list[Item]) -> tuple[list[tuple[str, float]], float]:
    """The stage as the pipeline runs it: on batches of `pipeline.BATCH_DOCS` texts."""
    start = time.process_time()
    out = []
    for first in range(0, len(items), BATCH_DOCS):
        out += [answer[:2] for answer in stage.detect_many([item.text for item in items[first : first + BATCH_DOCS]])]
    return out, time.process_time() - start


def correct(label: str, truth: str) -> bool:
    return label.startswith("zh-") if truth == "zh" else label == truth


def metrics(
    items: list[Item], preds: list[tuple[str, float]], cpu: float, base: list[tuple[str, float]]
) -> dict[str, str]:
    known = [(it, p) for it, p in zip(items, preds) if it.truth != UND]
    unknown = [(it, p) for it, p in zip(items, preds) if it.truth == UND]
    confident = [(it, p) for it, p in zip(items, preds) if p[0] != UND and p[1] >= CONFIDENT]
    answered = [(p, b, it) for p, b, it in zip(preds, base, items) if p[0] != UND]

    def pct(num: int, den: int) -> str:
        return f"{100 * num / den:5.1f}% ({num}/{den})" if den else "n/a"

    return {
        "known: accuracy": pct(sum(correct(p[0], it.truth) for it, p in known), len(known)),
        "known: labelled und": pct(sum(p[0] == UND for _, p in known), len(known)),
        "unknown: labelled und": pct(sum(p[0] == UND for _, p in unknown), len(unknown)),
        f"unknown: wrong with score >= {CONFIDENT}": pct(
            sum(p[0] != UND and p[1] >= CONFIDENT for _, p in unknown), len(unknown)
        ),
        f"all: precision of score >= {CONFIDENT}": pct(
            sum(correct(p[0], it.truth) for it, p in confident), len(confident)
        ),
        "agreement with plain where not und": pct(sum(p[0] == b[0] for p, b, _ in answered), len(answered)),
        "  same, known-language items only": pct(
            sum(p[0] == b[0] for p, b, it in answered if it.truth != UND), sum(it.truth != UND for *_, it in answered)
        ),
        "items per CPU-second": f"{len(items) / cpu:.0f}" if cpu else "n/a",
    }


def report(title: str, items: list[Item], stage: LanguageStage) -> list[tuple[str, float]]:
    base, base_cpu = run(plain_langdetect, items)
    ours, ours_cpu = run_stage(stage, items)
    n_known = sum(it.truth != UND for it in items)
    print(f"\n## {title}: {len(items)} items ({n_known} known, {len(items) - n_known} unknown)")
    m_base, m_ours = metrics(items, base, base_cpu, base), metrics(items, ours, ours_cpu, base)
    print(f"{'':44s} {'plain langdetect':>22s} {'language stage':>22s}")
    for key in m_base:
        print(f"{key:44s} {m_base[key]:>22s} {m_ours[key]:>22s}")
    wrong = Counter(
        f"{it.label}->{p[0]}" for it, p in zip(items, ours) if it.truth == UND and p[0] != UND and p[1] >= CONFIDENT
    )
    print(
        "stage, most frequent confident answers on unknown languages:",
        ", ".join(f"{k} {v}" for k, v in wrong.most_common(8)),
    )
    return ours


def main() -> None:
    root = data_dir()
    DetectorFactory.seed = 0  # "plain seeded langdetect"
    plain_langdetect("warm up langdetect's profiles")
    stage = LanguageStage(LanguageConfig())
    stage.detect("warm up the stage's profiles")
    print(f"language stage vs plain seeded langdetect; config: {LanguageConfig()}")
    print(f"data: {root}")
    report("Lingua/Leipzig sentences", leipzig_items(root), stage)
    texts = udhr_texts(root)
    report("UDHR paragraphs", udhr_items(texts), stage)
    report(f"UDHR documents (first {DOC_CHARS} chars)", udhr_docs(texts), stage)


if __name__ == "__main__":
    main()
