"""The tools programs call (MCP tools and Gradio API endpoints of the app): search, ask and
diploma, each returning JSON text. Their docstrings are what an AI assistant reads."""

from __future__ import annotations

import json
from typing import Protocol

from kb.answer import Answer
from kb.diploma import diploma_lookup
from kb.records import Hit
from kb.search import Searcher


class Served(Protocol):
    def current(self) -> Searcher: ...

    def search(self, query: str, top_k: int = 10) -> list[Hit]: ...

    def ask(self, question: str) -> Answer: ...


class Tools:
    def __init__(self, kbase: Served) -> None:
        self.kb = kbase

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
