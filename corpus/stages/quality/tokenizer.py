"""Words as the literature's quality filters cut them: spaCy's English tokenizer rules.

Gopher's and FineWeb's signals (word count, mean word length, symbol-to-word ratios, n-grams)
are defined over words, and the reference implementation (datatrove 0.10.1) gets them from
spaCy's blank English tokenizer: text split at whitespace, then punctuation, quotes and
currency cut off each piece's ends ("(U.S.", "dlrs," -> "(", "U.S.", "dlrs", ","), hyphens and
slashes between letters split out ("well-known" -> "well", "-", "known"), contractions split
("don't" -> "do", "n't"), abbreviations and URLs kept whole ("Inc.", "reuters.com").
Punctuation pieces count as words in the ratios' denominators, so a tokenizer without them
would move every document's share of words with a letter by a tenth.

This module applies the same rules (spaCy 3.8's `lang/punctuation.py`, its English and base
exceptions and its re-matching of exceptions over tokens, read from its source) with the `regex`
module to one whitespace-free piece at a time (`words.py` cuts each distinct piece once): spaCy
itself takes ten times as long and is a 100 MB dependency. On the 20,913 documents of
`python -m benchmarks quality` (news, web pages, CleanEval) both cut every document into the
same words; the symbol classes (`\\p{So}` for spaCy's list of icons) are where they could part.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

_PUNCT = "… …… , : ; ! ? ¿ ؟ ¡ ( ) [ ] { } < > _ # * & 。 ？ ！ ， 、 ； ： ～ · । ، ۔ ؛ ٪".split()
_QUOTES = "' \" ” “ ` ‘ ´ ’ ‚ , „ » « 「 」 『 』 （ ） 〔 〕 【 】 《 》 〈 〉 〈 〉 ⟦ ⟧".split()
_CURRENCY = ["$", "£", "€", "¥", "฿", "US$", "C$", "A$", "₽", "﷼", "₴", *map(chr, range(0x20A0, 0x20C0))]
_UNITS = (
    "km km² km³ m m² m³ dm dm² dm³ cm cm² cm³ mm mm² mm³ ha µm nm yd in ft kg g mg µg t lb oz "
    "m/s km/h kmh mph hPa Pa mbar mb MB kb KB gb GB tb TB T G M K %"
).split()
_HYPHENS = ["-", "–", "—", "--", "---", "——", "~"]
_LOWER = r"\p{Ll}\p{Lo}"  # spaCy counts scripts without case as both lower and upper...
_UPPER = r"\p{Lu}\p{Lo}"
_ALPHA = r"\p{L}"
_ICON = r"[\p{So}]"


def _alternatives(pieces: list[str]) -> str:
    return "|".join(regex.escape(piece) for piece in pieces)


def _chars(pieces: list[str]) -> str:
    return "".join(regex.escape(piece) for piece in pieces)


@dataclass(frozen=True)
class _Rules:
    prefix: regex.Pattern[str]
    suffix: regex.Pattern[str]
    infix: regex.Pattern[str]
    url: regex.Pattern[str]
    special: dict[str, tuple[str, ...]]  # piece -> its tokens
    matches: dict[tuple[str, ...], str]  # tokens the affix rules cut a special case into -> the case
    longest: int  # tokens in the longest of them


@functools.cache
def _rules() -> _Rules:
    """Compiled on first use, so importing corpus costs nothing here."""
    # spaCy joins each list's alternatives in order: the first that matches wins (a prefix) or the
    # leftmost match reaching the end does (a suffix).
    prefix = regex.compile(
        "^(?:"
        + "|".join(
            [
                "§",
                "%",
                "=",
                "—",
                "–",
                r"\+(?![0-9])",
                _alternatives(_PUNCT),
                r"\.\.+",
                "…",
                _alternatives(_QUOTES),
                _alternatives(_CURRENCY),
                _ICON,
            ]
        )
        + ")"
    )
    suffix = regex.compile(
        "(?:"
        + "|".join(
            [
                _alternatives(_PUNCT),
                r"\.\.+",
                "…",
                _alternatives(_QUOTES),
                _ICON,
                "'s",
                "'S",
                "’s",
                "’S",
                "—",
                "–",
                r"(?<=[0-9])\+",
                r"(?<=°[FfCcKk])\.",
                r"(?<=[0-9])(?:" + _alternatives(_CURRENCY) + ")",
                r"(?<=[0-9])(?:" + _alternatives(_UNITS) + ")",
                # spaCy builds this class from its punctuation and quote alternations, "|" and "(?:" included
                r"(?<=[0-9"
                + _LOWER
                + r"%²\-\+"
                + _chars(_PUNCT)
                + r"|(?:)"
                + _chars(_QUOTES)
                + r"])(?<![ªº])\.",  # ...but not "º"
                r"(?<=[" + _UPPER + "][" + _UPPER + r"])\.",
            ]
        )
        + ")$"
    )
    infix = regex.compile(
        "|".join(
            [
                r"\.\.+",
                "…",
                _ICON,
                r"(?<=[0-9])[+\-\*^](?=[0-9-])",
                r"(?<=[" + _LOWER + _chars(_QUOTES) + r"])\.(?=[" + _UPPER + _chars(_QUOTES) + "])",
                r"(?<=[" + _ALPHA + "]),(?=[" + _ALPHA + "])",
                r"(?<=[" + _ALPHA + "0-9])(?:" + _alternatives(_HYPHENS) + ")(?=[" + _ALPHA + "])",
                r"(?<=[" + _ALPHA + r"0-9])[:<>=/](?=[" + _ALPHA + "])",
            ]
        )
    )
    # Host names and URLs stay whole (spaCy's URL_MATCH, after Diego Perini's pattern, MIT).
    url = regex.compile(
        r"(?:[\w+\-.]{2,}://)?(?:\S+(?::\S*)?@)?"
        r"(?:(?:[1-9]\d?|1\d\d|2[01]\d|22[0-3])(?:\.(?:1?\d{1,2}|2[0-4]\d|25[0-5])){2}(?:\.(?:[1-9]\d?|1\d\d|2[0-4]\d|25[0-4]))"
        r"|(?:(?:[A-Za-z0-9\u00a1-\uffff][A-Za-z0-9\u00a1-\uffff_-]{0,62})?[A-Za-z0-9\u00a1-\uffff]\.)+["
        + _LOWER
        + "]{2,63})"
        r"(?::\d{2,5})?(?:[/?#]\S*)?"
    )
    special = _special_cases()
    rules = _Rules(prefix, suffix, infix, url, special, {}, 0)
    matches = {}
    for case in special:  # the special cases spaCy matches again over tokens: those with affixes
        tokens = _split_affixes(case, rules, {})
        if len(tokens) > 1 or prefix.search(case) or suffix.search(case) or infix.search(case):
            matches[tokens] = case
    return _Rules(prefix, suffix, infix, url, special, matches, max(map(len, matches)))


def _special_cases() -> dict[str, tuple[str, ...]]:
    """spaCy's English exceptions that the affix rules would cut otherwise: contractions
    (with and without the apostrophe, lower and title case), abbreviations, clock times."""
    cases: dict[str, tuple[str, ...]] = {}

    def add(stem: str, *clitics: str) -> None:
        for apostrophe in ("'", "’"):
            for head in (stem, stem.title()):
                cases[head + "".join(clitics).replace("'", apostrophe)] = (
                    head,
                    *(clitic.replace("'", apostrophe) for clitic in clitics),
                )
        for head in (stem, stem.title()):  # the same without apostrophes: "dont" -> "do", "nt"
            cases[head + "".join(clitics).replace("'", "")] = (head, *(c.replace("'", "") for c in clitics))

    add("i", "'m")
    add("i", "'m", "a")
    for pronoun in ("i", "you", "he", "she", "it", "we", "they"):
        for clitics in (("'ll",), ("'ll", "'ve"), ("'d",), ("'d", "'ve")):
            add(pronoun, *clitics)
    for pronoun in ("i", "you", "we", "they"):
        add(pronoun, "'ve")
    for pronoun in ("you", "we", "they"):
        add(pronoun, "'re")
    for pronoun in ("he", "she", "it"):
        add(pronoun, "'s")
    for word in ("who", "what", "when", "where", "why", "how", "there", "that", "this", "these", "those"):
        clitics_of_word: list[tuple[str, ...]] = [("'ll",), ("'ll", "'ve"), ("'d",), ("'d", "'ve")]
        if word not in ("these", "those"):
            clitics_of_word.append(("'s",))
        if word not in ("that", "this"):
            clitics_of_word += [("'re",), ("'ve",)]
        for word_clitics in clitics_of_word:
            add(word, *word_clitics)
    for verb in (
        "ca",
        "could",
        "do",
        "does",
        "did",
        "had",
        "may",
        "might",
        "must",
        "need",
        "ought",
        "sha",
        "should",
        "wo",
        "would",
    ):
        add(verb, "n't")
        add(verb, "n't", "'ve")
    for verb in ("could", "might", "must", "should", "would"):
        add(verb, "'ve")
    for verb in ("ai", "are", "is", "was", "were", "have", "has", "dare"):
        add(verb, "n't")
    for word, parts in (("cannot", ("can", "not")), ("gonna", ("gon", "na")), ("gotta", ("got", "ta"))):
        cases[word] = parts
        cases[word.title()] = (parts[0].title(), parts[1])
    for excluded in (
        "Ill",
        "ill",
        "Its",
        "its",
        "Hell",
        "hell",
        "Shell",
        "shell",
        "Shed",
        "shed",
        "were",
        "Were",
        "Well",
        "well",
        "Whore",
        "whore",
    ):
        cases.pop(excluded, None)
    for word in ("doin", "goin", "nothin", "nuthin", "ol", "somethin", "havin", "lovin"):  # "goin'"
        for head in (word, word.title()):
            cases.update({head + end: (head + end,) for end in ("", "'", "’")})
    for word in ("bout", "cause", "cos", "coz", "cuz", "nuff", "em"):  # "'cause"
        for head in (word, word.title()) if word != "em" else (word,):
            cases.update({start + head: (start + head,) for start in ("", "'", "’")})
    for apostrophe in ("'", "’"):
        for head in ("c", "C"):
            cases[f"{head}{apostrophe}mon"] = (f"{head}{apostrophe}m", "on")
        cases[f"y{apostrophe}all"] = (f"y{apostrophe}", "all")
    cases["yall"] = ("y", "all")
    for hour in range(1, 13):
        for period in ("a.m.", "am", "p.m.", "pm"):
            cases[f"{hour}{period}"] = (str(hour), period)
    whole = (
        "'s 'S ’s ’S 'd ’d 'll ’ll 're ’re 've ’ve 'em ’em 'bout ’bout 'cause ’cause 'cos ’cos "
        "'nuff ’nuff ' '' ’ ’’ — and/or w/o C++ a.m. p.m. e.g. E.g. E.G. i.e. I.e. I.E. vs. v.s. "
        "Ph.D. D.C. N.C. N.D. N.H. N.J. N.M. N.Y. S.C. Adm. Ak. Ala. Apr. Ariz. Ark. Aug. Bros. Calif. "
        "Co. co. Colo. Conn. Corp. Dec. Del. Dr. Feb. Fla. Ga. Gen. Gov. Ia. Id. Ill. Inc. Ind. Jan. Jr. "
        "Jul. Jun. Kan. Kans. Ky. La. Ltd. Mar. Mass. Md. Messrs. Mich. Minn. Miss. Mo. Mont. Mr. Mrs. "
        "Ms. Mt. Neb. Nebr. Nev. Nov. Oct. Okla. Ore. Pa. Prof. Rep. Rev. Sen. Sep. Sept. St. Tenn. Va. "
        "Wash. Wis. o'clock O'clock o’clock O’clock ma'am Ma'am ma’am Ma’am ä. ö. ü."
    ).split()
    cases.update({word: (word,) for word in whole + _EMOTICONS.split()})
    cases.update({f"{letter}.": (f"{letter}.",) for letter in "abcdefghijklmnopqrstuvwxyz"})
    cases.update({f"°{unit}.": ("°", unit, ".") for unit in "cfkCFK"})
    return cases


# spaCy keeps these whole; they matter beyond chat text because ":)" and "8)" also end "(see
# note 8)" and "(PWA):", which spaCy then keeps as one piece.
_EMOTICONS = r"""
:) :-) :)) :-)) :))) :-))) (: (-: =) (= :] :-] [: [-: [= =] :o) (o: :} :-} 8) 8-) (-8 ;) ;-) (; (-; :( :-(
:(( :-(( :((( :-((( ): )-: =( >:( :') :'-) :'( :'-( :/ :-/ =/ =| :| :-| ]= =[ :1 :P :-P :p :-p :O :-O :o
:-o :0 :-0 :() >:o :* :-* :3 :-3 =3 :> :-> :X :-X :x :-x :D :-D ;D ;-D =D xD XD xDD XDD 8D 8-D ^_^ ^__^
^___^ >.< >.> <.< ._. ;_; -_- -__- v.v V.V v_v V_V o_o o_O O_o O_O 0_o o_0 0_0 o.O O.o O.O o.o 0.0 o.0 0.o
@_@ <3 <33 <333 </3 (^_^) (-_-) (._.) (>_<) (*_*) (¬_¬) ಠ_ಠ ಠ︵ಠ (ಠ_ಠ) ¯\(ツ)/¯ (╯°□°）╯︵┻━┻ ><(((*> :’( :’) :’-( :’-)
\") :() C++
"""


_SIMPLE = regex.compile(r"[A-Za-z]+|[0-9]+")  # most pieces: nothing to cut


def split_piece(piece: str) -> tuple[str, ...]:
    """One whitespace-free piece cut as spaCy cuts it: affixes, then its special cases matched
    again over the pieces' tokens (`Tokenizer._apply_special_cases`: "St.Gobain" -> "St.", "Gobain").

    >>> split_piece('"(U.S.-based),')
    ('"', '(', 'U.S.-based', ')', ',')
    >>> split_piece("don't")
    ('do', "n't")
    """
    rules = _rules()
    tokens = _split_affixes(piece, rules, rules.special)
    return tokens if len(tokens) < 2 else _rematch_special_cases(tokens, rules)


def _split_affixes(piece: str, rules: _Rules, special: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """spaCy's `Tokenizer._split_affixes` and `_attach_tokens`, with the special cases given."""
    if piece in special:
        return special[piece]
    if _SIMPLE.fullmatch(piece):
        return (piece,)
    prefixes: list[str] = []
    suffixes: list[str] = []
    rest = piece
    last = -1
    while rest and len(rest) != last:
        if rest in special:
            break
        last = len(rest)
        prefix = rules.prefix.search(rest)
        pre = prefix.end() if prefix else 0
        if pre and rest[pre:] in special:
            prefixes.append(rest[:pre])
            rest = rest[pre:]
            break
        suffix = rules.suffix.search(rest[pre:])
        suf = len(rest) - pre - suffix.start() if suffix else 0
        if suf and rest[:-suf] in special:
            suffixes.append(rest[-suf:])
            rest = rest[:-suf]
            break
        if pre and suf and pre + suf <= len(rest):
            prefixes.append(rest[:pre])
            suffixes.append(rest[-suf:])
            rest = rest[pre:-suf]
        elif pre:
            prefixes.append(rest[:pre])
            rest = rest[pre:]
        elif suf:
            suffixes.append(rest[-suf:])
            rest = rest[:-suf]
    tokens = prefixes
    if rest:
        if rest in special:
            tokens += special[rest]
        elif rules.url.fullmatch(rest):
            tokens.append(rest)
        else:
            tokens += _infix_split(rest, rules.infix)
    tokens += reversed(suffixes)
    return tuple(tokens)


def _rematch_special_cases(tokens: tuple[str, ...], rules: _Rules) -> tuple[str, ...]:
    """Runs of tokens that spell a special case with affixes in it become its tokens; longest
    first, then leftmost, a run skipped when its first or last token is taken (spaCy's order)."""
    found = []
    for start in range(len(tokens)):
        for end in range(start + 1, min(len(tokens), start + rules.longest) + 1):
            special = rules.matches.get(tokens[start:end])
            if special is not None:
                found.append((start, end, special))
    if not found:
        return tokens
    found.sort(key=lambda match: (match[0] - match[1], match[0]))
    taken: set[int] = set()
    chosen = []
    for start, end, special in found:
        if start not in taken and end - 1 not in taken:
            chosen.append((start, end, special))
        taken.update(range(start, end))
    result: list[str] = []
    position = 0
    for start, end, special in sorted(chosen):
        result += tokens[position:start]
        result += rules.special[special]
        position = end
    result += tokens[position:]
    return tuple(result)


def _infix_split(text: str, infix: regex.Pattern[str]) -> list[str]:
    tokens: list[str] = []
    start = 0
    for match in infix.finditer(text):
        if match.start() == 0:  # spaCy skips an infix at the very start
            continue
        if match.start() != start:
            tokens.append(text[start : match.start()])
        if match.end() != match.start():
            tokens.append(match.group())
        start = match.end()
    if start < len(text):
        tokens.append(text[start:])
    return tokens
