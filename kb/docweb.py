"""The document pages beside the app and the API, a face like kb/webapi.py: a document opened at
a passage or a page, its PDF page as an image, its original file, and a Kamerstuk dossier.
Only documents of the live index are served, and only files inside its corpus."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Protocol

from fastapi import FastAPI, Query
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.docpage import render_document_page, render_dossier_page
from kb.docview import (
    NotFound,
    find_document,
    open_document,
    page_png,
    sections_of,
    source_file,
)
from kb.search import Searcher

# doc_ids are readable paths ('uploads/brief-2024'): query parameters, never used as file paths
DocId = Annotated[str, Query(min_length=1, max_length=300)]
ChunkId = Annotated[str, Query(pattern=r"^[0-9a-f]{0,64}$")]


class Documents(Protocol):
    """What the pages need of the app's knowledge base (app.KnowledgeBase)."""

    def current(self) -> Searcher: ...

    def corpus_roots(self) -> Sequence[Path]: ...


def add_document_pages(api: FastAPI, kbase: Documents) -> None:
    def store() -> Any:
        return kbase.current().store

    @api.get("/doc", response_class=HTMLResponse, include_in_schema=False)
    def document(id: DocId, chunk: ChunkId = "", page: Annotated[int | None, Query(ge=1, le=100_000)] = None
                 ) -> HTMLResponse:
        return HTMLResponse(render_document_page(_found(lambda: open_document(
            store(), id, kbase.corpus_roots(), chunk, page))))

    @api.get("/doc/page", include_in_schema=False)
    def page_image(id: DocId, n: Annotated[int, Query(ge=1, le=100_000)]) -> Response:
        # the document and its file only: the page's range is checked where it is rendered
        path = source_file(_found(lambda: find_document(store(), id)), kbase.corpus_roots())
        if path is None or path.suffix.lower() != ".pdf":
            raise StarletteHTTPException(404, "Geen PDF-pagina voor dit document.")
        return Response(_found(lambda: page_png(path, n)), media_type="image/png",
                        headers={"Cache-Control": "private, max-age=3600"})

    @api.get("/doc/file", include_in_schema=False)
    def original(id: DocId) -> FileResponse:
        path = source_file(_found(lambda: find_document(store(), id)), kbase.corpus_roots())
        if path is None:
            raise StarletteHTTPException(404, "Het originele bestand is niet beschikbaar.")
        return FileResponse(path, filename=path.name)

    @api.get("/dossier", response_class=HTMLResponse, include_in_schema=False)
    def dossier(nr: Annotated[str, Query(min_length=1, max_length=40)]) -> HTMLResponse:
        s, dossier = store(), nr
        docs = s.dossier(dossier)
        if not docs:
            raise StarletteHTTPException(404, "Geen documenten in dit dossier.")
        sections = {d.doc_id: sections_of(s.chunks_of(d.doc_id)) for d in docs}
        return HTMLResponse(render_dossier_page(dossier, docs, sections))


def _found(fn: Any) -> Any:
    try:
        return fn()
    except NotFound as e:
        raise StarletteHTTPException(404, str(e)) from None
