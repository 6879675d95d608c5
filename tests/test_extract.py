"""The extractor's traps, each a named case, and properties of offsets."""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import (
    COMPOUND,
    STRONG,
    WEAK,
    Candidate,
    Matcher,
    find_publisher,
    resolve_overlaps,
)
from kg.records import Article


def found(matcher, text):
    return [(m.entity_id, m.surface) for m in matcher.find(text)]


def ids(matcher, text):
    return {m.entity_id for m in matcher.find(text)}


# --- script-agnostic ---------------------------------------------------------------------


def test_traditional_and_simplified_forms_of_one_entity(matcher):
    assert found(matcher, "蕭美琴會見記者") == [("hsiao-bi-khim", "蕭美琴")]
    assert found(matcher, "萧美琴会见记者") == [("hsiao-bi-khim", "萧美琴")]


def test_variant_characters_match_alike(matcher):
    assert found(matcher, "臺灣與台灣") == [("taiwan", "臺灣"), ("taiwan", "台灣")]
    assert found(matcher, "世卫与世衛都是世衞") == [
        ("who", "世卫"),
        ("who", "世衛"),
        ("who", "世衞"),
    ]


def test_full_width_english_matches_half_width_name(matcher):
    assert found(matcher, "世衞（ＷＨＯ）今日") == [("who", "世衞"), ("who", "ＷＨＯ")]


# --- boundaries ----------------------------------------------------------------------------


def test_name_inside_a_word_is_not_a_mention(matcher):
    assert found(matcher, "黃金成為避險工具") == []
    assert found(matcher, "黄金成为避险工具") == []


def test_name_that_jieba_keeps_whole_is_found(matcher):
    assert "sung-kim" in ids(matcher, "美國國務院代理亞太助卿金成會面")


def test_abbreviation_inside_a_longer_word_is_not_a_mention(matcher):
    assert found(matcher, "中大型企業") == []
    assert found(matcher, "中大校方今日回應") == [("cuhk", "中大")]


def test_english_name_on_word_boundaries_only(matcher):
    assert found(matcher, "Kimberly said") == []
    assert found(matcher, "金成（Sung Kim）說，美國") == [
        ("sung-kim", "金成"),
        ("sung-kim", "Sung Kim"),
        ("united-states", "美國"),
    ]
    assert found(matcher, "sung kim met") == [("sung-kim", "sung kim")]


def test_english_name_inside_a_web_address_is_not_a_mention(matcher):
    assert found(matcher, "右圖取自who.int/news") == []
    assert found(matcher, "見 www.WHO.int 或 @WHO") == []
    assert found(matcher, "WHO.") == [("who", "WHO")]


def test_acronym_matches_in_capitals_only(matcher):
    assert found(matcher, "who said so") == []
    assert found(matcher, "WHO said so") == [("who", "WHO")]


def test_english_inside_chinese_text(matcher):
    assert found(matcher, "美國總統Donald Trump說") == [
        ("united-states", "美國"),
        ("donald-trump", "Donald Trump"),
    ]


def test_name_with_interpunct_in_any_form(matcher):
    for dot in "·‧・•":
        assert found(matcher, f"唐納德{dot}川普宣布") == [("donald-trump", f"唐納德{dot}川普")]


# --- overlaps ----------------------------------------------------------------------------


def test_longest_name_wins_and_nested_name_is_not_counted(matcher):
    assert found(matcher, "香港科技大學學生") == [("hkust", "香港科技大學")]
    assert found(matcher, "美國國務院發言人") == [("us-state-department", "美國國務院")]


def test_resolve_overlaps_prefers_longest_then_strong_then_leftmost():
    spans = [
        Candidate(0, 2, COMPOUND, ("a", "b")),
        Candidate(1, 3, STRONG, ("c",)),
        Candidate(0, 2, WEAK, ("d",)),
        Candidate(4, 9, STRONG, ("e",)),
        Candidate(5, 7, STRONG, ("f",)),
    ]
    assert [c.entity_ids for c in resolve_overlaps(spans)] == [("c",), ("e",)]


# --- ambiguity ----------------------------------------------------------------------------


