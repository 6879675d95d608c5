"""The curated gazetteer: entities and every name articles use for them.

The data lives in human-edited YAML files under ``gazetteer/`` (format: gazetteer/README.md).
This module loads them into :class:`Entity` records, checks them, and lists the names the
matcher searches for. Matching itself is :mod:`kg.extract`'s job.

Examples
--------
>>> g = Gazetteer([Entity(id="taipei", type="place", name="台北", en="Taipei")])
>>> "taipei" in g, len(g)
(True, 1)
>>> g["taipei"].names
('台北',)
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from kg.errors import GazetteerError
from kg.records import EntityType
from kg.text import is_ascii_word, normalise, to_simplified, to_traditional

ENTITY_TYPES: tuple[EntityType, ...] = ("person", "institution", "place")
REGIONS = frozenset(
    [
        "hk",
        "mo",
        "tw",
        "cn",
        "us",
        "jp",
        "kr",
        "kp",
        "sea",
        "asia",
        "eu",
        "ru",
        "mena",
        "americas",
        "africa",
        "oceania",
        "world",
    ]
)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_FIELDS = {
    "id", "type", "name", "en", "aliases", "weak", "context", "abbr", "hans", "region",
    "desc", "qid", "coords", "in", "domains", "labels",
}  # fmt: skip
_LIST_FIELDS = ("aliases", "weak", "context", "domains", "labels")


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, institution or place and the names news uses for it."""

    id: str
    """Stable slug, used in IRIs; never reused."""
    type: EntityType
    name: str
    """Canonical name in Traditional Chinese."""
    en: str
    """Canonical English name."""
    aliases: tuple[str, ...] = ()
    """Other names, matched wherever word boundaries allow."""
    weak: tuple[str, ...] = ()
    """Names that count only when the article also has a strong name or a context word."""
    context: tuple[str, ...] = ()
    """Words whose presence in an article licenses the weak names."""
    abbr: str = ""
    """Single character used only inside compounds such as 台美, 中日韓."""
    hans: str = ""
    """Simplified form of `name` when OpenCC's conversion is wrong."""
    region: str = ""
    desc: str = ""
    qid: str = ""
    """Wikidata id, when certain."""
    coords: tuple[float, float] | None = None
    """(latitude, longitude) of a place."""
    within: str = ""
    """Id of the containing place (``in:`` in the YAML)."""
    domains: tuple[str, ...] = ()
    """Web domains of a media outlet."""
    labels: tuple[str, ...] = ()
    """Labels archives use for a media outlet in front matter."""
    source: str = field(default="", compare=False, repr=False)
    """The YAML file the record came from (for messages)."""

    @property
    def names(self) -> tuple[str, ...]:
        """Strong names: the canonical name and the aliases, less any listed as weak.

        Listing the canonical name under ``weak`` too makes it weak: 周永康 names both a
        Hong Kong student leader and a Chinese politician.
        """
        weak = set(self.weak)
        return _unique(n for n in (self.name, *self.aliases) if n not in weak)

    @property
    def name_hans(self) -> str:
        """The canonical name in Simplified Chinese."""
        return self.hans or to_simplified(self.name)

    @property
    def name_hant(self) -> str:
        """The canonical name in Traditional Chinese."""
        return self.name


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of :func:`check`."""

    level: str
    """'error' (the check fails) or 'warning'."""
    where: str
    """File and entity id."""
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


class Gazetteer:
    """A set of entities with lookup by id, loaded from and saved to YAML.

    Examples
    --------
    >>> g = Gazetteer()
    >>> g.add(Entity(id="us", type="place", name="美國", en="United States", abbr="美"))
    >>> [e.id for e in g]
    ['us']
    >>> g.remove("us"); len(g)
    0
    """

    def __init__(self, entities: Iterable[Entity] = (), not_compounds: Iterable[str] = ()) -> None:
        self._entities: dict[str, Entity] = {}
        self.not_compounds = frozenset(not_compounds)
        """Runs of country abbreviations that are ordinary words (美德, 朝日), never compounds."""
        self._fingerprint = ""
        for entity in entities:
            self.add(entity)

    def add(self, entity: Entity) -> None:
        if entity.id in self._entities:
            raise GazetteerError(
                f"duplicate id {entity.id!r} in {entity.source or '?'} "
                f"(also in {self._entities[entity.id].source or '?'}); ids must be unique"
            )
        self._entities[entity.id] = entity
        self._fingerprint = ""

    def remove(self, entity_id: str) -> None:
        del self._entities[entity_id]
        self._fingerprint = ""

    def __getstate__(self) -> dict:
        """Pickled with its fingerprint, which a loaded copy would otherwise compute again
        (a tenth of a second: every record's repr) for each build's report."""
        self.fingerprint()
        return self.__dict__

    def __len__(self) -> int:
        return len(self._entities)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._entities

    def __getitem__(self, entity_id: str) -> Entity:
        return self._entities[entity_id]

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._entities.values())

    def get(self, entity_id: str) -> Entity | None:
        return self._entities.get(entity_id)

    def fingerprint(self) -> str:
        """A hash of the content, for cache keys: any edit to any record changes it."""
        if not self._fingerprint:
            digest = hashlib.sha256(repr(sorted(self.not_compounds)).encode())
            for entity in sorted(self, key=lambda e: e.id):
                digest.update(repr(entity).encode())
            self._fingerprint = digest.hexdigest()[:16]
        return self._fingerprint

    def names(self) -> list[tuple[str, EntityType]]:
        """Every searched name, in both scripts, with its entity type, sorted.

        This is what ``kg gazetteer names`` prints, and the input of the speed references.

        >>> Gazetteer([Entity(id="t", type="place", name="臺灣", en="Taiwan")]).names()
        [('Taiwan', 'place'), ('台湾', 'place'), ('臺灣', 'place')]
        """
        out: set[tuple[str, EntityType]] = set()
        for entity in self:
            for name in (entity.name, *entity.names, *entity.weak, entity.en):
                if not name:
                    continue
                out.add((name, entity.type))
                if not is_ascii_word(name):
                    out.add((to_simplified(name), entity.type))
                    out.add((to_traditional(name), entity.type))
        return sorted(out)

    def publisher_index(self) -> dict[str, str]:
        """Map each outlet domain and label (lower case) to the outlet's entity id."""
        index: dict[str, str] = {}
        for entity in sorted(self, key=lambda e: e.id):
            for key in (*entity.domains, *entity.labels):
                index.setdefault(key.casefold(), entity.id)
                index.setdefault(normalise(key), entity.id)
        return index

    def save(self, path: str | Path) -> None:
        """Write all entities to one YAML file (round-trips through :func:`load`)."""
        records = [_to_yaml_record(e) for e in sorted(self, key=lambda e: e.id)]
        text = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=100)
        Path(path).write_text(text, encoding="utf-8")


