"""Bounds on everything a user or client sends, checked before any work is done.

The longest question in the development sets (letters and FAQ pages, four languages) is 156
characters; 2,000 is more than ten times that, and keeps a query embedding within one model
window (~510 tokens), so that no request can hold the model for long. Messages are Dutch, the
language of the app, and name the bound."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kb.records import SearchFilters

MAX_QUERY_CHARS = 2000
MAX_HISTORY_TURNS = 20
MAX_TOP_K = 50
MAX_FILTER_VALUES = 20
MAX_FILTER_CHARS = 300
# A JSON body larger than this cannot be a valid request (question + full history + slack).
MAX_BODY_BYTES = 4 * (MAX_QUERY_CHARS * (MAX_HISTORY_TURNS + 1)) + 4096


class InputRejected(ValueError):
    """Input over a bound. `status` is the HTTP status a web face answers with (422; 413 is kept
    for a request body too large to read); the message (Dutch) names the bound."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def check_text(text: str, label: str = "De vraag") -> str:
    if len(text) > MAX_QUERY_CHARS:
        raise InputRejected(f"{label} is te lang: {len(text):,} tekens; het maximum is "
                            f"{MAX_QUERY_CHARS:,} tekens.".replace(",", "."))
    return text


def parse_iso_date(text: str | None, label: str) -> date | None:
    """A date filter as given (JJJJ-MM-DD); None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputRejected(f"{label}: '{text}' is geen datum; gebruik JJJJ-MM-DD, bijvoorbeeld 2020-03-09") from None


def check_top_k(top_k: int) -> int:
    if not 1 <= top_k <= MAX_TOP_K:
        raise InputRejected(f"Het aantal resultaten (k) moet tussen 1 en {MAX_TOP_K} liggen, niet {top_k}.")
    return top_k


def check_history(history: Sequence[str]) -> Sequence[str]:
    if len(history) > MAX_HISTORY_TURNS:
        raise InputRejected(f"De gespreksgeschiedenis is te lang: {len(history)} vragen; het maximum is "
                            f"{MAX_HISTORY_TURNS}. Begin een nieuw gesprek.")
    for turn in history:
        check_text(turn, "Een eerdere vraag in de gespreksgeschiedenis")
    return history


def check_filter_values(values: Sequence[str], label: str) -> Sequence[str]:
    if len(values) > MAX_FILTER_VALUES:
        raise InputRejected(f"Te veel waarden voor {label}: {len(values)}; het maximum is {MAX_FILTER_VALUES}.")
    for v in values:
        if len(v) > MAX_FILTER_CHARS:
            raise InputRejected(f"Een waarde voor {label} is te lang; het maximum is {MAX_FILTER_CHARS} tekens.")
    return values


def check_filters(filters: SearchFilters) -> SearchFilters:
    check_filter_values(filters.doc_types, "documenttype")
    check_filter_values(filters.sources, "bestand")
    check_filter_values(filters.doc_ids, "document")
    return filters
