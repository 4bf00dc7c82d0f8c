"""HTML for the app: every piece of document text escaped, only our own markup around it."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from kb.answer import Answer, Citation, Direct
from kb.dates import format_date_nl
from kb.diploma import FIELDS, DiplomaAnswer
from kb.lexical import words
from kb.passage import Passage
from kb.records import Document, Hit

TYPE_LABELS = {"kamerbrief": "Kamerbrief", "kamerstuk": "Kamerstuk", "advies": "Advies", "rapport": "Rapport",
               "besluitenlijst": "Besluitenlijst", "nota": "Nota", "factsheet": "Factsheet", "roadmap": "Roadmap",
               "besluit": "Besluit", "other": "Overig"}
FIELD_NAMES = {"authority": "Bevoegde instantie", "documents": "Benodigde documenten", "duration": "Doorlooptijd",
               "costs": "Kosten"}
assert tuple(FIELD_NAMES) == FIELDS
e = html.escape


def highlight(text: str, query: str) -> str:
    """Escaped text with the query's words marked."""
    escaped = e(text)
    terms = sorted({w for w in words(query) if len(w) > 3}, key=len, reverse=True)
    if not terms:
        return escaped
    pattern = re.compile("(" + "|".join(re.escape(e(t)) for t in terms) + r")\w*", re.I)
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)


def _meta(d: Document, page: int | None, section: str = "") -> str:
    parts = [f"<b>{e(d.title)}</b>", e(TYPE_LABELS.get(d.doc_type, d.doc_type)), e(format_date_nl(d.date))]
    if d.kamerstuk:
        parts.append(f"Kamerstuk {e(d.kamerstuk)}")
    if d.organisation:
        parts.append(e(d.organisation))
    if page:
        parts.append(f"pagina {page}")
    if section:
        parts.append(e(section))
    return " · ".join(parts)


def render_hits(hits: Sequence[Hit], query: str, newer: dict[str, str]) -> str:
    if not hits:
        return "<p class='kb-empty'>Geen resultaten. Probeer andere woorden of ruimere filters.</p>"
    parts = []
    for h in hits:
        note = ""
        if h.document.doc_id in newer:
            note = f"<div class='kb-newer'>Er is een nieuwere brief in dit dossier: {e(newer[h.document.doc_id])}</div>"
        ocr = " · <span class='kb-ocr'>OCR</span>" if h.chunk.page in h.document.ocr_pages else ""
        parts.append(f"<div class='kb-hit'><div class='kb-meta'>{h.rank}. "
                     f"{_meta(h.document, h.chunk.page, h.chunk.section)}{ocr}</div>"
                     f"<div class='kb-text'>{highlight(h.chunk.text, query)}</div>{note}</div>")
    return "\n".join(parts)


def render_passage(p: Passage, quote: str) -> str:
    """A cited passage in context: the text before and after it, the quote marked."""
    body = e(p.chunk.text)
    if quote and e(quote) in body:
        body = body.replace(e(quote), f"<mark>{e(quote)}</mark>", 1)
    before = f"<span class='kb-context'>… {e(p.before)} </span>" if p.before else ""
    after = f"<span class='kb-context'> {e(p.after)} …</span>" if p.after else ""
    return (f"<div class='kb-passage'><div class='kb-meta'>{_meta(p.document, p.chunk.page, p.chunk.section)}"
            f" · {e(p.document.source)}</div><p>{before}{body}{after}</p></div>")


def render_answer(ans: Answer, passages: dict[str, Passage]) -> str:
    """The answer: the direct answer first, its answering phrase marked, then the numbered
    citations; each opens its passage in context. A generated answer is shown as written."""
    if not ans.answered:
        return f"<p class='kb-answer kb-declined'>{e(ans.answer)}</p>"
    if ans.points:
        body = "".join(_direct(p, ans) for p in ans.points)
    else:
        first, *rest = ans.answer.splitlines()
        body = f"<p class='kb-answer'>{e(first) if rest else e(ans.answer)}</p>"
    items = []
    for n, c in enumerate(ans.citations, 1):
        passage = passages.get(c.chunk_id)
        inner = render_passage(passage, c.quote) if passage else f"<p>{e(c.text)}</p>"
        items.append(f"<li><details class='kb-cite'><summary><q>{e(c.quote)}</q> {_source(n, c)}</summary>"
                     f"{inner}</details></li>")
    flagged = ""
    if ans.dropped:
        flagged = (f"<p class='kb-flagged'>{len(ans.dropped)} gegenereerde zin(nen) weggelaten: "
                   "niet onderbouwd door een bron.</p>")
    return f"{body}<ol class='kb-citations'>{''.join(items)}</ol>{flagged}"


