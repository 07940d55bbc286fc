"""The decisions for one document: which tokens are typos, and what each becomes, with the evidence.

A decision is (replacement, rule, detail) or None (left alone). Precision comes first: a word is
left alone when its document's language is uncertain, when it sits among words that are not
English, when it is quoted as a word ("frunk"), when English makes it from known words
(`understaffing`), and when the candidates come close and its neighbours cannot tell them apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from corpus.stages.typos import morphology, spelling
from corpus.stages.typos import words as wordlist
from corpus.stages.typos.spelling import Fix
from corpus.stages.typos.tokens import WORD
from corpus.stages.typos.weights import EDIT, motor_slip, typo_cost
from corpus.stages.typos.words import zipf

if TYPE_CHECKING:
    from corpus.stages.typos.stage import TyposConfig, TyposStage
    from corpus.stages.typos.vocabulary import Counts

SPELLING = "typos.spelling"
IN_CONTEXT = "typos.spelling_in_context"
SPLIT = "typos.split"
FORCED = "typos.forced"
SHORT_WORD, SHORT_WORD_COST, SHORT_WORD_ZIPF = 3, 0.6, 6.0  # "teh" -> "the": a swap from a word as common as "you"
SHORT_WORD_SEEN = 3.1  # ...unless English writes it often itself ("au jus": 3.15; "teh" is 3.04)
COMPOUND_PART_ZIPF = 2.0  # "opto" (2.1) is a prefix; "threee" (1.1), in "threee-for-two", a slip
FOREIGN_TYPO_LENGTH = 6  # a foreign word this long, alone in English, may be a typo ("exemple")
FOREIGN_GAP = 2.0  # ...and this much more frequent there than in English ("roda": 4.8 in Portuguese, 2.0)
MISSING_PAIR = 5.0  # log10 of how often a pair missing from symspellpy's counts is taken to occur
SPLIT_CONTEXT_MARGIN = 1.0  # one word over two run together: ten times likelier in its sentence
TWIN_ZIPF = 3.5  # a capitalised word's corpus twin must be a common English word ("South"), not a name ("Zelensky")

_NEIGHBOUR_BEFORE = re.compile(r"([A-Za-z]+)[ \t]+$")
_NEIGHBOUR_AFTER = re.compile(r"[ \t]+([A-Za-z]+)")
_SPAN_BEFORE = re.compile(r"(\S+)[ \t]+$")
_SPAN_AFTER = re.compile(r"\S*[ \t]+(\S+)")
_LETTERS = re.compile(r"[A-Za-z]+")
_LOWER = re.compile(r"[a-z]+")
_EDGE_PUNCTUATION = "\"'“”‘’()[],.;:!?*"
_SPEECH_VERB_AFTER = re.compile(r",? (?:said|says|told|added|adds|stated|noted|wrote|asked)\b")
_INITIAL_BEFORE = re.compile(r"(?<![\w.])[A-Z]$")
_LINE_ENDS = re.compile(r"[^\w\n]*(?:\n|\Z)")
_LINE_STARTS = re.compile(r"(?:\A|\n)[^\w\n]*\Z")
_NAME_GOES_ON = re.compile(r"\.|[ \t]+[A-Z][a-z]*\.")
_WINDOW_WORD = re.compile(r"[A-Za-z]+")
UNKNOWN_WINDOW, UNKNOWN_MIN_WORDS = 80, 4  # characters each side; words to judge by
_CODE_NAME = re.compile(
    r"[A-Za-z]\w*_\w+|\b\w+\.(?:py|js|c|h|cpp|java|php|rb|sh|html?|css|json|xml|txt)\b|\b[a-z]+\.[a-z_]+\("
)  # snake_case, a file name, a method call
_OTHER_SCRIPT = re.compile(r"[\u0370-\u1fff\u3040-\u9fff\uac00-\ud7af]")  # Greek to Ethiopic, kana, CJK, Hangul
_TITLE_BEFORE = re.compile(
    r"(?<![\w.])(?:Dr|Mr|Mrs|Ms|Mme|Prof|Sir|Dame|Lady|Lord|Rev|Fr|Sr|Gen|Col|Capt|Sgt|Lt)\.?[ \t]+$"
)
_FRAGMENT_BEFORE = re.compile(r"[A-Za-z]-[ \t]+$")
_COMPOUND_BEFORE = re.compile(r"(?:[a-z]+-)+\Z")  # the parts of a lowercase compound before one
_COMPOUND_AFTER = re.compile(r"(?:-[a-z]+)+")  # ...and after it
_DETERMINERS = frozenset("a an the its their my our your every".split())
_WORD_AFTER = re.compile(r"[ \t]+[^\s.,;:!?)\]]")
_CUT_OFF_AFTER = re.compile(r"\.\.|…")  # "the hepati.. word": a word the writer broke off
_NAMING_BEFORE = re.compile(
    r"(?<![\w-])(?:(?:called|named|dubbed|titled|entitled)|name(?: is|'s|’s)(?:[ \t]+[A-Za-z]+)?"
    r"|(?:by|from|source|author|user|username):)[ \t]+$",
    re.IGNORECASE,
)
# A contraction typed without its apostrophe ("theyll", "youre", "didnt"): the writer's word, which
# no one-word correction keeps ("theyll" is no "they").
_CONTRACTION = re.compile(
    r"(?:i|you|he|she|it|we|they|that|there|who|what|where|here|how)(?:ll|re|ve|d|s)"
    r"|(?:do|does|did|is|are|was|were|has|have|had|could|would|should|might|must|need|ca|wo|ai)nt|im|ive"
)
# A comment's byline: a short line that holds a clock time, an ISO date or a user number ("Ben
# louly 2012-02-15 16:46", "Posted by: vasiliy pupkin at November 7, 2012 11:45 AM", "by msauve
# (701917)"): its words are user names. A time taken ("1:42:30", "1:57.02") is no clock time.
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_STAMP = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?![\d:]|\.\d)|(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)|\([ \t]?\d{4,}\)")
# A date in words makes a byline only on a line of a few words ("4. bobbyp - 20 August, 2011"):
# wrapped prose holds dates too ("entered after July 23, 1981 for wheat").
_DATE = re.compile(rf"{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b|\b\d{{1,2}} {_MONTH},? \d{{4}}\b")
DATED_LINE_WORDS = 8
# A comment's header, its writer named: "sloth said," and "orlanka says:" opening a short line,
# "Posted by tmatt" ending one.
_HEADER_AFTER = re.compile(r"[ \t]+(?:said|says|wrote|writes)[:,]")
_BY_BEFORE = re.compile(r"(?<![\w-])by[ \t]+$", re.IGNORECASE)
BYLINE_LENGTH, HEADER_LENGTH = 100, 40  # a wrapped paragraph's line may end "... owned by"
# An item of a list of names: "J E Theriot, davidd, George Redgrave".
_NAME_ITEM_BEFORE = re.compile(r"[A-Z][a-z]+,[ \t]+$")
_NAME_ITEM_AFTER = re.compile(r",[ \t]+[A-Z][a-z]")
_CLOSERS = "'\"”’)]"
_QUOTES_OPEN = "\"“‘'«"
_QUOTES_CLOSE = "\"”’'»"


class Checker:
    """The decisions for one document (its site's protected words and forced corrections)."""

    def __init__(
        self, stage: TyposStage, vocabulary: Counts, language: str, site: str | None = None, text: str = ""
    ) -> None:
        self.config: TyposConfig = stage.config
        self.vocabulary = vocabulary
        self.dictionary = wordlist.dictionary(language)
        self.language = language
        self.text = text
        self.plain = stage.settled(language)  # tokens known whatever their context (bounded)
        self.protect: set[str] = set()
        self.forced: dict[str, str] = {}
        self._variety: str | None | bool = False  # worked out on the first correction
        self._lower_text: str | None = None
        for table, protect, corrections in stage.word_rules:
            if table is None or table.matches(site, text):
                self.protect |= protect
                self.forced.update(corrections)

    # ------------------------------------------------------------------ what is real

    def known(self, word: str) -> bool:
        return word in self.protect or spelling.known(word, self.language, self.config)

    def recurs(self, word: str) -> bool:
        """A lowercase form the corpus writes often is a name or jargon ("dlrs")."""
        counts = self.vocabulary
        return counts.count(word) + counts.count(word.capitalize()) >= self.config.corpus_protects

    def foreign(self, word: str, *, beside: bool = False) -> bool:
        """A word another language writes often and English does not ("etapas", "roda"). Beside
        the word to decide, also one English writes but far less often, mostly in names: a
        lowercase "des" or "nad" is French or Slovene ("rue des lieutemants"), not "Des Moines"."""
        lower = word.lower()
        other, english = wordlist.foreign_zipf(lower, self.language), zipf(lower, self.language)
        return (
            other >= self.config.foreign_zipf
            and other - english >= FOREIGN_GAP
            and (beside or english < self.config.common_zipf)
        )

    def _not_english(self, token: str) -> bool:
        """A neighbour that says the span is not English: letters outside ASCII, a word another
        language knows, or a lowercase word English neither lists, has seen, nor makes."""
        word = token.strip(_EDGE_PUNCTUATION)
        if not any(c.isalpha() for c in word):
            return False
        if any(c.isalpha() and not c.isascii() for c in word) or (len(word) == 1 and word not in "aAI"):
            return True  # a foreign word, or a letter alone: a word the text broke ("Arte mis m oon")
        if not _LETTERS.fullmatch(word) or not word.islower() or len(word) < 2:
            return False
        if self.foreign(word, beside=True):
            return True
        if self.known(word) or zipf(word, self.language) >= self.config.seen_zipf:
            return False
        return spelling.derived(word, self.language, self.config) is None

    def foreign_span(self, start: int, end: int) -> bool:
        """Either neighbour (on the same line) is not English ("suster ngesot", "ratione materiae"),
        or the line holds another script's letters: "| 呼ぶ | yobu | call |" spells Japanese."""
        left = _SPAN_BEFORE.search(self.text, max(0, start - 40), start)
        right = _SPAN_AFTER.match(self.text, end)
        if (left and self._not_english(left.group(1))) or (right and self._not_english(right.group(1))):
            return True
        line_start, line_end = self.line_around(start, end)
        return bool(_OTHER_SCRIPT.search(self.text, line_start, line_end))

    def line_around(self, start: int, end: int) -> tuple[int, int]:
        """Where the line holding text[start:end] starts and ends (its newline excluded)."""
        line_end = self.text.find("\n", end)
        return self.text.rfind("\n", 0, start) + 1, len(self.text) if line_end < 0 else line_end

    def among_unknown_words(self, start: int, end: int) -> bool:
        """Half the words around the token (lowercase, three letters or more) are words English
        neither lists nor writes commonly: a passage in a language wordfreq does not hold (Latin,
        Welsh), whose words it has seen in English quotations ("sicut" 1.8). Asked only of a
        decided edit: it reads a dozen words."""
        before = _WINDOW_WORD.findall(self.text, max(0, start - UNKNOWN_WINDOW), start)[1:]  # the first may be cut
        after = _WINDOW_WORD.findall(self.text, end, end + UNKNOWN_WINDOW)[:-1]  # ...and the last
        words = [word for word in before + after if word.islower() and len(word) >= 3]
        if len(words) < UNKNOWN_MIN_WORDS:
            return False
        unknown = sum(
            1 for word in words if not self.known(word) and zipf(word, self.language) < self.config.common_zipf
        )
        return 2 * unknown >= len(words)

    def beside_code(self, start: int, end: int) -> bool:
        """An identifier or a file name near the token ("session.cache_limiter", "bigstuff.py"):
        the text talks code, whose names run words together on purpose ("nocache", "unittest")."""
        return bool(_CODE_NAME.search(self.text, max(0, start - UNKNOWN_WINDOW), end + UNKNOWN_WINDOW))

    def repeated(self, word: str) -> bool:
        """The document writes this (unknown) word twice or more, in any case: it means it."""
        if self._lower_text is None:
            self._lower_text = self.text.lower()
        return len(re.findall(rf"(?<![a-z]){re.escape(word)}(?![a-z])", self._lower_text)) > 1

    def named(self, start: int) -> bool:
        """The word is given as a name: "a library called fasterer", "Posted by: oly"."""
        return bool(_NAMING_BEFORE.search(self.text, max(0, start - 30), start))

    def byline(self, start: int, end: int) -> bool:
        """The word stands on a comment's byline (`_STAMP`), among user names, or names a comment's
        writer (`_HEADER_AFTER`; "by" and nothing after it on the line)."""
        line_start, line_end = self.line_around(start, end)
        line = self.text[line_start:line_end]
        if len(line) <= HEADER_LENGTH and (
            (not self.text[line_start:start].strip() and _HEADER_AFTER.match(self.text, end))
            or (_BY_BEFORE.search(self.text, max(0, start - 10), start) and _LINE_ENDS.match(self.text, end))
        ):
            return True
        return len(line) <= BYLINE_LENGTH and bool(
            _STAMP.search(line) or (len(line.split()) <= DATED_LINE_WORDS and _DATE.search(line))
        )

    def among_names(self, start: int, end: int) -> bool:
        """The word is an item of a list of names ("J E Theriot, davidd, George Redgrave"): a user
        name written in lower case."""
        return bool(
            _NAME_ITEM_BEFORE.search(self.text, max(0, start - 40), start) and _NAME_ITEM_AFTER.match(self.text, end)
        )

    def quoted(self, start: int, end: int) -> bool:
        """The word alone in quotation marks is mentioned, not used: `or “frunk,”`."""
        before = self.text[start - 1 : start]
        after = self.text[end : end + 2].lstrip(",.;:!?")[:1]
        return bool(before) and before in _QUOTES_OPEN and bool(after) and after in _QUOTES_CLOSE

    # ------------------------------------------------------------------ decisions

    def decide(self, token: str, start: int, end: int, at_start: bool) -> tuple[str, str, dict] | None:
        if token in self.forced:
            return self.forced[token], FORCED, {"rule_file": True}
        lower = token.lower()
        if token.casefold() in self.protect or not spelling.VOWELS.search(lower):
            return None  # protected, or an abbreviation ("mths", "cwts")
        if self.known(lower):
            if token.islower() and self.dictionary.frequency.get(lower, 0) <= self.config.suspect_count:
                return self.rare_word_in_context(lower, start, end)
            if lower not in self.protect:  # known for every site, not by a site's protect list
                self.plain.add(token)
            return None
        if (
            _CONTRACTION.fullmatch(lower)
            or self.byline(start, end)
            or self.among_names(start, end)
            or self.quoted(start, end)
            or self.foreign_span(start, end)
        ):
            return None
        if self.foreign(lower):
            return self.foreign_word_in_context(token, start, end)
        if token[0].isupper():
            if _TITLE_BEFORE.search(self.text, max(0, start - 8), start):
                return None  # "Dr. Codd", "Mrs. Dalloway": a name
            twin = self.in_context(token, start, end)
            if twin:
                return twin
            if _LINE_ENDS.match(self.text, end) or (at_start and _NAME_GOES_ON.match(self.text, end)):
                return None  # a heading, a place ("Muel" ending a line), a title ("Lepr Rev. 2012"; "Lepr.")
        if lower.endswith("ii") or _FRAGMENT_BEFORE.search(self.text, max(0, start - 30), start):
            return None  # a Latin epithet ("Hoya darwinii"), the end of a word broken at a line ("ex- ploited")
        if self.named(start) or (
            _LINE_ENDS.match(self.text, end) and _LINE_STARTS.search(self.text, max(0, start - 12), start)
        ):
            return None  # "a library called fasterer", "my name is lena andersson", "Posted by: oly", "recentf" alone
        split = spelling.run_together(lower, self.language, self.config)
        slip = spelling.slip_not_two(lower, split, self.language, self.config)
        split = None if slip else split
        if split is not None and self.repeated(lower) and not morphology.STANDALONE & {split.first, split.second}:
            return None  # "snowcover" twice: a word the document means
        if split is not None and spelling.doubtful_split(lower, split, self.language, self.config):
            return self.one_word_by_neighbours(token, start, end)  # "afair": "a fair" or "affair"?
        if token[0].isupper():
            if (
                split is not None
                and not self.repeated(lower)  # "Longwe, who is on holiday ... said Longwe": a name
                and morphology.splits_capitalised(
                    split, zipf(lower, self.language) >= self.config.seen_zipf, at_start, self.known
                )
            ):
                return f"{split.first.capitalize()} {split.second}", SPLIT, split.detail
            if not at_start or _SPEECH_VERB_AFTER.match(self.text, end):
                return None  # "Stepp said": a name
        if self.recurs(lower) and not (split and morphology.plainly_two(split)):
            return None  # jargon the corpus repeats ("dlrs")
        spelled = spelling.spelled_by_rule(lower, self.language, self.config) if split is None else None
        if spelled is not None:
            form, parts = spelled  # "desireable": desire + able, which English spells "desirable"
            form = self.in_variety(lower, form)
            return (form.capitalize() if token[0].isupper() else form), SPELLING, {"spelled_by_rule": parts}
        if spelling.made_by_english(lower, self.language, self.config) and not (
            split and morphology.plainly_two(split)
        ):
            return None  # a word English makes ("understaffing"), unless a slip of a common word ("successfull")
        if split is not None:
            if token[0].isupper():
                return None  # "Juston", "Forfas": a name may split into words too
            if split.second in _DETERMINERS and not _WORD_AFTER.match(self.text, end):
                return None  # "ordered logits, etc.": a determiner ends no phrase, so no "log its"
            return split.text, SPLIT, split.detail
        if not slip and spelling.two_words(lower, self.language, self.config):
            # two words run together, without the evidence to split them: one word only where the
            # neighbours read it and not the two ("can adress its")
            return self.one_word_by_neighbours(token, start, end)
        fix = spelling.nearest(lower, self.language, self.config)
        if fix is None:
            return None
        if fix.doubtful:  # "it recieved funding": only where both neighbours say so
            return self.rare_word_in_context(lower, start, end, fix) if token.islower() else None
        word, rule, detail = fix.word, SPELLING, fix.detail
        # A capitalised word opening a sentence may be a name ("Nacco Industries"): beyond one cheap
        # slip (a swap, a doubled or dropped letter), or when wordfreq has seen it, its correction
        # must also fit the next word ("Althought there" -> "Although there"), unless it is a sentence
        # adverb set off by a comma ("Finaly, the company said": names do not read as "finally").
        name_like = (
            token[0].isupper()
            and (fix.cost > self.config.sentence_start_cost or fix.seen > 0)
            and not (fix.word and _sentence_adverb(fix.word) and self.text.startswith(",", end))
        )
        if word is None or name_like:
            word, evidence = self.by_neighbours(fix.close, start, end)
            rule, detail = IN_CONTEXT, {**fix.detail, **evidence}
        cost = fix.costs.get(word, math.inf) if word else math.inf
        if (
            word is not None
            and lower.endswith("s")
            and not word.endswith("s")
            and cost - typo_cost(lower[:-1], word) >= EDIT  # the final s is no slip of its own
        ):
            word = self.plural(word)  # "inverted indexs", "milleniums": the writer's plural, never "index"
        if word is None or not spelling.editor_would_put(lower, word, cost, self.language):
            return None
        if self.repeated(lower) and (cost > spelling.FAR_COST or motor_slip(lower, word)):
            return None  # "temporao" twice: a slip of the finger does not repeat itself
        if word.startswith(lower) and _CUT_OFF_AFTER.match(self.text, end):
            return None  # "not going to use the hepati.. word": broken off on purpose, not misspelt
        word = self.in_variety(lower, word)
        return (word.capitalize() if token[0].isupper() else word), rule, detail

    def foreign_word_in_context(self, token: str, start: int, end: int) -> tuple[str, str, dict] | None:
        """A word another language writes often ("anual", "trafic", "personel"), alone among English
        words, is a typo only where a common English word one slip away reads with both its
        neighbours ("the anual report", "proposed in personel income taxes"); a loanword mostly
        stands where English pairs nothing with its twin ("buying elotes: corn", "chilies padi at").
        A short one is left alone: short words of two languages meet by chance ("having a roda or
        practising" is capoeira's ring, not a road; "repot" is gardening)."""
        if len(token) < FOREIGN_TYPO_LENGTH or not token.islower() or self.recurs(token) or self.repeated(token):
            return None
        fix = spelling.nearest(token, self.language, self.config)
        if fix is None or fix.doubtful:
            return None
        word, evidence = self.by_neighbours(fix.close, start, end)
        if word is None or len(evidence["neighbours"]) < 2 or not all(evidence["pair_counts"][word]):
            return None
        if not spelling.editor_would_put(token, word, fix.costs[word], self.language):
            return None
        return self.in_variety(token, word), IN_CONTEXT, {**fix.detail, **evidence, "foreign_word": True}

    def decide_short(self, token: str, start: int, end: int) -> tuple[str, str, dict] | None:
        """A lowercase word shorter than `min_length` is jargon ("mln", "pct") unless it is one cheap
        slip from one of the commonest words ("teh", "adn", "nto")."""
        if not token.islower() or zipf(token, self.language) >= (
            SHORT_WORD_SEEN if len(token) >= SHORT_WORD else COMPOUND_PART_ZIPF
        ):
            self.plain.add(token)  # left alone here, and as a compound's part ("of" in "state-of-the-art")
            return None
        if (
            len(token) < SHORT_WORD
            or token in self.protect
            or self.known(token)
            or zipf(token, self.language) >= SHORT_WORD_SEEN
            or self.foreign(token)
            or self.quoted(start, end)
            or self.foreign_span(start, end)
            or self.named(start)
        ):
            return None
        fix = self.lowercase_fix(token)
        if not fix or not fix.word or fix.cost > SHORT_WORD_COST or zipf(fix.word, self.language) < SHORT_WORD_ZIPF:
            return None
        if not self.written_beside(fix.word, start, end):
            return None  # "Črni Vrh nad Idrijo": no neighbour reads "and"
        return fix.word, SPELLING, fix.detail

    def written_beside(self, word: str, start: int, end: int) -> bool:
        """English writes `word` beside one of the words around text[start:end] (symspellpy's pair
        counts), if there are any: a short word's correction must read as English around it
        ("1,850 adn 1,880" has no words around it to say otherwise)."""
        before, after = self.neighbours(start, end)
        pairs = wordlist.bigrams()
        return (before is None and after is None) or bool(
            (before and pairs.get(f"{before} {word}")) or (after and pairs.get(f"{word} {after}"))
        )

    def decide_compound_part(self, token: str, start: int, end: int) -> tuple[str, str, dict] | None:
        """A part of a lowercase compound ("a twpo-for-one split") is corrected like a word, never split."""
        if zipf(token, self.language) >= COMPOUND_PART_ZIPF:
            return None  # a part English knows ("opto-electronic")
        before = _COMPOUND_BEFORE.search(self.text, max(0, start - 40), start)
        after = _COMPOUND_AFTER.match(self.text, end)
        whole = (before.group() if before else "") + token + (after.group() if after else "")
        if self.known(whole.replace("-", "")):
            return None  # "their ghastly at-oning sufferings": a known word the writer hyphenated
        decision = self.decide(token, start, end, False)
        return None if decision is None or decision[1] == SPLIT else decision

    def plural(self, word: str) -> str | None:
        """The plural (or third person) English writes for `word`, if it knows it: "indexes", "babies"."""
        forms = [word + "s", word + "es"] + ([word[:-1] + "ies"] if word.endswith("y") else [])
        return next((form for form in forms if self.known(form)), None)

    def variety(self) -> str | None:
        if self._variety is False:
            self._variety = spelling.variety(self.text, self.language)
        return self._variety  # type: ignore[return-value]

    def in_variety(self, typo: str, word: str) -> str:
        """The correction as the misspelling's own variety writes it, else as the document's."""
        return spelling.in_variety(
            word, spelling.variety_of(typo, word, self.language) or self.variety(), self.language
        )

    def neighbours(self, start: int, end: int) -> tuple[str | None, str | None]:
        """The words (lowercase) just before and after text[start:end] on its line, with only spaces between."""
        left = _NEIGHBOUR_BEFORE.search(self.text, max(0, start - 30), start)
        right = _NEIGHBOUR_AFTER.match(self.text, end)
        return (left.group(1).lower() if left else None), (right.group(1).lower() if right else None)

    def rare_word_in_context(
        self, word: str, start: int, end: int, fix: Fix | None = None
    ) -> tuple[str, str, dict] | None:
        """A word the lists know but barely ("beng", "withing", "soem"), or a word wordfreq has seen
        a cheap slip from one not far more common (`fix`, doubtful: "recieved"), is a typo only
        when a far more common word one slip away fits both its neighbours and it does not."""
        config = self.config
        seen = zipf(word, self.language)
        listed = fix is None
        if (listed and seen >= config.suspect_zipf) or self.vocabulary.count(word) >= config.corpus_protects:
            return None
        fix = fix or self.lowercase_fix(word)
        if fix is None or fix.cost > config.suspect_cost or self.foreign_span(start, end):
            return None
        chosen, evidence = self.by_neighbours(((word, seen), *fix.close), start, end, config.suspect_margin)
        if (
            chosen is None
            or chosen == word
            or (
                listed and (spelling.doubled_letter_apart(word, chosen) or _inflections(word, chosen))
            )  # "focusses", "revises"
            or len(evidence["neighbours"]) < 2
            or not all(evidence["pair_counts"][chosen])
        ):
            return None  # both neighbours must pair with the twin: "are beng sold", not "Malaysian refiner and"
        if (
            fix.doubtful
            and seen >= config.suspect_zipf
            and not any(
                count
                for key, count in zip(evidence["neighbours"], evidence["pair_counts"][chosen], strict=True)
                if key.replace("_", "").strip() not in morphology.FUNCTION_WORDS
            )
        ):
            return None  # a word the web writes this often needs a content word's say: "to defund the" stays
        return chosen, IN_CONTEXT, {**fix.detail, **evidence, ("seen_word" if fix.doubtful else "known_word"): True}

    def lowercase_fix(self, word: str) -> Fix | None:
        """What a lowercase word is a typo of, unless it recurs in the corpus: a name or jargon ("dlrs")."""
        return None if self.recurs(word) else spelling.nearest(word, self.language, self.config)

    def by_neighbours(
        self, close: Sequence[tuple[str, float]], start: int, end: int, margin: float | None = None
    ) -> tuple[str | None, dict]:
        """Close candidates told apart by the words around them ("farmers have sould a" -> "sold"):
        each one's score plus how often, in powers of ten, it follows the word before and precedes
        the word after in English (symspellpy's counts of frequent pairs). The winner must lead by
        `margin` and be written beside each of its neighbours in those counts.

        A pair missing from the list is rarer than its rarest entry (6.4 million), not unheard of:
        it counts as 100,000 (`MISSING_PAIR`), so one frequent pair ("mirror to") does not outweigh
        the word itself ("smoke and mirros to" is "mirrors", which the list has only before "and").
        (Counting it as never seen, a candidate in one frequent pair won whatever the others.)"""
        if self.language != "en":
            return None, {}
        left, right = self.neighbours(start, end)
        keys = [(lambda c, w=left: f"{w} {c}")] if left else []  # noqa: B008 (bound now)
        keys += [(lambda c, w=right: f"{c} {w}")] if right else []  # noqa: B008
        specific = [
            index for index, word in enumerate(w for w in (left, right) if w) if word not in morphology.FUNCTION_WORDS
        ]
        pairs = wordlist.bigrams()
        counts = {candidate: [pairs.get(key(candidate), 0) for key in keys] for candidate, _ in close}
        scores = sorted(
            ((score + sum(map(_pair_log10, counts[candidate])), candidate) for candidate, score in close),
            key=lambda entry: (-entry[0], entry[1]),
        )
        best, second = scores[0], scores[1][0] if len(scores) > 1 else -math.inf
        evidence = {"neighbours": [key("_") for key in keys], "pair_counts": counts}
        # The winner must be written beside both its neighbours, or beside a content word around it
        # where no rival is written beside the other ("food processor"): a function word alone fits
        # a whole class of words ("to procued hyaluronic": "to proceed" is common, but so would any
        # verb be; "produce" was meant).
        won = counts[best[1]]
        supported = bool(won) and (
            all(won)
            or (
                any(won[index] for index in specific)
                and all(won[index] or not any(other[index] for other in counts.values()) for index in range(len(keys)))
            )
        )
        if best[0] - second >= (self.config.context_margin if margin is None else margin) and supported:
            return best[1], evidence
        return None, evidence

    def one_word_by_neighbours(self, token: str, start: int, end: int) -> tuple[str, str, dict] | None:
        """A lowercase word that is both a cheap slip of a common word and two words run together
        ("arival": arrival, or "a rival"): the one word when it is written beside both its
        neighbours and the sentence reads it `SPLIT_CONTEXT_MARGIN` powers of ten likelier than
        any two-word reading ("the arival of" -> "the arrival of"; "is allready to" stays, as
        "is all ready to" may be meant). Each reading is scored as a chain of word pairs, in
        log10 per billion words: pair(before, w1) + pair(w1, w2) - zipf(w1) + ..."""
        if self.language != "en" or not token.islower():
            return None
        word = spelling.common_word_by_a_slip(token, self.language) or self._clear_winner(token)
        before, after = self.neighbours(start, end)
        if word is None or before is None or after is None or self.recurs(token) or self.repeated(token):
            return None
        pairs = wordlist.bigrams()
        beside = [pairs.get(f"{before} {word}", 0), pairs.get(f"{word} {after}", 0)]
        if not all(beside):
            return None

        def chain(*words: str) -> float:
            links = sum(
                _pair_log10(pairs.get(f"{a} {b}", 0)) - morphology.PAIR_SCALE  # per billion words
                for a, b in zip(words, words[1:], strict=False)
            )
            return links - sum(zipf(inner, self.language) for inner in words[1:-1])

        one = chain(before, word, after)
        two = max(
            (
                chain(before, token[:cut], token[cut:], after)
                for cut in range(1, len(token))
                if self.known(token[:cut]) and self.known(token[cut:])
            ),
            default=-math.inf,
        )
        if one - two < SPLIT_CONTEXT_MARGIN:
            return None
        word = self.in_variety(token, word)
        evidence = {
            "neighbours": [f"{before} _", f"_ {after}"],
            "pair_counts": {word: beside},
            "over_two": round(one - two, 2),
        }
        return word, IN_CONTEXT, evidence

    def _clear_winner(self, token: str) -> str | None:
        """The word a lowercase token is one slip from, winning alone out of context ("responce",
        "thyat", "independant"), when no cheap slip of a common word is ("thy at", "in dependant")."""
        fix = spelling.nearest(token, self.language, self.config)
        if fix is None or fix.word is None or fix.cost > spelling.FAR_COST:
            return None
        return fix.word if spelling.editor_would_put(token, fix.word, fix.cost, self.language) else None

    def in_context(self, token: str, start: int, end: int) -> tuple[str, str, dict] | None:
        """A capitalised word is changed only to a twin one edit away that the corpus writes often
        beside the same capitalised neighbour, and that is a common English word ("Soth Korea" ->
        "South Korea"); not to a name's other spelling ("Zelenskyy", "Joonas"), nor across the
        punctuation around it. The first pass found the twins the input writes beside the token's
        neighbours (corpus/stages/typos/vocabulary.py); only the kind of edit is checked here."""
        counts = self.vocabulary
        if counts.count(token) >= self.config.corpus_protects:
            return None
        neighbours = capitalised_neighbours(self.text, start, end)
        if not neighbours:
            return None
        found: dict[tuple[str | None, str | None, str], int] = {}
        twin_counts: dict[str, int] = {}
        for before, after, twin, pair_count, twin_count in counts.twins_of(token):
            found[before, after, twin] = pair_count
            twin_counts[twin] = twin_count
        best: tuple[int, str, str] | None = None
        for twin in sorted(twin_counts):
            if (
                twin_counts[twin] < self.config.corpus_protects
                or zipf(twin.lower(), self.language) < TWIN_ZIPF
                or not _one_edit(token, twin)
                or spelling.doubled_letter_apart(token, twin)
                or token.startswith(twin)  # a name made from another by an ending: "The Atlantica Party"
                or (len(token) <= len(twin) and typo_cost(token.lower(), twin.lower()) >= EDIT)
            ):  # "David Lupher", "The Beeb": a name a letter from a word, but no slip of a typist's
                continue
            for left, right in neighbours:
                count = found.get((left, right, twin), 0)
                if count >= self.config.pair_min and (best is None or (count, twin) > best[:2]):
                    best = (count, twin, f"{left} {twin}" if left else f"{twin} {right}")
        if best is None:
            return None
        count, twin, pair = best
        return twin, IN_CONTEXT, {"pair": pair, "pair_count": count, "twin_count": twin_counts[twin]}


_CONNECTIVES = frozenset(
    "furthermore moreover however therefore nevertheless nonetheless meanwhile otherwise instead besides "
    "consequently likewise accordingly hence thus".split()
)


def _sentence_adverb(word: str) -> bool:
    """A word that opens a sentence followed by a comma: "finally", "furthermore"."""
    return word.endswith("ly") or word in _CONNECTIVES


def _pair_log10(count: int) -> float:
    """A pair's count in powers of ten; a pair missing from the counts as `MISSING_PAIR`."""
    return math.log10(count) if count else MISSING_PAIR


def capitalised_neighbours(text: str, start: int, end: int) -> list[tuple[str | None, str | None]]:
    """The capitalised words touching the token at text[start:end] (only spaces between), as
    (word before, None) and (None, word after): the only evidence for a capitalised word's twin
    ("Soth Korea", "U.S. Preident"; "Pont said" is none). Words as the first pass counts them."""
    window_before, window_after = text[max(0, start - 40) : start], text[end : end + 40]
    before, after = WORD.findall(window_before), WORD.findall(window_after)
    neighbours: list[tuple[str | None, str | None]] = []
    if before and window_before.rstrip(" \t").endswith(before[-1]) and before[-1][0].isupper():
        neighbours.append((before[-1], None))
    if after and window_after.lstrip(" \t").startswith(after[0]) and after[0][0].isupper():
        neighbours.append((None, after[0]))
    return neighbours


def _one_edit(token: str, twin: str) -> bool:
    """One edit (a letter deleted, inserted, replaced, or two swapped) past the first letter: a
    typo rarely hits the first letter."""
    return twin[0] == token[0] and bool(_LOWER.fullmatch(twin, 1)) and OSA.distance(token, twin, score_cutoff=1) == 1


def _inflections(a: str, b: str) -> bool:
    """Two forms of one word ("revises" and "revised"): the writer chose the tense or number."""
    return _stem(a) == _stem(b)


def _stem(word: str) -> str:
    for ending in ("ing", "ies", "ied", "es", "ed", "s", "d", "e", "y"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


# A line of prose this long that ends in a lowercase letter or a comma goes on on the next line.
WRAPPED_LINE = 40
_WRAPPED_LINE = re.compile(rf"[^\n]{{{WRAPPED_LINE - 1}}}[a-z,][ \t]*\Z")


def at_sentence_start(text: str, start: int) -> bool:
    """Only spaces (or a line break) between the word and the start, or the end of a sentence; not
    a line break inside a wrapped sentence ("the Arikaras, and Nez\nPerces from Shoshonis")."""
    index = start - 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    if index < 0:
        return True
    if text[index] == "\n":
        return not _WRAPPED_LINE.search(text, max(0, index - 2 * WRAPPED_LINE), index)
    while index >= 0 and text[index] in _CLOSERS:
        index -= 1
    if index >= 0 and text[index] == "." and _INITIAL_BEFORE.search(text, max(0, index - 3), index):
        return False  # "Charles F. Barbar": an initial, not a sentence's end
    return index >= 0 and text[index] in ".!?" and index < start - 1
