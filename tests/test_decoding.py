"""Charset decoding on real legacy text: UDHR files, BOMs, lying declarations, binary bytes."""

from __future__ import annotations

import codecs
import random
import sys
import zipfile
from functools import cache
from pathlib import Path

import pytest

from corpus.readers.decoding import Decoded, decode, looks_binary
from tests.conftest import SEEDS, shared_data


@cache
def udhr(name: str) -> bytes:
    """One legacy-encoded file of NLTK's udhr.zip (about 10,000 bytes, possibly cut mid-character)."""
    with zipfile.ZipFile(shared_data("langid-udhr", "udhr.zip")) as z:
        return z.read(f"udhr/{name}")


@cache
def udhr2(code: str) -> str:
    """One UTF-8 translation of udhr2.zip, first 3000 characters."""
    with zipfile.ZipFile(shared_data("langid-udhr", "udhr2.zip")) as z:
        return z.read(f"udhr2/{code}.txt").decode("utf-8")[:3000]


# (file, codec that really reads it): labels are NLTK's, except Russian ("Cyrillic", really cp1251)
# and Tongan ("Latin1" with cp1252 quotes for the glottal stop).
LEGACY = [
    ("French_Francais-Latin1", "cp1252"),
    ("Spanish-Latin1", "cp1252"),
    ("Wolof-Latin1", "cp1252"),  # chardet alone says cp1257 ("ń" for "ñ")
    ("Tongan_Tonga-Latin1", "cp1252"),
    ("Polish-Latin2", "cp1250"),
    ("Czech_Cesky-Latin2", "cp1250"),
    ("Hungarian_Magyar-Latin2", "iso8859-2"),
    ("Russian-Cyrillic", "cp1251"),
    ("Mongolian_Khalkha-Cyrillic", "iso8859-5"),
    ("Greek_Ellinika-Greek", "iso8859-7"),
    ("Japanese_Nihongo-SJIS", "shift_jis"),
    ("Japanese_Nihongo-EUC", "euc-jp"),
    ("Chinese_Mandarin-GB2312", "gb2312"),
]


@pytest.mark.parametrize(("name", "codec"), LEGACY)
def test_legacy_udhr_files_decode_to_their_text(name: str, codec: str) -> None:
    data = udhr(name)
    expected = data.decode(codec, errors="replace").rstrip("\ufffd")  # files are cut at ~10 KB
    decoded = decode(data)
    assert decoded.text.rstrip("\ufffd") == expected
    assert decoded.encoding == decoded.encoding.lower()
    assert codecs.lookup(decoded.encoding)


def test_truncated_utf8_file_is_utf8_with_one_replacement_at_the_cut() -> None:
    data = udhr("Chinese_Mandarin-UTF8")  # BOM, then cut inside the last character
    decoded = decode(data)
    assert decoded.encoding == "utf-8"
    assert not decoded.text.startswith("\ufeff")
    assert decoded.text == data[3:].decode("utf-8", errors="replace")
    assert decoded.text.count("\ufffd") == 1


def test_seven_bit_iso2022_is_not_taken_for_ascii() -> None:
    decoded = decode(udhr("Japanese_Nihongo-JIS"))
    assert decoded.encoding.startswith("iso2022_jp")
    assert "人" in decoded.text


@pytest.mark.parametrize("code", ["eng", "fra", "rus", "jpn", "cmn_hans"])
def test_utf8_text_is_decoded_as_utf8(code: str) -> None:
    text = udhr2(code)
    assert decode(text.encode("utf-8")) == Decoded(text, "utf-8")


@pytest.mark.parametrize(
    ("code", "codec"), [("fra", "cp1252"), ("deu", "cp1252"), ("pol", "cp1250"), ("rus", "cp1251"), ("rus", "koi8-r")]
)
def test_ordinary_text_in_its_legacy_code_page(code: str, codec: str) -> None:
    text = udhr2(code).replace("\u2010", "-")
    assert decode(text.encode(codec)).text == text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_bom_is_honoured_and_stripped(bom: bytes, codec: str) -> None:
    text = "Déclaration universelle des droits de l’homme"
    assert decode(bom + text.encode(codec)) == Decoded(text, codec)
    assert not looks_binary(bom + text.encode(codec))


def test_bom_wins_over_a_declaration() -> None:
    assert decode(codecs.BOM_UTF8 + "naïve".encode(), declared="iso-8859-1") == Decoded("naïve", "utf-8")


def test_utf16_without_bom_is_recognised() -> None:
    text = "Universal Declaration of Human Rights, Article 1."
    assert decode(text.encode("utf-16-le")) == Decoded(text, "utf-16-le")
    assert not looks_binary(text.encode("utf-16-le"))


def test_plausible_declaration_is_honoured() -> None:
    # Slovenian in cp1250 reads as plausible cp1252 too ("è" for "č"); the declaration decides.
    text = udhr2("slv").replace("\u2010", "-")
    assert decode(text.encode("cp1250"), declared="windows-1250") == Decoded(text, "cp1250")


def test_latin1_label_means_cp1252() -> None:
    data = "l’homme – “libre”".encode("cp1252")
    assert decode(data, declared="ISO-8859-1") == Decoded("l’homme – “libre”", "cp1252")


def test_lying_declaration_is_overridden() -> None:
    data = udhr("Russian-Cyrillic")  # the UDHR label says ISO-8859-5; the bytes are cp1251
    decoded = decode(data, declared="iso-8859-5")
    assert decoded.encoding == "cp1251"
    assert "Всеобщая декларация прав человека".lower() in decoded.text.lower()
    french = udhr2("fra").replace("\u2010", "-")
    assert decode(french.encode("cp1252"), declared="windows-1251").text == french
    assert decode(french.encode("utf-8"), declared="iso-8859-1").text == french


