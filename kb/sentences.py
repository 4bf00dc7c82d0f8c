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


def whole_sentences(text: str) -> list[str]:
    """split_sentences with the pieces an abbreviation cut off joined back, for quoting."""
    out: list[str] = []
    for piece in split_sentences(text):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out
