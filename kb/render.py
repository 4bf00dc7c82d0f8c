"""HTML for the app: every piece of document text escaped, only our own markup around it."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from kb.answer import Answer, Citation, Direct
from kb.dates import format_date_nl
from kb.diploma import FIELDS, DiplomaAnswer
from kb.docpage import document_href, dossier_href
from kb.lexical import words
from kb.passage import Passage
from kb.records import DOC_TYPE_LABELS, Document, Hit, SearchFilters
from kb.sentences import whole_sentences

TYPE_LABELS = DOC_TYPE_LABELS
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
        parts.append(f"<a href='{e(dossier_href(d.dossier or ''))}' target='_blank' rel='noopener'>"
                     f"Kamerstuk {e(d.kamerstuk)}</a>")
    if d.organisation:
        parts.append(e(d.organisation))
    if page:
        parts.append(f"pagina {page}")
    if section:
        parts.append(e(section))
    return " · ".join(parts)


SNIPPET_WORDS = 45  # a result shows this much before its passage is opened


def render_hits(hits: Sequence[Hit], query: str, newer: dict[str, str], filters: str = "") -> str:
    """Results that read quickly: a count and the filters in force, then per document its
    metadata once (and the newer letter of its dossier once), each hit as the one or two
    sentences that best match the query, the whole passage on demand, and a link that opens the
    document at the passage."""
    active = f" · filters: {e(filters)}" if filters else ""
    if not hits:
        return (f"<p class='kb-empty'>Geen resultaten{active}. Probeer andere of minder woorden, een vraag in "
                "gewone taal, ruimere filters, of stel de vraag in het tabblad Vragen.</p>")
    groups: dict[str, list[Hit]] = {}
    for h in hits:
        groups.setdefault(h.document.doc_id, []).append(h)
    out = [f"<p class='kb-count'>{len(hits)} resultaten in {len(groups)} document(en){active}</p>"]
    for doc_id, group in groups.items():
        d = group[0].document
        many = f"<p class='kb-group-count'>{len(group)} passages in {_this(d)}</p>" if len(group) > 1 else ""
        note = (f"<div class='kb-newer'>Er is een nieuwere brief in dit dossier: {e(newer[doc_id])}</div>"
                if doc_id in newer else "")
        out.append(f"<section class='kb-doc'><div class='kb-meta'>{_meta(d, None)} · "
                   f"{document_link(d)}</div>{many}{note}{''.join(_hit(h, query) for h in group)}</section>")
    return "\n".join(out)


def describe_filters(f: SearchFilters, titles: dict[str, str]) -> str:
    """The filters in force, as the results line names them ('Kamerbrief; vanaf 1 januari 2022')."""
    parts = [", ".join(TYPE_LABELS.get(t, t) for t in f.doc_types)] if f.doc_types else []
    if f.since:
        parts.append(f"vanaf {format_date_nl(f.since.isoformat())}")
    if f.until:
        parts.append(f"tot en met {format_date_nl(f.until.isoformat())}")
    if f.doc_ids:
        parts.append("alleen " + ", ".join(titles.get(i, i) for i in f.doc_ids))
    return "; ".join(parts)


def _this(d: Document) -> str:
    return "deze brief" if d.doc_type == "kamerbrief" else "dit document"


def _hit(h: Hit, query: str) -> str:
    where = [f"{h.rank}."] + ([f"pagina {h.chunk.page}"] if h.chunk.page else []) + (
        [e(h.chunk.section)] if h.chunk.section else [])
    ocr = " · <span class='kb-ocr'>OCR</span>" if h.chunk.page in h.document.ocr_pages else ""
    return (f"<div class='kb-hit'><div class='kb-hit-meta'>{' · '.join(where)}{ocr} · "
            f"{document_link(h.document, h.chunk.chunk_id, 'Openen in het document')}</div>"
            f"<p class='kb-snippet'>{highlight(snippet(h.chunk.text, query), query)}</p>"
            f"<details class='kb-more'><summary>Hele passage</summary>"
            f"<div class='kb-text'>{highlight(h.chunk.text, query)}</div></details></div>")


def snippet(text: str, query: str, max_words: int = SNIPPET_WORDS) -> str:
    """The one or two sentences of a passage that share most of the query's words, in their
    order, within max_words."""
    sentences = [s for s in whole_sentences(text) if s.strip()]
    terms = {w for w in words(query) if len(w) > 3}

    def overlap(s: str) -> int:
        have = words(s)
        return sum(any(w.startswith(t) for w in have) for t in terms)

    best = sorted(sorted(range(len(sentences)), key=lambda i: -overlap(sentences[i]))[:2])
    chosen = " ".join(sentences[i] for i in best) if best else text
    cut = chosen.split()
    return chosen if len(cut) <= max_words else " ".join(cut[:max_words]) + " …"


def document_link(d: Document, chunk_id: str = "", label: str = "Document openen") -> str:
    """A link that opens the document (at a passage), in a new tab."""
    return f"<a class='kb-open' href='{e(document_href(d.doc_id, chunk_id))}' target='_blank' rel='noopener'>{label}</a>"


def render_passage(p: Passage, quote: str) -> str:
    """A cited passage in context: the text before and after it, the quote marked."""
    body = e(p.chunk.text)
    if quote and e(quote) in body:
        body = body.replace(e(quote), f"<mark>{e(quote)}</mark>", 1)
    before = f"<span class='kb-context'>… {e(p.before)} </span>" if p.before else ""
    after = f"<span class='kb-context'> {e(p.after)} …</span>" if p.after else ""
    return (f"<div class='kb-passage'><div class='kb-meta'>{_meta(p.document, p.chunk.page, p.chunk.section)}"
            f" · {e(p.document.source)} · {document_link(p.document, p.chunk.chunk_id, 'Openen in het document')}"
            f"</div><p>{before}{body}{after}</p></div>")


def render_answer(ans: Answer, passages: dict[str, Passage]) -> str:
    """The answer in the reader's language (lang set for screen readers): the direct answer first,
    its answering phrase marked, then the numbered citations; each opens its passage in context."""
    return f"<div class='kb-answer-block' lang='{e(ans.language)}'>{_answer_body(ans, passages)}</div>"


def answer_as_text(ans: Answer) -> str:
    """The answer as plain text with its numbered sources, to paste into a memo."""
    lines = [ans.answer]
    if ans.citations:
        lines += ["", "Bronnen:"]
        for n, c in enumerate(ans.citations, 1):
            where = [x for x in (format_date_nl(c.date), f"Kamerstuk {c.kamerstuk}" if c.kamerstuk else "",
                                 f"pagina {c.page}" if c.page else "") if x]
            lines.append(f"[{n}] {c.title} ({', '.join(where)}), {c.source}")
    return "\n".join(lines)


DOCUMENT_COLUMNS = ["Titel", "Soort", "Datum", "Kamerstuk", "Organisatie", "Pagina's", "Passages", "Bestand"]


def document_rows(docs: Sequence[Document], passages: dict[str, int], kind: str = "", year: str = "") -> list[list[Any]]:
    """The Documenten table, newest first, for one kind and year or all; ISO dates so that the
    column sorts by date."""
    chosen = [d for d in docs if (not kind or d.doc_type == kind) and (not year or (d.date or "").startswith(year))]
    return [[d.title, TYPE_LABELS.get(d.doc_type, d.doc_type), d.date or "", d.kamerstuk or "", d.organisation or "",
             d.page_count or "", passages.get(d.doc_id, 0), ", ".join((d.source, *d.aliases))]
            for d in sorted(chosen, key=lambda d: d.date or "", reverse=True)]


def _answer_body(ans: Answer, passages: dict[str, Passage]) -> str:
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
