"""Document metadata against gold metadata read from the documents themselves.

    python bench/metadata_eval.py --docs ../shared/pdfs --gold ../shared/eval/pdf_metadata.jsonl [-v]
    python bench/metadata_eval.py --docs ../shared/eval/faq/corpus --html-check

Each file is read as `kb ingest` reads it (extraction, cleaning, OCR when tesseract is there,
metadata; no embedding) and scored per field:
- title: word F1 >= 0.5 against the printed title;
- date: equal, or more precise than the gold date (gold 2025-08, found 2025-08-14); a document
  whose gold has no date (it prints none) counts whatever is found;
- kind: equal (gold "kamerstuk" also accepts the more specific kinds of numbered papers);
- kamerstuk: dossier and number equal, over the files whose gold has them.
--html-check instead reports, for HTML pages, how many got a DCTERMS date and a title that is not
their file name. The gold stays outside the product: nothing here is read by kb or ingest."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kb  # noqa: E402,F401
from ingest.extract import ExtractionError  # noqa: E402
from ingest.ocr import make_ocr  # noqa: E402
from ingest.pipeline import prepare_file  # noqa: E402
from ingest.sources import SourceFile  # noqa: E402
from kb.settings import Settings  # noqa: E402


def words(s: str | None) -> list[str]:
    return re.findall(r"\w+", (s or "").lower())


def title_f1(found: str, gold: str) -> float:
    f, g = words(found), words(gold)
    if not f or not g:
        return float(not f and not g)
    common = sum(min(f.count(w), g.count(w)) for w in set(f))
    if not common:
        return 0.0
    p, r = common / len(f), common / len(g)
    return 2 * p * r / (p + r)


def date_ok(found: str | None, gold: str | None) -> bool:
    if not gold:  # the document prints no date: any date found is more than the gold knows
        return True
    return bool(found) and (found == gold or found.startswith(gold + "-"))


def read(path: Path, settings: Settings) -> dict[str, Any]:
    sf = SourceFile(source=path.name, path=path, sha256="-", root=path.parent)
    try:
        doc = prepare_file(sf, {}, settings, make_ocr(settings)).document
    except ExtractionError as e:
        return {"error": e.reason}
    return {"title": doc.title, "date": doc.date, "doc_type": doc.doc_type, "dossier": doc.dossier,
            "number": doc.number, "organisation": getattr(doc, "organisation", None),
            "sources": doc.metadata_sources}


def score(docs: Path, gold_path: Path, verbose: bool) -> None:
    settings = Settings.from_env()
    gold = [json.loads(x) for x in gold_path.read_text(encoding="utf-8").splitlines() if x.strip()]
    hits = {"title": 0, "date": 0, "kind": 0}
    kst_total = kst_ok = 0
    for g in gold:
        f = read(docs / g["file"], settings)
        ok = {"title": title_f1(f.get("title") or "", g.get("title") or "") >= 0.5,
              "date": date_ok(f.get("date"), g.get("date")),
              "kind": f.get("doc_type") == g.get("doc_type")}
        for k, v in ok.items():
            hits[k] += v
        if g.get("number"):
            kst_total += 1
            kst_ok += (f.get("dossier"), f.get("number")) == (g.get("dossier"), g.get("number"))
        if verbose:
            marks = "".join("✓" if ok[k] else "✗" for k in ("title", "date", "kind"))
            print(f"{marks} {g['file'][:44]:44} {str(f.get('title'))[:60]!r} {f.get('date')} {f.get('doc_type')} "
                  f"{f.get('dossier')}/{f.get('number')} | gold {str(g.get('title'))[:40]!r} {g.get('date')} "
                  f"{g.get('doc_type')} | {f.get('sources', {})}")
    n = len(gold)
    print(f"metadata {n} files: title {hits['title'] / n:.2f}, date {hits['date'] / n:.2f}, kind {hits['kind'] / n:.2f}, "
          f"kamerstuk {kst_ok}/{kst_total}")


def html_check(docs: Path) -> None:
    settings = Settings.from_env()
    pages = sorted(docs.glob("*.htm*"))
    dated = titled = 0
    for p in pages:
        f = read(p, settings)
        dated += f.get("sources", {}).get("date") == "html"
        titled += bool(f.get("title")) and f.get("sources", {}).get("title") != "filename"
    print(f"html {len(pages)} pages: DCTERMS date {dated}, title not from the file name {titled}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docs", type=Path, required=True)
    p.add_argument("--gold", type=Path)
    p.add_argument("--html-check", action="store_true")
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args()
    if a.html_check:
        html_check(a.docs)
    else:
        score(a.docs, a.gold or a.docs / "gold.jsonl", a.verbose)


if __name__ == "__main__":
    main()