def test_weak_alias_needs_the_full_name_or_context(matcher):
    assert found(matcher, "林鄭今日出席活動") == []
    assert ids(matcher, "林鄭月娥表示，林鄭今日出席活動") == {"carrie-lam"}
    assert ids(matcher, "特首林鄭今日出席活動") == {"carrie-lam"}


def test_shared_alias_goes_to_the_entity_named_in_full(matcher):
    text = "美國國務院發言人說，國務院將回應。"
    assert [(m.entity_id, m.surface) for m in matcher.find(text)] == [
        ("us-state-department", "美國國務院"),
        ("us-state-department", "國務院"),
    ]


def test_shared_alias_goes_to_the_entity_whose_context_appears(matcher):
    assert found(matcher, "外交部在台北回應") == [("tw-mofa", "外交部")]
    assert found(matcher, "外交部在北京回應") == [("cn-mfa", "外交部")]


def test_shared_alias_stays_unresolved_without_evidence(matcher):
    assert found(matcher, "外交部今日回應") == []
    assert found(matcher, "外交部在北京和台北都有回應") == []


def test_country_abbreviations_in_compounds_name_each_country(matcher):
    assert found(matcher, "台美關係") == [("taiwan", "台"), ("united-states", "美")]
    assert found(matcher, "中日韓峰會") == [("china", "中"), ("japan", "日"), ("south-korea", "韓")]
    assert found(matcher, "美方表示") == [("united-states", "美方")]


def test_compound_letters_inside_a_word_are_not_countries(matcher):
    assert found(matcher, "中美洲國家") == [("central-america", "中美洲")]
    assert found(matcher, "美中不足") == []
    assert found(matcher, "今日中午") == []


# --- offsets ------------------------------------------------------------------------------


def test_offsets_point_at_the_surface(matcher):
    text = "（中央社台北7日電）總統蔡英文誠摯祝賀，台美關係持續深化。"
    mentions = matcher.find(text)
    assert mentions and all(text[m.start : m.end] == m.surface for m in mentions)


def test_part_of_a_mention_comes_from_the_sections(matcher):
    from kg.records import Section

    text = "蔡英文\n\n美國"
    sections = (Section(0, 3, "title"), Section(5, 7, "caption"))
    assert [m.part for m in matcher.find(text, "a", sections)] == ["title", "caption"]


_ALPHABET = "蔡英文蕭美琴台美中日韓國香港科技大學金成黃為外交部北京台北WHOKimSung ·\n，。"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_offsets_always_valid_and_mentions_never_overlap(matcher, text):
    mentions = matcher.find(text)
    end = 0
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.surface
        assert m.start >= end
        end = m.end


def jieba_cuts(matcher, window):
    """Where jieba itself cuts `window` over the matcher's dictionary: the oracle of _cuts."""
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = matcher._words, matcher._total, True
    route = {}
    tokenizer.calc(window, tokenizer.get_DAG(window), route)
    cuts, x = {0}, 0
    while x < len(window):
        x = route[x][1] + 1
        cuts.add(x)
    return frozenset(cuts)


def test_a_pickled_matcher_finds_the_same_mentions(matcher):
    import pickle

    text = "蔡英文與美國國務院發言人普萊斯通話，台美關係"
    copy = pickle.loads(pickle.dumps(matcher.prepare()))
    assert copy.find(text) == matcher.find(text) != []
    assert copy._cuts("台美關係良好") == jieba_cuts(copy, "台美關係良好")
    assert copy._words == matcher._words and list(copy._words) == list(matcher._words)
    unprepared = pickle.loads(pickle.dumps(Matcher(matcher.gazetteer)))
    assert unprepared._words == {} and unprepared.prepare()._words == matcher._words


_CLAUSE_CHARS = (
    "的是在中國大陸政府香港特區行政長官立法會議員表示發言人金成為黃大仙區人民法院台灣美日"
)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_CLAUSE_CHARS, min_size=1, max_size=24))
def test_window_segmentation_is_exactly_jiebas_route(matcher, window):
    matcher.prepare()
    assert matcher._cuts(window) == jieba_cuts(matcher, window)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_breaks_the_matcher(matcher, text):
    for m in matcher.find(text):
        assert text[m.start : m.end] == m.surface


# --- publishers ---------------------------------------------------------------------------


