"""Charset detection accuracy and speed: chardet, faust-cchardet, charset-normalizer and ours.

Data (`langid-udhr/` in the benchmark data dir, see its SOURCE.md):

* UDHR legacy: the 320 files of `udhr.zip` whose label names a codec Python has, mapped as
  NLTK's reader does (Polish*-Latin2 and Czech_Cesky-UTF8 are cp1250, *-Cyrillic ISO-8859-5,
  Hungarian_Magyar-Unicode UTF-16-LE, Lithuanian Baltic latin4, Turkish latin5, ...).
  Reading the files shows that label is wrong for 50 of them (32 Latin1, 10 Latin2, 8 Cyrillic),
  so the reference ("truth") is corrected where the label's decoding is not text:
  - BOMs (91 UTF-8 files, the UTF-16 file) are stripped: decode() must strip them;
  - "Latin1" files containing bytes 0x80-0x9F are cp1252 (curly quotes, dashes, š), which is
    what the label means on the web (WHATWG); "Latin2" files with such bytes are cp1250 (Š=0x8A);
  - 7 "Cyrillic" files are cp1251 (Russian x2, Bulgarian, Ukrainian, Belarusian, and the Bosnian
    and Serbian files, which also use Latin look-alike letters) and Kazakh is ptcp154; read as
    ISO-8859-5 they are mojibake ("хь їыхэрь" for "ем членам").
  The column "labels" scores against the uncorrected NLTK mapping (BOM stripped), for reference.
  The row "declared=label" passes that mapping as `declared` (a lie for those 50 files), and for the
  re-encoded set the true encoding.
  Lithuanian (latin4 with a few cp1252 bytes) and Latvian (a font encoding, labelled Latin1) have
  no correct codec; they stay as labelled.
* Re-encoded: each `udhr2.zip` text (UTF-8; first 4000 characters, NFC, U+2010 HYPHEN replaced by
  "-" because no code page has it) as UTF-8, plus the legacy encodings of the first tier in TIERS
  that can represent it (cp1252 and ISO-8859-15 for Western text, cp1250 and ISO-8859-2 for
  Central European, cp1251/KOI8-R/ISO-8859-5 for Cyrillic, ...), skipping byte-identical copies.
  Texts containing C0/C1 control characters (mojibake in the source) are left out.

"Right" means the decoded text equals the reference. The UDHR files are cut at ~10,000 bytes,
sometimes inside a character: the reference is decoded with errors="replace" and a trailing run of
U+FFFD (the cut character) is ignored on both sides. MB/s is over all bytes of both sets.
"""

from __future__ import annotations

import codecs
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.data import data_dir
from corpus.readers.decoding import decode

