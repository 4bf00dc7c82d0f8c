"""The web app: Gradio tabs for people, a JSON API and MCP tools for programs; thin over kb."""

from __future__ import annotations

import html
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

import kb  # noqa: F401  (offline switches before gradio is imported)

import gradio as gr  # isort: skip  (after kb; handlers' gr.Request hints must resolve at module level)
from ingest.operator import (
    Reindexer,
    UploadRefused,
    accept_upload,
    corpus_roots,
    retire_document,
)
from kb.access import Operators
from kb.answer import Answer
from kb.backend import open_store
from kb.conversation import respond
from kb.dates import format_date_nl
from kb.diploma import PROFESSIONS, ROUTES, diploma_lookup
from kb.embed import make_embedder
from kb.generate import make_llm
from kb.limits import InputRejected, check_top_k, parse_iso_date
from kb.passage import passage_context
from kb.records import DOC_TYPES, Hit, SearchFilters, later_in_dossier
from kb.render import (
    TYPE_LABELS,
    render_answer,
    render_conversation,
    render_diploma,
    render_hits,
    render_report,
)
from kb.search import Searcher
from kb.settings import Settings
from kb.translate import make_translator
from kb.webapi import build_api

log = logging.getLogger("app")


class KnowledgeBase:
    """The app's one handle on the index; serves a new generation as soon as it is live."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = open_store(settings)
        workers = settings.query_workers or os.cpu_count() or 1
        self.searcher = Searcher(self.store, make_embedder(settings, workers=workers),
                                 translator=make_translator(settings))
        self.llm = make_llm(settings)
        self.operators = Operators(settings)
        self.reindexer = Reindexer(settings, open_store)
        self.request_seconds = settings.request_seconds
        self._lock = threading.Lock()

    def current(self) -> Searcher:
        """The searcher pinned to the live generation, for one request."""
        with self._lock:
            if self.store.refresh():
                log.info("serving index generation %s", self.generation())
            return self.searcher.pinned()

    def generation(self) -> str:
        m = self.store.manifest()
        return m.generation if m else "-"

    def search(self, query: str, top_k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        return self.current().search(query, top_k=check_top_k(top_k), filters=filters)

    def ask(self, question: str, history: list[str] | None = None, searcher: Searcher | None = None) -> Answer:
        return respond(searcher or self.current(), question, history or [], llm=self.llm)


def _error(message: str) -> str:
    return f"<p class='kb-error'>{html.escape(message)}</p>"


class Handlers:
    """What each button does: call the library, format the result. Nothing else lives here."""

    def __init__(self, kbase: KnowledgeBase) -> None:
        self.kb = kbase

    def on_search(self, query: str, types: list[str], since: str, until: str, doc: str | None, order: str) -> str:
        try:
            filters = SearchFilters(doc_types=tuple(types or ()), since=parse_iso_date(since, "Vanaf"),
                                    until=parse_iso_date(until, "Tot en met"), doc_ids=(doc,) if doc else ())
        except ValueError as e:
            return _error(str(e))
        if not (query or "").strip():
            return "<p class='kb-empty'>Typ een zoekvraag.</p>"
        searcher = self.kb.current()  # hits and the dossier note from one generation
        try:
            hits = searcher.search(query, 10, filters)
        except InputRejected as e:
            return _error(str(e))
        if order == "Nieuwste eerst":
            hits = sorted(hits, key=lambda h: h.document.date or "", reverse=True)
        later = {k: f"{d.title} ({format_date_nl(d.date)})" for k, d in later_in_dossier(searcher.store.documents()).items()}
        return render_hits(hits, query, later)

    def on_ask(self, question: str, turns: list[list[str]]) -> tuple[str, list[list[str]], str]:
        if not (question or "").strip():
            return render_conversation([(q, a) for _, q, a in turns]), turns, ""
        searcher = self.kb.current()  # the answer and its passages from one generation
        try:
            ans = self.kb.ask(question, [asked for _, asked, _ in turns], searcher)
        except InputRejected as e:
            return render_conversation([(q, a) for _, q, a in turns]) + _error(str(e)), turns, question
        passages = {c.chunk_id: p for c in ans.citations if (p := passage_context(searcher.store, c.chunk_id))}
        turns = [*turns, [ans.question, question, render_answer(ans, passages)]]
        return render_conversation([(q, a) for _, q, a in turns]), turns, ""

    def on_diploma(self, prof_label: str, route: str) -> str:
        try:
            return render_diploma(diploma_lookup(self.kb.current(), prof_label, route))
        except ValueError as e:
            return _error(str(e))

    def on_documents(self) -> tuple[list[list[str]], str, Any, Any]:
        searcher = self.kb.current()
        docs = sorted(searcher.store.documents(), key=lambda d: d.date or "", reverse=True)
        rows = [[d.title, TYPE_LABELS.get(d.doc_type, d.doc_type), format_date_nl(d.date), d.kamerstuk or "",
                 d.organisation or "", ", ".join((d.source, *d.aliases))] for d in docs]
        labelled = [(f"{d.title} ({format_date_nl(d.date)})", d.doc_id) for d in docs]
        report = render_report(searcher.store.last_report(), searcher.generation)
        return rows, report, gr.update(choices=[("Alle documenten", ""), *labelled]), gr.update(choices=labelled)

    def on_sign_in(self, user: str, password: str, request: gr.Request) -> tuple[str, Any, str, str]:
        client = request.client.host if request is not None and request.client else "-"
        result = self.kb.operators.sign_in(user or "", password or "", client)
        return result.token or "", gr.update(visible=bool(result.token)), result.message, ""

    def on_restore(self, token: str) -> tuple[Any, str]:
        """On page load: a session token kept in this browser opens the panel while it is valid."""
        ok = self.kb.operators.is_operator(token)
        return gr.update(visible=ok), ("Ingelogd als beheerder." if ok else "")

    def on_sign_out(self, token: str) -> tuple[str, Any, str]:
        self.kb.operators.sign_out(token)
        return "", gr.update(visible=False), "Uitgelogd."

    def on_upload(self, files: list[str] | None, token: str) -> str:
        if not self.kb.operators.is_operator(token):
            return "Alleen een ingelogde beheerder kan documenten toevoegen."
        corpus = corpus_roots(self.kb.settings, self.kb.store.manifest())[0]
        lines = []
        for f in files or []:
            try:
                lines.append(f"Toegevoegd: {accept_upload(corpus, Path(f), Path(f).name).name}")
            except UploadRefused as e:
                lines.append(f"Geweigerd: {e}")
        started = self.kb.reindexer.start() if any(x.startswith("Toegevoegd") for x in lines) else False
        lines.append("Herindexeren gestart; de zoekfunctie blijft beschikbaar." if started else
                     "Er is niets nieuws om te indexeren." if not lines else "Er loopt al een herindexering.")
        return "\n".join(lines)

    def on_delete(self, doc_id: str | None, token: str) -> str:
        if not self.kb.operators.is_operator(token):
            return "Alleen een ingelogde beheerder kan documenten verwijderen."
        doc = next((d for d in self.kb.store.documents() if d.doc_id == doc_id), None)
        if doc is None:
            return "Kies een document uit de lijst."
        roots = corpus_roots(self.kb.settings, self.kb.store.manifest())
        try:
            moved = [retire_document(roots, source) for source in (doc.source, *doc.aliases)]
        except UploadRefused as e:
            return f"Geweigerd: {e}"
        started = self.kb.reindexer.start()
        return (f"Verplaatst naar {moved[0].parent.name}/: {doc.title}. "
                + ("Herindexeren gestart." if started else "Er loopt al een herindexering; start daarna opnieuw."))

    def on_reindex(self, token: str) -> str:
        if not self.kb.operators.is_operator(token):
            return "Alleen een ingelogde beheerder kan herindexeren."
        return "Herindexeren gestart." if self.kb.reindexer.start() else "Er loopt al een herindexering."

    def on_status(self, token: str) -> str:
        if not self.kb.operators.is_operator(token):
            return ""
        s = self.kb.reindexer.status()
        if s.running:
            return "Herindexering bezig …"
        if s.error:
            return f"Herindexering mislukt: {s.error}"
        if s.report is not None:
            c = s.report.to_dict()["counts"]
            self.kb.current()
            return (f"Klaar: generatie {self.kb.generation()}, {c['added']} toegevoegd, {c['changed']} gewijzigd, "
                    f"{c['failed']} mislukt.")
        return "Geen herindexering gestart."

    def search(self, query: str, top_k: int = 10) -> str:
        """Search Dutch policy documents on cross-border cooperation (Kamerbrieven, advies, roadmaps).

        Args:
            query: the question or keywords, in Dutch, German or English
            top_k: number of passages to return (1-50)
        Returns:
            JSON: passages, best first, each with document title, date, page, Kamerstuk and text
        """
        return json.dumps([h.to_dict() for h in self.kb.search(query, int(top_k))], ensure_ascii=False)

    def diploma(self, profession: str, route: str) -> str:
        """Diploma recognition for a profession and a route between the Netherlands, Germany and
        Belgium: the recognition guides in the index with their steps, competent authority,
        documents, duration and costs (each with its page), and what other documents say.

        Args:
            profession: a profession key (fysiotherapeut, verzorgende-ig, leraar-vo, verpleegkundige, …) or its name in Dutch, German, English or French
            route: NL→DE, NL→BE, DE→NL or BE→NL (NL-DE also works)
        Returns:
            JSON: profession, route, guides [{title, source, route, steps, authority, documents, duration, costs}], letters
        """
        return json.dumps(diploma_lookup(self.kb.current(), profession, route).to_dict(), ensure_ascii=False)

    def ask(self, question: str) -> str:
        """Answer a question from Dutch policy documents, with a citation (document, date, page, quote)
        for every claim; answered is false when the documents do not contain the answer.

        Args:
            question: the question, in Dutch, German or English
        Returns:
            JSON: answer text, answered flag and citations
        """
        return json.dumps(self.kb.ask(question).to_dict(), ensure_ascii=False)


PRIVATE: dict[str, Any] = {"api_visibility": "private"}  # UI events are neither API endpoints nor MCP tools


def build_app(kbase: KnowledgeBase) -> Any:
    h = Handlers(kbase)
    with gr.Blocks(title="Kennisbank grensregio's", analytics_enabled=False) as demo:
        gr.Markdown("# Kennisbank grensregio's\nZoek in Kamerbrieven, adviezen en roadmaps over "
                    "grensoverschrijdende samenwerking. Vragen mogen in het Nederlands, Duits of Engels.")
        # the operator's session token lives in the browser (encrypted), so a reload or another
        # replica behind the same address keeps them signed in until it expires or they sign out;
        # outside the tabs, because a tab's components load only when it is first shown
        token = gr.BrowserState("", storage_key="kb-operator-session", secret=h.kb.operators.browser_secret)
        with gr.Tab("Vragen"):
            _ask_tab(h)
        with gr.Tab("Zoeken"):
            doc = _search_tab(h)
        with gr.Tab("Diploma-erkenning"):
            _diploma_tab(h)
        with gr.Tab("Documenten"):
            table, report, retire = _documents_tab(h, doc, demo, token)
        demo.load(h.on_documents, None, [table, report, doc, retire], **PRIVATE)
        gr.api(h.search, api_name="search")
        gr.api(h.ask, api_name="ask")
        gr.api(h.diploma, api_name="diploma")
    return demo


def _ask_tab(h: Handlers) -> None:
    turns = gr.State([])
    convo = gr.HTML(elem_id="ask-output")
    q = gr.Textbox(label="Uw vraag", placeholder="Wat zei de brief van maart 2020 over de Benelux?",
                   elem_id="ask-input")
    with gr.Row():
        ask_btn = gr.Button("Vraag stellen", variant="primary", elem_id="ask-button")
        new_btn = gr.Button("Nieuw gesprek", elem_id="ask-reset")
    gr.Markdown("Klik op een bron om de passage in haar context te lezen. Een vervolgvraag als "
                "*En in Nedersaksen?* bouwt voort op de vorige vraag.")
    ask_btn.click(h.on_ask, [q, turns], [convo, turns, q], **PRIVATE)
    q.submit(h.on_ask, [q, turns], [convo, turns, q], **PRIVATE)
    new_btn.click(lambda: ("", []), None, [convo, turns], **PRIVATE)


def _search_tab(h: Handlers) -> Any:
    sq = gr.Textbox(label="Zoekvraag", elem_id="search-input")
    with gr.Row():
        types = gr.CheckboxGroup([(TYPE_LABELS[t], t) for t in DOC_TYPES], label="Documenttype",
                                 elem_id="search-types")
        since = gr.Textbox(label="Vanaf (JJJJ-MM-DD)", elem_id="search-since")
        until = gr.Textbox(label="Tot en met (JJJJ-MM-DD)", elem_id="search-until")
    with gr.Row():
        doc = gr.Dropdown([("Alle documenten", "")], value="", label="Document", elem_id="search-doc")
        order = gr.Radio(["Relevantie", "Nieuwste eerst"], value="Relevantie", label="Volgorde")
    search_btn = gr.Button("Zoeken", variant="primary", elem_id="search-button")
    search_out = gr.HTML(elem_id="search-output")
    inputs = [sq, types, since, until, doc, order]
    search_btn.click(h.on_search, inputs, search_out, **PRIVATE)
    sq.submit(h.on_search, inputs, search_out, **PRIVATE)
    return doc


def _diploma_tab(h: Handlers) -> None:
    with gr.Row():
        prof = gr.Dropdown([p.label for p in PROFESSIONS], value=PROFESSIONS[0].label, label="Beroep",
                           elem_id="diploma-profession")
        route = gr.Radio(list(ROUTES), value=ROUTES[0], label="Route", elem_id="diploma-route")
    dip_btn = gr.Button("Toon stappen", variant="primary", elem_id="diploma-button")
    dip_out = gr.HTML(elem_id="diploma-output")
    dip_btn.click(h.on_diploma, [prof, route], dip_out, **PRIVATE)


def _documents_tab(h: Handlers, doc: Any, demo: Any, token: Any) -> tuple[Any, Any, Any]:
    report = gr.HTML(elem_id="build-report")
    table = gr.Dataframe(headers=["Titel", "Type", "Datum", "Kamerstuk", "Organisatie", "Bestand"],
                         interactive=False, elem_id="documents")
    refresh = gr.Button("Vernieuwen", elem_id="documents-refresh")
    retire = gr.Dropdown([], label="Document verwijderen", elem_id="op-retire-doc", render=False)
    refresh.click(h.on_documents, None, [table, report, doc, retire], **PRIVATE)
    with gr.Accordion("Beheer (alleen voor beheerders)", open=False):
        user = gr.Textbox(label="Gebruikersnaam", elem_id="op-user")
        password = gr.Textbox(label="Wachtwoord", type="password", elem_id="op-password")
        sign_in = gr.Button("Inloggen", elem_id="op-sign-in")
        op_msg = gr.Markdown(elem_id="op-message")
        # hidden until sign-in; every operator handler checks the session token again on the server
        with gr.Group(visible=False, elem_id="operator-panel") as panel:
            files = gr.File(label="Documenten toevoegen (PDF, TXT, HTML, DOCX; max. 50 MB)",
                            file_count="multiple", file_types=[".pdf", ".txt", ".html", ".htm", ".docx"],
                            elem_id="op-files")
            upload = gr.Button("Toevoegen en herindexeren", elem_id="op-upload")
            reindex = gr.Button("Alleen herindexeren", elem_id="op-reindex")
            retire.render()
            retire_btn = gr.Button("Verwijderen (naar .verwijderd/) en herindexeren", elem_id="op-retire")
            status = gr.Textbox(label="Status", interactive=False, elem_id="op-status")
            check = gr.Button("Status vernieuwen", elem_id="op-check")
            sign_out = gr.Button("Uitloggen", elem_id="op-sign-out")
    sign_in.click(h.on_sign_in, [user, password], [token, panel, op_msg, password], **PRIVATE)
    sign_out.click(h.on_sign_out, token, [token, panel, op_msg], **PRIVATE)
    demo.load(h.on_restore, token, [panel, op_msg], **PRIVATE)
    upload.click(h.on_upload, [files, token], status, **PRIVATE)
    reindex.click(h.on_reindex, token, status, **PRIVATE)
    retire_btn.click(h.on_delete, [retire, token], status, **PRIVATE)
    check.click(h.on_status, token, status, **PRIVATE)
    return table, report, retire


def build_server(kbase: KnowledgeBase) -> Any:
    """The JSON API under /api (kb.webapi) and the Gradio app (and its MCP server) at /."""
    return gr.mount_gradio_app(build_api(kbase), build_app(kbase), path="/", mcp_server=True, show_error=False,
                               max_file_size="50mb", ssr_mode=False)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    import uvicorn

    server = build_server(KnowledgeBase(settings))
    log.info("serving on http://%s:%d/ (API: /api/docs, MCP: /gradio_api/mcp/)", host, port)
    # open MCP and queue streams must not hold a shutdown (SIGTERM) for long
    uvicorn.run(server, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    serve(Settings.from_env())