def test_publisher_by_domain_before_labels():
    index = {"cna.com.tw": "cna", "rthk": "rthk", "(臺)中央社cna": "cna"}
    by_domain = Article(
        id="x", path="x", title="", text="", publisher_hints=("www.cna.com.tw", "rthk")
    )
    by_label = Article(id="y", path="y", title="", text="", publisher_hints=("RTHK",))
    nothing = Article(id="z", path="z", title="", text="", publisher_hints=("眾新聞中國組",))
    assert find_publisher(by_domain, index) == "cna"
    assert find_publisher(by_label, index) == "rthk"
    assert find_publisher(nothing, index) == ""


def test_canonical_name_shared_by_two_people_is_decided_by_context(matcher):
    assert found(matcher, "學聯前秘書長周永康今日出庭") == [("alex-chow", "周永康")]
    assert found(matcher, "中共前政治局常委周永康") == [("zhou-yongkang", "周永康")]
    assert found(matcher, "周永康說") == []


def test_names_inside_titles_of_works_are_not_mentions(matcher):
    assert found(matcher, "《台灣關係法》通過") == []
    assert found(matcher, "他讀《台灣》雜誌，也去台灣") == [("taiwan", "台灣"), ("taiwan", "台灣")]


def test_place_that_begins_an_unknown_longer_name_is_not_a_mention(matcher):
    assert found(matcher, "香港宏達科技有限公司宣布") == []
    assert found(matcher, "被香港第一中級人民法院判刑") == []
    assert found(matcher, "他用香港話說") == []
    assert found(matcher, "中國政府回應") == []
    assert found(matcher, "香港有限度開放") == [("hong-kong", "香港")]
    assert found(matcher, "關押在香港第一看守所") == []
    assert found(matcher, "香港第三十五中學的學生") == []
    assert found(matcher, "美國第一所軍事學校") == [("united-states", "美國")]
    assert found(matcher, "香港第一次舉辦") == [("hong-kong", "香港")]
    assert found(matcher, "香港科學園宣布") == []
    assert found(matcher, "香港經濟開發區") == []
    assert found(matcher, "在香港設立工業園") == [("hong-kong", "香港")]
    assert found(matcher, "香港等工業區") == [("hong-kong", "香港")]


def test_person_in_the_name_of_an_administration_is_not_a_mention(matcher):
    assert found(matcher, "特朗普政府宣布") == []
    assert found(matcher, "特朗普宣布") == [("donald-trump", "特朗普")]


def test_place_in_an_agreement_or_a_venue_is_not_a_mention(matcher):
    assert found(matcher, "按照香港气候协议目标") == []
    assert found(matcher, "香港單車館開放") == []


def test_listed_words_are_never_compounds():
    from kg.extract import Matcher
    from kg.gazetteer import Entity, Gazetteer

    g = Gazetteer(
        [
            Entity(id="us", type="place", name="美國", en="United States", abbr="美"),
            Entity(id="de", type="place", name="德國", en="Germany", abbr="德"),
        ],
        not_compounds=["美德"],
    )
    matcher = Matcher(g).prepare()
    assert matcher.find("這是一種美德") == []
    assert [m.entity_id for m in matcher.find("德美關係")] == ["de", "us"]


def test_institution_in_the_name_of_its_local_committee_is_not_a_mention():
    from kg.extract import Matcher
    from kg.gazetteer import Entity, Gazetteer

    ccp = Entity(id="ccp", type="institution", name="中國共產黨", en="CCP", aliases=("中共",))
    matcher = Matcher(Gazetteer([ccp])).prepare()
    assert matcher.find("擔任中共北京市順義區委書記") == []
    assert [m.surface for m in matcher.find("中共今日宣布")] == ["中共"]


# --- what an edit of the gazetteer can change --------------------------------------------


def _edited(gazetteer, edit):
    """A copy of `gazetteer` with one edit: (entity id, field changes), or (id, None) to
    remove the entity, or (None, entity) to add one."""
    import dataclasses

    from kg.gazetteer import Gazetteer

    entity_id, change = edit
    entities = [e for e in gazetteer if e.id != entity_id or change is not None]
    if entity_id is None:
        entities.append(change)
    elif change is not None:
        entities = [dataclasses.replace(e, **change) if e.id == entity_id else e for e in entities]
    return Gazetteer(entities, gazetteer.not_compounds)


