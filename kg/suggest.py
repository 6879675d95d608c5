"""Suggest gazetteer records: frequent names in a corpus that the gazetteer lacks.

``kg gazetteer suggest CORPUS`` reads every article once, mines it for names by their cues,
counts the promising ones over the whole corpus, and prints them, most frequent first, as
commented YAML records in the gazetteer's own format, ready to review and paste.

How a name is found, on the Simplified-normalised text (:func:`kg.text.normalise`):

1. **Cues** (:func:`mine`). A speech verb (表示, 指出, 稱 …, optionally after an adverb such
   as 亦 or 昨日) ends a person's name; a title (議員, 局長, 教授 …) starts one; an
   institution suffix (委員會, 大學, 黨, 局 …) or a place suffix (邨, 街, 站 …) ends a
   name, unless the next character continues a common word (局長, 大學生).
2. **Where a name starts.** A cue fixes one edge of a name; the other is found by corpus
   statistics over the cue contexts (:func:`select_candidates`): a string is a name when
   what precedes it varies (no single character nearly always comes before it: 港中文大學 is
   a fragment of 香港中文大學) and its first character belongs to it (日食物及衞生局 is only
   食物及衞生局 after 昨日). Person names start with a Chinese surname unless a title
   precedes them.
3. **Counting** (:func:`count_names`). The surviving candidates and the gazetteer's names
   that contain them are searched with one Aho-Corasick automaton over every article, for
   articles, mentions, the share of occurrences inside a longer name, the cue seen at each
   occurrence, and an example sentence cut from the text as written.
4. **Filters.** Known names (any name, alias or weak name, in either script), fragments
   of a longer candidate or known name, common words of jieba's dictionary not tagged as
   proper nouns, and single characters are dropped. jieba's part-of-speech tagger runs only
   on the example sentences of two-character person names.

Reading is the costly part; it runs in forked worker processes, each writing the texts it
read to a temporary file for the counting pass, so that no more than one chunk of texts is
held in memory at a time.

Examples
--------
>>> s = Suggestion("陳大文", "person", articles=3, mentions=5,
...                example="議員陳大文表示反對。", evidence="X表示")
>>> print(to_yaml([s]), end="")
# 3 articles, 5 mentions (cue: X表示) — 「議員陳大文表示反對。」
- id: todo-1
  type: person
  name: 陳大文
  en: TODO
"""

from __future__ import annotations

import bisect
import functools
import multiprocessing
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.articles import ARTICLE_SUFFIXES, discover, read_article
from kg.errors import ArticleError, KgError
from kg.extract import Matcher, resolve_overlaps
from kg.gazetteer import Gazetteer
from kg.records import EntityType
from kg.text import normalise, to_traditional

# --- word lists (written in Traditional; used normalised) -----------------------------------

_SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾鐘彭游詹胡施沈余"
    "盧梁趙顏柯翁魏孫戴范方宋鄧杜傅侯曹薛丁卓馬阮董溫温唐藍石蔣古紀姚連馮歐程湯田康姜白汪"
    "鄒尤巫錢嚴袁伍麥莫鄺區霍譚關岑甘龐單冼黎韋勞容邵文易聶任武俞尹柳秦殷倪祝龔賀毛章熊孔"
    "萬邢雷向史金崔夏喬戚屈饒凌葛梅滕鮑陶晏練路左談衛衞查裘解祁郝閻車包費齊卜苗管湛駱蒙利"
    "符巢常塗涂辜官辛成鄔闞閔植樂貝伏麻段商寧房時竇郁冉薄應安于仇喻皮雲谷宗景尚牛桂盛童"
    "全狄祖奚婁危鄂濮計伊宮寇邊卞焦匡靳芮牟習栗艾藺岳庾鞠鄢佘佟褚覃黨翟郎稅柴舒豐姬"
)
_COMPOUND_SURNAMES = (
    "歐陽", "司徒", "司馬", "上官", "諸葛", "東方", "夏侯", "皇甫", "尉遲", "公孫", "慕容",
    "令狐", "端木", "長孫", "宇文", "軒轅", "鍾離", "南宮", "西門", "獨孤",
)  # fmt: skip
_TITLES = (
    "特首", "主席", "會長", "理事長", "召集人", "發言人", "秘書長", "總幹事", "總裁", "董事長",
    "總經理", "經理", "總監", "主任", "署長", "處長", "局長", "司長", "部長", "次長", "廳長",
    "市長", "省長", "縣長", "鎮長", "區長", "村長", "校長", "院長", "主委", "委員", "常委",
    "議員", "議長", "黨魁", "總書記", "書記", "總統", "總理", "首相", "外長", "外相", "國務卿",
    "大使", "總領事", "領事", "法官", "裁判官", "大法官", "律師", "大律師", "檢察官", "教授",
    "講師", "博士", "醫生", "院士", "學者", "研究員", "分析師", "經濟學家", "作家", "導演",
    "演員", "歌手", "藝人", "主持", "主播", "記者", "編輯", "總編輯", "社長", "創辦人", "牧師",
    "神父", "主教", "樞機", "警司", "督察", "警長", "將軍", "司令", "上將", "發起人", "負責人",
    "代表", "成員", "社工", "候選人", "參選人", "被告", "證人", "行政長官", "總領事", "執委",
    "幹事", "總警司", "畫家", "詩人", "校董", "司機", "義工", "學生",
)  # fmt: skip
_FOREIGN_TITLES = (
    "總統", "副總統", "總理", "首相", "外長", "外相", "國務卿", "大使", "國王", "女王",
    "王子", "教宗", "防長", "財長", "國防部長", "外交部長", "發言人",
)  # fmt: skip
"""Titles after which a name need not start with a Chinese surname (拜登, 蓬佩奧)."""
_NAME_TAILS = ("先生", "女士", "小姐", "太太", "伯伯", "婆婆", "姑娘", "老師", "同學", "官")
"""Forms of address: 陳先生 and 胡官 are not names."""
_VERBS = (
    "表示", "說", "指出", "指", "稱", "認為", "強調", "回應", "透露", "批評", "坦言", "直言",
    "質疑", "承認", "解釋", "重申", "宣布", "宣佈", "相信", "估計", "希望", "補充", "形容",
    "反駁", "提到", "表明", "明言", "警告", "呼籲", "提醒", "建議", "擔心", "憂慮", "笑言",
    "坦承", "否認", "堅稱", "聲稱", "自言", "直指", "斥", "引述", "憶述", "寫道", "發文",
    "留言", "回覆", "答", "講", "問", "稱讚", "讚揚", "譴責", "感嘆", "慨嘆", "不滿", "承諾",
    "身穿", "到場", "出席", "獲判", "被控", "被判", "否認", "認罪", "早前", "則指",
)  # fmt: skip
_ADVERBS = (
    "亦", "也", "則", "更", "再", "又", "就", "都", "還", "卻", "並", "曾", "已", "同時",
    "昨日", "今日", "昨天", "今天", "前日", "日前", "早前", "較早前", "近日", "隨後", "其後",
    "事後", "當時", "當日", "當天", "週一", "週二", "週三", "週四", "週五", "週六", "週日",
    "周一", "周二", "周三", "周四", "周五", "周六", "周日", "上週", "本週", "上月", "最後",
    "一度", "一直", "今年", "去年", "較早時", "昨晚", "今晨", "今早", "昨早", "稍後",
)  # fmt: skip
_INSTITUTION_SUFFIXES = (
    "委員會", "管理局", "事務局", "基金會", "協會", "學會", "商會", "工會", "聯合會", "聯會",
    "總會", "公會", "議會", "教會", "學生會", "校友會", "促進會", "協進會", "同盟", "聯盟",
    "陣線", "組織", "大學", "學院", "書院", "中學", "小學", "研究所", "研究院", "醫院",
    "法院", "公司", "集團", "銀行", "控股", "基金", "黨", "局", "署", "處", "部", "廳",
    "辦", "社", "電視台", "電台", "日報", "時報", "晚報", "週刊", "周刊", "新聞", "中心",
    "辦公室", "辦事處", "交易所", "關注組", "大聯盟", "政府", "議院", "法庭",
)  # fmt: skip
_PLACE_SUFFIXES = (
    "邨", "村", "街", "道", "路", "區", "站", "灣", "山", "島", "市", "省", "縣", "鎮", "州",
    "公園", "廣場", "商場", "大廈", "花園", "橋", "碼頭", "機場", "隧道", "海峽", "河", "湖",
    "屋苑", "大樓", "墟", "半島", "群島",
)  # fmt: skip
# Characters that never start a name: pronouns, determiners, prepositions, conjunctions.
_BAD_FIRST = "的了是在與和及於由向對為從被將把讓同跟給到所該這那此本其一兩二三四五六七八九十各每多某另有個間但而並或就也亦都會令使要我你他她它們不沒已曾則即以之自前後者又再及等、"
# Characters that never occur inside a name.
_BAD_INSIDE = "的了是我你他她們這那沒很嗎呢吧啊着著過把被讓給"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NAME_CHARS = _CJK + "·"
_PERSON_MAX = 4
"""Longest person name (two-character surname and two given names: 歐陽震華 …)."""
_ORG_MAX = 12
"""Longest institution or place name considered."""
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_CLAUSE_END = re.compile(r"[，；：,;]")