def _to_yaml_record(entity: Entity) -> dict:
    record = {k: v for k, v in asdict(entity).items() if k != "source"}
    record["in"] = record.pop("within")
    return {
        k: (list(v) if isinstance(v, tuple) else v)
        for k, v in record.items()
        if v not in ("", (), None) or k in ("id", "type", "name", "en")
    }


def gazetteer_files(path: str | Path) -> list[Path]:
    """The YAML files of a gazetteer folder (or the single file given), sorted.

    Files under a ``tools/`` folder are inputs of the import scripts, not records.
    """
    root = Path(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise GazetteerError(
            f"gazetteer {str(root)!r} not found; pass --gazetteer DIR "
            "(a folder of YAML files, see gazetteer/README.md)"
        )
    files = sorted(
        p
        for p in root.rglob("*.yaml")
        if p.is_file()
        and "tools" not in p.relative_to(root).parts[:-1]
        and p.relative_to(root).as_posix() != SETTINGS_FILE
    )
    if not files:
        raise GazetteerError(f"gazetteer folder {str(root)!r} holds no *.yaml file")
    return files


def _read_records(path: Path) -> list[dict]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise GazetteerError(f"{path}: not valid YAML: {err}".splitlines()[0]) from err
    if data is None:
        return []
    if not isinstance(data, list):
        raise GazetteerError(f"{path}: expected a YAML list of records (lines starting '- id:')")
    return data


def _problems_of_record(record: object, where: str) -> list[str]:
    if not isinstance(record, dict):
        return ["a record must be a mapping with id, type, name, en"]
    problems = []
    for key in ("id", "type", "name", "en"):
        if not isinstance(record.get(key), str) or not record.get(key):
            problems.append(f"missing or empty {key!r}")
    unknown = set(record) - _FIELDS
    if unknown:
        problems.append(f"unknown field(s) {sorted(map(str, unknown))}; allowed: {sorted(_FIELDS)}")
    if isinstance(record.get("id"), str) and not _ID.match(record["id"]):
        problems.append(f"id {record['id']!r} must be a lowercase ASCII slug like 'carrie-lam'")
    if record.get("type") not in (*ENTITY_TYPES, None):
        problems.append(f"type {record.get('type')!r} must be one of {', '.join(ENTITY_TYPES)}")
    for key in _LIST_FIELDS:
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            problems.append(f"{key!r} must be a list, e.g. {key}: [a, b]")
        elif not all(isinstance(v, str) and v.strip() for v in value):
            bad = [v for v in value if not isinstance(v, str) or not v.strip()]
            problems.append(f"{key!r} has non-text or empty entries {bad!r}; quote them")
    for key in ("abbr", "hans", "region", "desc", "qid", "in"):
        if key in record and not isinstance(record[key], str):
            problems.append(f"{key!r} must be text; quote it")
    if isinstance(record.get("abbr"), str) and len(record["abbr"]) != 1:
        problems.append(f"abbr {record['abbr']!r} must be a single character")
    if isinstance(record.get("region"), str) and record["region"] not in REGIONS:
        problems.append(f"region {record['region']!r} must be one of {' '.join(sorted(REGIONS))}")
    if isinstance(record.get("qid"), str) and not _QID.match(record["qid"]):
        problems.append(f"qid {record['qid']!r} must look like Q123")
    coords = record.get("coords")
    if coords is not None:
        ok = (
            isinstance(coords, list)
            and len(coords) == 2
            and all(isinstance(c, int | float) for c in coords)
            and -90 <= coords[0] <= 90
            and -180 <= coords[1] <= 180
        )
        if not ok:
            problems.append(f"coords {coords!r} must be [latitude, longitude]")
    return problems


def _entity_from_record(record: dict, source: str) -> Entity:
    coords = record.get("coords")
    return Entity(
        id=record["id"],
        type=record["type"],
        name=record["name"].strip(),
        en=record["en"].strip(),
        aliases=_unique(a.strip() for a in record.get("aliases") or ()),
        weak=_unique(a.strip() for a in record.get("weak") or ()),
        context=_unique(a.strip() for a in record.get("context") or ()),
        abbr=record.get("abbr", ""),
        hans=record.get("hans", ""),
        region=record.get("region", ""),
        desc=record.get("desc", ""),
        qid=record.get("qid", ""),
        coords=(float(coords[0]), float(coords[1])) if coords else None,
        within=record.get("in", ""),
        domains=_unique(record.get("domains") or ()),
        labels=_unique(record.get("labels") or ()),
        source=source,
    )


SETTINGS_FILE = "settings.yaml"


def source_fingerprint(path: str | Path = "gazetteer") -> str:
    """A hash of a gazetteer folder's files, for cache keys, without parsing them."""
    root = Path(path)
    digest = hashlib.sha256()
    files = gazetteer_files(root)
    if root.is_dir() and (root / SETTINGS_FILE).is_file():
        files.append(root / SETTINGS_FILE)
    for file in files:
        digest.update(str(file.relative_to(root) if root.is_dir() else file.name).encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def load_settings(path: str | Path) -> dict:
    """The gazetteer-wide rules in ``settings.yaml`` (``not_compounds: [美德, …]``), if any."""
    file = Path(path) / SETTINGS_FILE
    if not file.is_file():
        return {}
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    except yaml.YAMLError as err:
        raise GazetteerError(f"{file}: not valid YAML: {err}".splitlines()[0]) from err
    if not isinstance(data, dict) or not all(
        isinstance(w, str) for w in data.get("not_compounds", [])
    ):
        raise GazetteerError(f"{file}: expected 'not_compounds: [word, ...]'")
    return data


def load(path: str | Path = "gazetteer") -> Gazetteer:
    """Load every YAML file of a gazetteer folder.

    Raises :class:`GazetteerError` naming the file and record for the first malformed record;
    :func:`check` lists all problems instead.
    """
    gazetteer = Gazetteer(not_compounds=load_settings(path).get("not_compounds", ()))
    for file in gazetteer_files(path):
        for number, record in enumerate(_read_records(file), 1):
            where = (
                f"{file} record {number} ({record.get('id') if isinstance(record, dict) else '?'})"
            )
            problems = _problems_of_record(record, where)
            if problems:
                raise GazetteerError(f"{where}: {problems[0]} (run 'kg gazetteer check' for all)")
            gazetteer.add(_entity_from_record(record, str(file)))
    return gazetteer


COMMON_WORD_FREQUENCY = 1000
"""A strong two-character name this frequent in jieba's dictionary, and not tagged as a
proper noun there, is probably a common word and must be weak (with context) instead.
Longer names must be twenty times as frequent: jieba's tags miss many famous names."""


def _common_threshold(key: str) -> int:
    return COMMON_WORD_FREQUENCY if len(key) <= 2 else 20 * COMMON_WORD_FREQUENCY


_PROPER_NOUN_TAGS = frozenset({"nr", "ns", "nt", "nz", "nrt", "nrfg", "j"})


@functools.cache
def _jieba_words() -> tuple[dict[str, int], dict[str, str]]:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba.dt.FREQ, jieba.posseg.dt.word_tag_tab


def _is_common_word(name: str, key: str, freq: dict, tags: dict) -> bool:
    if is_ascii_word(name) or freq.get(key, 0) < _common_threshold(key):
        return False
    return tags.get(key, "") not in _PROPER_NOUN_TAGS


def check(path: str | Path = "gazetteer") -> list[Problem]:
    """List every problem of a gazetteer folder; an empty list means it is good to use.

    Checks the schema of each record, duplicate ids, ``in:`` references, names on two
    entities without ``weak``, names that collide after script conversion, single
    characters, and strong names that are common Chinese words (jieba's dictionary).
    """
    problems: list[Problem] = []
    entities: list[Entity] = []
    seen: dict[str, str] = {}
    for file in gazetteer_files(path):
        try:
            records = _read_records(file)
        except GazetteerError as err:
            problems.append(Problem("error", str(file), str(err)))
            continue
        for number, record in enumerate(records, 1):
            rid = record.get("id") if isinstance(record, dict) else None
            where = f"{file}:{rid or f'record {number}'}"
            found = _problems_of_record(record, where)
            problems.extend(Problem("error", where, p) for p in found)
            if isinstance(rid, str) and rid in seen:
                problems.append(Problem("error", where, f"duplicate id, also in {seen[rid]}"))
                continue
            if isinstance(rid, str):
                seen[rid] = str(file)
            if found:
                continue
            entities.append(_entity_from_record(record, str(file)))
    problems.extend(_name_problems(entities))
    return problems


def _name_problems(entities: list[Entity]) -> list[Problem]:
    problems: list[Problem] = []
    ids = {e.id for e in entities}
    strong: dict[str, set[str]] = defaultdict(set)
    weak: dict[str, set[str]] = defaultdict(set)
    abbrs: dict[str, set[str]] = defaultdict(set)
    freq, tags = _jieba_words()
    for e in entities:
        where = f"{e.source}:{e.id}"
        if e.within and e.within not in ids:
            problems.append(Problem("error", where, f"'in: {e.within}' names no entity"))
        if e.abbr:
            abbrs[normalise(e.abbr)].add(e.id)
        for name in e.names:
            key = normalise(name)
            strong[key].add(e.id)
            if len(key) == 1:
                problems.append(
                    Problem("error", where, f"single-character name {name!r}: use abbr")
                )
            elif _is_common_word(name, key, freq, tags):
                problems.append(Problem(
                    "error", where,
                    f"{name!r} is a common word (jieba frequency {freq[key]}); "
                    "move it to weak: and give context: words",
                ))  # fmt: skip
        for name in e.weak:
            key = normalise(name)
            weak[key].add(e.id)
            if len(key) == 1:
                problems.append(
                    Problem("error", where, f"single-character name {name!r}: use abbr")
                )
        if e.weak and not e.context:
            problems.append(Problem(
                "warning", where, "weak names but no context: only strong names license them"
            ))  # fmt: skip
    for key, owners in sorted(strong.items()):
        others = (owners | weak.get(key, set())) - {min(owners)}
        if len(owners) > 1 or weak.get(key, set()) - owners:
            problems.append(Problem(
                "error", ", ".join(sorted(owners | weak.get(key, set()))),
                f"name {key!r} (after script normalisation) belongs to several entities "
                f"({', '.join(sorted(others | {min(owners)}))}); make it weak on all of them",
            ))  # fmt: skip
    for key, owners in sorted(abbrs.items()):
        if len(owners) > 1:
            problems.append(
                Problem("error", ", ".join(sorted(owners)), f"abbr {key!r} on several entities")
            )
    return problems


def stats(gazetteer: Gazetteer) -> dict:
    """Counts by type and region, and names per entity.

    >>> stats(Gazetteer([Entity(id="a", type="place", name="台北", en="Taipei", region="tw")]))["by_type"]
    {'place': 1}
    """
    by_type = Counter(e.type for e in gazetteer)
    by_region = Counter(e.region or "?" for e in gazetteer)
    names = [len(e.names) + len(e.weak) for e in gazetteer]
    return {
        "entities": len(gazetteer),
        "by_type": dict(sorted(by_type.items())),
        "by_region": dict(sorted(by_region.items(), key=lambda kv: (-kv[1], kv[0]))),
        "names": sum(names),
        "names_per_entity": round(sum(names) / len(names), 2) if names else 0.0,
        "weak_names": sum(len(e.weak) for e in gazetteer),
        "with_qid": sum(1 for e in gazetteer if e.qid),
        "with_coords": sum(1 for e in gazetteer if e.coords),
        "searched_names": len(gazetteer.names()),
    }
