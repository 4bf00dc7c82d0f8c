"""Border-region names in Dutch, German, English and French: the places, bodies and programmes
a foreign reader knows by another name. Used to render answers in the reader's language and to
give foreign queries the Dutch names. Only names: general words come from the dictionaries and the
model's word space (kb.translate)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# (Dutch, German, English, French); several spellings separated by '|', the first is the display form.
ENTRIES: tuple[tuple[str, str, str, str], ...] = (
    ("Aken", "Aachen", "Aachen", "Aix-la-Chapelle|Aachen"),
    ("Luik", "Lüttich|Liège", "Liège|Liege", "Liège|Liege"),
    ("Keulen", "Köln", "Cologne", "Cologne"),
    ("Brussel", "Brüssel", "Brussels", "Bruxelles"),
    ("Den Haag", "Den Haag", "The Hague", "La Haye"),
    ("Gent", "Gent", "Ghent", "Gand"),
    ("Antwerpen", "Antwerpen", "Antwerp", "Anvers"),
    ("Maastricht", "Maastricht", "Maastricht", "Maastricht"),
    ("Nedersaksen", "Niedersachsen", "Lower Saxony|Niedersachsen", "Basse-Saxe"),
    ("Noordrijn-Westfalen|Noord-Rijn Westfalen|Noordrijn Westfalen",
     "Nordrhein-Westfalen|NRW", "North Rhine-Westphalia|North Rhine Westphalia|NRW",
     "Rhénanie-du-Nord-Westphalie|NRW"),
    ("Vlaanderen", "Flandern", "Flanders", "Flandre"),
    ("Wallonië", "Wallonien", "Wallonia", "Wallonie"),
    ("België", "Belgien", "Belgium", "Belgique"),
    ("Duitsland", "Deutschland", "Germany", "Allemagne"),
    ("Nederland", "Niederlande", "Netherlands", "Pays-Bas"),
    ("Zuid-Limburg", "Südlimburg|Süd-Limburg", "South Limburg", "Limbourg du Sud"),
    ("Limburg", "Limburg", "Limburg", "Limbourg"),
    ("Zeeland", "Seeland|Zeeland", "Zeeland", "Zélande"),
    ("Euregio Maas-Rijn", "Euregio Maas-Rhein", "Euregio Meuse-Rhine", "Euregio Meuse-Rhin"),
    ("Grensinfopunt|grensinformatiepunt|grensinformatiepunten", "GrenzInfoPunkt|Grenzinfopunkt",
     "cross-border information point|border information point|border info point",
     "point d'information transfrontalier|GrenzInfoPunkt"),
    ("Tweede Kamer", "Zweite Kammer", "House of Representatives|Dutch parliament", "Seconde Chambre"),
    ("Eerste Kamer", "Erste Kammer", "Senate", "Première Chambre|Sénat"),
    ("Benelux", "Benelux", "Benelux", "Benelux"),
    ("Europese Commissie", "Europäische Kommission", "European Commission", "Commission européenne"),
    ("Europees Parlement", "Europäisches Parlament", "European Parliament", "Parlement européen"),
    ("Europese Unie", "Europäische Union", "European Union", "Union européenne"),
    ("Regio Deal|Regio Deals", "Regio Deal|Regio Deals|Regionaldeal", "region deal|region deals",
     "Regio Deal|Regio Deals"),
    ("Rijksoverheid", "niederländische Regierung", "Dutch government", "gouvernement néerlandais"),
)
_LANG_COL = {"nl": 0, "de": 1, "en": 2, "fr": 3}


# Entries that name places; countries are told apart so a follow-up swaps like for like.
COUNTRIES = frozenset({"België", "Duitsland", "Nederland"})
PLACES = COUNTRIES | frozenset({"Aken", "Luik", "Keulen", "Brussel", "Den Haag", "Gent", "Antwerpen",
                                "Nedersaksen", "Noordrijn-Westfalen", "Vlaanderen", "Wallonië", "Zuid-Limburg",
                                "Limburg", "Zeeland", "Euregio Maas-Rijn", "Maastricht"})


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    dutch: str  # the Dutch display name

    @property
    def is_country(self) -> bool:
        return self.dutch in COUNTRIES


def place_mentions(text: str) -> list[PlaceMention]:
    """Places named in text, in any of the four languages, in order, without overlaps."""
    found: list[PlaceMention] = []
    for entry in ENTRIES:
        dutch = _forms(entry[0])[0]
        if dutch not in PLACES:
            continue
        for form in {f for cell in entry for f in _forms(cell)}:
            for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text, re.I):
                if not any(p.start < m.end() and m.start() < p.end for p in found):
                    found.append(PlaceMention(m.start(), m.end(), dutch))
    return sorted(found, key=lambda p: p.start)


def _forms(cell: str) -> list[str]:
    return [f.strip() for f in cell.split("|") if f.strip()]


@lru_cache(maxsize=4)
def _patterns(lang: str) -> list[tuple[re.Pattern[str], str, str]]:
    """(pattern of a `lang` form, all Dutch forms joined, the Dutch display form), longest first."""
    col = _LANG_COL[lang]
    out = []
    for entry in ENTRIES:
        dutch = _forms(entry[0])
        for form in _forms(entry[col]):
            out.append((re.compile(rf"(?<!\w){re.escape(form)}(?!\w)", re.I), " ".join(dutch), dutch[0]))
    out.sort(key=lambda p: -len(p[0].pattern))
    return out


def dutch_terms(query: str, lang: str) -> list[str]:
    """Dutch names for the places, bodies and programmes a foreign query mentions."""
    if lang not in ("de", "en", "fr"):
        return []
    found: list[str] = []
    for pattern, dutch, _ in _patterns(lang):
        if pattern.search(query) and dutch not in found:
            found.append(dutch)
    return found


def _gloss(target: str) -> Callable[[re.Match[str]], str]:
    return lambda m: f"{m.group(0)} [{target}]"


def localize(text: str, lang: str) -> str:
    """Dutch names in a quote glossed once in the reader's language: 'Aken [Aachen]'. The quote
    itself stays as the document has it."""
    if lang not in ("de", "en", "fr"):
        return text
    col = _LANG_COL[lang]
    for entry in ENTRIES:
        target = _forms(entry[col])[0]
        for form in sorted(_forms(entry[0]), key=len, reverse=True):
            if form.lower() == target.lower():
                continue
            pattern = re.compile(rf"(?<!\w){re.escape(form)}(?!\w)(?! \[)", re.I)
            text, n = pattern.subn(_gloss(target), text, count=1)
            if n:
                break
    return text
