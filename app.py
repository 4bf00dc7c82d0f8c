"""Gradio app: Vragen, Zoeken and Documenten over the knowledge base (thin handlers over kb)."""

from __future__ import annotations

import html
import logging
import re
import sys
import threading
from datetime import date
from typing import Any

import kb  # noqa: F401  (offline switches before gradio is imported)
from kb.answer import Answer, answer_question
from kb.backend import open_store
from kb.dates import format_date_nl
from kb.embed import make_embedder
from kb.lexical import words
from kb.records import DOC_TYPES, Hit, SearchFilters
from kb.search import Searcher
from kb.settings import Settings

log = logging.getLogger("app")

TYPE_LABELS = {"kamerbrief": "Kamerbrief", "advies": "Advies", "roadmap": "Roadmap", "factsheet": "Factsheet",
               "other": "Overig"}


class KnowledgeBase:
    """The app's one handle on the index; picks up a new generation without a restart."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = open_store(settings)
        self.searcher = Searcher(self.store, make_embedder(settings))
        self._lock = threading.Lock()

    def current(self) -> Searcher:
        with self._lock:
            if self.store.refresh():
                log.info("serving new index generation %s", self.store.manifest().generation)  # type: ignore[union-attr]
        return self.searcher


def _parse_date(text: str, label: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{label}: '{text}' is geen datum; gebruik JJJJ-MM-DD, bijvoorbeeld 2020-03-09") from None


def _highlight(text: str, query: str) -> str:
    """Escaped text with query words marked; the marks are ours, the text never is HTML."""
    escaped = html.escape(text)
    terms = sorted({w for w in words(query) if len(w) > 3}, key=len, reverse=True)
    if not terms:
        return escaped
    pattern = re.compile("(" + "|".join(re.escape(html.escape(t)) for t in terms) + r")\w*", re.I)
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)


def render_hits(hits: list[Hit], query: str, newer: dict[str, str]) -> str:
    if not hits:
        return "<p class='kb-empty'>Geen resultaten. Probeer andere woorden of ruimere filters.</p>"
    parts = []
    for h in hits:
        d, c = h.document, h.chunk
        page = f" · pagina {c.page}" if c.page else ""
        section = f" · {html.escape(c.section)}" if c.section else ""
        note = ""
        if d.doc_id in newer:
            note = f"<div class='kb-newer'>Er is een nieuwere brief in dit dossier: {html.escape(newer[d.doc_id])}</div>"
        parts.append(
            f"<div class='kb-hit'><div class='kb-meta'><b>{h.rank}. {html.escape(d.title)}</b> · "
            f"{html.escape(TYPE_LABELS.get(d.doc_type, d.doc_type))} · {html.escape(format_date_nl(d.date))}"
            f"{page}{section}</div><div class='kb-text'>{_highlight(c.text, query)}</div>{note}</div>")
    return "\n".join(parts)


def render_answer(ans: Answer) -> str:
    if not ans.answered:
        return f"<p class='kb-answer'>{html.escape(ans.answer)}</p>"
    lines = [f"<p class='kb-answer'>{html.escape(ans.answer.splitlines()[0])}</p><ol class='kb-citations'>"]
    for c in ans.citations:
        page = f", pagina {c.page}" if c.page else ""
        lines.append(f"<li><q>{html.escape(c.quote)}</q><br><small>{html.escape(c.title)} "
                     f"({html.escape(format_date_nl(c.date))}{page}) · {html.escape(c.source)}</small></li>")
    return "\n".join([*lines, "</ol>"])


def newer_letters(kbase: KnowledgeBase) -> dict[str, str]:
    """doc_id -> title and date of the newest later letter in the same Kamerstuk dossier."""
    docs = [d for d in kbase.store.documents() if d.dossier and d.date]
    out = {}
    for d in docs:
        later = [o for o in docs if o.dossier == d.dossier and (o.date or "") > (d.date or "")]
        if later:
            newest = max(later, key=lambda o: o.date or "")
            out[d.doc_id] = f"{newest.title} ({format_date_nl(newest.date)})"
    return out


def build_app(kbase: KnowledgeBase) -> Any:
    import gradio as gr

    def on_search(query: str, types: list[str], since: str, until: str, order: str) -> str:
        try:
            filters = SearchFilters(doc_types=tuple(types or ()), since=_parse_date(since, "Vanaf"),
                                    until=_parse_date(until, "Tot en met"))
        except ValueError as e:
            return f"<p class='kb-error'>{html.escape(str(e))}</p>"
        if not (query or "").strip():
            return "<p class='kb-empty'>Typ een zoekvraag.</p>"
        hits = kbase.current().search(query, top_k=10, filters=filters)
        if order == "Nieuwste eerst":
            hits = sorted(hits, key=lambda h: h.document.date or "", reverse=True)
        return render_hits(hits, query, newer_letters(kbase))

    def on_ask(question: str) -> str:
        if not (question or "").strip():
            return "<p class='kb-empty'>Stel een vraag.</p>"
        return render_answer(answer_question(kbase.current(), question))

    def on_documents() -> list[list[str]]:
        kbase.current()
        return [[d.title, TYPE_LABELS.get(d.doc_type, d.doc_type), format_date_nl(d.date), d.kamerstuk or "",
                 d.source] for d in sorted(kbase.store.documents(), key=lambda d: d.date or "", reverse=True)]

    with gr.Blocks(title="Kennisbank grensregio's", analytics_enabled=False) as demo:
        gr.Markdown("# Kennisbank grensregio's\nZoek in Kamerbrieven en adviezen over grensoverschrijdende "
                    "samenwerking. Vragen mogen in het Nederlands, Duits of Engels.")
        with gr.Tab("Vragen"):
            q = gr.Textbox(label="Uw vraag", placeholder="Wat zei de brief van maart 2020 over de Benelux?",
                           elem_id="ask-input")
            ask_btn = gr.Button("Vraag stellen", variant="primary", elem_id="ask-button")
            ask_out = gr.HTML(elem_id="ask-output")
            ask_btn.click(on_ask, q, ask_out, api_name="ask")
            q.submit(on_ask, q, ask_out, api_visibility="private")
        with gr.Tab("Zoeken"):
            sq = gr.Textbox(label="Zoekvraag", elem_id="search-input")
            with gr.Row():
                types = gr.CheckboxGroup(list(DOC_TYPES), label="Documenttype", elem_id="search-types")
                since = gr.Textbox(label="Vanaf (JJJJ-MM-DD)", elem_id="search-since")
                until = gr.Textbox(label="Tot en met (JJJJ-MM-DD)", elem_id="search-until")
                order = gr.Radio(["Relevantie", "Nieuwste eerst"], value="Relevantie", label="Volgorde")
            search_btn = gr.Button("Zoeken", variant="primary", elem_id="search-button")
            search_out = gr.HTML(elem_id="search-output")
            search_btn.click(on_search, [sq, types, since, until, order], search_out, api_name="search")
            sq.submit(on_search, [sq, types, since, until, order], search_out, api_visibility="private")
        with gr.Tab("Documenten"):
            table = gr.Dataframe(headers=["Titel", "Type", "Datum", "Kamerstuk", "Bestand"],
                                 interactive=False, elem_id="documents")
            refresh = gr.Button("Vernieuwen")
            refresh.click(on_documents, None, table, api_visibility="private")
            demo.load(on_documents, None, table, api_visibility="private")
    return demo


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    kbase = KnowledgeBase(settings)
    build_app(kbase).launch(server_name=host, server_port=port, ssr_mode=False, show_error=False,
                            quiet=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    serve(Settings.from_env())
