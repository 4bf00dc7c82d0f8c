"""The JSON API under /api, a face like kb/cli.py: each route calls the knowledge base and returns
what it found. The app mounts the Gradio pages beside it (app.build_server)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, Protocol

from pydantic import BaseModel

from kb.answer import Answer
from kb.records import DOC_TYPES, SearchFilters
from kb.search import Searcher

log = logging.getLogger(__name__)
MAX_TOP_K = 50


class AskRequest(BaseModel):
    question: str
    history: list[str] = []  # earlier questions of the conversation, as asked, oldest first


class Served(Protocol):
    """What the API needs of the app's knowledge base (app.KnowledgeBase)."""

    def current(self) -> Searcher: ...

    def generation(self) -> str: ...

    def ask(self, question: str, history: list[str] | None = None) -> Answer: ...


def build_api(kbase: Served) -> Any:
    from fastapi import FastAPI, HTTPException
    from fastapi.responses import JSONResponse

    api = FastAPI(title="Kennisbank grensregio's API", docs_url="/api/docs", openapi_url="/api/openapi.json")

    @api.exception_handler(Exception)
    def internal_error(request: Any, exc: Exception) -> JSONResponse:
        # the trace and any file paths go to the server log, never to the client
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": "Interne fout; de beheerder vindt de details in het serverlog."}, 500)

    @api.get("/api/search")
    def api_search(q: str, k: int = 10, type: str | None = None, since: date | None = None,
                   until: date | None = None) -> dict[str, Any]:
        if type and type not in DOC_TYPES:
            raise HTTPException(422, f"type must be one of {', '.join(DOC_TYPES)}")
        filters = SearchFilters(doc_types=(type,) if type else (), since=since, until=until)
        searcher = kbase.current()
        hits = searcher.search(q, max(1, min(k, MAX_TOP_K)), filters)
        return {"query": q, "generation": searcher.generation, "hits": [h.to_dict() for h in hits]}

    @api.post("/api/ask")
    def api_ask(req: AskRequest) -> dict[str, Any]:
        return {"question": req.question, **kbase.ask(req.question, req.history).to_dict()}

    @api.get("/api/health")
    def api_health() -> dict[str, Any]:
        return {"status": "ok", "generation": kbase.generation()}

    return api