PERSON, INSTITUTION, PLACE = "person", "institution", "place"
_KINDS: tuple[EntityType, ...] = (PERSON, INSTITUTION, PLACE)

FRAGMENT_SHARE = 0.75
"""A candidate preceded this often by one and the same character is a fragment."""
COHESION = 0.25
"""A candidate must make up this share of the occurrences of itself less its first character."""
INSIDE_SHARE = 0.8
"""A candidate found this often inside a longer candidate or known name is a fragment."""
MIN_CUES = 3
"""How many cue hits a candidate needs in the whole corpus."""
COMMON_FREQUENCY = 60
"""A candidate this frequent in jieba's dictionary, and not tagged there as a proper noun,
is a common word (高官, 方面, 周日)."""
_PROPER_TAGS = frozenset({"nr", "ns", "nt", "nz", "nrt", "nrfg", "j"})


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A name the corpus uses often and the gazetteer lacks."""

    name: str
    """The name in Traditional Chinese (converted with OpenCC when written in Simplified)."""
    type: EntityType
    """A guess from the cue: person, institution or place."""
    articles: int
    """Articles where the name occurs outside any longer known or suggested name."""
    mentions: int
    """Such occurrences in all articles."""
    example: str
    """One short sentence (at most 60 characters) from the corpus, as written."""
    evidence: str
    """The commonest cue at its occurrences, e.g. ``X表示``, ``議員X``, ``X委員會``."""


# --- patterns, compiled once per process ------------------------------------------------------


@dataclass(frozen=True)
class _Patterns:
    verb: re.Pattern
    title: re.Pattern
    title_before: re.Pattern
    title_person: re.Pattern
    foreign_titles: frozenset[str]
    tails: tuple[str, ...]
    suffix: re.Pattern
    suffix_kind: dict[str, EntityType]
    surnames: frozenset[str]
    compound_surnames: frozenset[str]
    bad_first: frozenset[str]
    bad_inside: re.Pattern
    tail: re.Pattern


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of normalised literal words, longest first."""
    keys = sorted({normalise(w) for w in words}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(k) for k in keys)


@functools.cache
def _patterns() -> _Patterns:
    """Compile the cue patterns (normalised), with right guards from jieba's dictionary."""
    freq, _ = _jieba_words()
    verbs = _alternation(_VERBS)
    adverbs = _alternation(_ADVERBS)
    titles = _alternation(_TITLES)
    after = rf"(?:{adverbs}){{0,2}}(?:{verbs})"
    suffix_kind: dict[str, EntityType] = {}
    for kind, suffixes in ((PLACE, _PLACE_SUFFIXES), (INSTITUTION, _INSTITUTION_SUFFIXES)):
        for suffix in suffixes:
            suffix_kind[normalise(suffix)] = kind
    # A suffix does not end a name where its last character and the next make a common
    # word: 局長, 大學生, 黨員, 市民, 道路.
    pieces = []
    for suffix in sorted(suffix_kind, key=lambda s: (-len(s), s)):
        last = suffix[-1]
        bad = sorted(
            {w[1] for w in freq if len(w) == 2 and w[0] == last and freq[w] >= 30}
            - {"·"}
        )
        guard = f"(?![{''.join(re.escape(c) for c in bad)}])" if bad else ""
        pieces.append(re.escape(suffix) + guard)
    return _Patterns(
        verb=re.compile(f"(?:{adverbs}){{0,2}}(?:{verbs})"),
        title=re.compile(titles),
        title_before=re.compile(f"(?:{titles})$"),
        foreign_titles=frozenset(normalise(t) for t in _FOREIGN_TITLES),
        tails=tuple(normalise(t) for t in (*_TITLES, *_NAME_TAILS)),
        title_person=re.compile(
            rf"({titles})([{_NAME_CHARS}]{{2,6}}?)(?={after}|[，、。（(」：]|与|和|及|在|于|对|向|等)"
        ),
        suffix=re.compile("|".join(pieces)),
        suffix_kind=suffix_kind,
        surnames=frozenset(normalise(_SURNAMES)),
        compound_surnames=frozenset(normalise(s) for s in _COMPOUND_SURNAMES),
        bad_first=frozenset(normalise(_BAD_FIRST)),
        bad_inside=re.compile(f"[{re.escape(normalise(_BAD_INSIDE))}]"),
        tail=re.compile(f"[{_NAME_CHARS}]*$"),
    )


