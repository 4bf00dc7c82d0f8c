"""Follow-up questions: turn "En in Nedersaksen?" into a question that stands on its own."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from kb.answer import Answer, answer_question
from kb.glossary import place_mentions
from kb.limits import MAX_QUERY_CHARS, check_history, check_text
from kb.search import Searcher

_MARKER = re.compile(r"^\s*(en|maar|und|aber|and|but|what about|how about|hoe zit het met|wat dan met|"
                     r"wie ist es mit|wie sieht es mit|was ist mit)\b[\s,]*", re.I)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_WORD = re.compile(r"\w+")
_SHORT_WORDS = 4


def is_follow_up(question: str) -> bool:
    """A question that leans on the previous one: opens with 'En …'/'Und …'/'And …', or is a
    bare place or year."""
    if _MARKER.match(question):
        return True
    words = _WORD.findall(question)
    return len(words) <= _SHORT_WORDS and bool(place_mentions(question) or _YEAR.search(question))


def contextualize(question: str, history: Sequence[str]) -> str:
    """The question as it stands alone, given the earlier standalone questions (oldest first).
    Works without an LLM: a place or year in the follow-up takes the place of the one it
    replaces in the previous question; anything else is added to it."""
    if not history or not question.strip() or not is_follow_up(question):
        return question.strip()
    previous = history[-1].strip().rstrip("?")
    out, replaced = _swap_places(previous, question)
    years = [m.group(0) for m in _YEAR.finditer(question)]
    if years and _YEAR.search(out):
        out = _YEAR.sub(years[0], out, count=1)
        replaced = True
    if not replaced:
        rest = _MARKER.sub("", question).strip().rstrip("?")
        out = f"{out} {rest}".strip()
    return out + "?"


def _swap_places(previous: str, question: str) -> tuple[str, bool]:
    new = place_mentions(question)
    old = place_mentions(previous)
    if not new or not old:
        return previous, False
    # like for like: a region replaces a region, a country a country; else the last place named
    same_kind = [p for p in old if p.is_country == new[0].is_country]
    target = (same_kind or old)[-1]
    name = " en ".join(question[p.start : p.end] for p in new)
    return previous[: target.start] + name + previous[target.end :], True


def respond(searcher: Searcher, question: str, history: Sequence[str] = (), llm: Any | None = None,
            top_k: int = 8) -> Answer:
    """Answer a question in a conversation: resolve a follow-up, then answer generatively when
    an LLM is configured (falling back to quotes when none of its sentences holds up), else
    extractively. Raises InputRejected for a question or history over the bounds (kb.limits)."""
    check_text(question)
    check_history(history)
    resolved: list[str] = []
    for earlier in history:  # earlier questions as asked; each may itself have been a follow-up
        resolved.append(contextualize(earlier, resolved))
    # a follow-up joined to the question before it stays within what one query may be
    standalone = contextualize(question, resolved)[:MAX_QUERY_CHARS]
    if llm is not None:
        from kb.generate import generate_answer

        generated = generate_answer(searcher, llm, standalone)
        if generated.answered or not generated.dropped:
            return replace(generated, question=standalone)
        extractive = answer_question(searcher, standalone, top_k=top_k)
        return replace(extractive, dropped=generated.dropped)
    return answer_question(searcher, standalone, top_k=top_k)
