"""Suggest gazetteer records: frequent names in a corpus that the gazetteer lacks.

``kg gazetteer suggest CORPUS`` reads every article once, mines it for names by their cues,
counts the promising ones over the whole corpus, and prints them, most frequent first, as
commented YAML records in the gazetteer's own format, ready to review and paste.

How a name is found, on the Simplified-normalised text (:func:`kg.text.normalise`):

1. **Cues** (:func:`mine`). A speech verb (表示, 指出, 稱, 攝 …, maybe after an adverb:
   亦, 昨日) ends a person's name and a title (議員, 局長, 教授 …) starts one; an
   institution suffix (委員會, 大學, 黨, 局 …) or a place suffix (邨, 街, 站 …) ends a
   name, unless the next character continues a common word (局長, 大學生, 市民).
2. **Where a name starts** (:func:`select_candidates`). A cue fixes one edge; the other
   comes from statistics over all the cue contexts of the corpus: a name is not nearly
   always preceded by one same character (港中文大學 is part of 香港中文大學), its first
   character and first word belong to it (日食物及衞生局, 利用郊野公園 are not names), a
   person's name starts with a surname, and jieba's dictionary says its shape suits its
   kind (查詢時, 調查委員會, 報道 are words, not names).
3. **Known names** (:func:`drop_known`): every name, alias and weak name of the gazetteer
   in both scripts, common words, a known person's name with a stray character, and
   compounds of known names (美國公司, 沙中線紅磡站) are dropped.
4. **Counting**. The candidates, and the known names that contain
   one, are searched in every article with kg's own :class:`~kg.extract.Matcher`, as
   ``kg build`` would find them: on word boundaries, longest first. A candidate found
   mostly inside a longer name is a fragment; the rest are ranked by articles, with
   their cue and an example sentence cut from the text as written. jieba's tagger reads
   two-character person names, the riskiest kind, in a cue sentence (X表示).

Reading is the costly part; it runs once, in forked worker processes that mine their
chunk of files and write its texts to a temporary file for the counting pass, so that no
more than a chunk of texts per worker is in memory at a time.

Examples
--------
>>> s = Suggestion("陳大文", "person", articles=3, mentions=5,
...                example="議員陳大文表示反對。", evidence="X表示")
>>> print(to_yaml([s]), end="")
# 3 articles, 5 mentions (cue: X表示) — 「議員陳大文表示反對。」
- id: TODO-1
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
from kg.records import Article, EntityType
from kg.text import normalise, to_traditional

# --- word lists (written in Traditional; used normalised) -----------------------------------

_SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾鐘彭游詹胡施沈余"
    "盧梁趙顏柯翁魏孫戴范方宋鄧杜傅侯曹薛卓馬阮董溫温唐藍石蔣古紀姚連馮歐程湯田康姜白汪"
    "鄒尤巫錢嚴袁伍麥莫鄺區霍譚關岑甘龐單冼黎韋勞容邵文易聶任武俞尹柳秦殷倪祝龔賀毛章熊孔"
    "萬邢雷向史金崔夏喬戚屈饒凌葛梅滕鮑陶晏練路左談衛衞查裘解祁郝閻車包費齊卜苗管湛駱蒙利"
    "符巢塗涂辜官辛鄔闞閔植貝伏麻段商寧房竇郁冉薄喻皮谷景尚牛桂盛童"
    "狄祖奚婁危鄂濮伊宮寇邊卞焦匡靳芮牟習栗艾藺岳庾鞠鄢佘佟褚覃翟郎柴舒豐姬"
)
"""Surnames that start a person's name (a few that are mostly common words are left out:
時, 應, 全, 常, 成, 安, 黨, 宗, 丁 (丁屋, 丁權) …)."""
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
_NAME_TAILS = (
    "先生", "女士", "小姐", "太太", "伯伯", "婆婆", "姑娘", "老師", "同學", "官", "伯", "生",
    "太", "婆", "嫂", "姐", "哥", "仔", "某", "氏", "絲", "攝", "攝影", "牧",
)  # fmt: skip
"""Forms of address: 陳先生, 胡官 (a magistrate), 朱牧 (a pastor) are not names."""
_VERBS = (
    "表示", "說", "指出", "指", "稱", "認為", "強調", "回應", "透露", "批評", "坦言", "直言",
    "質疑", "承認", "解釋", "重申", "宣布", "宣佈", "相信", "估計", "希望", "補充", "形容",
    "反駁", "提到", "表明", "明言", "警告", "呼籲", "提醒", "建議", "擔心", "憂慮", "笑言",
    "坦承", "否認", "堅稱", "聲稱", "自言", "直指", "斥", "引述", "憶述", "寫道", "發文",
    "留言", "回覆", "答", "講", "問", "稱讚", "讚揚", "譴責", "感嘆", "慨嘆", "不滿", "承諾",
    "身穿", "到場", "出席", "獲判", "被控", "被判", "認罪", "則指", "攝", "撰文",
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
    "社", "電視台", "電台", "日報", "時報", "晚報", "週刊", "周刊", "新聞", "中心",
    "辦公室", "辦事處", "交易所", "關注組", "大聯盟", "議院", "法庭",
)  # fmt: skip
_PLACE_SUFFIXES = (
    "邨", "村", "街", "道", "路", "區", "站", "灣", "山", "島", "市", "省", "縣", "鎮", "州",
    "公園", "廣場", "商場", "大廈", "花園", "碼頭", "機場", "隧道", "海峽",
    "屋苑", "大樓", "墟", "半島", "群島",
)  # fmt: skip
# Characters that never start a name (a person's, unless they are surnames: 曾, 向, 于):
# pronouns, determiners, prepositions, conjunctions, adverbs.
_BAD_FIRST = "經非面方邊的了是在與和及於由向對為從被將把讓同跟給到所該這那此本其一兩各每多某另有個間但而並或就也亦都會令使要我你他她它們不沒已曾則即以之自前後者又再及等、"
# Characters that do not start an institution or place name: a suffix (the end of a
# longer name: (廉)署執行處) or 假, 重.
_BAD_ORG_FIRST = "署局處部廳黨社假重"
# Verbs that join a name to what follows, never inside a name: 香港作為國際金融中心
# (nor are the speech verbs: 當庭表示服從法院).
_LINK_VERBS = (
    "作為", "成為", "包括", "位於", "利用", "進入", "接受", "前往", "離開", "加入", "就是",
    "屬於", "來自", "透過", "通過", "經過", "代表", "聯同", "連同", "聯絡", "致電",
)  # fmt: skip
# Characters that never end a person's name.
_BAD_LAST = "不已半上下內裏外個的了着過所都也亦則就還而並及與對向在於時後前等們些嗎呢吧啊云曾將要會能可應該請讓被把給無有沒未再又仍只才更最很太其此這那每各全多少幾位名次年月日號點分秒元歲說指稱問答講攝"
# Characters that never occur inside a name.
_BAD_INSIDE = "的了是我你他她們這那沒很嗎呢吧啊着著過把被讓給"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NAME_CHARS = _CJK + "·"
_PERSON_MAX = 4
"""Longest person name (two-character surname and two given names: 歐陽震華 …)."""
_ORG_MAX = 12
"""Longest institution or place name considered."""
_SENTENCE_END = re.compile("[。！？!?\n\x1e]")
_CLAUSE_END = re.compile(r"[，；：,;]")

PERSON: EntityType = "person"
INSTITUTION: EntityType = "institution"
PLACE: EntityType = "place"

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
    adverbs_before: re.Pattern
    verb_guard: dict[str, frozenset[str]]
    verb_after: re.Pattern
    longest_title: int
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
    bad_last: frozenset[str]
    bad_org_first: frozenset[str]
    link_verbs: frozenset[str]
    bad_inside: re.Pattern
    tail: re.Pattern

    def run_before(self, text: str, start: int, end: int) -> str:
        """The run of name characters in ``text[start:end]`` that ends at `end` ('' if none)."""
        match = self.tail.search(text, start, end)  # always found: the run may be empty
        return match.group() if match else ""

    def suffix_of(self, name: str) -> str:
        """The longest institution or place suffix that `name` ends with ('' if none)."""
        for size in range(min(len(name), 3), 0, -1):
            if name[-size:] in self.suffix_kind:
                return name[-size:]
        return ""


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of normalised literal words, longest first."""
    keys = sorted({normalise(w) for w in words}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(k) for k in keys)