@functools.cache
def _jieba_words() -> tuple[dict[str, int], dict[str, str]]:
    """jieba's dictionary: word frequencies and part-of-speech tags."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba.dt.FREQ, jieba.posseg.dt.word_tag_tab


# --- pass 1: cue contexts -----------------------------------------------------------------


@dataclass
class Mined:
    """What :func:`mine` found in some texts: cue contexts, counted."""

    contexts: Counter = field(default_factory=Counter)
    """(kind, string) -> hits: every string that ends at a cue (a speech verb for persons,
    the end of a suffix otherwise), up to one character longer than the longest name."""
    titled: Counter = field(default_factory=Counter)
    """Person names between a title and a verb or punctuation -> hits."""
    articles: int = 0

    def update(self, other: Mined) -> None:
        self.contexts.update(other.contexts)
        self.titled.update(other.titled)
        self.articles += other.articles


def mine(text: str, into: Mined | None = None) -> Mined:
    """Count the cue contexts of one text (normalised here).

    Parameters
    ----------
    text : str
        An article's text, in any script.
    into : Mined, optional
        Add to these counts instead of new ones.

    Returns
    -------
    Mined

    Examples
    --------
    >>> found = mine("議員陳大文表示，民生關注協會昨日成立。")
    >>> found.titled
    Counter({('person', '陈大文'): 1})
    >>> found.contexts[("person", "陈大文")], found.contexts[("institution", "民生关注协会")]
    (1, 1)
    """
    found = into if into is not None else Mined()
    found.articles += 1
    norm = normalise(text)
    pats = _patterns()
    contexts = found.contexts
    for match in pats.verb.finditer(norm):
        anchor = match.start()
        run = pats.tail.search(norm, max(0, anchor - _PERSON_MAX - 1), anchor).group()
        cut = _after_title(run, pats)
        for size in range(2, len(cut) + 1):
            contexts[(PERSON, cut[-size:])] += 1
    for match in pats.title_person.finditer(norm):
        name = match.group(2)
        if _is_person_name(name, pats) or (
            match.group(1) in pats.foreign_titles and not pats.bad_inside.search(name)
        ):
            found.titled[(PERSON, name)] += 1
    for match in pats.suffix.finditer(norm):
        end = match.end()
        kind = pats.suffix_kind[match.group()]
        start = max(0, end - _ORG_MAX - 1)
        run = pats.tail.search(norm, start, match.start()).group() + match.group()
        for size in range(len(match.group()) + 1, len(run) + 1):
            contexts[(kind, run[-size:])] += 1
    return found


def _after_title(run: str, pats: _Patterns) -> str:
    """The part of a context after its last title, when two or more characters remain."""
    best = run
    for match in pats.title.finditer(run):
        if len(run) - match.end() >= 2:
            best = run[match.end() :]
    return best


def _is_person_name(name: str, pats: _Patterns) -> bool:
    """Two to four characters, starting with a surname, no function word inside."""
    if not 2 <= len(name) <= _PERSON_MAX or pats.bad_inside.search(name):
        return False
    if name.endswith(pats.tails):
        return False
    if name[:2] in pats.compound_surnames:
        return len(name) >= 3
    return name[0] in pats.surnames


def select_candidates(mined: Mined, min_cues: int = MIN_CUES) -> dict[str, EntityType]:
    """Pick the strings of the cue contexts that look like whole names.

    A string is kept when it was seen at least `min_cues` times, when no single
    character precedes it in more than :data:`FRAGMENT_SHARE` of its contexts, and, when
    it is longer than the shortest name, when it makes up at least :data:`COHESION` of the
    contexts of itself less its first character.

    Returns
    -------
    dict
        Normalised name -> type.

    Examples
    --------
    >>> m = Mined()
    >>> for text in ["，陳大文表示", "議員陳大文說", "昨日陳大文指", "。陳大文稱"]:
    ...     _ = mine(text, m)
    >>> select_candidates(m)
    {'陈大文': 'person'}
    """
    pats = _patterns()
    contexts = mined.contexts
    longest_child: Counter = Counter()
    for (kind, string), hits in contexts.items():
        key = (kind, string[1:])
        if hits > longest_child[key]:
            longest_child[key] = hits
    chosen: dict[str, tuple[int, EntityType]] = {}
    for (kind, string), hits in contexts.items():
        if hits < min_cues or longest_child[(kind, string)] > FRAGMENT_SHARE * hits:
            continue
        if string[0] in pats.bad_first or pats.bad_inside.search(string):
            continue
        if kind == PERSON:
            if not _is_person_name(string, pats) or len(string) > _PERSON_MAX:
                continue
            shorter = contexts.get((kind, string[1:]), 0)
            if len(string) > 2 and shorter and hits < COHESION * shorter:
                continue
        else:
            shorter = contexts.get((kind, string[1:]), 0)
            if len(string) > _ORG_MAX or (shorter and hits < COHESION * shorter):
                continue
        if hits > chosen.get(string, (0, PERSON))[0]:
            chosen[string] = (hits, kind)
    for (kind, name), hits in mined.titled.items():
        if hits >= min_cues and name not in chosen and name[0] not in pats.bad_first:
            chosen[name] = (hits, kind)
    return {name: kind for name, (_, kind) in sorted(chosen.items())}


# --- pass 2: counting the candidates ----------------------------------------------------------

_SEPARATOR = "\x1e"
"""Separates the texts of one chunk file (removed from the texts themselves)."""


@dataclass
class Counts:
    """Occurrences of the searched names in some texts, by index of name."""

    articles: Counter = field(default_factory=Counter)
    mentions: Counter = field(default_factory=Counter)
    """Occurrences on word boundaries, outside any longer searched name."""
    occurrences: Counter = field(default_factory=Counter)
    """All occurrences of the string."""
    cues: dict[int, Counter] = field(default_factory=dict)
    surfaces: dict[int, Counter] = field(default_factory=dict)
    """Index -> the name as written -> occurrences."""
    examples: dict[int, tuple[int, str]] = field(default_factory=dict)
    """Index -> (quality, sentence); the first example of the best quality wins."""

    def update(self, other: Counts) -> None:
        self.articles.update(other.articles)
        self.mentions.update(other.mentions)
        self.occurrences.update(other.occurrences)
        for index, cues in other.cues.items():
            self.cues.setdefault(index, Counter()).update(cues)
        for index, surfaces in other.surfaces.items():
            self.surfaces.setdefault(index, Counter()).update(surfaces)
        for index, (quality, sentence) in other.examples.items():
            if quality > self.examples.get(index, (-1, ""))[0]:
                self.examples[index] = (quality, sentence)


class _Search:
    """The candidates and the known names that contain one, in one :class:`Matcher`.

    Occurrences are found as ``kg build`` would find them if the candidates were in the
    gazetteer: on word boundaries, longest name first, so that a candidate inside a longer
    known name or candidate, or cut across a word, does not count.
    """

    def __init__(self, candidates: dict[str, EntityType], known: Iterable[str]) -> None:
        from kg.gazetteer import Entity

        self.names = list(candidates)
        self.kinds = [candidates[n] for n in self.names]
        self.n_candidates = len(self.names)
        containing = sorted(k for k in set(known) if _has_substring(k, candidates))
        entities = [
            Entity(id=f"c{i}", type=kind, name=name, en="-")
            for i, (name, kind) in enumerate(zip(self.names, self.kinds))
        ]
        entities += [
            Entity(id=f"k{i}", type="place", name=name, en="-") for i, name in enumerate(containing)
        ]
        self.matcher = Matcher(Gazetteer(entities)).prepare()


def _has_substring(text: str, names: dict | frozenset) -> bool:
    """Whether a proper substring of `text` (two characters or more) is one of `names`."""
    size = len(text)
    return any(
        text[i : i + n] in names for n in range(2, size) for i in range(size - n + 1)
    )


def count_names(chunk: str, search: _Search) -> Counts:
    """Count the candidates in the texts of a chunk (texts joined by the separator)."""
    counts = Counts()
    if not search.n_candidates:
        return counts
    matcher = search.matcher
    norm = normalise(chunk)
    pats = _patterns()
    found = matcher.candidates(chunk, norm)
    for cand in found:
        if cand.entity_ids[0][0] == "c":
            counts.occurrences[int(cand.entity_ids[0][1:])] += 1
    chosen = resolve_overlaps(found, lambda c: matcher.has_sound_boundaries(c, chunk, norm))
    separators = [m.start() for m in re.finditer(_SEPARATOR, norm)]
    seen: set[tuple[int, int]] = set()
    for cand in chosen:
        entity_id = cand.entity_ids[0]
        if entity_id[0] != "c":
            continue
        index, start, end = int(entity_id[1:]), cand.start, cand.end
        counts.mentions[index] += 1
        article = bisect.bisect_right(separators, start)
        if (index, article) not in seen:
            seen.add((index, article))
            counts.articles[index] += 1
        counts.surfaces.setdefault(index, Counter())[chunk[start:end]] += 1
        cue = _cue_at(norm, start, end, search.kinds[index], pats)
        if cue:
            counts.cues.setdefault(index, Counter())[cue] += 1
        if counts.examples.get(index, (0, ""))[0] < 3:
            quality, sentence = _example(chunk, start, end, bool(cue))
            if quality > counts.examples.get(index, (-1, ""))[0]:
                counts.examples[index] = (quality, sentence)
    return counts


def _cue_at(norm: str, start: int, end: int, kind: EntityType, pats: _Patterns) -> str:
    """The cue around one occurrence of a person's name ('' when none)."""
    if kind != PERSON:
        return ""
    title = pats.title_before.search(norm, max(0, start - 5), start)
    if title:
        return f"{to_traditional(title.group())}X"
    verb = pats.verb.match(norm, end)
    if verb:
        return f"X{to_traditional(verb.group())}"
    return ""


