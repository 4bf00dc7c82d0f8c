"""Dates in Dutch, German and English: document dates, display, and the time a query names."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("januari", "januar", "jänner", "january", "jan"),
    2: ("februari", "februar", "february", "feb", "febr"),
    3: ("maart", "märz", "maerz", "march", "mrt", "mar", "mär"),
    4: ("april", "apr"),
    5: ("mei", "mai", "may"),
    6: ("juni", "june", "jun"),
    7: ("juli", "july", "jul"),
    8: ("augustus", "august", "aug"),
    9: ("september", "sept", "sep"),
    10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nov"),
    12: ("december", "dezember", "dec", "dez"),
}
MONTHS: dict[str, int] = {name: m for m, names in _MONTH_NAMES.items() for name in names}
DUTCH_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                "september", "oktober", "november", "december")

# any month name or abbreviation, longest first; FULL_DATE is '6 juli 2021' or '6 jul. 2021'
MONTH_PATTERN = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_MONTH_RE = MONTH_PATTERN
FULL_DATE = re.compile(rf"\b(\d{{1,2}})\s*\.?\s+({_MONTH_RE})\.?\s+((?:19|20)\d{{2}})\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\.?\s+((?:19|20)\d{{2}})\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d–\-/])((?:19|20)\d{2})(?![\d–\-/])")
_YEAR_RANGE = re.compile(r"\b(?:19|20)\d{2}\s*[–\-/]\s*(?:19|20)?\d{2,4}\b")
_END_OF = re.compile(r"\b(eind|einde|ende|end of|late|laat in|ultimo)\s+((?:19|20)\d{2})\b", re.IGNORECASE)
_START_OF = re.compile(r"\b(begin|anfang|start of|early|medio|mitte|mid)\s+((?:19|20)\d{2})\b", re.IGNORECASE)
_LATEST = re.compile(
    r"\b(laatste|meest recente|recentste|nieuwste|jongste|actuele|latest|most recent|newest|"
    r"neueste|jüngste|aktuellste|letzte|letzten|neuesten)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TimeRef:
    """A time a query names: a year, optionally a month, or a part of a year."""

    year: int
    month: int | None = None
    months: tuple[int, int] = (1, 12)  # the span of months meant when month is None

    def bounds(self) -> tuple[date, date]:
        """The first and last day this time can mean."""
        first, last = (self.month, self.month) if self.month is not None else self.months
        return date(self.year, first, 1), date(self.year, last, calendar.monthrange(self.year, last)[1])

    def matches(self, iso: str | None) -> bool:
        if not iso:
            return False
        start, end = date_bounds(iso)
        lo, hi = self.bounds()
        return start <= hi and lo <= end


def date_bounds(iso: str) -> tuple[date, date]:
    """The first and last day an ISO date ('YYYY', 'YYYY-MM' or 'YYYY-MM-DD') can mean."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        d = date(*parts)
        return d, d
    if len(parts) == 2:
        y, m = parts
        return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def parse_date_text(text: str) -> str | None:
    """First full date written out in text ('13 mei 2022'), as ISO; else None."""
    m = FULL_DATE.search(text)
    if not m:
        return None
    day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


_READER_MONTHS = {
    "nl": DUTCH_MONTHS,
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}


def format_date_nl(iso: str | None) -> str:
    """'2022-05-13' -> '13 mei 2022'; '2021-12' -> 'december 2021'."""
    return format_date(iso, "nl")


def format_date(iso: str | None, lang: str) -> str:
    """An ISO date as a reader of `lang` writes it: '13. Mai 2022', '13 May 2022', '13 mai 2022'."""
    if not iso:
        return ""
    months = _READER_MONTHS.get(lang, DUTCH_MONTHS)
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        day = f"{parts[2]}." if lang == "de" else str(parts[2])
        return f"{day} {months[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{months[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def parse_time_refs(query: str) -> list[TimeRef]:
    """The times a query names, in the order they appear (duplicates dropped)."""
    found: list[tuple[int, TimeRef]] = []
    text = _YEAR_RANGE.sub(lambda m: " " * len(m.group(0)), query)  # '2014–2020' is a period, not a letter
    for m in _MONTH_YEAR.finditer(text):
        found.append((m.start(), TimeRef(int(m.group(2)), MONTHS[m.group(1).lower()])))
    for pattern, span in ((_END_OF, (9, 12)), (_START_OF, (1, 4))):
        for m in pattern.finditer(text):
            found.append((m.start(), TimeRef(int(m.group(2)), None, span)))
    taken = {pos for pos, _ in found}
    covered = [(m.start(), m.end()) for p in (_MONTH_YEAR, _END_OF, _START_OF) for m in p.finditer(text)]
    for m in _YEAR.finditer(text):
        if m.start() in taken or any(a <= m.start() < b for a, b in covered):
            continue
        found.append((m.start(), TimeRef(int(m.group(1)))))
    refs: list[TimeRef] = []
    for _, ref in sorted(found, key=lambda x: x[0]):
        if ref not in refs:
            refs.append(ref)
    return refs


def wants_latest(query: str) -> bool:
    return bool(_LATEST.search(query))