def _two_character_words(freq: dict[str, int], least: int) -> dict[str, set[str]]:
    """Character -> the characters that follow it in jieba words of two characters."""
    after: dict[str, set[str]] = {}
    for word, count in freq.items():
        if len(word) == 2 and count >= least:
            after.setdefault(word[0], set()).add(word[1])
    return after


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
    after_char = _two_character_words(freq, 30)
    pieces = []
    for suffix in sorted(suffix_kind, key=lambda s: (-len(s), s)):
        bad = sorted(after_char.get(suffix[-1], set()) - {"·"})
        guard = f"(?![{''.join(re.escape(c) for c in bad)}])" if bad else ""
        pieces.append(re.escape(suffix) + guard)
    # A one-character verb does not end a name where it ends a common word: 小說, 訪問.
    before_verb: dict[str, set[str]] = {normalise(v): set() for v in _VERBS if len(v) == 1}
    for first, seconds in _two_character_words(freq, 100).items():
        for verb in seconds & before_verb.keys():
            before_verb[verb].add(first)
    return _Patterns(
        verb=re.compile(verbs),
        adverbs_before=re.compile(f"(?:{adverbs}){{1,2}}$"),
        verb_guard={verb: frozenset(chars) for verb, chars in before_verb.items()},
        verb_after=re.compile(f"(?:{adverbs}){{0,2}}({verbs})"),
        longest_title=max(len(t) for t in _TITLES),
        title=re.compile(titles),
        title_before=re.compile(f"(?:{titles})$"),
        foreign_titles=frozenset(normalise(t) for t in _FOREIGN_TITLES),
        tails=tuple(normalise(t) for t in (*_TITLES, *_NAME_TAILS)),
        title_person=re.compile(
            rf"({titles})([{_NAME_CHARS}]{{2,6}}?)(?={after}|[，、。（(」：]|在|于|对|向|等)"
        ),
        suffix=re.compile("|".join(pieces)),
        suffix_kind=suffix_kind,
        surnames=frozenset(normalise(_SURNAMES)),
        compound_surnames=frozenset(normalise(s) for s in _COMPOUND_SURNAMES),
        bad_first=frozenset(normalise(_BAD_FIRST)),
        bad_last=frozenset(normalise(_BAD_LAST)),
        bad_org_first=frozenset(normalise(_BAD_ORG_FIRST)),
        link_verbs=frozenset(normalise(v) for v in (*_LINK_VERBS, *_VERBS) if len(v) > 1),
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

    runs: Counter = field(default_factory=Counter)
    """(kind, run, shortest) -> hits: the run of name characters that ends at a cue (a
    speech verb for persons, the end of a suffix otherwise), not yet expanded."""
    contexts: Counter = field(default_factory=Counter)
    """(kind, string) -> hits: every string of two or more characters (more than the
    suffix) that ends at a cue, up to one character longer than the longest name."""
    titled: Counter = field(default_factory=Counter)
    """Person names between a title and a verb or punctuation -> hits."""
    articles: int = 0

    def expand(self) -> Mined:
        """Turn the runs into contexts (once per distinct run, not per hit)."""
        pats = _patterns()
        contexts = self.contexts
        for (kind, run, shortest), hits in self.runs.items():
            if kind == PERSON:
                run = _after_title(run, pats)[-_PERSON_MAX - 1 :]
            for size in range(shortest, len(run) + 1):
                contexts[(kind, run[-size:])] += hits
        self.runs = Counter()
        return self

    def update(self, other: Mined) -> None:
        self.runs.update(other.runs)
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
        Call :meth:`Mined.expand` before reading its `contexts`.

    Examples
    --------
    >>> found = mine("議員陳大文表示，華富邨居民協會昨日成立。").expand()
    >>> found.titled
    Counter({('person', '陈大文'): 1})
    >>> found.contexts[("person", "陈大文")], found.contexts[("institution", "华富邨居民协会")]
    (1, 1)
    """
    found = into if into is not None else Mined()
    found.articles += 1
    norm = normalise(text)
    pats = _patterns()
    runs = found.runs
    longest_title = _PERSON_MAX + 1 + pats.longest_title
    for match in pats.verb.finditer(norm):
        anchor = match.start()
        if anchor and norm[anchor - 1] in pats.verb_guard.get(match.group(), ()):
            continue  # 小說, 訪問, 拍攝: the verb ends a word
        adverbs = pats.adverbs_before.search(norm, max(0, anchor - 6), anchor)
        if adverbs:
            anchor = adverbs.start()
        run = pats.run_before(norm, max(0, anchor - longest_title), anchor)
        if len(run) >= 2:
            runs[(PERSON, run, 2)] += 1
    for match in pats.title_person.finditer(norm):
        name = match.group(2)
        verb = pats.verb.match(norm, match.end())
        if verb and name[-1] in pats.verb_guard.get(verb.group(), ()):
            continue  # 首相官式訪問
        if _is_person_name(name, pats) or (
            match.group(1) in pats.foreign_titles
            and len(name) > 2  # not 今早 in 發言人今早表示
            and not pats.bad_inside.search(name)
        ):
            found.titled[(PERSON, name)] += 1
    for match in pats.suffix.finditer(norm):
        suffix = match.group()
        start = max(0, match.end() - _ORG_MAX - 1)
        run = pats.run_before(norm, start, match.start())
        if run:
            runs[(pats.suffix_kind[suffix], run + suffix, len(suffix) + 1)] += 1
    return found


def _after_title(run: str, pats: _Patterns) -> str:
    """The part of a context after its last title, when two or more characters remain."""
    best = run
    for match in pats.title.finditer(run):
        if len(run) - match.end() >= 2:
            best = run[match.end() :]
    return best


def _is_person_name(name: str, pats: _Patterns) -> bool:
    """Two to four characters, a surname first, no function word inside or last."""
    if not 2 <= len(name) <= _PERSON_MAX or pats.bad_inside.search(name):
        return False
    if name.endswith(pats.tails) or name[-1] in pats.bad_last:
        return False
    if name[:2] in pats.compound_surnames:
        return len(name) >= 3
    if len(name) == 4 and name[1] not in pats.surnames:
        return False  # four characters: two surnames (林鄭月娥) or a compound one
    return name[0] in pats.surnames


# jieba tags of words that do not begin, or do not occur in, an institution or place name
_NOT_FIRST_TAGS = frozenset(
    {"v", "c", "m", "q", "t", "p", "d", "r", "y", "e", "ad", "vd", "zg", "l", "i"}
)
_NOT_INSIDE_TAGS = frozenset(
    {"p", "d", "r", "y", "e", "t", "ad", "vd", "df", "u", "uj", "ul", "uz", "ud", "ug", "uv"}
)
_COMPASS = frozenset("东西南北中")
_PLACE_OR_BODY_TAGS = frozenset({"ns", "nt", "nz", "j"})


def _has_name_shape(name: str, kind: EntityType, pats: _Patterns) -> bool:
    """Whether jieba's segmentation of a candidate looks like a name of its kind.

    jieba's part-of-speech tags are noisy (陳述 and 白宮 are tagged as person names), so
    frequencies decide most; see :func:`_has_person_shape` and :func:`_has_body_shape`.
    """
    import jieba

    freq, tags = _jieba_words()
    words = jieba.lcut(name, HMM=False)
    if kind == PERSON:
        return _has_person_shape(name, words, freq, tags, pats)
    return _has_body_shape(name, words, freq, tags, pats)


def _has_person_shape(name: str, words: list[str], freq: dict, tags: dict, pats: _Patterns) -> bool:
    """A person's name is not a dictionary word (施政, 白皮書), does not begin with one
    (查詢時, 文件夾, 白宮官員), and its given name is not a common word (張相片)."""
    if freq.get(name, 0) >= 20 or freq.get(name[:2], 0) >= 100:
        return False
    first = words[0]
    if first != name and len(first) >= 2 and freq.get(first, 0) >= 3:
        return False
    given = name[2:] if len(name) == 4 or name[:2] in pats.compound_surnames else name[1:]
    return not (len(given) >= 2 and freq.get(given, 0) >= 100 and tags.get(given) != "nr")


def _has_body_shape(name: str, words: list[str], freq: dict, tags: dict, pats: _Patterns) -> bool:
    """An institution or place name is not a dictionary word (公立醫院, 董事局); does not
    begin with a verb, adverb, pronoun, time word or title (認為政府, 代表調查委員會); has
    no linking verb inside (香港作為國際金融中心); its stem before the suffix is not made
    of common words (調查委員會, 深切治療部) and does not end with a common word that the
    suffix's first character completes (報道, 台灣, 上街)."""
    import jieba

    if freq.get(name, 0) >= 3 and not (tags.get(name) == "nt" and freq[name] >= 20):
        return False
    first = words[0]
    if (
        name[-1] == name[-2]  # 局局長, 民主黨黨慶
        or (tags.get(first, "") in _NOT_FIRST_TAGS and first not in _COMPASS)
        or (len(first) > 1 and tags.get(first) in ("v", "vn") and freq.get(first, 0) >= 1000)
        or name.startswith(pats.tails)
        or name[0] in pats.bad_org_first
        or any(w in pats.link_verbs for w in words[1:])
        or any(w in ("和", "或") or tags.get(w, "") in _NOT_INSIDE_TAGS for w in words)
        or any(len(w) > 1 and tags.get(w) == "f" for w in words)
    ):
        return False
    stem_end = len(name) - len(pats.suffix_of(name))
    stem = name[:stem_end]
    if stem_end < 2 or stem.endswith(pats.tails) or freq.get(stem, 0) >= 20:
        return False  # 票站; 法官區(慶祥); 巴士公司
    for size in (1, 2):
        word = name[max(0, stem_end - size) : stem_end + 1]
        if len(word) == size + 1 and freq.get(word, 0) >= 100 and tags.get(word) != "nt":
            return False
    offset = 0
    for word in words:  # a common word that runs from the stem into the suffix
        inside = offset < stem_end < offset + len(word)
        if inside and freq.get(word, 0) >= 100 and tags.get(word) != "nt":
            return False
        offset += len(word)
    stem_words = jieba.lcut(stem, HMM=False)
    if len(stem_words[-1]) == 1 and tags.get(stem_words[-1], "") in ("v", "c"):
        return False  # 民主黨創黨
    return not _is_generic_stem(stem_words, freq, tags, pats)


def _is_generic_stem(words: list[str], freq: dict, tags: dict, pats: _Patterns) -> bool:
    """Whether a stem is made of common words only (not of a name's characters: two
    one-character words in a row are taken for a name jieba does not know, 冠域)."""
    if all(len(w) == 1 for w in words):
        return False
    for i, word in enumerate(words):
        if len(word) == 1:
            if freq.get(word, 0) < 1000 or (i and len(words[i - 1]) == 1):
                return False
        elif (
            freq.get(word, 0) < 100
            or tags.get(word, "") in _PLACE_OR_BODY_TAGS
            or pats.suffix_of(word)
        ):
            return False
    return True


def _may_be_name(string: str, kind: EntityType, pats: _Patterns) -> bool:
    """Cheap checks of a context string before the statistics: its characters, length."""
    if pats.bad_inside.search(string):
        return False
    if kind == PERSON:
        return _is_person_name(string, pats)  # a surname first, even 曾 (also an adverb)
    return not (
        len(string) > _ORG_MAX
        or string[0] in pats.bad_first
        or string[0] in pats.bad_org_first
        or pats.suffix_of(string) == string
    )


def _less_first_word(text: str) -> str:
    """`text` without its longest prefix in jieba's dictionary (or its first character)."""
    freq, _ = _jieba_words()
    for size in range(min(4, len(text) - 1), 1, -1):
        if freq.get(text[:size]):
            return text[size:]
    return text[1:]


def _starts_word(text: str, offset: int) -> bool:
    """Whether jieba cuts `text` at `offset` (禁止|香港民族黨, not 人民共和國|香港)."""
    import jieba

    freq, _ = _jieba_words()
    if offset < 2 or freq.get(text[offset - 2 : offset], 0) < 50:
        return False  # no common word ends right before the offset
    position = 0
    for word in jieba.lcut(text, HMM=False):
        if position >= offset:
            return position == offset
        position += len(word)
    return False


def select_candidates(mined: Mined, min_cues: int = MIN_CUES) -> dict[str, EntityType]:
    """Pick the strings of the cue contexts that look like whole names.

    A string is kept when it was seen at least `min_cues` times; when no single
    character precedes it in more than :data:`FRAGMENT_SHARE` of its contexts (unless
    that character ends a dictionary word: 禁止香港民族黨 does not make 香港民族黨 a
    fragment); when it makes up at least :data:`COHESION` of the contexts of itself less
    its first character; and when its shape suits its kind (:func:`_has_name_shape`).

    Parameters
    ----------
    mined : Mined
        The cue contexts of a corpus (expanded here if need be).
    min_cues : int
        How many cue hits a name needs.

    Returns
    -------
    dict
        Normalised name -> type, sorted by name.

    Examples
    --------
    >>> m = Mined()
    >>> for text in ["，陳大文表示", "議員陳大文說", "昨日陳大文指", "。陳大文稱"]:
    ...     _ = mine(text, m)
    >>> select_candidates(m)
    {'陈大文': 'person'}
    """
    pats = _patterns()
    contexts = mined.expand().contexts
    child: dict[tuple[str, str], tuple[int, str]] = {}
    for (kind, string), hits in contexts.items():
        key = (kind, string[1:])
        if hits > child.get(key, (0, ""))[0]:
            child[key] = (hits, string)
    chosen: dict[str, tuple[int, EntityType]] = {}
    for (kind, string), hits in contexts.items():
        if hits < min_cues or not _may_be_name(string, kind, pats):
            continue
        shorter = contexts.get((kind, string[1:]), 0)
        if len(string) > 2 and hits < COHESION * shorter:
            continue  # the first character is not part of it: 日食物及衞生局
        if kind != PERSON and hits < COHESION * contexts.get((kind, _less_first_word(string)), 0):
            continue  # nor is the first word: 利用郊野公園 is mostly 郊野公園
        top, longer = child.get((kind, string), (0, ""))
        if top > FRAGMENT_SHARE * hits:  # a fragment, unless a word ends before it
            parent = child.get((kind, longer), (0, ""))[1] or longer
            if top > 0.95 * hits or not _starts_word(parent, len(parent) - len(string)):
                continue
        if hits > chosen.get(string, (0, PERSON))[0]:
            chosen[string] = (hits, kind)
    for (kind, name), hits in mined.titled.items():
        if hits >= min_cues and name not in chosen:
            chosen[name] = (hits, kind)
    people = {name for name, (_, kind) in chosen.items() if kind == PERSON}
    return {
        name: kind
        for name, (_, kind) in sorted(chosen.items())
        if _has_name_shape(name, kind, pats)
        and (kind == PERSON or not (name[-3:] in people or name[-2:] in people))
    }


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
    return any(text[i : i + n] in names for n in range(2, size) for i in range(size - n + 1))


def _count_names(chunk: str, search: _Search) -> Counts:
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
    verb = pats.verb_after.match(norm, end)
    if verb:
        return f"X{to_traditional(verb.group(1))}"
    return ""


def _example(text: str, start: int, end: int, cued: bool) -> tuple[int, str]:
    """The sentence around text[start:end], cut to 60 characters, and its quality: 3 a
    whole sentence with a cue, 2 a whole sentence, 1 a cut one, 0 a sentence of fewer
    than 12 characters (a photo credit: 何君健攝)."""
    lo = max(0, start - 200)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, start)]
    lo = ends[-1] if ends else lo
    stop = _SENTENCE_END.search(text, end, end + 200)
    hi = (
        stop.end() if stop and stop.group() in "。！？!?" else (stop.start() if stop else end + 200)
    )
    sentence = text[lo:hi].strip()
    if len(sentence) <= 60:
        return (0 if len(sentence) < 12 else 3 if cued else 2), sentence
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
    return 1, piece.strip()


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
        Read only this many article files, evenly spread over the sorted input (for a
        quick look at a large archive); None reads them all.
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
    ['華富邨居民協會', '陳大文']
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
        _WORKER["search"] = search = _Search(candidates, known)  # inherited by the fork
        counts = Counts()
        try:
            for part in _map(_count_chunk, [path for path, _ in jobs_1], workers):
                counts.update(part)
        finally:
            _WORKER.clear()
    return _rank(search, counts, top)


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
            text = _readable_text(read_article(path, root))
        except ArticleError:
            continue
        mine(text, mined)
        texts.append(text)
    mined.expand()
    Path(out).write_text(_SEPARATOR.join(texts), encoding="utf-8")
    return mined