def _example(text: str, start: int, end: int, cued: bool) -> tuple[int, str]:
    """The sentence around text[start:end], cut to 60 characters, and its quality:
    3 a whole sentence with a cue, 2 a whole sentence, 1 a cut one."""
    lo = max(0, start - 200)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, start)]
    lo = ends[-1] if ends else lo
    stop = _SENTENCE_END.search(text, end, end + 200)
    hi = stop.end() if stop and stop.group() in "。！？!?" else (stop.start() if stop else end + 200)
    sentence = text[lo:hi].strip()
    if len(sentence) <= 60 and _SEPARATOR not in sentence:
        return (3 if cued else 2), sentence
    clauses = [lo, *(m.end() for m in _CLAUSE_END.finditer(text, lo, hi)), hi]
    left = max(c for c in clauses if c <= start)
    right = min(c for c in clauses if c >= end)
    while True:
        wider = [c for c in clauses if c < left]
        if not wider or right - wider[-1] > 60:
            break
        left = wider[-1]
    while True:
        wider = [c for c in clauses if c > right]
        if not wider or wider[0] - left > 60:
            break
        right = wider[0]
    piece = text[left:right].strip()
    if len(piece) > 60:
        piece = text[max(left, end - 30) : max(left, end - 30) + 60]
    return 1, piece.replace(_SEPARATOR, " ").strip()


