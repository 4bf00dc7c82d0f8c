"""The route a recognition guide describes (NL→DE: qualified in the Netherlands, to work in
Germany), read from codes ('NL→DE', 'NL-DE'), from 'van X naar Y', and from prose in Dutch, German,
English and French: where the qualification was obtained and where the person wants to work.
Regions count for their country (Noordrijn-Westfalen is Germany, Vlaanderen Belgium)."""

from __future__ import annotations

import re

ROUTES = ("NL→DE", "NL→BE", "DE→NL", "BE→NL")
# Names of each country, its regions and communities, and its adjective, in the four languages.
_PLACES = {
    "NL": r"nederland|niederlanden?|netherlands|pays-bas|holland|nederlandse?|niederländischen?|niederländische[rs]?"
          r"|dutch|néerlandaise?s?",
    "DE": r"duitsland|deutschland|germany|allemagne|noordrijn-westfalen|nordrhein-westfalen|north rhine-westphalia"
          r"|rhénanie-du-nord-westphalie|nrw|nedersaksen|niedersachsen|lower saxony|basse-saxe|duitse?"
          r"|deutschen?|deutsche[rs]?|german|allemande?s?",
    "BE": r"belgi[eë]n?|belgium|belgique|vlaanderen|flandern|flanders|flandre|walloni[eë]|wallonien|wallonia"
          r"|wallonie|brussel|bruxelles|brussels|ostbelgien|duitstalige gemeenschap|deutschsprachige gemeinschaft"
          r"|fédération wallonie-bruxelles|belgische?|belgischen?|belgian|belges?|vlaamse?|flämischen?|flemish"
          r"|flamande?s?",
}
_PLACE = re.compile(r"(?<![\w-])(" + "|".join(_PLACES.values()) + r")(?![\w-])", re.I)
_CODE_ROUTE = re.compile(r"\b(NL|DE|BE)\s*(?:→|->|>|–|—|-|naar|nach|to|vers)\s*(NL|DE|BE)\b")
_ARTICLE = r"(?:\s+(?:het|de|den|der|dem|die|the|la|le|les|l'))?"
# Cues just before a place name ('opgeleid in', 'aus', 'obtained in') or just after it ('in
# Nederland opgeleid', 'in NRW arbeiten'), and the nouns an adjective qualifies ('Nederlands diploma').
_FROM_BEFORE = re.compile(
    r"(?:opgeleid|behaald|verworven|gestudeerd|afgestudeerd|uit|van|erworben|ausgebildet|studiert|abgeschlossen|aus|von"
    r"|obtained|trained|qualified|studied|gained|earned|from|obtenu|obtenue|formée?|étudié|diplômée?|du|des)"
    r"(?:\s+(?:in|en|au|aux|im|à))?" + _ARTICLE + r"\s*$", re.I)
_FROM_AFTER = re.compile(r"^\s*(?:hebt\s+|heeft\s+|haben\s+|hat\s+)?(?:opgeleid|behaald|gestudeerd|afgestudeerd"
                         r"|erworben|ausgebildet|studiert|abgeschlossen|obtenu|trained|qualified)", re.I)
_FROM_NOUN = re.compile(r"^\s*(?:diploma|getuigschrift|opleiding|kwalificatie|beroepskwalificatie|abschluss"
                        r"|berufsabschluss|berufsqualifikation|ausbildung|qualifikation|diploms?|degree"
                        r"|qualification|training|diplôme|formation)", re.I)
_TO_BEFORE = re.compile(
    r"(?:werken|werkt|aan de slag|naar|arbeiten|tätig|nach|work|working|to|travailler|exercer|vers|employed"
    r"|beschäftigt|praktizieren|uitoefenen|ausüben|lesgeven|unterrichten|teach|teaching|enseigner)"
    r"(?:\s+(?:in|en|au|aux|im|à))?" + _ARTICLE + r"\s*$", re.I)
_TO_AFTER = re.compile(r"^\s*(?:te\s+)?(?:wilt\s+|wil\s+|möchten\s+|möchtest\s+)?(?:werken|aan de slag"
                       r"|arbeiten|tätig|to work|travailler|uitoefenen|ausüben|praktizieren|lesgeven|unterrichten"
                       r"|les geven)", re.I)
_TO_NOUN = re.compile(r"^\s*(?:werkgever|arbeitgeber|employer|employeur|arbeitsmarkt|arbeidsmarkt)", re.I)


def country_of(name: str) -> str:
    return next(code for code, rx in _PLACES.items() if re.fullmatch(rx, name, re.I))


def detect_route(text: str) -> str | None:
    """The route a text states first, as 'NL→DE': a code, else what its prose says about where
    the qualification comes from and where the work is."""
    if m := _CODE_ROUTE.search(text):
        return f"{m.group(1)}→{m.group(2)}" if m.group(1) != m.group(2) else None
    return _prose_route(text)


def _prose_route(text: str) -> str | None:
    origin: dict[str, int] = {}
    target: dict[str, int] = {}
    seen: list[str] = []
    for m in _PLACE.finditer(text):
        code = country_of(m.group(1))
        before, after = text[max(0, m.start() - 40) : m.start()], text[m.end() : m.end() + 40]
        seen.append(code)
        if _FROM_BEFORE.search(before) or _FROM_AFTER.match(after) or _FROM_NOUN.match(after):
            origin[code] = origin.get(code, 0) + 1
        if _TO_BEFORE.search(before) or _TO_AFTER.match(after) or _TO_NOUN.match(after):
            target[code] = target.get(code, 0) + 1
    countries = list(dict.fromkeys(seen))
    a = max(origin, key=lambda c: (origin[c] - target.get(c, 0), -countries.index(c)), default=None)
    b = max((c for c in target if c != a), key=lambda c: (target[c] - origin.get(c, 0), -countries.index(c)),
            default=None)
    if a and not b and len(countries) == 2:
        b = next(c for c in countries if c != a)
    if b and not a and len(countries) == 2:
        a = next(c for c in countries if c != b)
    route = f"{a}→{b}" if a and b and a != b else None
    return route if route in ROUTES else None


def parse_route(route: str) -> str:
    """'NL→DE', 'NL-DE', 'nl>de' or 'NL->DE' as 'NL→DE'; ValueError names the routes."""
    m = re.fullmatch(r"\s*([A-Za-z]{2})\s*(?:→|->|>|-|–|—|/)\s*([A-Za-z]{2})\s*", route or "")
    code = f"{m.group(1).upper()}→{m.group(2).upper()}" if m else route
    if code not in ROUTES:
        raise ValueError(f"onbekende route {route!r}; kies uit: {', '.join(ROUTES)} (NL-DE mag ook)")
    return code