def _readable_text(article: Article) -> str:
    """The article's text less its related-article links (headlines repeated elsewhere)."""
    parts = [article.text[s.start : s.end] for s in article.sections if s.part != "related"]
    return ("\n".join(parts) if article.sections else article.text).replace(_SEPARATOR, " ")


def _count_chunk(path: str) -> Counts:
    return _count_names(Path(path).read_text(encoding="utf-8"), _WORKER["search"])


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
    """Drop candidates the gazetteer knows, common words, and compounds of known names.

    Dropped besides known names and common words: a person candidate that contains a
    known person's name (習近平在, 林鄭月娥今早: the name and a stray character); an
    institution or place made of known names only (美國哈佛大學), of a known name and
    one common word (美國公司, 香港法院: a kind of thing, not a name), containing a
    known person's full name (黃宏發接受眾新聞), or ending with a known name of three
    characters or more (沙中線紅磡站).

    Parameters
    ----------
    candidates : dict
        Normalised name -> type, as :func:`select_candidates` returns them.
    gazetteer : Gazetteer
    known : frozenset of str, optional
        :func:`known_names` of the gazetteer, when already computed.

    Returns
    -------
    dict
        The candidates left.

    Examples
    --------
    >>> from kg.gazetteer import Entity
    >>> g = Gazetteer([Entity(id="x", type="person", name="習近平", en="Xi Jinping"),
    ...                Entity(id="us", type="place", name="美國", en="United States")])
    >>> drop_known({"习近平": "person", "习近平在": "person", "方面": "person",
    ...             "美国公司": "institution", "陈大文": "person"}, g)
    {'陈大文': 'person'}
    """
    known = known_names(gazetteer) if known is None else known
    people = frozenset(
        normalise(name)
        for entity in gazetteer
        if entity.type == PERSON
        for name in (entity.name, *entity.aliases, *entity.weak)
    )
    people_3 = frozenset(p for p in people if len(p) >= 3)
    freq, tags = _jieba_words()
    return {
        name: kind
        for name, kind in candidates.items()
        if name not in known
        and not _is_common_word(name, freq, tags)
        and not (kind == PERSON and _has_substring(name, people))
        and not (kind != PERSON and _is_compound_of_known(name, known, freq, tags))
        and not (kind != PERSON and _has_substring(name, people_3))
        and not (kind != PERSON and _ends_with_known(name, known))
    }


