"""langdetect's detection, giving langdetect's exact probabilities, several times faster.

langdetect was the pipeline's slowest step (2 ms per Reuters story, half of the five stages'
CPU time). Its time goes to Python loops over characters and over its 55 languages, once per
random draw (about 450 draws per story). Here the same computation is done with the same random
draws and the same floating-point operations in the same order:

- the n-grams are found once per distinct word, not per character (langdetect's n-grams never
  cross a space), and cached per process;
- the random draws are read from the generator's output stream, drawn once per process:
  langdetect reseeds before every text, so every text reads the same stream;
- the random walk of many texts advances together, one numpy step for all of them.

tests/test_language.py compares the result with plain langdetect's on Reuters and UDHR text.
"""

from __future__ import annotations

import functools
import math
import os
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import orjson
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.utils.ngram import NGram


@dataclass(frozen=True)
class Profiles:
    """langdetect's language profiles: `matrix[ids[gram]]` is the n-gram's probability in each
    language of `languages`, the numbers `DetectorFactory.add_profile` computes."""

    languages: tuple[str, ...]
    ids: dict[str, int]
    matrix: np.ndarray


@functools.cache
def profiles() -> Profiles:
    """Loaded once per process, in sorted file order (langdetect's own loader follows
    os.listdir order, which differs between file systems and changes the order in which
    probabilities are summed). Built with numpy: langdetect's loop took 0.4 s per process."""
    names = sorted(n for n in os.listdir(PROFILES_DIRECTORY) if not n.startswith("."))
    loaded = []
    for name in names:
        with open(os.path.join(PROFILES_DIRECTORY, name), "rb") as f:
            loaded.append(orjson.loads(f.read()))
    ids: dict[str, int] = {}
    for profile in loaded:
        for gram in profile["freq"]:
            ids.setdefault(gram, len(ids))
    matrix = np.zeros((len(ids), len(loaded)))
    for column, profile in enumerate(loaded):
        grams = list(profile["freq"])
        counts = np.array(list(profile["freq"].values()), dtype=np.float64)
        per_length = np.array(profile["n_words"], dtype=np.float64)[np.array([len(g) for g in grams]) - 1]
        matrix[[ids[g] for g in grams], column] = counts / per_length
    return Profiles(tuple(profile["name"] for profile in loaded), ids, matrix)


@dataclass
class Features:
    """What langdetect reads from a text: its known n-grams, in langdetect's order, and all its
    character trigrams (-1 where langdetect has no profile entry), as rows of `profiles().matrix`."""

    grams: np.ndarray
    trigrams: np.ndarray


_LATIN = re.compile("[A-z]")  # langdetect's own test: 'A' <= ch <= 'z'
_NON_LATIN = re.compile("[\u0300-\u1dff\u1f00-\U0010ffff]")  # >= U+0300, not Latin Extended Additional


def features(text: str) -> Features:
    """`Detector.append`, `cleaning_text` and `_extract_ngrams`, as langdetect does them."""
    text = Detector.URL_RE.sub(" ", text)
    text = Detector.MAIL_RE.sub(" ", text)
    text = re.sub(" {2,}", " ", NGram.normalize_vi(text)[:10000])  # langdetect's max_text_length
    latin = len(text) - len(_LATIN.sub("", text))
    if latin * 2 < len(text) - len(_NON_LATIN.sub("", text)):
        text = _LATIN.sub("", text)
    words, ids = _word_cache(), profiles().ids
    grams: list[int] = []
    trigrams: list[int] = []
    parts = text.translate(_NORMALIZED).split(" ")
    last = len(parts) - 1
    for index, part in enumerate(parts):
        if not part:
            continue
        key = part if index == last else part + " "  # the space that ends a word adds n-grams too
        found = words.get(key)
        if found is None:
            if len(words) >= _WORD_CACHE_SIZE:
                words.clear()
            found = words[key] = _walk_word(key, ids)
        grams += found[0]
        trigrams += found[1]
    return Features(np.array(grams, dtype=np.intp), np.array(trigrams, dtype=np.intp))


def _walk_word(word: str, ids: dict[str, int]) -> tuple[list[int], list[int]]:
    """`NGram.add_char` over one normalized word (and the space after it), from langdetect's state
    after a space; an all-caps word gives nothing after its first letter, as in langdetect."""
    grams: list[int] = []
    trigrams: list[int] = []
    window, capital_word = " ", False
    for norm in word:
        last = window[-1]
        if len(window) >= 3:
            window = window[1:]
        window += norm
        if norm.isupper():
            if last.isupper():
                capital_word = True
        else:
            capital_word = False
        if capital_word:
            continue
        for n in (1, 2, 3):
            if len(window) < n:
                break
            gram = window[-n:]
            if gram != " " and (row := ids.get(gram)) is not None:
                grams.append(row)
        if len(window) >= 3:  # word-initial/final trigrams carry a space, as in the profiles
            trigrams.append(ids.get(window, -1))
    return grams, trigrams


