"""The language stage: seeded langdetect labels, `und` where the label cannot be trusted."""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import re
import subprocess
import sys
import typing
import zipfile

import pytest
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.lang_profile import LangProfile

from corpus.document import Document, Drop
from corpus.stages.language import LanguageConfig, LanguageStage, exact_langdetect
from tests.conftest import REPO, SEEDS, shared_data

STAGE = LanguageStage(LanguageConfig())


def label(text: str, config: LanguageConfig = LanguageConfig()) -> Document:
    doc = Document(id="d", source="d", text=text)
    result = LanguageStage(config).apply(doc)
    assert result is doc
    return doc


def udhr_paragraph(code: str) -> str:
    """The first paragraph of 100+ letters of one UDHR translation (the preamble's first clause)."""
    with zipfile.ZipFile(shared_data("langid-udhr", "udhr2.zip")) as zf:
        lines = zf.read(f"udhr2/{code}.txt").decode("utf-8").splitlines()
    return next(ln.strip() for ln in lines if sum(ch.isalpha() for ch in ln) >= 100)


def test_config_fields_are_simple_types() -> None:
    hints = typing.get_type_hints(LanguageConfig)
    for field in dataclasses.fields(LanguageConfig):
        assert hints[field.name] in (int, float, str, bool, tuple[str, ...]), field.name


def test_seed_documents_are_english_and_text_is_untouched() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc = label(text)
        assert (doc.language, doc.text, doc.edits) == ("en", text, []), path.name
        assert 0.9 <= doc.language_score <= 1.0 and doc.language_score == round(doc.language_score, 4)


@pytest.mark.parametrize(("code", "expected"), [("fra", "fr"), ("deu", "de"), ("rus", "ru"), ("jpn", "ja")])
def test_udhr_paragraphs_in_known_languages(code: str, expected: str) -> None:
    doc = label(udhr_paragraph(code))
    assert doc.language == expected and doc.language_score >= 0.9


@pytest.mark.parametrize(
    "code",
    [
        "zul",  # Zulu: plain langdetect says "sw" (trigram coverage 0.54)
        "quy",  # Ayacucho Quechua: plain langdetect says "sw" (coverage 0.53)
        "hye",  # Armenian: plain langdetect says "et" with 1.0 from the few Latin-block n-grams left
        "kat",  # Georgian: likewise
    ],
)
def test_udhr_paragraphs_in_languages_langdetect_lacks_are_und(code: str) -> None:
    doc = label(udhr_paragraph(code))
    assert (doc.language, doc.language_score) == ("und", 0.0)


@pytest.mark.parametrize("text", ["", "   \n", "Hello.", "Bonjour!", "12:30 - 14:45 (2024)", "★★★ 100% ★★★", "日本"])
def test_short_text_or_no_letters_is_und(text: str) -> None:
    doc = label(text)
    assert (doc.language, doc.language_score) == ("und", 0.0)


def test_long_text_reads_only_a_bounded_prefix() -> None:
    english = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    french = "Tous les êtres humains naissent libres et égaux en dignité et en droits. " * 200
    assert label(english[:900] + "\n" + french).language == "en"
    assert label(english[:900] + "\n" + french, LanguageConfig(max_chars=20_000)).language == "fr"


def test_keep_languages_drops_the_others_with_a_reason() -> None:
    text = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    kept = LanguageStage(LanguageConfig(keep_languages=("en", "fr"))).apply(Document(id="a", source="a", text=text))
    assert isinstance(kept, Document) and kept.language == "en"
    dropped = LanguageStage(LanguageConfig(keep_languages=("fr",))).apply(Document(id="b", source="b", text=text))
    assert isinstance(dropped, Drop) and dropped.reason == "language_not_kept"
    assert "language=en" in (dropped.detail or "")
    short = LanguageStage(LanguageConfig(keep_languages=("en",))).apply(Document(id="c", source="c", text="Hi"))
    assert isinstance(short, Drop) and "language=und" in (short.detail or "")
    assert isinstance(
        LanguageStage(LanguageConfig(keep_languages=("und",))).apply(Document(id="d", source="d", text="Hi")), Document
    )


