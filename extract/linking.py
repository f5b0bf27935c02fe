"""Link an indicator name as written to a canonical indicator of the lexicon.

The lexicon and every matching rule live in `data/indicators.yml`. A name is
normalised (whitespace, brackets, numbering, leading scope and time words,
abbreviations, word order such as `参加失业保险人数` → `失业保险参保人数`), then
looked up among the normalised aliases; failing that, the indicators whose key
terms all occur in it are scored and the most specific one wins. A rate never
links to a count and a count never to a rate; a name that marks a flow (`新增`)
never links to a stock; an uncertain match (a tie, a distinctive term the
indicator lacks) links to nothing.

    >>> link_indicator("参加失业保险人数", "人")
    'unemployment_insured'
    >>> link_indicator("其中：失业保险参保人员总数（万人）")
    'unemployment_insured'
    >>> link_indicator("城镇登记失业率", "人") is None
    True
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from extract.resources import SAFE_LOADER

LEXICON_PATH = Path(__file__).parent / "data" / "indicators.yml"
DOMAINS = ("employment", "social_insurance", "talent", "skills", "personnel",
           "labour_relations", "wages", "public_services")
MEASURES = ("flow", "stock", "rate", "level")
_REQUIRED = ("id", "name_zh", "name_en", "domain", "measure", "unit", "aliases")
_OPTIONAL = ("keywords", "direction")
DIRECTIONS = ("higher", "lower")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_BRACKETED = re.compile(r"[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]")
_QUOTES = re.compile(r"[“”\"'‘’「」『』《》〈〉]")


class LexiconError(ValueError):
    """The indicator lexicon file is malformed."""


@dataclass(frozen=True)
class _Rules:
    leading: re.Pattern
    trailing: re.Pattern
    fillers: re.Pattern
    rewrites: tuple[tuple[re.Pattern, str], ...]
    count_suffix: re.Pattern
    rate_name: re.Pattern
    flow_words: tuple[str, ...]
    distinctive_terms: tuple[str, ...]
    context_terms: re.Pattern


@dataclass(frozen=True)
class _Entry:
    id: str
    measure: str
    unit_class: str
    keywords: tuple[tuple[str, ...], ...]  # all groups must match; any term of a group
    vocabulary: str  # the indicator's normalised wordings, joined


@dataclass(frozen=True)
class _Lexicon:
    indicators: list[dict]
    rules: _Rules
    entries: dict[str, _Entry]
    by_key: dict[str, str]  # normalised alias without counting words → id


def load_indicators(path: str | Path | None = None) -> list[dict]:
    """The canonical indicators, validated (cached): one dict per indicator."""
    return _load(Path(path) if path else LEXICON_PATH).indicators


# Names recur from row to row and document to document; linking one is a
# keyword search over the whole lexicon, so each (name, unit) is linked once.
@lru_cache(maxsize=100_000)
def link_indicator(name_raw: str, unit: str | None = None) -> str | None:
    """The canonical indicator id for an indicator name as written, or None."""
    lexicon = _load(LEXICON_PATH)
    rules = lexicon.rules
    name = normalise_name(name_raw, rules)
    if not name:
        return None
    unit_class = _unit_class(unit)
    key = _strip_count(name, rules)
    hit = lexicon.by_key.get(key)
    if hit is None:
        flow = next((w for w in rules.flow_words if key.startswith(w)), None)
        hit = lexicon.by_key.get(key[len(flow):]) if flow else None
        if hit is not None and lexicon.entries[hit].measure != "flow":
            hit = None
    if hit is not None and unit_class in (None, lexicon.entries[hit].unit_class):
        return hit
    return _best_keyword_match(name, unit_class, lexicon)


def normalise_name(name: str, rules: _Rules | None = None) -> str:
    """The name with its wording variants brought to one form.

    >>> normalise_name("1.其中：参加城镇职工基本养老保险人数（万人）")
    '职工养老保险参保人数'
    """
    rules = rules or _load(LEXICON_PATH).rules
    text = unicodedata.normalize("NFKC", name)
    text = _QUOTES.sub("", re.sub(r"\s+", "", text))
    text = _repeat(lambda s: _BRACKETED.sub("", s), text)
    for pattern, replacement in rules.rewrites:
        text = pattern.sub(replacement, text)
    text = _repeat(lambda s: rules.trailing.sub("", rules.leading.sub("", s)), text)
    return rules.fillers.sub("", text)


def _best_keyword_match(name: str, unit_class: str | None, lexicon: _Lexicon) -> str | None:
    rules = lexicon.rules
    is_rate = bool(rules.rate_name.search(name))
    if unit_class:
        if is_rate and unit_class != "rate":
            return None  # worded as a rate but not counted in %: uncertain
        is_rate = unit_class == "rate"
    is_flow = any(w in name for w in rules.flow_words)
    distinctive = [t for t in rules.distinctive_terms if t in name]
    scored = []
    for entry in lexicon.entries.values():
        if not entry.keywords or (entry.measure == "rate") != is_rate:
            continue
        if unit_class and unit_class != entry.unit_class:
            continue
        if is_flow and entry.measure == "stock":
            continue
        if any(term not in entry.vocabulary for term in distinctive):
            continue
        score = _keyword_score(name, entry.keywords)
        if score:
            scored.append((score, entry.id))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def _keyword_score(name: str, keywords: tuple[tuple[str, ...], ...]) -> int:
    """Total length of the longest matching term of each group; 0 if a group misses."""
    score = 0
    for group in keywords:
        best = max((len(term) for term in group if term in name), default=0)
        if not best:
            return 0
        score += best
    return score


def _unit_class(unit: str | None) -> str | None:
    """rate, points, money, person or count; None when no unit is known."""
    if not unit:
        return None
    unit = unicodedata.normalize("NFKC", unit).strip()
    if "百分点" in unit:
        return "points"
    unit = unit.lstrip("万亿千百")  # magnitude prefixes: 万人 counts persons
    if not unit:
        return None
    if unit in ("%", "‰"):
        return "rate"
    if "元" in unit:
        return "money"
    return "person" if unit[0] in "人名位" else "count"


def _strip_count(name: str, rules: _Rules) -> str:
    return rules.count_suffix.sub("", name) or name


def _repeat(step, text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, step(text)
    return text


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# ── loading and validation ───────────────────────────────────────────────────


@cache
def _load(path: Path) -> _Lexicon:
    with path.open(encoding="utf-8") as f:
        data = yaml.load(f, Loader=SAFE_LOADER)
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise LexiconError(f"{path.name}: expected a mapping with an `indicators` list")
    rules = _rules(data.get("normalisation") or {}, path)
    indicators = data["indicators"]
    _validate(indicators, path)

    entries, by_key = {}, {}
    for ind in indicators:
        wordings = [normalise_name(w, rules) for w in [ind["name_zh"], *ind["aliases"]]]
        keywords = tuple(tuple(group.split("|")) for group in ind.get("keywords", []))
        entries[ind["id"]] = _Entry(
            id=ind["id"],
            measure=ind["measure"],
            unit_class=_unit_class(ind["unit"]),
            keywords=keywords,
            vocabulary="|".join(wordings + [t for group in keywords for t in group]),
        )
        for wording in wordings:
            key = _strip_count(wording, rules)
            other = by_key.setdefault(key, ind["id"])
            if other != ind["id"]:
                raise LexiconError(
                    f"{path.name}: indicator {ind['id']!r}: a wording normalised to {key!r} "
                    f"also belongs to {other!r}; keep it on one indicator only"
                )
    return _Lexicon(indicators=indicators, rules=rules, entries=entries, by_key=by_key)


def _rules(section: dict, path: Path) -> _Rules:
    try:
        leading = [*section["leading_patterns"], _alternation(section["leading_words"])]
        return _Rules(
            leading=re.compile("^(?:" + "|".join(leading) + ")"),
            trailing=re.compile("(?:" + _alternation(section["trailing_words"]) + ")$"),
            fillers=re.compile(_alternation(section["fillers"])),
            rewrites=tuple((re.compile(p), r) for p, r in section["rewrites"]),
            count_suffix=re.compile("(?:" + _alternation(section["count_suffixes"]) + ")$"),
            rate_name=re.compile(section["rate_pattern"]),
            flow_words=tuple(section["flow_words"]),
            distinctive_terms=tuple(section["distinctive_terms"]),
            context_terms=re.compile(_alternation(section["context_terms"])),
        )
    except (KeyError, TypeError, ValueError, re.error) as e:
        raise LexiconError(f"{path.name}: bad `normalisation` section ({e!r})") from e


def _validate(indicators: list, path: Path) -> None:
    seen = set()
    for n, ind in enumerate(indicators, 1):
        where = f"{path.name}: indicator #{n}"
        if not isinstance(ind, dict):
            raise LexiconError(f"{where}: expected a mapping, not {ind!r}")
        where += f" ({ind.get('id', '?')})"
        missing = [k for k in _REQUIRED if not ind.get(k)]
        if missing:
            raise LexiconError(f"{where}: missing {', '.join(missing)}")
        unknown = sorted(set(ind) - set(_REQUIRED) - set(_OPTIONAL))
        if unknown:
            raise LexiconError(
                f"{where}: unknown field(s) {', '.join(unknown)}; "
                f"allowed: {', '.join(_REQUIRED + _OPTIONAL)}"
            )
        if not isinstance(ind["id"], str) or not _ID.match(ind["id"]):
            raise LexiconError(f"{where}: id must be snake_case ASCII, not {ind['id']!r}")
        if ind["id"] in seen:
            raise LexiconError(f"{where}: duplicate id {ind['id']!r}")
        seen.add(ind["id"])
        for field, allowed in (("domain", DOMAINS), ("measure", MEASURES)):
            if ind[field] not in allowed:
                raise LexiconError(
                    f"{where}: {field} must be one of {', '.join(allowed)}, not {ind[field]!r}"
                )
        for field in ("name_zh", "name_en", "unit"):
            if not isinstance(ind[field], str):
                raise LexiconError(f"{where}: {field} must be a string, not {ind[field]!r}")
        if (ind["measure"] == "rate") != (_unit_class(ind["unit"]) == "rate"):
            raise LexiconError(
                f"{where}: unit must be '%' for a rate and only for a rate, not {ind['unit']!r}"
            )
        if ind.get("direction", "higher") not in DIRECTIONS:
            raise LexiconError(f"{where}: direction must be one of {', '.join(DIRECTIONS)}, not {ind['direction']!r}")
        for field in ("aliases", "keywords"):
            values = ind.get(field, [])
            if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
                raise LexiconError(f"{where}: {field} must be a list of non-empty strings")


_SENTENCE_END = re.compile(r"[。！？!?]")
_CLAUSE_END = re.compile(r"[，,；;：:、。！？!?]")
_NUMBER = re.compile(r"\d(?![\d.]*\s*年)")  # a digit that does not begin a year


def link_in_context(name_raw: str, unit: str | None, context_before: str = "", parent_name: str | None = None) -> str | None:
    """Link a name, and when it is too bare to link alone, link it with what
    stands before it: its parent row (`其中：企业职工`), the clause it ends or
    completes (`培训10000名专业技术骨干人才`, `工作人员聘用⏎合同签订率`), the
    nearest scheme named before it in the sentence (`全市参保人数`), or the
    sentence before when it opens a sentence (`…专业技术人员90887人。年均增长率超过5%`).

    `context_before` is the text before the value: the sentence it stands in,
    or a longer window, of which the last two sentences are read.

    >>> link_in_context("参保人数", "人", "不断扩大失业保险覆盖范围，全市") == link_indicator("失业保险参保人数", "人")
    True
    >>> link_in_context("公务员", "人", "“十二五”期间共招录")
    'civil_servant_recruitment'
    """
    found = link_indicator(name_raw, unit)
    if found or not name_raw:
        return found
    if parent_name:
        found = link_indicator(parent_name + name_raw, unit)
        if found:
            return found
    lexicon = _load(LEXICON_PATH)
    *earlier, sentence = _SENTENCE_END.split(context_before)
    # The sentence up to the name (when the name stands before the value).
    at = _find(name_raw, sentence)
    head = sentence[: at] if at is not None else sentence
    # The clause the name ends (`全市累计集中减免17000多家企业社会保险费`: its
    # words before the first number) or the verb of a value it follows.
    clause = _NUMBER.split(_CLAUSE_END.split(head)[-1])[0]
    if normalise_name(clause, lexicon.rules):
        found = link_indicator(clause + name_raw, unit)
        if found:
            return found
    if not normalise_name(head, lexicon.rules) and earlier:
        head = earlier[-1]  # the name opens its sentence: the one before says what it is about
    # The nearest term first; `其中高级6337人` after `专业技术人员`: the term
    # qualifies the name either way round.
    for term in reversed(lexicon.rules.context_terms.findall(head)):
        if term in name_raw:
            continue
        found = link_indicator(term + name_raw, unit) or link_indicator(name_raw + term, unit)
        if found:
            return found
    return None


def _find(name: str, text: str) -> int | None:
    """Where `name` starts in `text` (whitespace inside it allowed), or None."""
    pattern = r"\s*".join(re.escape(c) for c in re.sub(r"\s+", "", name))
    found = None
    for m in re.finditer(pattern, text):
        found = m.start()
    return found
