"""Whole HTML pages for a document (its page image beside its text, or its text with the passage
marked) and for a Kamerstuk dossier (its documents in date order, the newest marked). Document
text is always escaped; the pages are Dutch (lang="nl") and need no script."""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import quote

from kb.dates import format_date_nl
from kb.docview import DocumentView
from kb.records import DOC_TYPE_LABELS, Document

e = html.escape
KINDS = DOC_TYPE_LABELS
_STYLE = """
body{font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;max-width:1400px;padding:1rem 1.5rem;
line-height:1.5}a{color:#0b4ea2}mark{background:#ffe066;color:#1a1a1a}dl{display:grid;grid-template-columns:max-content 1fr;
gap:.2rem 1rem}dt{font-weight:600}.page-view{display:flex;gap:1.5rem;align-items:flex-start}.page-view img{max-width:55%;
border:1px solid #767676}.page-text{flex:1}.latest{background:#0b4ea2;color:#fff;padding:0 .4rem;border-radius:3px}
nav a{margin-right:1rem}li{margin-bottom:.6rem}"""


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><meta name='viewport' "
            f"content='width=device-width, initial-scale=1'><title>{e(title)}</title><style>{_STYLE}</style>"
            f"</head><body><nav aria-label='terug'><a href='/'>← Kennisbank grensregio's</a></nav><main>{body}</main>"
            f"</body></html>")


def dossier_href(dossier: str) -> str:
    return f"/dossier?nr={quote(dossier)}"


def document_href(doc_id: str, chunk_id: str = "", page: int | None = None) -> str:
    """Where a document opens: at a passage, at a page, or at its start."""
    at = f"&chunk={chunk_id}#passage" if chunk_id else f"&page={page}" if page else ""
    return f"/doc?id={quote(doc_id)}{at}"


def render_document_page(view: DocumentView) -> str:
    d = view.document
    rows = [("Soort", KINDS.get(d.doc_type, d.doc_type)), ("Datum", format_date_nl(d.date) or "onbekend")]
    if d.kamerstuk:
        rows.append(("Kamerstuk", f"<a href='{dossier_href(d.dossier or '')}'>{e(d.kamerstuk)}</a>"))
    if d.organisation:
        rows.append(("Organisatie", e(d.organisation)))
    rows += [("Pagina's", str(d.page_count or "–")), ("Passages", str(len(view.passages)))]
    rows.append(("Bestand", f"<a href='/doc/file?id={quote(d.doc_id)}' download>{e(d.source)} downloaden</a>"
                 if view.has_file else f"{e(d.source)} (niet beschikbaar)"))
    meta = "".join(f"<dt>{k}</dt><dd>{v if k in ('Kamerstuk', 'Bestand', 'Organisatie') else e(v)}</dd>"
                   for k, v in rows)
    body = f"<h1>{e(d.title)}</h1><dl>{meta}</dl>{_dossier_note(view)}"
    return _page(d.title, body + (_pdf_view(view) if view.page else _text_view(view)))


def _dossier_note(view: DocumentView) -> str:
    if len(view.dossier) < 2:
        return ""
    latest = view.dossier[-1]
    newer = (f" De nieuwste is <a href='{document_href(latest.doc_id)}'>{e(latest.title)}</a> "
             f"({e(format_date_nl(latest.date))}).") if latest.doc_id != view.document.doc_id else ""
    return (f"<p class='dossier-note'>Dit document hoort bij <a href='{dossier_href(view.document.dossier or '')}'>"
            f"Kamerstuk dossier {e(view.document.dossier or '')}</a> ({len(view.dossier)} documenten).{newer}</p>")


def _passage(view: DocumentView, chunk_id: str, text: str) -> str:
    if view.at is not None and chunk_id == view.at.chunk_id:
        return f"<p><mark id='passage'>{e(text)}</mark></p>"
    return f"<p>{e(text)}</p>"


def _text_view(view: DocumentView) -> str:
    return "<h2>Tekst</h2>" + "".join(_passage(view, c.chunk_id, t) for c, t in view.passages if t)


def _pdf_view(view: DocumentView) -> str:
    d, n = view.document, view.page or 1
    text = "".join(_passage(view, c.chunk_id, t) for c, t in view.passages if c.page == n and t)
    nav = "".join(f"<a href='{document_href(d.doc_id, page=p)}'>{label}</a>" for p, label in
                  ((n - 1, "← vorige pagina"), (n + 1, "volgende pagina →")) if 1 <= p <= d.page_count)
    image = (f"<img src='/doc/page?id={quote(d.doc_id)}&n={n}' alt='Pagina {n} van {e(d.title)}'>" if view.has_file
             else "<p>Het originele bestand is niet beschikbaar; hieronder de tekst.</p>")
    return (f"<h2>Pagina {n} van {d.page_count}</h2><nav>{nav}</nav><div class='page-view'>{image}"
            f"<div class='page-text'>{text or '<p>Geen passage begint op deze pagina.</p>'}</div></div>")


def render_dossier_page(dossier: str, documents: Sequence[Document], sections: dict[str, list[str]]) -> str:
    """The documents of one Kamerstuk dossier, oldest first, with their sections; the newest marked."""
    items = []
    for d in documents:
        latest = " <span class='latest'>nieuwste</span>" if d is documents[-1] and len(documents) > 1 else ""
        heads = "".join(f"<li>{e(s)}</li>" for s in sections.get(d.doc_id, [])[:12])
        items.append(f"<li class='dossier-doc'><a href='{document_href(d.doc_id)}'>{e(d.title)}</a>{latest}<br>"
                     f"{e(format_date_nl(d.date) or 'datum onbekend')}"
                     f"{' · nr. ' + e(d.number) if d.number else ''} · {e(KINDS.get(d.doc_type, d.doc_type))}"
                     f"{'<ul>' + heads + '</ul>' if heads else ''}</li>")
    body = (f"<h1>Kamerstuk dossier {e(dossier)}</h1><p>{len(documents)} documenten, oudste eerst.</p>"
            f"<ol class='dossier'>{''.join(items)}</ol>")
    return _page(f"Dossier {dossier}", body)
