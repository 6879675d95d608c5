"""Find gazetteer entities in article text: exact offsets, right boundaries, no guessing.

How a name is found, in order:

1. **Candidates.** Every name of the gazetteer, normalised (Simplified script, half-width,
   lower case: :func:`kg.text.normalise`, which keeps offsets), goes into one compiled
   Aho-Corasick automaton that reports all overlapping occurrences in the normalised text.
2. **Boundaries.** English names must stand between non-alphanumerics (not "Kim" in
   "Kimberly"); acronyms must be in capitals as written. A Chinese name is kept unless a
   dictionary word crosses its edges; only then is the surrounding clause segmented with
   jieba (gazetteer names as user words), and the name is kept if jieba cuts at both edges
   (金成 is not in 黃金成為, 中大 is not in 中大型).
3. **Overlaps.** Longest first, then strong names before weak names before compounds, then
   leftmost (:func:`resolve_overlaps`): 香港科技大學 is not also 香港.
4. **Ambiguity.** A weak name, or a name shared by several entities, counts only for an
   entity that the article also names by a strong name, else for the single entity whose
   context words appear; otherwise it is dropped (:func:`resolve_entities`).
5. **Compounds.** Runs of single-character abbreviations (台美, 中美, 中日韓) give one mention
   per character, for each country or territory.

Examples
--------
>>> from kg.gazetteer import Entity, Gazetteer
>>> g = Gazetteer([
...     Entity(id="us", type="place", name="美國", en="United States", abbr="美"),
...     Entity(id="tw", type="place", name="台灣", en="Taiwan", abbr="台"),
... ])
>>> matcher = Matcher(g)
>>> [(m.entity_id, m.surface, m.start) for m in matcher.find("臺灣與美國的台美關係")]
[('tw', '臺灣', 0), ('us', '美國', 3), ('tw', '台', 6), ('us', '美', 7)]
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import ahocorasick_rs

from kg.gazetteer import Gazetteer
from kg.records import Article, ArticleRecord, Mention, Part
from kg.text import is_ascii_word, normalise

STRONG, WEAK, COMPOUND = 0, 1, 2
"""Kinds of a name, in order of precedence when spans of equal length overlap."""

_WINDOW = 8  # characters of context segmented on each side of a risky name
_CLAUSE_END = re.compile(r"[\s，。、；：！？「」『』（）《》〈〉“”‘’,.;:!?()\[\]<>\"'|/\\-]")
_URL_CONTINUATIONS = frozenset(
    f"{p}{c}" for p in "./@" for c in "abcdefghijklmnopqrstuvwxyz0123456789"
)
_BOOK_TITLE = re.compile(r"《[^《》\n]{1,60}》")
_HAN = "[\u4e00-\u9fff]"
_PLACE_PREFIXES_NAME = re.compile(
    rf"(?:{_HAN}{{0,10}}?(?:有限公司|有限责任公司|股份公司|集团公司)"
    rf"|{_HAN}{{0,4}}?(?:人民法院|法院|检察院|体育馆|体育中心|运动场|博物馆|纪念馆|图书馆|馆"
    rf"|省委|市委|区委|县委|党委|协议|协定|公约|条约)"
    rf"|第[一二三四五六七八九十百零〇两0-9]{{1,3}}(?![所间家个座]){_HAN}{{0,8}}?"
    rf"(?:学校|中学|小学|学院|医院|监狱|看守所|幼儿园)"
    rf"|(?:(?![等和及与的设建]){_HAN}){{0,6}}?(?:产业园|工业园|科技园|科学园|园区|开发区|示范区|工业区)"
    rf"|(?:政府|话))"
)
_LOCAL_BRANCH = re.compile(rf"{_HAN}{{2,8}}?(?:省委|市委|区委|县委|党委|支部)")
_NAME_MARGIN = 10  # how much likelier than its own split a gazetteer name is made for jieba


class Candidate(NamedTuple):
    """A span of text that one searched name covers, before ambiguity is resolved.

    A named tuple rather than a dataclass: an article has hundreds of overlapping
    candidates, and tuples are several times cheaper to make.
    """

    start: int
    end: int
    kind: int
    """STRONG, WEAK or COMPOUND."""
    entity_ids: tuple[str, ...]
    """The entities the name may stand for (one per character for compounds)."""
    name: int = -1
    """Index of the searched name in the matcher (-1 when made by hand)."""


def resolve_overlaps(
    candidates: Iterable[Candidate], accept: Callable[[Candidate], bool] | None = None
) -> list[Candidate]:
    """Keep non-overlapping candidates: longest first, then by kind, then leftmost.

    `accept`, when given, is asked only about a candidate that would be kept, so costly
    checks (word boundaries) run for few spans; a refused candidate leaves its span free
    for the next in rank.

    >>> spans = [Candidate(0, 2, STRONG, ("hk",)), Candidate(0, 6, STRONG, ("hkust",))]
    >>> [c.entity_ids for c in resolve_overlaps(spans)]
    [('hkust',)]
    """
    ranked = sorted(candidates, key=lambda c: (c.start - c.end, c.kind, c.start))
    taken: list[Candidate] = []
    occupied: set[int] = set()
    for cand in ranked:
        span = range(cand.start, cand.end)
        if occupied.isdisjoint(span) and (accept is None or accept(cand)):
            taken.append(cand)
            occupied.update(span)
    return sorted(taken, key=lambda c: c.start)


def resolve_entities(
    chosen: Sequence[Candidate],
    context_of: dict[str, tuple[str, ...]],
    normalised_text: str,
) -> list[tuple[Candidate, str]]:
    """Decide which entity each chosen span stands for; drop what stays ambiguous.

    A strong name with one entity stands for it and *anchors* it in the article. A weak or
    shared name stands for the anchored entity among its options; else for the one option
    with the most context words present in the text (ties are dropped).

    >>> cands = [Candidate(0, 3, WEAK, ("cn-mfa", "tw-mofa")), Candidate(4, 6, STRONG, ("tw",))]
    >>> ctx = {"cn-mfa": ("北京",), "tw-mofa": ("台湾",)}
    >>> [(c.start, e) for c, e in resolve_entities(cands, ctx, "外交部 台湾")]
    [(0, 'tw-mofa'), (4, 'tw')]
    """
    anchored = {c.entity_ids[0] for c in chosen if c.kind == STRONG and len(c.entity_ids) == 1}
    scores: dict[str, int] = {}  # context words of an entity found in the text
    out: list[tuple[Candidate, str]] = []
    for cand in chosen:
        if cand.kind == COMPOUND:
            out.extend((cand, entity_id) for entity_id in cand.entity_ids)
            continue
        options = cand.entity_ids
        if cand.kind == STRONG and len(options) == 1:
            out.append((cand, options[0]))
            continue
        winners = [e for e in options if e in anchored]
        if len(winners) != 1:
            for e in options:
                if e not in scores:
                    scores[e] = sum(1 for word in context_of.get(e, ()) if word in normalised_text)
            best = max(scores[e] for e in options)
            winners = [e for e in options if scores[e] == best] if best else []
        if len(winners) == 1:
            out.append((cand, winners[0]))
    return out


class Matcher:
    """All names of a gazetteer compiled for fast, boundary-safe search.

    Build one per gazetteer (compiling takes about a second) and reuse it; it is read-only
    afterwards, so forked worker processes share it.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        options: dict[str, dict[str, int]] = {}  # key -> entity id -> kind
        for entity in gazetteer:
            for names, kind in ((entity.names, STRONG), (entity.weak, WEAK)):
                for name in names:
                    key = normalise(name)
                    if len(key) < 2:
                        continue
                    kinds = options.setdefault(key, {})
                    kinds[entity.id] = min(kinds.get(entity.id, kind), kind)
        self._keys: list[str] = []
        self._kinds: list[int] = []
        self._entities: list[tuple[str, ...]] = []
        self._acronym: list[str] = []
        for key, by_entity in sorted(options.items()):
            shared = len(by_entity) > 1
            self._add(key, WEAK if shared else min(by_entity.values()), tuple(sorted(by_entity)))
        abbrs = {normalise(e.abbr): e.id for e in gazetteer if e.abbr}
        not_compounds = {normalise(w) for w in gazetteer.not_compounds}
        for size in (2, 3):
            for chars in itertools.permutations(sorted(abbrs), size):
                key = "".join(chars)
                if key not in options and key not in not_compounds:
                    self._add(key, COMPOUND, tuple(abbrs[c] for c in chars))
        position = {key: i for i, key in enumerate(self._keys)}
        for entity in gazetteer:
            for name in entity.names:
                if is_ascii_word(name) and name.isupper() and len(name) <= 6:
                    self._acronym[position[normalise(name)]] = name
        self._automaton = self._compile()
        self._context = {
            e.id: tuple(normalise(w) for w in (*e.context, *e.names)) for e in gazetteer
        }
        self._types = {e.id: e.type for e in gazetteer}
        self._segment_cache: dict[str, frozenset[int]] = {}
        self._crossed_cache: dict[tuple[int, str, str], bool] = {}
        self._words: dict[str, int] = {}
        self._total = 0  # of jieba's own dictionary: names do not change it

    def _compile(self) -> Any:
        return ahocorasick_rs.AhoCorasick(self._keys, matchkind=ahocorasick_rs.MatchKind.Standard)

    def __getstate__(self) -> dict:
        """Pickled (to cache a prepared matcher) without the compiled automaton, which is
        rebuilt in milliseconds, and without the memo tables. The dictionary's words travel
        as one string and an array of frequencies, which load twice as fast as a dict."""
        state = dict(self.__dict__)
        words = self._words
        state.update(_automaton=None, _segment_cache={}, _crossed_cache={},
                     _words=("\0".join(words), array("q", words.values()).tobytes()))  # fmt: skip
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        words, freqs = state["_words"]
        self._words = dict(zip(words.split("\0"), array("q", freqs))) if words else {}
        self._automaton = self._compile()

    def _add(self, key: str, kind: int, entity_ids: tuple[str, ...]) -> None:
        self._keys.append(key)
        self._kinds.append(kind)
        self._entities.append(entity_ids)
        self._acronym.append("")

    def __len__(self) -> int:
        return len(self._keys)

    def signatures(self) -> dict[str, tuple]:
        """What extraction reads about each searched string: its kind, its entities, their
        acronym spelling, the entities' type and name, and their context words when the
        string is ambiguous (only then are they consulted: :func:`resolve_entities`)."""
        about = {e.id: (e.type, e.name) for e in self.gazetteer}
        context = self._context
        return {
            key: (
                kind,
                ids,
                acronym,
                tuple(about[i] for i in ids),
                () if kind != WEAK else tuple(context[i] for i in ids),
            )
            for key, kind, ids, acronym in zip(
                self._keys, self._kinds, self._entities, self._acronym
            )
        }

    # -- segmentation, loaded on first need ----------------------------------------------

    def prepare(self) -> Matcher:
        """Load jieba's dictionary and the gazetteer's user words now (before forking).

        Segmentation is kept *local*: a name's frequency is worked out against jieba's own
        dictionary, not the other names, and the total stays that of jieba's dictionary.
        So adding or removing a name changes the cuts of text that contains the name or a
        new prefix of it and of no other text, and a gazetteer change re-extracts only
        those articles (:class:`GazetteerChange`).
        """
        if not self._words:
            import jieba

            jieba.setLogLevel(60)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            base_total = tokenizer.total
            user_words = {
                key: self._winning_freq(tokenizer, key)
                for key, kind in zip(self._keys, self._kinds)
                if kind != COMPOUND and len(key) > 1 and not is_ascii_word(key)
            }  # each against jieba's own dictionary only: see the note on locality
            for key, freq in user_words.items():
                tokenizer.add_word(key, freq=freq)
            self._words = tokenizer.FREQ
            self._total = base_total
        return self

    @staticmethod
    def _winning_freq(tokenizer, key: str) -> int:
        """A frequency that makes jieba keep `key` whole rather than split it, with margin
        (what ``suggest_freq(key, tune=False)`` computes, without its overhead)."""
        route: dict[int, tuple[float, int]] = {}
        tokenizer.calc(key, tokenizer.get_DAG(key), route)
        split = math.exp(route[0][0]) * tokenizer.total
        return max(int(split * _NAME_MARGIN) + 1, tokenizer.FREQ.get(key, 0))

    def _crossed(self, text: str, start: int, end: int) -> bool:
        """Could a dictionary word run across the name's start or end here?

        A handful of dictionary lookups: jieba's dictionary lists every word and every
        prefix of a word, so a word continues past the end exactly when some tail of the
        name plus the next character is listed.
        """
        words = self._words
        n = len(text)
        for i in range(max(0, start - 2), start):  # words of up to four characters
            for j in range(start + 1, min(n, i + 4) + 1):
                if words.get(text[i:j]):
                    return True
        if end < n:
            for i in range(max(start, end - 3), end):
                if text[i : end + 1] in words:
                    return True
        return False

    def _cut_at_edges(self, text: str, start: int, end: int) -> bool:
        """Segment the clause around a span; True when jieba cuts at both of its edges."""
        lo = max(0, start - _WINDOW)
        hi = min(len(text), end + _WINDOW)
        left = [m.end() for m in _CLAUSE_END.finditer(text, lo, start)]
        lo = left[-1] if left else lo
        right = _CLAUSE_END.search(text, end, hi)
        hi = right.start() if right else hi
        window = text[lo:hi]
        cuts = self._segment_cache.get(window)
        if cuts is None:
            cuts = self._cuts(window)
            if len(self._segment_cache) > 200_000:
                self._segment_cache.clear()
            self._segment_cache[window] = cuts
        return (start - lo) in cuts and (end - lo) in cuts

    def _cuts(self, window: str) -> frozenset[int]:
        """Offsets where jieba (no HMM) cuts `window`: its maximum-probability route.

        The same dynamic programme as jieba's ``get_DAG`` and ``calc``, with the same
        arithmetic and tie-breaking (the longer word wins a tie), fused into one loop: at
        article scale it runs for hundreds of thousands of short windows.
        """
        words = self._words
        assert words, "prepare() loads the tokenizer"
        log_total = math.log(self._total)
        n = len(window)
        best_logp = [0.0] * (n + 1)
        best_end = list(range(n + 1))  # last character of the word starting here
        for k in range(n - 1, -1, -1):
            chosen = -1
            chosen_logp = 0.0
            i = k
            fragment = window[k]
            while i < n and fragment in words:
                freq = words[fragment]
                if freq:
                    logp = math.log(freq) - log_total + best_logp[i + 1]
                    if chosen < 0 or logp >= chosen_logp:
                        chosen, chosen_logp = i, logp
                i += 1
                fragment = window[k : i + 1]
            if chosen < 0:  # no word starts here: the single character, as jieba does
                chosen = k
                chosen_logp = math.log(words.get(window[k]) or 1) - log_total + best_logp[k + 1]
            best_logp[k], best_end[k] = chosen_logp, chosen
        cuts = {0}
        x = 0
        while x < n:
            x = best_end[x] + 1
            cuts.add(x)
        return frozenset(cuts)

    # -- search ---------------------------------------------------------------------------

    def candidates(self, text: str, normalised: str | None = None) -> list[Candidate]:
        """Every occurrence of a searched name, overlapping, boundaries not yet checked."""
        norm = normalise(text) if normalised is None else normalised
        kinds, entities = self._kinds, self._entities
        return [
            Candidate(start, end, kinds[index], entities[index], index)
            for index, start, end in self._automaton.find_matches_as_indexes(norm, overlapping=True)
        ]

    def _inside_longer_name(
        self, cand: Candidate, norm: str, brackets: list[tuple[int, int]]
    ) -> bool:
        """Is this name only part of a longer name the gazetteer does not know?

        Guards kept general, after the annotation guidelines' "longest name only": a name
        inside a book title 《巴黎協定》; a place that begins a company, court, venue or
        party committee (合肥某某科技有限公司, 天津第一中級人民法院, 屯門康樂體育中心,
        重慶市委), a numbered school, hospital or prison (天津市第一看守所, 洛浦縣第四職業技術
        學校, but not 美國第一所軍事學校, "America's first"), or a park or zone (香港科技園,
        鄭州市經濟開發區, but not 火炭等工業區 or 在新疆設立工業園); a person in "the X
        administration" (奧巴馬政府); a place in a dialect (廣東話); a party in the name of
        one of its local committees (中共北京市順義區委).
        """
        if _inside_book_title(cand.start, cand.end, brackets):
            return True
        if cand.kind == COMPOUND:
            return False
        types = {self._types[e] for e in cand.entity_ids}
        if types == {"place"}:
            return bool(_PLACE_PREFIXES_NAME.match(norm, cand.end))
        if types == {"person"}:
            return norm.startswith(("政府", "内阁", "当局"), cand.end)
        if types == {"institution"}:
            return bool(_LOCAL_BRANCH.match(norm, cand.end))
        return False

    def has_sound_boundaries(self, cand: Candidate, text: str, norm: str) -> bool:
        """English names between non-alphanumerics, acronyms in capitals, Chinese names
        where jieba would cut (asked only when a dictionary word may cross an edge)."""
        start, end, index = cand.start, cand.end, cand.name
        if self._keys[index].isascii():
            before = norm[start - 1] if start else " "
            after = norm[end] if end < len(norm) else " "
            if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum()):
                return False
            if before in "/.@" or norm[end : end + 2] in _URL_CONTINUATIONS:
                return False  # part of a web address: facebook.com/joebiden
            return not self._acronym[index] or _halfwidth(text[start:end]) == self._acronym[index]
        context = (index, norm[max(0, start - 2) : start], norm[end : end + 1])
        crossed = self._crossed_cache.get(context)
        if crossed is None:
            crossed = self._crossed(norm, start, end)
            if len(self._crossed_cache) > 500_000:
                self._crossed_cache.clear()
            self._crossed_cache[context] = crossed
        return not crossed or self._cut_at_edges(norm, start, end)

    def find(self, text: str, article_id: str = "", sections: Sequence = ()) -> list[Mention]:
        """All mentions in `text`, in order, never overlapping, `text[start:end] == surface`."""
        self.prepare()
        norm = normalise(text)
        chosen = resolve_overlaps(
            self.candidates(text, norm), lambda c: self.has_sound_boundaries(c, text, norm)
        )
        brackets = [m.span() for m in _BOOK_TITLE.finditer(norm)]
        chosen = [c for c in chosen if not self._inside_longer_name(c, norm, brackets)]
        mentions = []
        section_starts = [section.start for section in sections]
        for cand, entity_id in resolve_entities(chosen, self._context, norm):
            start, end = cand.start, cand.end
            if cand.kind == COMPOUND:
                start = cand.start + cand.entity_ids.index(entity_id)
                end = start + 1
            if norm[start] in "《「" and norm[end - 1] in "》」":
                start, end = start + 1, end - 1  # report 蘋果 for 《蘋果》
            part = _part_at(sections, section_starts, start)
            mentions.append(Mention(article_id, entity_id, text[start:end], start, end, part))
        return sorted(mentions, key=lambda m: (m.start, m.end))


