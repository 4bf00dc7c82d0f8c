"""The JSON API under /api, a face like kb/cli.py: each route calls the knowledge base and returns
what it found. The app mounts the Gradio pages beside it (app.build_server).

Every input has a bound (kb.limits), declared in the OpenAPI schema and checked before any work;
a request over one gets 413 or 422 with a Dutch message that names it. Each request also has a
deadline (KB_REQUEST_SECONDS): past it the client gets 503 instead of waiting on."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeVar

import anyio.to_thread
from fastapi import FastAPI, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.answer import Answer
from kb.diploma import PROFESSIONS, ROUTES, diploma_lookup
from kb.docweb import add_document_pages
from kb.limits import (
    MAX_BODY_BYTES,
    MAX_HISTORY_TURNS,
    MAX_QUERY_CHARS,
    MAX_TOP_K,
    InputRejected,
    parse_iso_date,
)
from kb.records import DOC_TYPES, SearchFilters
from kb.search import Searcher

log = logging.getLogger(__name__)
T = TypeVar("T")
Question = Annotated[str, Field(max_length=MAX_QUERY_CHARS)]
# A date parameter as the schema says it (YYYY-MM-DD), not pydantic's lax reading (a number as a
# Unix time): parsed by kb.limits.parse_iso_date.
IsoDate = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})]


class AskRequest(BaseModel):
    question: Question
    # earlier questions of the conversation, as asked, oldest first
    history: list[Question] = Field(default=[], max_length=MAX_HISTORY_TURNS)


class ApiError(BaseModel):
    detail: str


class SearchResponse(BaseModel):
    query: str
    generation: str
    hits: list[dict[str, Any]]


class AskResponse(BaseModel):
    question: str
    answered: bool
    answer: str
    language: str
    mode: str
    standalone_question: str
    citations: list[dict[str, Any]]
    dropped: list[str]
    direct: dict[str, Any] | None = None  # the answering sentence, its phrase and its citation
    points: list[dict[str, Any]] = []  # one per part of the question or per letter compared
    confidence: float | None = None  # calibrated probability that the documents answer


class DiplomaResponse(BaseModel):
    profession: str
    route: str
    # each: title, source, doc_id, date, route, steps [{n, text, page}], and authority, documents,
    # duration, costs as {text, page} or null
    guides: list[dict[str, Any]]
    letters: list[dict[str, Any]]  # passages of other documents, as /api/search gives them


class HealthResponse(BaseModel):
    status: str
    generation: str


class Served(Protocol):
    """What the API needs of the app's knowledge base (app.KnowledgeBase)."""

    request_seconds: float

    def current(self) -> Searcher: ...

    def generation(self) -> str: ...

    def ask(self, question: str, history: list[str] | None = None) -> Answer: ...

    def corpus_roots(self) -> Sequence[Path]: ...


# the schema lists what the API takes: profession keys, and each route as NL→DE or NL-DE
PROFESSION_KEYS = [p.key for p in PROFESSIONS]
ROUTE_FORMS = [*ROUTES, *(r.replace("→", "-") for r in ROUTES)]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError, "description": "Body is geen geldige JSON"},
    413: {"model": ApiError, "description": "Verzoek groter dan toegestaan"},
    422: {"model": ApiError, "description": "Ongeldige parameter"},
    503: {"model": ApiError, "description": "Het verzoek duurde te lang"},
}