def _ends_with_known(name: str, known: frozenset[str]) -> bool:
    """Whether `name` is something and a known name of three characters or more
    (沙中線紅磡站: the known station, on a line)."""
    return any(name[start:] in known for start in range(2, len(name) - 2))


def _is_compound_of_known(name: str, known: frozenset[str], freq: dict, tags: dict) -> bool:
    """Known names only (美國哈佛大學), a known name and a common word or one or two more
    characters (美國公司, 民建聯黨), or a verb phrase and a known name (接受眾新聞)."""
    size = len(name)
    covered = [True] + [False] * size  # covered[i]: name[:i] is a run of known names
    for end in range(2, size + 1):
        covered[end] = any(covered[start] and name[start:end] in known for start in range(end - 1))
    if covered[size]:
        return True
    # known names and dictionary words, two of them known: 中國官方新華社
    best = [0] + [-1] * size  # best[i]: most known names in a segmentation of name[:i]
    for end in range(1, size + 1):
        for start in range(max(0, end - 12), end):
            if best[start] < 0:
                continue
            piece = name[start:end]
            if piece in known:
                best[end] = max(best[end], best[start] + 1)
            elif end - start > 1 and freq.get(piece, 0) >= 20:
                best[end] = max(best[end], best[start])
    if best[size] >= 2:
        return True
    for cut in range(2, size):
        rest = name[cut:]
        if covered[cut] and (
            len(rest) <= 2 or (freq.get(rest, 0) >= 20 and tags.get(rest, "") not in _PROPER_TAGS)
        ):
            return True
        if name[size - cut :] in known and _has_verb(name[: size - cut], tags):
            return True  # 接受眾新聞
    return False