class _Normalized(dict[int, str]):
    """`NGram.normalize` as a `str.translate` table, filled as characters are first seen."""

    def __missing__(self, code: int) -> str:
        norm = self[code] = NGram.normalize(chr(code))
        return norm


_NORMALIZED = _Normalized()
_WORD_CACHE_SIZE = 200_000


@functools.cache
def _word_cache() -> dict[str, tuple[list[int], list[int]]]:
    return {}


def coverage(found: Features, language: str) -> float:
    """Share of the text's trigrams in one language's profile."""
    if not len(found.trigrams):
        return 0.0
    known = profiles()
    rows = found.trigrams[found.trigrams >= 0]
    in_profile = np.count_nonzero(known.matrix[rows, known.languages.index(language)] > 0.0)
    return in_profile / len(found.trigrams)


class _Stream:
    """The 32-bit outputs of `random.Random(seed)`, in order.

    CPython's `getrandbits(32 * n)` packs n outputs little-endian; `getrandbits(k)` for k <= 32
    is one output shifted right by 32 - k; `random()` is built from two outputs. langdetect's
    `choice(seq)` is `getrandbits(len(seq).bit_length())` retried while out of range.
    """

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self.words = np.zeros(0, dtype=np.uint32)

    def upto(self, end: int) -> np.ndarray:
        if end > len(self.words):
            count = max(end - len(self.words), 1 << 16)
            more = self._random.getrandbits(32 * count).to_bytes(4 * count, "little")
            self.words = np.concatenate([self.words, np.frombuffer(more, dtype="<u4").astype(np.uint32)])
        return self.words

    def uniform(self, at: int) -> float:
        """`random.random()` from the two outputs at `at`."""
        a, b = self.upto(at + 2)[at : at + 2].tolist()
        return ((a >> 5) * 67108864.0 + (b >> 6)) * (1.0 / 9007199254740992.0)

    def gauss_pair(self, at: int) -> tuple[float, float]:
        """`random.gauss()` from the four outputs at `at`: the value returned and the one kept."""
        x2pi = self.uniform(at) * (2.0 * math.pi)
        g2rad = math.sqrt(-2.0 * math.log(1.0 - self.uniform(at + 2)))
        return math.cos(x2pi) * g2rad, math.sin(x2pi) * g2rad


@functools.cache
def _stream(seed: int) -> _Stream:
    return _Stream(seed)


def _row_sums(rows: np.ndarray) -> np.ndarray:
    """Each row's sum exactly as Python's `sum()` (langdetect's) gives it: left to right until
    Python 3.12, which made `sum()` of floats compensated."""
    if sys.version_info < (3, 12):
        return np.cumsum(rows, axis=1)[:, -1]
    return np.array([sum(row) for row in rows.tolist()])


_BUFFER = 512  # random draws held per text; refilled when a walk needs more


def probabilities(texts: Sequence[Features], *, n_trial: int, seed: int) -> list[list[tuple[str, float]]]:
    """`Detector._detect_block` + `_sort_probability` for each text (each must have n-grams).

    langdetect runs `n_trial` random walks per text: each multiplies the 55 language
    probabilities by those of randomly drawn n-grams, normalizing after the first draw and after
    every 5th, until one language passes 0.99999 (or 1,001 draws). Here a walk's first draw is
    taken alone, then each step takes the next 5 draws of every walk under way, with the same
    products in the same order.
    """
    known = profiles()
    walks = _Walks(texts, n_trial, _stream(seed), known.matrix)
    while walks.step():
        pass
    ranked = []
    for row in walks.langprob.tolist():
        found = [(lang, p) for lang, p in zip(known.languages, row) if p > Detector.PROB_THRESHOLD]
        found.sort(key=lambda item: item[1], reverse=True)
        ranked.append(found)
    return ranked