def test_library_versions_name_what_computes_the_labels() -> None:
    from importlib.metadata import version

    assert LanguageStage.library_versions() == {"langdetect": version("langdetect"), "numpy": version("numpy")}


# Texts where langdetect's random sampling matters: short, mixed or ambiguous.
DETERMINISM_TEXTS = [
    "Ek stem dus saam met Karel Combrinck.",
    "Självklart kan du få en bärbar burk om du så önskar.",
    "Pachantin ayllu wawaq allin kausaypi kananta yuyaykuspan",
    "Ce n'est pas grave, the meeting is at noon, bis morgen.",
    "Da die Anerkennung der angeborenen Würde",
    "Iratkozni július 31-ig lehet.",
    "Они небезногие и небезносые.",
]
_SCRIPT = (
    "import json, sys\n"
    "from corpus.stages.language import LanguageConfig, LanguageStage\n"
    "stage = LanguageStage(LanguageConfig(min_score=0.0, min_coverage=0.0))\n"
    "texts = json.loads(sys.stdin.read())\n"
    "print(json.dumps({t: stage.detect(t)[:2] for t in texts}))\n"
)


def test_labels_and_scores_are_identical_across_processes_and_orders() -> None:
    def in_subprocess(texts: list[str], hash_seed: str) -> dict[str, list]:
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", _SCRIPT],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            check=True,
            timeout=60,
        )
        return json.loads(out.stdout)

    first = in_subprocess(DETERMINISM_TEXTS, "1")
    second = in_subprocess(DETERMINISM_TEXTS[::-1], "2")
    stage = LanguageStage(LanguageConfig(min_score=0.0, min_coverage=0.0))
    here = {t: list(stage.detect(t)[:2]) for t in DETERMINISM_TEXTS * 2}
    assert first == second == here


def test_probabilities_are_identical_to_plain_langdetect() -> None:
    """The numpy rewrite of langdetect's inner loops must give langdetect's own numbers."""
    reuters = gzip.decompress(shared_data("neardup-reuters21578", "sgm", "reut2-001.sgm.gz").read_bytes())
    texts = re.findall(r"<BODY>(.*?)</BODY>", reuters.decode("latin-1"), re.DOTALL)[:120]
    with zipfile.ZipFile(shared_data("langid-udhr", "udhr2.zip")) as archive:
        for name in sorted(archive.namelist())[::6]:
            if name.endswith(".txt"):
                texts += [p for p in archive.read(name).decode("utf-8").splitlines() if len(p) > 40][3:5]
    texts += ["ALL CAPS HEADLINE and then lower case", "Straße in Köln", "日本語のテキストです"]
    factory = DetectorFactory()  # langdetect's own, loading the profiles in the same (sorted) order
    names = sorted(n for n in os.listdir(PROFILES_DIRECTORY) if not n.startswith("."))
    for index, name in enumerate(names):
        with open(os.path.join(PROFILES_DIRECTORY, name), encoding="utf-8") as f:
            factory.add_profile(LangProfile(**json.load(f)), index, len(names))
    assert tuple(factory.langlist) == exact_langdetect.profiles().languages
    expected = []
    for text in texts:
        plain = factory.create()
        plain.seed = 0
        plain.append(text)
        try:
            expected.append([(language.lang, language.prob) for language in plain.get_probabilities()])
        except LangDetectException:
            expected.append(None)
    found = [exact_langdetect.features(text) for text in texts]
    assert [f.grams.size == 0 for f in found] == [e is None for e in expected]
    walked = [(f, e) for f, e in zip(found, expected) if e is not None]
    together = exact_langdetect.probabilities([f for f, _ in walked], n_trial=7, seed=0)
    alone = [exact_langdetect.probabilities([f], n_trial=7, seed=0)[0] for f, _ in walked[:40]]
    assert together == [e for _, e in walked]
    assert alone == together[:40]
    assert len(texts) > 200