def _has_verb(text: str, tags: dict) -> bool:
    """Whether jieba finds a verb of two characters or more in `text`."""
    import jieba

    return any(len(w) > 1 and tags.get(w) == "v" for w in jieba.lcut(text, HMM=False))


def _is_common_word(name: str, freq: dict, tags: dict) -> bool:
    """A frequent word of jieba's dictionary not tagged as a proper noun, a very frequent
    word whatever its tag (城市 is tagged as a place), or an idiom or set phrase."""
    count, tag = freq.get(name, 0), tags.get(name, "")
    if tag in ("i", "l") and count:
        return True
    return count >= 50 * COMMON_FREQUENCY or (count >= COMMON_FREQUENCY and tag not in _PROPER_TAGS)


def _rank(search: _Search, counts: Counts, top: int) -> list[Suggestion]:
    """The counts as suggestions: fragments dropped, two-character persons checked."""
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
        if kind == PERSON and len(name) == 2 and not _tagged_as_name(name):
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


def _tagged_as_name(name: str) -> bool:
    """Whether jieba's tagger reads a (normalised) two-character name as a person's name
    in the shortest cue sentence, ``X表示``: it does for 陳帆 and 林勵, not for 萬人 or
    回覆. (Read in real sentences, its verdict depends on the sentence, not the name.)

    >>> _tagged_as_name("陈帆"), _tagged_as_name("万人")
    (True, False)
    """
    import jieba.posseg

    _jieba_words()
    return any(
        pair.word == name and pair.flag.startswith("nr") for pair in jieba.posseg.cut(name + "表示")
    )


