"""Sentence splitting shared by the chunker (which packs sentences) and the answerer (which quotes them)."""

from __future__ import annotations

import re

# After . ! or ? (and a footnote marker or closing quote), before something that starts a sentence.
_BREAK = re.compile(r"(?<=[.!?])[⁰¹²³⁴⁵⁶⁷⁸⁹]*[\"'’”)]?\s+(?=[A-ZÀ-Ý0-9•\"'‘“(¹²³⁴⁵⁶⁷⁸⁹-])")


def split_sentences(text: str) -> list[str]:
    return _BREAK.split(text.strip())


# Abbreviations after which a full stop does not end the sentence ('Kamerstuk 33 358, nr. 42').
_ABBREVIATION = re.compile(r"(?:\b(?:nr|nrs|blz|art|bijv|bv|ca|jl|resp|o\.a|e\.d|d\.w\.z|m\.b\.t|t\.a\.v|i\.v\.m|"
                           r"z\.g\.a\.n|vgl|zgn|incl|excl|mr|dr|prof|ir|drs|ing|st|no|p|pp|vol|etc|u\.a|z\.B|"
                           r"bzw|Nr|S|e\.g|i\.e))\.$", re.I)


# PDF text writes a footnote mark as a plain figure glued to the full stop ("gestuurd.1 Bij die
# gelegenheid"): after a word of three letters or more, so that "nr.1" and "2.1" stay whole.
_FOOTNOTE_BREAK = re.compile(r"(?:(?<=[^\W\d_]{3}\.\d)|(?<=[^\W\d_]{3}\.\d\d))\s+(?=[A-Z])")


def whole_sentences(text: str) -> list[str]:
    """split_sentences with the pieces an abbreviation cut off joined back, and a sentence that
    a footnote mark glued to the next split from it, for quoting. (The chunker keeps
    split_sentences: where a chunk ends does not depend on this.)"""
    out: list[str] = []
    for piece in (p for part in split_sentences(text) for p in _FOOTNOTE_BREAK.split(part)):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def passage_sentences(text: str, heading: str = "") -> list[str]:
    """whole_sentences of a passage without its section heading, which the chunker writes
    before the first sentence ("Pakket Wind in de zeilen Het pakket …"): a quote and a direct
    answer start where the sentence does (the heading is in the citation)."""
    if heading and text.startswith(heading + " "):
        text = text[len(heading) + 1 :]
    return whole_sentences(text)