def _direct(p: Direct, ans: Answer) -> str:
    """One point of the direct answer: the sentence with its answering phrase marked, and the
    phrase as the reader writes it when that differs."""
    sentence = e(p.sentence)
    if p.span and e(p.span) in sentence:
        sentence = sentence.replace(e(p.span), f"<mark class='kb-span'>{e(p.span)}</mark>", 1)
    own = f"<b class='kb-span-reader'>{e(p.rendered)}</b> — " if p.rendered and p.rendered != p.span else ""
    return f"<p class='kb-answer kb-direct'>{own}{sentence} {_source(p.citation, ans.citations[p.citation - 1])}</p>"


def _source(n: int, c: Citation) -> str:
    """'[n] Title (kind, date, Kamerstuk …, page)': what a reader judges a quote by."""
    kind = "" if c.doc_type == "other" or (c.doc_type == "kamerstuk" and c.kamerstuk) else c.doc_type
    parts = [p for p in (TYPE_LABELS.get(kind, kind), format_date_nl(c.date)) if p]
    if c.kamerstuk:
        parts.append(f"Kamerstuk {c.kamerstuk}")
    if c.page:
        parts.append(f"pagina {c.page}")
    return f"<small>[{n}] {e(c.title)} ({e(', '.join(parts))})</small>"


def render_conversation(turns: Sequence[tuple[str, str]]) -> str:
    """Question/answer turns, newest last; answers are already rendered HTML."""
    return "".join(f"<div class='kb-turn'><p class='kb-question'>{e(q)}</p>{a}</div>" for q, a in turns)


def render_diploma(result: DiplomaAnswer) -> str:
    """The guides for a profession and route: their steps as a numbered list, then the authority,
    documents, duration and costs, each with its source and page; then what other documents say."""
    head = f"<h3>{e(result.profession.label)} · {e(result.route)}</h3>"
    letters = render_hits(result.letters, "erkenning diploma", {}) if result.letters else ""
    if not result.guides:
        return (f"{head}<p class='kb-no-guide'>Voor dit beroep en deze route is geen erkenningsgids "
                f"geïndexeerd. Wat de andere documenten erover zeggen:</p>{letters}")
    out = [head, f"<p class='kb-guide-count'>{len(result.guides)} gids(en) gevonden.</p>"]
    for g in result.guides:
        where = f"{e(g.document.title)}, {e(g.document.source)}"
        out.append(f"<div class='kb-guide'><div class='kb-meta'>{_meta(g.document, None)}</div>")
        if g.guide.steps:
            out.append("<ol class='kb-steps'>" + "".join(
                f"<li value='{s.n}'>{e(s.text)} <small>({where}, {_where(s.page)})</small></li>"
                for s in g.guide.steps) + "</ol>")
        for key, name in FIELD_NAMES.items():
            if item := getattr(g.guide, key):
                out.append(f"<p class='kb-field kb-{key}'><b>{name}:</b> {e(item.text)} "
                           f"<small>({where}, {_where(item.page)})</small></p>")
        out.append("</div>")
    if letters:
        out.append(f"<h4>Wat de andere documenten erover zeggen</h4>{letters}")
    return "".join(out)


def _where(page: int | None) -> str:
    return f"pagina {page}" if page else "zonder paginanummer"


def render_report(report: dict[str, Any] | None, generation: str) -> str:
    if not report:
        return f"<p>Indexgeneratie {e(generation)}. Nog geen bouwrapport.</p>"
    c = report.get("counts", {})
    failed = "".join(f"<li>{e(f['path'])}: {e(f['reason'])}</li>" for f in report.get("failed", []))
    return (f"<p>Indexgeneratie <b>{e(generation)}</b>. Laatste bouw: {c.get('added', 0)} toegevoegd, "
            f"{c.get('changed', 0)} gewijzigd, {c.get('removed', 0)} verwijderd, {c.get('unchanged', 0)} "
            f"ongewijzigd, {c.get('failed', 0)} mislukt.</p>" + (f"<ul class='kb-failed'>{failed}</ul>" if failed else ""))