class _Walks:
    """The random walks of a batch of texts. Rows of the arrays are the texts still walking
    (`text` maps a row to its text); a row goes when its text's last walk ends. The n-grams are
    renumbered into a matrix of the batch's own n-grams, small enough to stay in cache."""

    def __init__(self, texts: Sequence[Features], n_trial: int, stream: _Stream, matrix: np.ndarray) -> None:
        used, local = np.unique(
            np.concatenate([np.zeros(0, dtype=np.intp)] + [t.grams for t in texts]), return_inverse=True
        )
        bounds = np.cumsum([0] + [len(text.grams) for text in texts])
        self.grams = [local[start:end] for start, end in zip(bounds[:-1], bounds[1:])]
        self.matrix = matrix[used]
        self.n_trial, self.stream = n_trial, stream
        count, self.size = len(texts), matrix.shape[1]
        self.langprob = np.zeros((count, self.size))
        self.text = np.arange(count)
        self.trial = np.zeros(count, dtype=np.intp)
        self.kept_gauss: list[float | None] = [None] * count  # random.gauss keeps a second value
        self.drawn = np.zeros((count, _BUFFER), dtype=np.intp)  # the next draws, as matrix rows
        self.drawn_at = np.zeros((count, _BUFFER), dtype=np.int64)  # their positions in the stream
        self.cursor = np.zeros(count, dtype=np.intp)
        self.steps = np.zeros(count, dtype=np.intp)  # draws taken in the current walk
        self.weight = np.zeros((count, 1))
        self.prob = np.zeros((count, self.size))
        self.offsets = np.arange(5)
        self.limit = Detector.ITERATION_LIMIT + 1
        for row in range(count):
            self._start_walk(row, 0)

    def _fill(self, row: int, at: int) -> None:
        """Buffer the draws of `choice(grams)` from stream position `at` on."""
        grams = self.grams[self.text[row]]
        shift = 32 - len(grams).bit_length()
        span = 2 * _BUFFER + 64
        while True:
            window = self.stream.upto(at + span)[at : at + span] >> shift
            taken = np.flatnonzero(window < len(grams))
            if len(taken) >= _BUFFER:
                break
            span *= 2
        taken = taken[:_BUFFER]
        self.drawn[row] = grams[window[taken]]
        self.drawn_at[row] = taken + at
        self.cursor[row] = 0

    def _after_last_draw(self, row: int) -> int:
        return int(self.drawn_at[row, self.cursor[row] - 1]) + 1

    def _start_walk(self, row: int, at: int) -> None:
        """A new walk for the row's text from stream position `at`, through its first draw."""
        text = self.text[row]
        while True:
            gauss = self.kept_gauss[text]
            self.kept_gauss[text] = None
            if gauss is None:
                gauss, self.kept_gauss[text] = self.stream.gauss_pair(at)
                at += 4
            alpha = Detector.ALPHA_DEFAULT + (0.0 + gauss * 1.0) * Detector.ALPHA_WIDTH  # gauss(0.0, 1.0)
            weight = self.weight[row, 0] = alpha / Detector.BASE_FREQ
            self.cursor[row] = np.searchsorted(self.drawn_at[row], at)
            if self.cursor[row] + 5 > _BUFFER or self.trial[row] == 0:
                self._fill(row, at)
            prob = np.full(self.size, 1.0 / self.size) * (weight + self.matrix[self.drawn[row, self.cursor[row]]])
            prob /= sum(prob.tolist())
            self.prob[row] = prob
            self.cursor[row] += 1
            self.steps[row] = 1
            if prob.max() <= Detector.CONV_THRESHOLD:
                return
            self.langprob[text] += prob / self.n_trial  # converged on one draw: never seen, but possible
            self.trial[row] += 1
            if self.trial[row] == self.n_trial:
                return
            at = self._after_last_draw(row)

    def step(self) -> bool:
        """The next 5 draws of every walk under way; False when all have ended."""
        walking = self.trial < self.n_trial
        if not walking.all():
            for name in ("text", "trial", "drawn", "drawn_at", "cursor", "steps", "weight", "prob"):
                setattr(self, name, getattr(self, name)[walking])
        if not len(self.text):
            return False
        if self.cursor.max() + 5 > _BUFFER:
            for row in np.flatnonzero(self.cursor + 5 > _BUFFER).tolist():
                self._fill(row, self._after_last_draw(row))
        count = len(self.text)
        ids = self.drawn[np.arange(count)[:, None], self.cursor[:, None] + self.offsets]
        draws = self.matrix[ids.ravel()].reshape(count, 5 * self.size)
        draws += self.weight
        draws = draws.reshape(count, 5, self.size)
        prob = self.prob * draws[:, 0]
        for draw in range(1, 5):
            prob *= draws[:, draw]
        prob /= _row_sums(prob)[:, None]
        self.prob = prob
        self.cursor += 5
        self.steps += 5
        ended = np.flatnonzero((prob.max(axis=1) > Detector.CONV_THRESHOLD) | (self.steps >= self.limit))
        if len(ended):
            self._end_walks(ended)
        return True

    def _end_walks(self, rows: np.ndarray) -> None:
        self.langprob[self.text[rows]] += self.prob[rows] / self.n_trial
        self.trial[rows] += 1
        for row in rows.tolist():
            if self.trial[row] < self.n_trial:
                self._start_walk(row, self._after_last_draw(row))
