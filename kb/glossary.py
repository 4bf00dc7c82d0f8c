"""Border-region names in Dutch, German and English: the places and institutions a German or
English reader knows by another name. Used to render answers in the reader's language and to
give non-Dutch queries Dutch keywords."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# (Dutch, German, English); several spellings separated by '|', the first is the display form.
ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("Aken", "Aachen", "Aachen"),
    ("Luik", "Lüttich|Liège", "Liège|Liege"),
    ("Keulen", "Köln", "Cologne"),
    ("Brussel", "Brüssel", "Brussels"),
    ("Den Haag", "Den Haag", "The Hague"),
    ("Gent", "Gent", "Ghent"),
    ("Antwerpen", "Antwerpen", "Antwerp"),
    ("Nedersaksen", "Niedersachsen", "Lower Saxony|Niedersachsen"),
    ("Noordrijn-Westfalen|Noord-Rijn Westfalen|Noordrijn Westfalen",
     "Nordrhein-Westfalen|NRW", "North Rhine-Westphalia|North Rhine Westphalia|NRW"),
    ("Vlaanderen", "Flandern", "Flanders"),
    ("Wallonië", "Wallonien", "Wallonia"),
    ("België", "Belgien", "Belgium"),
    ("Duitsland", "Deutschland", "Germany"),
    ("Nederland", "Niederlande", "Netherlands"),
    ("Zuid-Limburg", "Südlimburg|Süd-Limburg", "South Limburg"),
    ("Limburg", "Limburg", "Limburg"),
    ("Zeeland", "Seeland|Zeeland", "Zeeland"),
    ("Euregio Maas-Rijn", "Euregio Maas-Rhein", "Euregio Meuse-Rhine"),
    ("Grensinfopunt|grensinformatiepunt|grensinformatiepunten", "GrenzInfoPunkt|Grenzinfopunkt",
     "cross-border information point|border information point|border info point"),
    ("Tweede Kamer", "Zweite Kammer", "House of Representatives|Dutch parliament"),
    ("Benelux", "Benelux", "Benelux"),
    ("Europese Commissie", "Europäische Kommission", "European Commission"),
    ("grensregio|grensregio's|grensgebied", "Grenzregion|Grenzregionen|Grenzgebiet",
     "border region|border regions|border area"),
    ("grensbelemmeringen|grensbelemmering", "Grenzhindernisse|Grenzhemmnisse|Hindernisse",
     "border obstacles|border barriers|obstacles"),
    ("grensoverschrijdende samenwerking", "grenzüberschreitende Zusammenarbeit",
     "cross-border cooperation"),
    ("diploma-erkenning|erkenning van diploma's", "Anerkennung|Diplomanerkennung|Berufsanerkennung",
     "recognition of diplomas|diploma recognition|recognition"),
    ("buurtaalonderwijs|buurtaal", "Nachbarsprachenunterricht|Nachbarsprache",
     "neighbouring language teaching|neighbouring language"),
    ("grensarbeiders|grenspendelaars", "Grenzgänger|Grenzpendler", "cross-border workers|frontier workers"),
    ("arbeidsmarkt", "Arbeitsmarkt", "labour market"),
    ("fysiotherapeut", "Physiotherapeut", "physiotherapist"),
    ("leraar", "Lehrer|Lehrkraft", "teacher"),
    ("Regio Deal|Regio Deals", "Regio Deal|Regio Deals|Regionaldeal", "region deal|region deals"),
    ("havens", "Häfen", "ports"),
    ("voortgangsbrief|voortgangsrapportage", "Fortschrittsbericht", "progress letter|progress report"),
    ("staatssecretaris", "Staatssekretär", "state secretary"),
    ("minister", "Minister", "minister"),
    ("werkgroep", "Arbeitsgruppe", "working group"),
    ("motto", "Motto", "motto"),
    ("corona", "Corona", "COVID|corona"),
)
_LANG_COL = {"nl": 0, "de": 1, "en": 2}


# Entries that name places; countries are told apart so a follow-up swaps like for like.
COUNTRIES = frozenset({"België", "Duitsland", "Nederland"})
PLACES = COUNTRIES | frozenset({"Aken", "Luik", "Keulen", "Brussel", "Den Haag", "Gent", "Antwerpen",
                                "Nedersaksen", "Noordrijn-Westfalen", "Vlaanderen", "Wallonië", "Zuid-Limburg",
                                "Limburg", "Zeeland", "Euregio Maas-Rijn"})


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    dutch: str  # the Dutch display name

    @property
    def is_country(self) -> bool:
        return self.dutch in COUNTRIES


def place_mentions(text: str) -> list[PlaceMention]:
    """Places named in text, in any of the three languages, in order, without overlaps."""
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
    """Dutch names for the places and institutions a German or English query mentions."""
    if lang not in ("de", "en"):
        return []
    found: list[str] = []
    for pattern, dutch, _ in _patterns(lang):
        if pattern.search(query) and dutch not in found:
            found.append(dutch)
    return found


def localize(text: str, lang: str) -> str:
    """Dutch place and institution names in `text` rendered as a `lang` reader knows them."""
    if lang not in ("de", "en"):
        return text
    col = _LANG_COL[lang]
    for entry in ENTRIES:
        target = _forms(entry[col])[0]
        for form in _forms(entry[0]):
            if form.lower() != target.lower() and form[:1].isupper():
                text = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", target, text)
    return text
