"""A synthetic corpus of N documents made from the seeds.

Document `i` is seed `i % 5` moved to another city of `ingest/data/cities.csv`,
with its districts and towns renamed and its numbers perturbed (±15 %, same
number of decimals; years, document numbers and small section numbers are
left alone), written in one of the four formats — `(i // 5) % 4` picks txt,
docx, pdf or html, so every (seed, format) pair is equally common. The DOCX,
PDF and HTML writers are those of `scripts/make_format_fixtures.py`; DOCX is
written once per seed (python-docx's table writer is quadratic in the number
of cells) and each copy is rewritten in the XML text runs.

    python -m benchmarks.corpus --docs 1000 --out /tmp/corpus

Files go to one folder per format (`txt/`, `docx/`, `pdf/`, `html/`) so that
each format can also be built on its own. Everything is deterministic: the
same N gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import random
import re
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "corpus"
FORMATS = ("txt", "docx", "pdf", "html")
# Bump when the generator's output changes: a cached corpus of another version is regenerated.
GENERATOR_VERSION = "1"

REGION_SUFFIXES = sorted(
    ["区", "县", "市", "镇", "乡", "街道", "办事处", "园区", "开发区", "新区", "保税区", "高新区", "管委会"], key=len, reverse=True
)
# Characters of made-up place names.
PLACE_CHARS = "东西南北中新安平阳山河湖江海宁兴华丰城港桥林泉石云龙凤金玉长永昌盛嘉泰清源溪川岭峰台庄口坪塘湾洲"
NUMBER = re.compile(r"(?<![0-9.])[0-9]+(?:\.[0-9]+)?(?![0-9])")
DOCX_TEXT = re.compile(r"(<w:t(?:\s[^>]*)?>)([^<]*)(</w:t>)")


def _fixtures():
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_format_fixtures

    return make_format_fixtures


@cache
def cities() -> list[dict[str, str]]:
    path = ROOT / "ingest" / "data" / "cities.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    return [r for r in rows if r.get("short_zh") and len(r["short_zh"]) >= 2]


@dataclass
class Seed:
    path: Path
    text: str
    city: str | None  # 天津市
    city_short: str | None  # 天津
    regions: list[str]  # districts/towns its values are allocated to
    items: list  # make_format_fixtures items (paragraphs and grids)
    docx_xml: dict[str, bytes]  # the seed written once as DOCX: zip member → bytes


@cache
def load_seeds() -> list[Seed]:
    from extract import extract_document
    from ingest import read_document
    from ingest.metadata import city_info, detect_metadata

    fixtures = _fixtures()
    seeds = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        document = read_document(path)
        metadata = detect_metadata(document.text)
        values = extract_document(document, metadata).values
        regions = sorted({r for v in values for r in (v.region, v.parent_region) if r}, key=len, reverse=True)
        info = city_info(metadata.city) if metadata.city else None
        items = fixtures.seed_to_items(path)
        buffer = io.BytesIO()
        fixtures.items_to_docx(items, buffer)  # python-docx and zipfile both take a file object
        with zipfile.ZipFile(buffer) as z:
            docx_xml = {name: z.read(name) for name in z.namelist()}
        seeds.append(
            Seed(path, document.text, metadata.city, (info or {}).get("short_zh"), regions, items, docx_xml)
        )
    return seeds


class Perturbation:
    """One synthetic document's changes: another city, renamed regions,
    numbers scaled by a random factor. `apply(text)` can be called on pieces
    of the document (cells, paragraphs) or on the whole text."""

    def __init__(self, seed: Seed, index: int | str):
        self.rng = random.Random(f"plankb-bench-{index}")
        city = cities()[self.rng.randrange(len(cities()))]
        names: dict[str, str] = {}
        used: set[str] = set()
        for region in seed.regions:
            new = self._region_name(region, used)
            if new:
                names[region] = new
        if seed.city and seed.city_short:
            names[seed.city] = city["name_zh"]
            names[seed.city_short] = city["short_zh"]
        self.names = names
        self.city = city["name_zh"]
        keys = sorted(names, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(k) for k in keys)) if keys else None

    def _region_name(self, region: str, used: set[str]) -> str | None:
        base, paren = re.match(r"(.*?)([（(].*)?$", region).groups()
        suffix = next((s for s in REGION_SUFFIXES if base.endswith(s)), None)
        if not suffix or len(base) == len(suffix):
            return None
        for _ in range(50):
            stem = "".join(self.rng.choice(PLACE_CHARS) for _ in range(2))
            name = stem + suffix + (paren or "")
            if name not in used:
                used.add(name)
                return name
        return None

    def apply(self, text: str) -> str:
        if self.pattern:
            text = self.pattern.sub(lambda m: self.names[m.group()], text)
        return NUMBER.sub(self._number, text)

    def _number(self, m: re.Match) -> str:
        raw = m.group()
        before = m.string[m.start() - 1] if m.start() else ""
        after = m.string[m.end()] if m.end() < len(m.string) else ""
        whole, _, decimals = raw.partition(".")
        if before in "〔[第（(" or after in "年月日号〕]）)":
            return raw
        if not decimals and (1949 <= int(whole) <= 2035 or int(whole) < 10):
            return raw
        value = float(raw) * self.rng.uniform(0.85, 1.15)
        if decimals:
            return f"{max(value, 10 ** -len(decimals)):.{len(decimals)}f}"
        return str(max(round(value), 10))


def perturb_items(items: list, perturbation: Perturbation) -> list:
    fixtures = _fixtures()
    out = []
    for item in items:
        if isinstance(item, fixtures.Para):
            out.append(replace(item, text=perturbation.apply(item.text)))
        else:
            out.append(replace(item, rows=[[perturbation.apply(c) for c in row] for row in item.rows]))
    return out


def document_path(out: Path, index: int) -> Path:
    seeds = load_seeds()
    seed = seeds[index % len(seeds)]
    fmt = FORMATS[(index // len(seeds)) % len(FORMATS)]
    return out / fmt / f"{index:06d}_{seed.path.stem[:3]}.{fmt}"


def write_document(out: Path, index: int, variant: int = 0) -> tuple[str, int]:
    """Write synthetic document `index`; returns its path (relative to `out`)
    and size. Another `variant` writes the same file with other numbers, city
    and regions (a changed document, for incremental rebuilds)."""
    fixtures = _fixtures()
    seeds = load_seeds()
    seed = seeds[index % len(seeds)]
    path = document_path(out, index)
    fmt = path.suffix[1:]
    perturbation = Perturbation(seed, index if not variant else f"{index}-{variant}")
    if fmt == "txt":
        path.write_text(perturbation.apply(seed.text), encoding="utf-8")
    elif fmt == "docx":
        members = dict(seed.docx_xml)
        xml = members["word/document.xml"].decode("utf-8")
        xml = DOCX_TEXT.sub(
            lambda m: m.group(1) + html.escape(perturbation.apply(html.unescape(m.group(2))), quote=False) + m.group(3), xml
        )
        members["word/document.xml"] = xml.encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    else:
        items = perturb_items(seed.items, perturbation)
        if fmt == "pdf":
            style = fixtures.PAGE_STYLES[index % len(fixtures.PAGE_STYLES)]
            fixtures.items_to_pdf(items, path, style, fixtures.document_title(items))
        else:
            fixtures.items_to_html(items, path)
    return path.relative_to(out).as_posix(), path.stat().st_size


def _write_chunk(out: Path, indexes: list[int]) -> list[tuple[str, int]]:
    return [write_document(out, i) for i in indexes]


def make_corpus(out: Path, n_docs: int, workers: int | None = None) -> list[Path]:
    """Write the corpus of `n_docs` documents under `out` (reused when a
    corpus of the same size and generator version is already there)."""
    out = Path(out)
    stamp = out / ".generated.json"
    want = {"docs": n_docs, "version": GENERATOR_VERSION}
    if stamp.is_file() and json.loads(stamp.read_text()) == want:
        return sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    if out.exists():
        import shutil

        shutil.rmtree(out)
    for fmt in FORMATS:
        (out / fmt).mkdir(parents=True, exist_ok=True)
    load_seeds()  # once in this process, inherited by forked workers
    chunks = [list(range(k, n_docs, 64)) for k in range(min(64, n_docs))]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(_write_chunk, [out] * len(chunks), chunks):
            pass
    stamp.write_text(json.dumps(want))
    return sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic corpus made from the seeds.")
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    files = make_corpus(args.out, args.docs)
    print(f"{len(files)} files under {args.out}")


if __name__ == "__main__":
    main()