def build_api(kbase: Served) -> Any:
    api = FastAPI(title="Kennisbank grensregio's API", docs_url="/api/docs", openapi_url="/api/openapi.json")
    allowed: dict[str, set[str]] = {}
    api.add_middleware(ApiGuard, limit=MAX_BODY_BYTES, prefix="/api/", allowed=allowed)

    @api.exception_handler(RequestValidationError)
    def invalid(request: Any, exc: RequestValidationError) -> Response:
        if not request.url.path.startswith("/api/"):
            return http_error(request, StarletteHTTPException(404, "Dit adres wijst geen document aan."))
        status, message = validation_message(exc.errors())
        return JSONResponse({"detail": message}, status)

    @api.exception_handler(StarletteHTTPException)
    def http_error(request: Any, exc: StarletteHTTPException) -> Response:
        if not request.url.path.startswith("/api/"):  # a document page: a page that says why
            reason = str(exc.detail) if exc.status_code == 404 else "Dit verzoek kan niet worden uitgevoerd."
            return HTMLResponse(f"<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><title>Niet gevonden"
                                f"</title></head><body><main><h1>Niet gevonden</h1><p>{html.escape(reason)}</p>"
                                "<p><a href='/'>Terug naar de kennisbank</a></p></main></body></html>",
                                exc.status_code, headers=getattr(exc, "headers", None))
        dutch = {400: "De body van het verzoek is geen geldige JSON.", 404: "Niet gevonden."}
        return JSONResponse({"detail": dutch.get(exc.status_code, str(exc.detail))}, exc.status_code,
                            headers=getattr(exc, "headers", None))

    @api.exception_handler(InputRejected)
    def rejected(request: Any, exc: InputRejected) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, exc.status)

    @api.exception_handler(TimeoutError)
    def too_slow(request: Any, exc: TimeoutError) -> JSONResponse:
        log.warning("%s %s passed its deadline of %s s", request.method, request.url.path, kbase.request_seconds)
        return JSONResponse({"detail": f"Het verzoek duurde langer dan {kbase.request_seconds:g} seconden; "
                                       "probeer het later opnieuw."}, 503)

    @api.exception_handler(Exception)
    def internal_error(request: Any, exc: Exception) -> JSONResponse:
        # the trace and any file paths go to the server log, never to the client
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": "Interne fout; de beheerder vindt de details in het serverlog."}, 500)

    async def within_deadline(fn: Callable[[], T]) -> T:
        # the work itself is bounded by kb.limits; the deadline frees the client regardless
        return await asyncio.wait_for(anyio.to_thread.run_sync(fn), kbase.request_seconds)

    @api.get("/api/search", responses=ERRORS)
    async def api_search(q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)],
                         k: Annotated[int, Query(ge=1, le=MAX_TOP_K)] = 10,
                         type: Annotated[str | None, Query(pattern=f"^({'|'.join(DOC_TYPES)})$")] = None,
                         since: IsoDate = None, until: IsoDate = None) -> SearchResponse:
        filters = SearchFilters(doc_types=(type,) if type else (), since=parse_iso_date(since, "since"),
                                until=parse_iso_date(until, "until"))

        def run() -> SearchResponse:
            searcher = kbase.current()
            hits = searcher.search(q, k, filters)
            return SearchResponse(query=q, generation=searcher.generation, hits=[h.to_dict() for h in hits])

        return await within_deadline(run)

    @api.post("/api/ask", responses=ERRORS)
    async def api_ask(req: AskRequest) -> AskResponse:
        answer = await within_deadline(lambda: kbase.ask(req.question, list(req.history)))
        return AskResponse(question=req.question, **answer.to_dict())

    @api.get("/api/diploma", responses=ERRORS)
    async def api_diploma(profession: Annotated[str, Query(json_schema_extra={"enum": PROFESSION_KEYS},
                                                           max_length=40)],
                          route: Annotated[str, Query(json_schema_extra={"enum": ROUTE_FORMS}, max_length=8)]
                          ) -> DiplomaResponse:
        def run() -> DiplomaResponse:
            try:
                return DiplomaResponse(**diploma_lookup(kbase.current(), profession, route).to_dict())
            except ValueError as e:  # an unknown profession or route: the message lists the known ones
                raise StarletteHTTPException(422, str(e)) from None

        return await within_deadline(run)

    @api.get("/api/health")
    def api_health() -> HealthResponse:
        return HealthResponse(status="ok", generation=kbase.generation())

    add_document_pages(api, kbase)
    for route in api.routes:  # what the guard answers 405 for
        allowed.setdefault(getattr(route, "path", ""), set()).update(getattr(route, "methods", None) or ())
    return api


def validation_message(errors: Any) -> tuple[int, str]:
    """FastAPI's validation errors as one Dutch sentence that names the parameter and its bound
    (status 422; a body too large to read gets 413 from BodyLimit before this)."""
    first = dict(next(iter(errors), {}))
    where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "verzoek"
    kind, ctx = str(first.get("type", "")), dict(first.get("ctx") or {})
    if kind in ("string_too_long", "too_long"):
        unit = "tekens" if kind == "string_too_long" else "items"
        return 422, f"{where} is te lang: het maximum is {ctx.get('max_length')} {unit}."
    if kind in ("less_than_equal", "greater_than_equal"):
        return 422, f"{where} moet tussen 1 en {MAX_TOP_K} liggen."
    if kind == "missing":
        return 422, f"{where} ontbreekt."
    if kind == "string_pattern_mismatch":
        if where == "type":
            return 422, f"type moet een van deze zijn: {', '.join(DOC_TYPES)}."
        return 422, f"{where} moet een datum zijn als JJJJ-MM-DD, bijvoorbeeld 2020-03-09."
    return 422, f"{where} is ongeldig: {first.get('msg', kind)}."


class ApiGuard:
    """Before a route runs: a method the path does not take gets 405 with Allow (not the 404 of
    the Gradio app mounted behind the API), and a body over `limit` bytes gets 413, whether it
    says its length up front or streams it."""

    def __init__(self, app: Any, limit: int, prefix: str, allowed: dict[str, set[str]]) -> None:
        self.app, self.limit, self.prefix, self.allowed = app, limit, prefix, allowed

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            return await self.app(scope, receive, send)
        methods = self.allowed.get(scope["path"])
        if methods and scope["method"] not in methods:
            response = JSONResponse({"detail": "Deze methode is hier niet toegestaan."}, 405,
                                    headers={"Allow": ", ".join(sorted(methods))})
            return await response(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            return await self._refuse(receive, send)
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise InputRejected(f"Het verzoek is te groot; het maximum is {self.limit} bytes.", 413)
            return message

        try:
            await self.app(scope, counted, send)
        except InputRejected:
            await self._refuse(receive, send)

    async def _refuse(self, receive: Any, send: Any) -> None:
        response = JSONResponse({"detail": f"Het verzoek is te groot; het maximum is {self.limit} bytes."}, 413)
        await response({"type": "http"}, receive, send)
