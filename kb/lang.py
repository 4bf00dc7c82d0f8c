"""Which language a query or a document is written in: Dutch, German, English or French.

Function words decide: a short list per language of the words that mark it, and the maintained
stopword lists (bm25s) as further evidence, each word counting less the more languages share it.
A Dutch name inside a German question ('Was sagt der Brief über Regio Deals?') adds nothing, as
names are not function words."""

from __future__ import annotations

import re
from collections import Counter

from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN, STOPWORDS_FRENCH, STOPWORDS_GERMAN

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
_WORDS["fr"] = frozenset(
    ["le", "la", "les", "un", "une", "des", "du", "et", "est", "sont", "que", "qui", "quel", "quelle", "quels",
     "quelles", "comment", "pourquoi", "quand", "où", "combien", "pour", "dans", "avec", "sur", "par", "pas",
     "ne", "au", "aux", "ce", "cette", "il", "elle", "nous", "vous", "je", "peut", "puis", "dois", "faut",
     "selon", "lettre", "entre", "belgique", "pays-bas", "néerlandais", "frontalier", "frontaliers", "est-ce"])
_STOPWORDS = {"nl": STOPWORDS_DUTCH, "de": STOPWORDS_GERMAN, "en": STOPWORDS_EN, "fr": STOPWORDS_FRENCH}
_SHARED = Counter(w for words in _STOPWORDS.values() for w in set(words))
_TOKEN = re.compile(r"[a-zà-ÿß'-]+")
_MARKS = {"de": "äöüß", "fr": "éèêàçùâîôœ"}


def detect_language(text: str, default: str = "nl") -> str:
    """Best guess among nl/de/en/fr from function words; Dutch (the corpus language) on a tie."""
    lower = text.lower().replace("’", "'")
    tokens = [t.strip("'-") for t in _TOKEN.findall(lower)]
    tokens += [t.split("'", 1)[0] + "'" for t in tokens if "'" in t]  # l'école, d'un, qu'il
    if not tokens:
        return default
    scores: dict[str, float] = {lang: float(sum(t in words for t in tokens)) for lang, words in _WORDS.items()}
    for lang, stop in _STOPWORDS.items():
        scores[lang] += sum(0.5 / _SHARED[t] for t in tokens if t in stop)
    for lang, marks in _MARKS.items():
        scores[lang] += 0.5 * sum(ch in marks for ch in lower)
    scores["nl"] += sum(1 for t in tokens if "ij" in t)
    best = max(scores, key=lambda lang: (scores[lang], lang == default))
    return best if scores[best] > 0 else default