def _inside_book_title(start: int, end: int, brackets: list[tuple[int, int]]) -> bool:
    """Is the span strictly inside 《…》 (a title of a work or law), not the whole of it?"""
    i = bisect.bisect_right(brackets, (start, math.inf)) - 1
    if i < 0:
        return False
    open_, close = brackets[i]
    return open_ < start and end <= close - 1 and (start, end) != (open_ + 1, close - 1)


def _halfwidth(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _part_at(sections: Sequence, starts: list[int], offset: int) -> Part:
    """The part of the section holding `offset` (sections are sorted and disjoint)."""
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and offset < sections[i].end:
        return sections[i].part
    return "body"


def find_publisher(article: Article, index: dict[str, str]) -> str:
    """The gazetteer id of the outlet that published `article` ('' when unknown).

    The URL's domain decides first (a subdomain counts for its parent); then the labels in
    the front matter (author, categories, tags) that the gazetteer lists for an outlet.

    >>> a = Article(id="x", path="x", title="", text="", publisher_hints=("news.rthk.hk",))
    >>> find_publisher(a, {"rthk.hk": "rthk"})
    'rthk'
    """
    for hint in article.publisher_hints:
        if "." in hint and " " not in hint:
            labels = hint.split(".")
            for i in range(len(labels) - 1):
                found = index.get(".".join(labels[i:]))
                if found:
                    return found
    for hint in article.publisher_hints:
        found = index.get(hint.casefold()) or index.get(normalise(hint))
        if found:
            return found
    return ""


@dataclass(frozen=True)
class GazetteerChange:
    """What an edit of the gazetteer changes for extraction, so that a rebuild re-extracts
    exactly the articles it affects (:meth:`affects`) and keeps the others' records.

    An article's mentions depend on the gazetteer only through the searched strings its
    normalised text contains (their kind, entities, and those entities' type, name and
    context words), the dictionary words jieba meets in it (segmentation is local, see
    :meth:`Matcher.prepare`), and its publisher. `strings` are every searched string and
    dictionary entry that differs between the two matchers.

    >>> from kg.gazetteer import Entity, Gazetteer
    >>> import dataclasses
    >>> tw = Entity(id="tw", type="place", name="台灣", en="Taiwan")
    >>> old = Matcher(Gazetteer([tw])).prepare()
    >>> new = Matcher(Gazetteer([dataclasses.replace(tw, aliases=("福爾摩沙",))])).prepare()
    >>> change = GazetteerChange.between(old, new)
    >>> [change.affects(Article(id=t, path=t, title="", text=t)) for t in ("美麗的福爾摩沙", "台灣")]
    [True, False]
    """

    strings: tuple[str, ...]
    old_publishers: dict[str, str]
    new_publishers: dict[str, str]
    everything: bool = False
    """True when the two cannot be compared (another jieba dictionary): re-extract all."""

    @classmethod
    def between(cls, old: Matcher, new: Matcher) -> GazetteerChange:
        old.prepare()
        new.prepare()
        old_sigs, new_sigs = old.signatures(), new.signatures()
        strings = {key for key in old_sigs.keys() | new_sigs.keys()
                   if old_sigs.get(key) != new_sigs.get(key)}  # fmt: skip
        strings.update(word for word, _ in old._words.items() ^ new._words.items())
        return cls(
            tuple(sorted(strings)),
            old.gazetteer.publisher_index(),
            new.gazetteer.publisher_index(),
            everything=old._total != new._total,
        )

    @functools.cached_property
    def _automaton(self) -> Any:
        return ahocorasick_rs.AhoCorasick(self.strings) if self.strings else None

    @functools.cached_property
    def _publishers_changed(self) -> bool:
        return self.old_publishers != self.new_publishers

    @property
    def nothing(self) -> bool:
        """True when no article can be affected (only other fields of entities changed)."""
        return not (self.everything or self.strings or self._publishers_changed)

    def affects(self, article: Article) -> bool:
        """Could the article's record differ under the new gazetteer?"""
        if self.everything:
            return True
        if self._publishers_changed and find_publisher(
            article, self.old_publishers
        ) != find_publisher(article, self.new_publishers):
            return True
        automaton = self._automaton
        return automaton is not None and bool(
            automaton.find_matches_as_indexes(normalise(article.text))
        )


def extract(article: Article, matcher: Matcher, publishers: dict[str, str]) -> ArticleRecord:
    """The map step's second half: an article's mentions and publisher."""
    mentions = matcher.find(article.text, article.id, article.sections)
    return ArticleRecord(
        article=article,
        mentions=tuple(mentions),
        publisher_id=find_publisher(article, publishers),
    )