def _written_name(surfaces: Counter, key: str) -> str:
    """The commonest written form, in Traditional script."""
    surface = surfaces.most_common(1)[0][0] if surfaces else key
    if normalise(surface) == surface:  # no Traditional character: convert
        return to_traditional(surface)
    return surface


def _evidence(name: str, kind: EntityType, cues: Counter) -> str:
    if kind != PERSON:
        suffix = _patterns().suffix_of(name)
        return f"X{to_traditional(suffix)}" if suffix else kind
    return cues.most_common(1)[0][0] if cues else "X表示"


# --- YAML --------------------------------------------------------------------------------------


def generate_yaml(suggestions: Iterable[Suggestion]) -> Iterator[str]:
    """Yield the lines of :func:`to_yaml`, each ending with a newline.

    >>> s = Suggestion("陳大文", "person", 3, 5, "陳大文表示反對。", "X表示")
    >>> next(generate_yaml([s]))
    '# 3 articles, 5 mentions (cue: X表示) — 「陳大文表示反對。」\\n'
    """
    for number, s in enumerate(suggestions, 1):
        example = s.example.replace("\n", " ")
        yield f"# {s.articles} articles, {s.mentions} mentions (cue: {s.evidence}) — 「{example}」\n"
        yield f"- id: TODO-{number}\n"
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
        comment line with its counts, cue and example; ids ``TODO-1``, ``TODO-2`` … are
        unique placeholders to replace with slugs.

    Examples
    --------
    >>> import yaml
    >>> s = Suggestion("華富邨居民協會", "institution", 4, 6, "華富邨居民協會批評政府。", "X協會")
    >>> yaml.safe_load(to_yaml([s, s]))[1]
    {'id': 'TODO-2', 'type': 'institution', 'name': '華富邨居民協會', 'en': 'TODO'}
    """
    return "".join(generate_yaml(suggestions))


def _yaml_scalar(text: str) -> str:
    """`text` as a YAML scalar, quoted only when it would not read back as itself."""
    import yaml

    plain = text and not re.search(r"[:#\[\]{},&*!|>'\"%@`]|^[-?\s]|\s$", text)
    if plain and yaml.safe_load(text) == text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
