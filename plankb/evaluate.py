"""Score extracted values against a gold answer key.

A predicted value matches a gold record when the document, the value (and
upper bound), the unit and the region agree and the names are close. Matching
is one-to-one; among the candidates the closest name wins. Kind, year and
comparator accuracy are measured on matched pairs; region accuracy on pairs
that agree on everything but the region as well.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

NAME_CLOSE = 0.5
BRACKETED = re.compile(r"[（(][^（）()]*[)）]")
NUMBERING = re.compile(r"^(\d+[.．、]|[（(]?[一二三四五六七八九十]+[)）、]|其中[:：]?)")


def normalise_text(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", "", text)


def normalise_name(name: str | None) -> str:
    name = normalise_text(name)
    name = NUMBERING.sub("", name)
    name = BRACKETED.sub("", name)
    return name.strip("“”\"")


def normalise_region(region: str | None) -> str:
    """A region name for comparison: brackets and what follows them dropped,
    as documents write the same town `高新区（城南街道）` or `高新区（城南街道`."""
    return re.split(r"[（(]", normalise_text(region))[0]


def name_similarity(a: str | None, b: str | None) -> float:
    """1.0 when one name contains the other, else the similarity of the two.

    >>> name_similarity("城镇新增就业人数", "城镇新增就业")
    1.0
    >>> name_similarity("城镇登记失业率", "企业劳动合同签订率") < 0.5
    True
    """
    a, b = normalise_name(a), normalise_name(b)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


@dataclass
class DocumentScore:
    doc: str
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    kind_ok: int = 0
    year_ok: int = 0
    comparator_ok: int = 0
    region_pairs: int = 0
    region_ok: int = 0
    misses: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)
    wrong: list[tuple[dict, dict]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalResult:
    documents: list[DocumentScore]

    @property
    def overall(self) -> DocumentScore:
        total = DocumentScore(doc="overall")
        for d in self.documents:
            for attr in ("gold", "predicted", "matched", "kind_ok", "year_ok", "comparator_ok", "region_pairs", "region_ok"):
                setattr(total, attr, getattr(total, attr) + getattr(d, attr))
        return total


def load_gold(gold_dir: Path) -> dict[str, list[dict]]:
    gold: dict[str, list[dict]] = {}
    for path in sorted(Path(gold_dir).glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n}: not valid JSON: {e}") from e
            gold.setdefault(record["doc"], []).append(record)
    return gold


def load_predictions(db_path: Path) -> dict[str, list[dict]]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "select d.source_file as doc, v.* from indicator_values v join documents d on d.id = v.document_id"
    ).fetchall()
    conn.close()
    out: dict[str, list[dict]] = {}
    for row in rows:
        record = dict(row)
        record["name"] = record["name_raw"]
        out.setdefault(Path(record["doc"]).name, []).append(record)
    return out


def _agrees(gold: dict, pred: dict, with_region: bool) -> bool:
    if not same_number(gold["value"], pred["value"]):
        return False
    if gold.get("value_max") is not None and not same_number(gold.get("value_max"), pred.get("value_max")):
        return False
    if normalise_text(gold.get("unit")) != normalise_text(pred.get("unit")):
        return False
    if with_region and normalise_region(gold.get("region")) != normalise_region(pred.get("region")):
        return False
    return name_similarity(gold.get("name"), pred.get("name")) >= NAME_CLOSE


def match(gold: list[dict], predicted: list[dict], with_region: bool = True) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index), closest names first."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            if _agrees(g, p, with_region):
                score = name_similarity(g.get("name"), p.get("name"))
                same_kind = g.get("kind") == p.get("kind")
                same_year = g.get("year") == p.get("year")
                candidates.append((-(score + same_kind + same_year), gi, pi))
    candidates.sort()
    used_gold, used_pred, pairs = set(), set(), []
    for _, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((gi, pi))
    return pairs


def score_document(doc: str, gold: list[dict], predicted: list[dict]) -> DocumentScore:
    score = DocumentScore(doc=doc, gold=len(gold), predicted=len(predicted))
    pairs = match(gold, predicted)
    score.matched = len(pairs)
    for gi, pi in pairs:
        g, p = gold[gi], predicted[pi]
        score.kind_ok += g.get("kind") == p.get("kind")
        score.year_ok += g.get("year") == p.get("year")
        score.comparator_ok += (g.get("comparator") or "=") == (p.get("comparator") or "=")
        if g.get("kind") != p.get("kind") or g.get("year") != p.get("year"):
            score.wrong.append((g, p))
    matched_gold = {gi for gi, _ in pairs}
    matched_pred = {pi for _, pi in pairs}
    rest_gold = [i for i in range(len(gold)) if i not in matched_gold]
    rest_pred = [i for i in range(len(predicted)) if i not in matched_pred]
    region_pairs = match([gold[i] for i in rest_gold], [predicted[i] for i in rest_pred], with_region=False)
    score.region_pairs = len(pairs) + len(region_pairs)
    score.region_ok = len(pairs)
    score.misses = [gold[i] for i in rest_gold]
    score.false_positives = [predicted[i] for i in rest_pred]
    return score


def evaluate(db_path: Path, gold_dir: Path) -> EvalResult:
    gold = load_gold(gold_dir)
    predicted = load_predictions(db_path)
    return EvalResult([score_document(doc, records, predicted.get(doc, [])) for doc, records in sorted(gold.items())])


def _ratio(ok: int, n: int) -> str:
    return f"{ok / n:.3f}" if n else "  -  "


def format_report(result: EvalResult, details: bool = True) -> str:
    lines = [
        f"{'document':<28} {'gold':>5} {'pred':>5} {'match':>5} {'P':>6} {'R':>6} {'F1':>6} {'kind':>6} {'year':>6} {'cmp':>6} {'region':>6}"
    ]
    for d in result.documents + [result.overall]:
        lines.append(
            f"{d.doc:<28} {d.gold:>5} {d.predicted:>5} {d.matched:>5} {d.precision:>6.3f} {d.recall:>6.3f} {d.f1:>6.3f} "
            f"{_ratio(d.kind_ok, d.matched):>6} {_ratio(d.year_ok, d.matched):>6} {_ratio(d.comparator_ok, d.matched):>6} "
            f"{_ratio(d.region_ok, d.region_pairs):>6}"
        )
    if details:
        for d in result.documents:
            if d.misses:
                lines.append(f"\n{d.doc}: {len(d.misses)} missed")
                for g in d.misses:
                    lines.append(f"  - {g.get('name')} {g.get('region') or ''} {g['value']:g} {g.get('unit')} [{g.get('kind')} {g.get('year')}] :: {str(g.get('evidence'))[:70]}")
            if d.false_positives:
                lines.append(f"\n{d.doc}: {len(d.false_positives)} false positives")
                for p in d.false_positives:
                    lines.append(f"  + {p.get('name')} {p.get('region') or ''} {p['value']:g} {p.get('unit')} [{p.get('kind')} {p.get('year')}] :: {str(p.get('evidence'))[:70]}")
            if d.wrong:
                lines.append(f"\n{d.doc}: {len(d.wrong)} matched with wrong kind or year")
                for g, p in d.wrong:
                    lines.append(f"  ~ {g.get('name')} {g['value']:g}: gold {g.get('kind')} {g.get('year')} / got {p.get('kind')} {p.get('year')}")
    return "\n".join(lines)
