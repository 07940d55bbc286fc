"""Raw bytes to text: charset detection that never raises. (Placeholder, replaced by the measured version.)"""

from __future__ import annotations

from dataclasses import dataclass

import chardet


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


def decode(data: bytes, *, declared: str | None = None) -> Decoded:
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    guess = chardet.detect(data).get("encoding") or "latin-1"
    return Decoded(data.decode(guess, errors="replace"), guess.lower())