# --- the whole run ----------------------------------------------------------------------------

_WORKER: dict = {}
_CHUNK_FILES = 256


def suggest(
    inputs: Sequence[str | Path],
    gazetteer: Gazetteer,
    top: int = 200,
    sample: int | None = None,
    jobs: int = 0,
) -> list[Suggestion]:
    """Mine the articles under `inputs` for frequent names that `gazetteer` lacks.

    Parameters
    ----------
    inputs : sequence of str or Path
        Article files or folders of them (as for ``kg build``).
    gazetteer : Gazetteer
        The names to leave out: every name, alias and weak name, in either script.
    top : int
        How many suggestions to return, most articles first.
    sample : int, optional
        Read only this many article files, evenly spread over the sorted input.
    jobs : int
        Worker processes; 0 means one per core.

    Returns
    -------
    list of Suggestion
        Ranked by articles, then mentions, then name.

    Raises
    ------
    KgError
        When the inputs hold no article.

    Examples
    --------
    >>> from kg.gazetteer import Entity
    >>> known = Gazetteer([Entity(id="hk", type="place", name="香港", en="Hong Kong")])
    >>> [s.name for s in suggest(["tests/data/suggest"], known, top=2, jobs=1)]
    ['陳大文', '民生關注協會']
    """
    files = [
        (str(path), str(root))
        for path, root in discover(inputs)
        if path.suffix.lower() in ARTICLE_SUFFIXES
    ]
    if sample is not None and 0 < sample < len(files):
        files = [files[i * len(files) // sample] for i in range(sample)]
    if not files:
        raise KgError(f"no article files under {', '.join(map(str, inputs))}")
    _patterns()  # compile (and load jieba) once, before forking
    workers = jobs or os.cpu_count() or 1
    size = max(8, min(_CHUNK_FILES, len(files) // (4 * workers) + 1))
    with tempfile.TemporaryDirectory(prefix="kg-suggest-") as folder:
        jobs_1 = [
            (str(Path(folder) / f"{n:05d}.txt"), files[i : i + size])
            for n, i in enumerate(range(0, len(files), size))
        ]
        mined = Mined()
        for part in _map(_mine_chunk, jobs_1, workers):
            mined.update(part)
        if not mined.articles:
            raise KgError(
                f"none of the {len(files)} files under {', '.join(map(str, inputs))} "
                "is an article (see 'kg build' for the reasons)"
            )
        known = known_names(gazetteer)
        candidates = drop_known(select_candidates(mined), gazetteer, known)
        _WORKER["search"] = search = _Search(candidates, known)
        counts = Counts()
        for part in _map(_count_chunk, [path for path, _ in jobs_1], workers):
            counts.update(part)
        _WORKER.clear()
    return rank(search, counts, top)


def _map(function, items: list, workers: int) -> Iterator:
    """Results of `function` over `items` in order, in forked processes when worthwhile."""
    if workers <= 1 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, items)
        return
    with multiprocessing.get_context("fork").Pool(min(workers, len(items))) as pool:
        yield from pool.imap(function, items)


def _mine_chunk(job: tuple[str, list[tuple[str, str]]]) -> Mined:
    """Read some files, mine their texts, and keep the texts in a chunk file for pass 2."""
    out, files = job
    mined = Mined()
    texts = []
    for path, root in files:
        try:
            text = read_article(path, root).text.replace(_SEPARATOR, " ")
        except ArticleError:
            continue
        mine(text, mined)
        texts.append(text)
    Path(out).write_text(_SEPARATOR.join(texts), encoding="utf-8")
    return mined


def _count_chunk(path: str) -> Counts:
    return count_names(Path(path).read_text(encoding="utf-8"), _WORKER["search"])


def known_names(gazetteer: Gazetteer) -> frozenset[str]:
    """Every name, alias and weak name of the gazetteer, normalised, in both scripts.

    >>> from kg.gazetteer import Entity
    >>> sorted(known_names(Gazetteer([Entity(id="x", type="person", name="蕭美琴", en="Hsiao")])))
    ['hsiao', '萧美琴']
    """
    from kg.text import is_ascii_word, to_simplified

    keys = set()
    for entity in gazetteer:
        for name in (entity.name, entity.en, *entity.aliases, *entity.weak, entity.hans):
            if name:
                keys.add(normalise(name))
                if not is_ascii_word(name):
                    keys.add(normalise(to_simplified(name)))
    return frozenset(keys)


def drop_known(
    candidates: dict[str, EntityType], gazetteer: Gazetteer, known: frozenset[str] | None = None
) -> dict[str, EntityType]:
    """Drop candidates the gazetteer knows, common words, and persons around a known person.

    A person candidate that contains a known person's name is that name and a stray
    character (習近平在, 林鄭月娥今早).

    >>> from kg.gazetteer import Entity
    >>> g = Gazetteer([Entity(id="x", type="person", name="習近平", en="Xi Jinping")])
    >>> drop_known({"习近平": "person", "习近平在": "person", "方面": "person",
    ...             "陈大文": "person"}, g)
    {'陈大文': 'person'}
    """
    known = known_names(gazetteer) if known is None else known
    people = frozenset(
        normalise(name)
        for entity in gazetteer
        if entity.type == PERSON
        for name in (entity.name, *entity.aliases, *entity.weak)
    )
    freq, tags = _jieba_words()
    return {
        name: kind
        for name, kind in candidates.items()
        if name not in known
        and not _is_common_word(name, freq, tags)
        and not (kind == PERSON and _has_substring(name, people))
    }


def _is_common_word(name: str, freq: dict, tags: dict) -> bool:
    """A frequent word of jieba's dictionary that is not tagged as a proper noun."""
    return freq.get(name, 0) >= COMMON_FREQUENCY and tags.get(name, "") not in _PROPER_TAGS


def rank(search: _Search, counts: Counts, top: int) -> list[Suggestion]:
    """Turn the counts into suggestions: drop fragments, rank, check two-character persons."""
    ranked = []
    for index, name in enumerate(search.names):
        mentions = counts.mentions[index]
        if not mentions or mentions < (1 - INSIDE_SHARE) * counts.occurrences[index]:
            continue
        ranked.append((-counts.articles[index], -mentions, name, index))
    ranked.sort()
    suggestions: list[Suggestion] = []
    for _, _, name, index in ranked:
        if len(suggestions) >= top:
            break
        kind = search.kinds[index]
        example = counts.examples.get(index, (0, ""))[1]
        if kind == PERSON and len(name) == 2 and not _tagged_as_name(name, example):
            continue
        suggestions.append(
            Suggestion(
                name=_written_name(counts.surfaces.get(index, Counter()), name),
                type=kind,
                articles=counts.articles[index],
                mentions=counts.mentions[index],
                example=example,
                evidence=_evidence(name, kind, counts.cues.get(index, Counter())),
            )
        )
    return suggestions


def _tagged_as_name(name: str, sentence: str) -> bool:
    """Whether jieba's tagger reads `name` as one proper noun in the example sentence."""
    import jieba.posseg

    _jieba_words()
    return any(
        normalise(pair.word) == name and pair.flag in _PROPER_TAGS
        for pair in jieba.posseg.cut(sentence)
    )


def _written_name(surfaces: Counter, key: str) -> str:
    """The commonest written form, in Traditional script."""
    surface = surfaces.most_common(1)[0][0] if surfaces else key
    if normalise(surface) == surface:  # no Traditional character: convert
        return to_traditional(surface)
    return surface


def _evidence(name: str, kind: EntityType, cues: Counter) -> str:
    if kind != PERSON:
        pats = _patterns()
        suffix = max((s for s in pats.suffix_kind if name.endswith(s)), key=len, default="")
        return f"X{to_traditional(suffix)}" if suffix else kind
    return cues.most_common(1)[0][0] if cues else "X表示"


# --- YAML --------------------------------------------------------------------------------------


def generate_yaml(suggestions: Iterable[Suggestion]) -> Iterator[str]:
    """Yield the lines of :func:`to_yaml`, each ending with a newline."""
    for number, s in enumerate(suggestions, 1):
        example = s.example.replace("\n", " ")
        yield f"# {s.articles} articles, {s.mentions} mentions (cue: {s.evidence}) — 「{example}」\n"
        yield f"- id: todo-{number}\n"
        yield f"  type: {s.type}\n"
        yield f"  name: {_yaml_scalar(s.name)}\n"
        yield "  en: TODO\n"


def to_yaml(suggestions: Iterable[Suggestion]) -> str:
    """Suggestions as commented YAML records in the gazetteer's format, to review and paste.

    Parameters
    ----------
    suggestions : iterable of Suggestion

    Returns
    -------
    str
        A YAML list (``yaml.safe_load`` reads it), one record per suggestion, each after a
        comment line with its counts, cue and example; ids ``todo-1``, ``todo-2`` … are
        unique placeholders to replace with slugs.

    Examples
    --------
    >>> import yaml
    >>> s = Suggestion("民生關注協會", "institution", 4, 6, "民生關注協會批評政府。", "X協會")
    >>> yaml.safe_load(to_yaml([s, s]))[1]
    {'id': 'todo-2', 'type': 'institution', 'name': '民生關注協會', 'en': 'TODO'}
    """
    return "".join(generate_yaml(suggestions))


def _yaml_scalar(text: str) -> str:
    """`text` as a YAML scalar, quoted only when it would not read back as itself."""
    import yaml

    plain = text and not re.search(r"[:#\[\]{},&*!|>'\"%@`]|^[-?\s]|\s$", text)
    if plain and yaml.safe_load(text) == text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
