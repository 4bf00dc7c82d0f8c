"""Sentence splitting shared by the chunker (which packs sentences) and the answerer (which quotes them)."""

from __future__ import annotations

import re

# After . ! or ? (and a footnote marker or closing quote), before something that starts a sentence.
_BREAK = re.compile(r"(?<=[.!?])[⁰¹²³⁴⁵⁶⁷⁸⁹]*[\"'’”)]?\s+(?=[A-ZÀ-Ý0-9•\"'‘“(¹²³⁴⁵⁶⁷⁸⁹-])")


def split_sentences(text: str) -> list[str]:
    return _BREAK.split(text.strip())
