"""The web app: Gradio tabs for people, a JSON API and MCP tools for programs; thin over kb."""

from __future__ import annotations

import html
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
from kb.diploma import diploma_lookup
from kb.docview import later_in_dossier
from kb.embed import make_embedder
from kb.generate import make_llm
from kb.limits import InputRejected, check_top_k, parse_iso_date
from kb.passage import passage_context
from kb.records import DOC_TYPES, Hit, SearchFilters
from kb.render import (
    TYPE_LABELS,
    answer_as_text,
    describe_filters,
    document_rows,
    render_answer,
    render_conversation,
    render_diploma,
    render_hits,
    render_report,
)
from kb.search import Searcher
from kb.settings import Settings
from kb.tools import Tools
from kb.translate import make_translator
from kb.webapi import build_api
from ui import PAGE_CSS, PAGE_JS, build_app

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
        self._counts: tuple[str, dict[str, int]] = ("", {})

    def current(self) -> Searcher:
        """The searcher pinned to the live generation, for one request."""
        with self._lock:
            if self.store.refresh():
                log.info("serving index generation %s", self.generation())
            return self.searcher.pinned()

    def generation(self) -> str:
        m = self.store.manifest()
        return m.generation if m else "-"

    def passage_counts(self, searcher: Searcher) -> dict[str, int]:
        """Passages per document of the searcher's generation (counted once per generation)."""
        with self._lock:
            if self._counts[0] != searcher.generation:
                store = searcher.store
                self._counts = (searcher.generation, {d.doc_id: len(store.chunks_of(d.doc_id)) for d in store.documents()})
            return self._counts[1]

    def corpus_roots(self) -> list[Path]:
        return corpus_roots(self.settings, self.store.manifest())

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
        store = searcher.store
        later = {k: f"{d.title} ({format_date_nl(d.date)})"
                 for k, d in later_in_dossier(store, (h.document for h in hits)).items()}
        titles = {k: d.title for k, d in store.documents_by_id(filters.doc_ids or ()).items()}
        return render_hits(hits, query, later, describe_filters(filters, titles))

    def on_ask(self, question: str, turns: list[list[str]]) -> tuple[str, list[list[str]], str, str]:
        if not (question or "").strip():
            return render_conversation([(q, a) for _, q, a in turns]), turns, "", ""
        searcher = self.kb.current()  # the answer and its passages from one generation
        try:
            ans = self.kb.ask(question, [asked for _, asked, _ in turns], searcher)
        except InputRejected as e:
            return render_conversation([(q, a) for _, q, a in turns]) + _error(str(e)), turns, question, ""
        passages = {c.chunk_id: p for c in ans.citations if (p := passage_context(searcher.store, c.chunk_id))}
        turns = [*turns, [ans.question, question, render_answer(ans, passages)]]
        return render_conversation([(q, a) for _, q, a in turns]), turns, "", answer_as_text(ans)

    def on_diploma(self, prof_label: str, route: str) -> str:
        try:
            return render_diploma(diploma_lookup(self.kb.current(), prof_label, route))
        except ValueError as e:
            return _error(str(e))

    def on_documents(self) -> tuple[list[list[Any]], str, Any, Any, Any, Any]:
        searcher = self.kb.current()
        docs = sorted(searcher.store.documents(), key=lambda d: d.date or "", reverse=True)
        rows = document_rows(docs, self.kb.passage_counts(searcher))
        labelled = [(f"{d.title} ({format_date_nl(d.date)})", d.doc_id) for d in docs]
        report = render_report(searcher.store.last_report(), searcher.generation)
        kinds = [("Alle soorten", "")] + [(TYPE_LABELS[t], t) for t in DOC_TYPES if any(d.doc_type == t for d in docs)]
        years = ["", *sorted({d.date[:4] for d in docs if d.date}, reverse=True)]
        return (rows, report, gr.update(choices=[("Alle documenten", ""), *labelled]), gr.update(choices=labelled),
                gr.update(choices=kinds, value=""), gr.update(choices=[(y or "Alle jaren", y) for y in years], value=""))

    def on_filter_documents(self, kind: str, year: str) -> list[list[Any]]:
        searcher = self.kb.current()
        return document_rows(searcher.store.documents(), self.kb.passage_counts(searcher), kind or "", year or "")

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
        doc = self.kb.store.documents_by_id([doc_id or ""]).get(doc_id or "")
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


def build_server(kbase: KnowledgeBase) -> Any:
    """The JSON API under /api (kb.webapi) and the Gradio app (and its MCP server) at /."""
    return gr.mount_gradio_app(build_api(kbase), build_app(Handlers(kbase), Tools(kbase)), path="/", mcp_server=True, show_error=False,
                               max_file_size="50mb", ssr_mode=False, js=PAGE_JS, css=PAGE_CSS)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    import uvicorn

    server = build_server(KnowledgeBase(settings))
    log.info("serving on http://%s:%d/ (API: /api/docs, MCP: /gradio_api/mcp/)", host, port)
    # open MCP and queue streams must not hold a shutdown (SIGTERM) for long
    uvicorn.run(server, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    serve(Settings.from_env())