@pytest.mark.parametrize("declared", [None, "", "no-such-charset", "utf-8", "base64", "rot13", "x" * 300])
def test_odd_declarations_never_raise(declared: str | None) -> None:
    assert isinstance(decode(b"caf\xe9 cr\xe8me", declared=declared).text, str)


def test_random_and_binary_bytes_never_raise() -> None:
    rng = random.Random(1948)
    blobs = [b"", b"\x00", b"\xff", b"\x1b$B", b"~{", b"\xef\xbb", b"\xff\xfe\x00"]
    blobs += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))) for _ in range(40)]
    samples = [
        ("Déclaration " * 20).encode("cp1252"),
        ("Déclaration " * 20).encode("utf-16-le"),
        ("世界人権宣言 " * 20).encode("shift_jis"),
    ]
    blobs += [sample[:n] for sample in samples for n in (1, 2, 3, 17)]
    for blob in blobs:
        decoded = decode(blob)
        assert isinstance(decoded.text, str) and isinstance(decoded.encoding, str)
        assert codecs.lookup(decoded.encoding)
        assert isinstance(decode(bytearray(blob), declared="shift_jis").text, str)


PNG_HEADER = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61")


def test_looks_binary() -> None:
    assert looks_binary(PNG_HEADER)
    assert looks_binary(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(40)))
    assert looks_binary(b"\x7fELF\x02\x01\x01" + b"\x00" * 60)
    assert not looks_binary(b"some text\x00with a NUL in it")  # a stray NUL: the encoding stage removes it
    rng = random.Random(7)
    assert looks_binary(bytes(rng.randrange(256) for _ in range(4096)))
    assert not looks_binary(b"")
    assert not looks_binary(b"plain ASCII text\n\twith tabs\r\n")
    assert not looks_binary("Käse, Straße, œuvre".encode("cp1252"))


def inject(data: bytes, count: int, rng: random.Random, choices: bytes = b"\x00") -> bytes:
    """`count` control bytes put before random spaces or line breaks of `data`: between two
    characters in UTF-8 and in every legacy code page (a trail byte is never 0x20 or 0x0A)."""
    out = bytearray(data)
    for _ in range(count):
        places = [i for i, byte in enumerate(out) if byte in b" \n"] or [len(out)]
        out.insert(rng.choice(places), rng.choice(choices))
    return bytes(out)


STRAYS = bytes([0x00, 0x01, 0x02, 0x07, 0x08, 0x0E, 0x10, 0x1A, 0x1F, 0x7F])


def test_real_text_with_stray_control_bytes_is_text_in_any_encoding() -> None:
    """Seeds (UTF-8) and UDHR files in legacy code pages, with up to 10 stray NULs or other C0
    controls each: still text, decoded the same once the strays are gone."""
    rng = random.Random(17)
    texts = [path.read_bytes() for path in sorted(SEEDS.glob("*.txt"))] + [udhr(name) for name, _ in LEGACY]
    prose = b"The council met on Tuesday and approved the new budget for 2024."
    texts.append(prose)  # 65 bytes
    for data in texts:
        clean = decode(data)
        for count in (1, 2, 10):
            for choices in (b"\x00", STRAYS):
                if len(data) < 100 and count > 1:
                    continue
                dirty = inject(data, count, rng, choices)
                assert not looks_binary(dirty), (data[:40], count, choices)
                decoded = decode(dirty)
                assert decoded.text.translate(dict.fromkeys(STRAYS)) == clean.text.translate(dict.fromkeys(STRAYS))
    assert not looks_binary(inject(prose, 1, rng))


def binary_files() -> dict[str, list[Path]]:
    """Real binary files of this Python installation, by kind: compiled bytecode (some hold
    mostly strings: the hardest case, 0.9% control bytes), shared libraries, gettext catalogs,
    gzip, NumPy and IDL data, Windows executables (no signature the reader knows)."""
    root = Path(sys.prefix)
    found: dict[str, list[Path]] = {}
    for suffix in (".pyc", ".so", ".mo", ".gz", ".npy", ".npz", ".sav", ".exe"):
        found[suffix] = sorted(root.rglob(f"*{suffix}"))[:400]
    found["python"] = [Path(sys.executable).resolve()]
    return {kind: paths for kind, paths in found.items() if paths}


def test_real_binary_files_look_binary() -> None:
    kinds = binary_files()
    assert {".pyc", ".so", "python"} <= set(kinds)
    for paths in kinds.values():
        for path in paths:
            assert looks_binary(path.read_bytes()[:65536]), path


def test_legacy_text_does_not_look_binary() -> None:
    for name, _ in LEGACY:
        assert not looks_binary(udhr(name)), name
    assert not looks_binary(udhr("Hungarian_Magyar-Unicode"))  # UTF-16-LE with BOM
    assert not looks_binary(udhr("Japanese_Nihongo-JIS"))  # 7-bit with ESC sequences


def test_utf8_with_a_few_stray_latin1_bytes_stays_utf8() -> None:
    """A UTF-8 page with a Latin-1 `alt` text pasted in (seen in the trafilatura eval set)."""
    article = (SEEDS / "000_9c357a5e9c026ce2.txt").read_bytes()
    data = article + ' <img alt="für die Vögel">'.encode("latin-1")
    decoded = decode(data)
    assert decoded.encoding == "utf-8+cp1252"
    assert decoded.text == article.decode("utf-8") + ' <img alt="für die Vögel">'