def _new_entity(**fields):
    from kg.gazetteer import Entity

    return Entity(**{"type": "person", "en": "Someone", **fields})


_GAZETTEER_EDITS = [
    ("hkust", {"aliases": ("科大", "科技大學")}),  # a new name
    ("taiwan", None),  # an entity removed, with its abbreviation
    ("us-state-department", {"context": ("國務卿", "華府")}),  # context of a weak name
    ("hong-kong", {"type": "institution"}),  # a type
    (None, _new_entity(id="huang-jin", name="黃金")),  # a word that crosses other names
    ("kim", {"weak": ("金某",), "context": ("美國",)}),  # a strong name made weak
    ("japan", {"abbr": ""}),  # compounds with 日 gone
    ("who", {"desc": "UN agency", "qid": "Q7817"}),  # fields extraction does not read
    ("tsai-ing-wen", {"name": "蔡英文總統"}),  # the canonical name written in the lines
    (None, _new_entity(id="taxi", type="institution", name="中大的士")),  # see below
]
_EDIT_ALPHABET = (
    "蔡英文總統蕭美琴台美中日韓國香港科技大學金成黃為某外交部北京台北華府卿WHOKim ·，。"
)


@functools.cache
def _matchers(test_gazetteer, edit_index):
    from kg.extract import Matcher

    old = Matcher(test_gazetteer).prepare()
    return old, Matcher(_edited(test_gazetteer, _GAZETTEER_EDITS[edit_index])).prepare()


@functools.cache
def _change(test_gazetteer, edit_index):
    from kg.extract import GazetteerChange

    return GazetteerChange.between(*_matchers(test_gazetteer, edit_index))


def _lines(matcher, text):
    """What an article's record says of its mentions, with the names written in its lines."""
    g = matcher.gazetteer
    return [(m, g[m.entity_id].name, g[m.entity_id].type) for m in matcher.find(text, "a")]


@settings(max_examples=400, deadline=None)
@given(
    edit=st.integers(0, len(_GAZETTEER_EDITS) - 1),
    text=st.text(alphabet=_EDIT_ALPHABET, max_size=40),
)
def test_an_article_a_gazetteer_edit_does_not_affect_keeps_its_mentions(test_gazetteer, edit, text):
    old, new = _matchers(test_gazetteer, edit)
    if not _change(test_gazetteer, edit).affects(Article(id="a", path="a", title="", text=text)):
        assert _lines(old, text) == _lines(new, text)


def test_a_gazetteer_edit_affects_only_articles_with_what_it_changed(test_gazetteer):
    def affected(edit_index, text):
        return _change(test_gazetteer, edit_index).affects(
            Article(id="a", path="a", title="", text=text)
        )

    assert affected(0, "香港科技大學") and not affected(0, "蔡英文訪美")
    assert affected(1, "台美關係") and not affected(1, "中日韓")
    assert affected(2, "美國國務院稱") and not affected(2, "美國稱") and not affected(2, "北京")
    assert affected(4, "黃金成為") and not affected(4, "金星容")
    assert affected(6, "中日韓") and not affected(6, "中美")
    assert not affected(7, "世界衞生組織") and _change(test_gazetteer, 7).nothing
    assert affected(8, "蔡英文") and not affected(8, "蕭美琴")
    # 中大的士 adds 中大的 to jieba's prefixes: then a word may continue past 中大 here, so
    # jieba is asked, and it sees 東西南北中 cross the name's start. The text does not hold
    # the new name, only its new prefix, and its mention changes all the same.
    old, new = _matchers(test_gazetteer, 9)
    assert _lines(old, "東西南北中大的") != _lines(new, "東西南北中大的")
    assert affected(9, "東西南北中大的") and not affected(9, "中大")


def test_a_new_publisher_domain_affects_only_articles_from_it(test_gazetteer):
    from kg.extract import GazetteerChange, Matcher

    outlet = _new_entity(id="rthk", type="institution", name="香港電台", domains=("rthk.hk",))
    old = _matchers(test_gazetteer, 0)[0]
    change = GazetteerChange.between(old, Matcher(_edited(test_gazetteer, (None, outlet))))

    def article(hint):
        return Article(id="a", path="a", title="", text="新聞", publisher_hints=(hint,))

    assert change.affects(article("news.rthk.hk")) and not change.affects(article("cna.com.tw"))
