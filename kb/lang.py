"""Which language a query or a document is written in: Dutch, German or English."""

from __future__ import annotations

import re

_WORDS: dict[str, frozenset[str]] = {
    "nl": frozenset(
        ["de", "het", "een", "en", "van", "in", "is", "op", "te", "dat", "die", "voor", "met", "zijn", "niet", "aan", "er", "ook", "als", "bij", "om", "wat", "hoe", "welke", "waarom", "wanneer", "waar", "wie", "zich", "naar", "worden", "wordt", "werd", "heeft", "hebben", "zou", "kan", "door", "over", "uit", "nog", "dan", "maar", "deze", "dit", "tot", "onder", "tussen", "volgens", "staat", "stond", "zei", "brief", "minister", "kamer", "regio's", "grens", "gemeenten"]
    ),
    "de": frozenset(
        ["der", "die", "das", "und", "ist", "nicht", "mit", "von", "zu", "den", "dem", "des", "ein", "eine", "einer", "auf", "für", "im", "sich", "auch", "wie", "was", "wer", "wann", "warum", "welche", "welcher", "welches", "gibt", "es", "sind", "wird", "wurde", "hat", "haben", "über", "nach", "bei", "aus", "oder", "zum", "zur", "vom", "brief", "laut", "gesagt", "sagt", "während", "grenzüberschreitende", "niederlande", "niederländische"]
    ),
    "en": frozenset(
        ["the", "and", "of", "to", "is", "in", "for", "on", "what", "which", "who", "when", "why", "how", "does", "did", "do", "are", "was", "were", "has", "have", "with", "from", "by", "about", "this", "that", "letter", "minister", "between", "border", "regions", "said", "say", "dutch", "cabinet", "any", "there"]
    ),
}
_TOKEN = re.compile(r"[a-zà-ÿß']+")


def detect_language(text: str, default: str = "nl") -> str:
    """Best guess among nl/de/en from function words; Dutch (the corpus language) on a tie."""
    tokens = _TOKEN.findall(text.lower())
    if not tokens:
        return default
    scores = {lang: sum(t in words for t in tokens) for lang, words in _WORDS.items()}
    scores["de"] += sum(ch in "äöüß" for ch in text.lower())
    scores["nl"] += sum(1 for t in tokens if "ij" in t)
    best = max(scores, key=lambda lang: (scores[lang], lang == default))
    return best if scores[best] > 0 else default