# Label -> codec, as NLTK's UdhrCorpusReader maps them (first match wins).
NLTK_LABELS: tuple[tuple[str, str], ...] = (
    (r"(Polish|Polish_Polski)-Latin2$|Czech_Cesky-UTF8$", "cp1250"),
    (r"Hungarian_Magyar-Unicode$", "utf-16-le"),
    (r"Lithuanian_Lietuviskai-Baltic$", "latin4"),
    (r"Turkish_Turkce-Turkish$", "latin5"),
    (r"Japanese_Nihongo-EUC$", "euc-jp"),
    (r"Japanese_Nihongo-JIS$", "iso2022_jp"),
    (r"Chinese_Mandarin-HZ$", "hz"),
    (r"Abkhaz-Cyrillic\+Abkh$", "cp1251"),
    (r"/Amahuaca$", "latin-1"),
    (r"-Latin1$", "latin-1"),
    (r"-Latin2$", "iso8859-2"),
    (r"-Cyrillic$", "iso8859-5"),
    (r"-Greek$", "iso8859-7"),
    (r"-Hebrew$", "iso8859-8"),
    (r"-Arabic$", "cp1256"),
    (r"-SJIS$", "shift_jis"),
    (r"-GB2312$", "gb2312"),
    (r"-UTF8$", "utf-8"),
)
# Files whose label names the wrong code page, checked by reading them (see module docstring).
TRUTH_OVERRIDES = {
    "Russian-Cyrillic": "cp1251",
    "Russian_Russky-Cyrillic": "cp1251",
    "Bulgarian_Balgarski-Cyrillic": "cp1251",
    "Ukrainian-Cyrillic": "cp1251",
    "Belorus_Belaruski-Cyrillic": "cp1251",
    "Bosnian_Bosanski-Cyrillic": "cp1251",
    "Serbian_Srpski-Cyrillic": "cp1251",
    "Kazakh-Cyrillic": "ptcp154",
}
C1_SUPERSET = {"latin-1": "cp1252", "iso8859-2": "cp1250"}
# Legacy encodings in the order a legacy system would have picked them.  A text gets the first
# tier that can represent it (all encodings of that tier), as its authors would have: Danish in
# cp1252, not in the Baltic cp1257 that also happens to contain æøå.  CJK tiers need the script.
TIERS: tuple[tuple[tuple[str, ...], re.Pattern[str] | None], ...] = (
    (("shift_jis", "euc-jp", "iso2022_jp"), re.compile(r"[\u3040-\u30ff]")),  # kana
    (("euc-kr",), re.compile(r"[\uac00-\ud7af]")),  # hangul
    (("gbk",), re.compile(r"[\u4e00-\u9fff]")),
    (("big5",), re.compile(r"[\u4e00-\u9fff]")),
    (("cp1252", "iso8859-15"), None),
    (("cp1250", "iso8859-2"), None),
    (("cp1257",), None),
    (("cp1254",), None),
    (("cp1258",), None),
    (("cp1251", "koi8-r", "iso8859-5"), None),
    (("cp1253", "iso8859-7"), None),
    (("cp1255",), None),
    (("cp1256",), None),
    (("cp874",), None),
)


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    data: bytes
    truth: str  # reference text, trailing U+FFFD removed
    labelled: str  # reference as labelled (UDHR only; equals truth for re-encoded samples)
    declared: str  # the label's codec (UDHR: wrong for 50 files) or the encoding used (re-encoded)


def _ref(data: bytes, codec: str) -> str:
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif codec == "utf-16-le" and data.startswith(codecs.BOM_UTF16_LE):
        data = data[len(codecs.BOM_UTF16_LE) :]
    return data.decode(codec, errors="replace").rstrip("\ufffd")


def udhr_legacy() -> list[Sample]:
    samples = []
    with zipfile.ZipFile(data_dir() / "langid-udhr" / "udhr.zip") as z:
        for path in sorted(z.namelist()):
            codec = next((c for pat, c in NLTK_LABELS if re.search(pat, "/" + path.split("/")[-1])), None)
            name = path.split("/")[-1]
            if not name or codec is None:
                continue
            data = z.read(path)
            labelled = _ref(data, codec)
            truth_codec = TRUTH_OVERRIDES.get(name, codec)
            if codec in C1_SUPERSET and any("\x80" <= c <= "\x9f" for c in labelled):
                truth_codec = C1_SUPERSET[codec]
            samples.append(Sample(name, data, _ref(data, truth_codec), labelled, codec))
    return samples


def reencoded(chars: int = 4000) -> list[Sample]:
    samples = []
    with zipfile.ZipFile(data_dir() / "langid-udhr" / "udhr2.zip") as z:
        for path in sorted(p for p in z.namelist() if p.endswith(".txt")):
            text = unicodedata.normalize("NFC", z.read(path).decode("utf-8"))[:chars].replace("\u2010", "-")
            name = path.split("/")[-1]
            if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
                continue  # a few udhr2 texts carry C1 controls (cp1252 quotes gone wrong upstream)
            seen = {text.encode("utf-8")}
            samples.append(Sample(f"{name}:utf-8", text.encode("utf-8"), text, text, "utf-8"))
            if text.isascii():
                continue
            for encodings, script in TIERS:
                if script is not None and not script.search(text):
                    continue
                encoded = []
                for enc in encodings:
                    try:
                        encoded.append((enc, text.encode(enc)))
                    except UnicodeEncodeError:
                        continue
                for enc, data in encoded:
                    if data not in seen:
                        seen.add(data)
                        samples.append(Sample(f"{name}:{enc}", data, text, text, enc))
                if encoded:
                    break
    return samples


