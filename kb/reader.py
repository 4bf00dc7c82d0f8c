"""An answer's own words in the reader's language: labels, and the answering phrase (a Dutch
figure or date) written as the reader writes figures and dates. The quotes stay Dutch."""

from __future__ import annotations

import re

from kb.dates import FULL_DATE, MONTHS, format_date
from kb.evidence import AMOUNT, DATE, MONEY

LANGUAGES = ("nl", "de", "en", "fr")
NOT_FOUND = {
    "nl": "De documenten in de kennisbank geven hierop geen antwoord.",
    "de": "Die Dokumente in der Wissensdatenbank beantworten diese Frage nicht.",
    "en": "The documents in the knowledge base do not answer this question.",
    "fr": "Les documents de la base de connaissances ne répondent pas à cette question.",
}
INTRO = {
    "nl": "Volgens de documenten:",
    "de": "Laut den Dokumenten (Zitate auf Niederländisch):",
    "en": "According to the documents (quoted in Dutch):",
    "fr": "Selon les documents (citations en néerlandais) :",
}
DIRECT = {"nl": "Antwoord", "de": "Antwort", "en": "Answer", "fr": "Réponse"}
MORE = {"nl": "Verder in de documenten:", "de": "Weiter in den Dokumenten:", "en": "Also in the documents:",
        "fr": "Également dans les documents :"}
PAGE = {"nl": "p.", "de": "S.", "en": "p.", "fr": "p."}

_SCALE = {
    "de": {"miljoen": "Millionen", "miljard": "Milliarden", "mln": "Mio.", "mld": "Mrd.", "procent": "Prozent",
           "duizend": "tausend"},
    "en": {"miljoen": "million", "miljard": "billion", "mln": "million", "mld": "billion", "procent": "percent",
           "duizend": "thousand"},
    "fr": {"miljoen": "millions", "miljard": "milliards", "mln": "millions", "mld": "milliards",
           "procent": "pour cent", "duizend": "mille"},
}
_DUTCH_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+")


def language_of(lang: str) -> str:
    return lang if lang in LANGUAGES else "nl"


def render_phrase(phrase: str, kind: str | None, lang: str) -> str:
    """The Dutch answering phrase for a reader of `lang`: dates and figures in their format."""
    if lang == "nl" or kind not in (AMOUNT, MONEY, DATE):
        return phrase
    if kind == DATE:
        m = FULL_DATE.search(phrase)
        if m:
            iso = f"{m.group(3)}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
            return phrase[: m.start()] + format_date(iso, lang) + phrase[m.end() :]
        return phrase
    out = phrase
    if lang == "en":  # 1.500.000,50 -> 1,500,000.50; the other readers write numbers as Dutch does
        out = _DUTCH_NUMBER.sub(lambda m: m.group(0).replace(".", "\0").replace(",", ".").replace("\0", ","), out)
    for dutch, own in _SCALE[lang].items():
        out = re.sub(rf"(?<!\w){dutch}\.?(?!\w)", own, out, flags=re.I)
    return out