def _decode_with(data: bytes, encoding: str | None) -> str:
    try:
        return data.decode(encoding or "cp1252", errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


Detector = Callable[[bytes, str], str]  # (bytes, declared charset) -> text


def detectors() -> dict[str, Detector | None]:
    """name -> decoding function; None where the library is not installed."""
    out: dict[str, Detector | None] = {}
    try:
        import chardet

        out["chardet " + chardet.__version__] = lambda b, _: _decode_with(b, chardet.detect(b)["encoding"])
    except ImportError:
        out["chardet"] = None
    try:
        import cchardet  # faust-cchardet

        out["faust-cchardet " + cchardet.__version__] = lambda b, _: _decode_with(b, cchardet.detect(b)["encoding"])
    except ImportError:
        out["faust-cchardet"] = None
    try:
        import charset_normalizer

        def normalizer(b: bytes, _: str) -> str:
            best = charset_normalizer.from_bytes(b).best()
            return str(best) if best is not None else b.decode("cp1252", errors="replace")

        out["charset-normalizer " + charset_normalizer.__version__] = normalizer
    except ImportError:
        out["charset-normalizer"] = None
    out["ours (corpus.readers.decoding)"] = lambda b, _: decode(b).text
    out["ours, declared=label"] = lambda b, label: decode(b, declared=label).text
    return out


def score(fn: Detector, samples: list[Sample]) -> tuple[int, int, float, list[str]]:
    """(right vs truth, right vs labels, seconds, names of misses)."""
    right = labelled = 0
    misses = []
    start = time.perf_counter()
    texts = [fn(s.data, s.declared) for s in samples]
    seconds = time.perf_counter() - start
    for s, text in zip(samples, texts, strict=True):
        text = text.rstrip("\ufffd")
        right += text == s.truth
        labelled += text == s.labelled
        if text != s.truth:
            misses.append(s.name)
    return right, labelled, seconds, misses


def main() -> None:
    udhr, recoded = udhr_legacy(), reencoded()
    mb = (sum(len(s.data) for s in udhr) + sum(len(s.data) for s in recoded)) / 1e6
    print(
        f"UDHR legacy: {len(udhr)} files; re-encoded udhr2: {len(recoded)} samples "
        f"({sum(not s.name.endswith(':utf-8') for s in recoded)} legacy); {mb:.1f} MB in all"
    )
    header = f"{'detector':34} {'UDHR truth':>15} {'UDHR labels':>12} {'re-encoded':>16} {'MB/s':>7}"
    print(header)
    print("-" * len(header))
    misses: dict[str, tuple[list[str], list[str]]] = {}
    for name, fn in detectors().items():
        if fn is None:
            print(f"{name:34} {'not installed':>15}")
            continue
        r1, l1, t1, m1 = score(fn, udhr)
        r2, _, t2, m2 = score(fn, recoded)
        print(
            f"{name:34} {r1:>4}/{len(udhr)} {r1 / len(udhr):6.1%} {l1 / len(udhr):12.1%} "
            f"{r2:>4}/{len(recoded)} {r2 / len(recoded):6.1%} {mb / (t1 + t2):7.2f}",
            flush=True,
        )
        if name.startswith("ours"):
            misses[name] = (m1, m2)
    for name, (m1, m2) in misses.items():
        print(f"\n{name}, UDHR misses: {', '.join(m1) or '-'}")
        print(f"{name}, re-encoded misses: {', '.join(m2) or '-'}")


if __name__ == "__main__":
    main()
