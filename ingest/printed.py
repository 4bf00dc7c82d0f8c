"""What a document prints about itself, read from its text: title, its own date, kind, Kamerstuk
dossier and number, and the issuing organisation. Rules follow the layouts Dutch government
documents share (a letter's Betreft and Datum, a Kamerstuk header and footer, an Aanhangsel's
questions, a decision list's meeting, an e-mail's headers), never one file."""

from __future__ import annotations

import re
from datetime import date

from kb.dates import FULL_DATE, MONTH_PATTERN, MONTHS, parse_date_text

_MONTH_RE = MONTH_PATTERN
_NUMERIC = re.compile(r"(?<![\d/-])(\d{1,2})[-./](\d{1,2})[-./]((?:19|20)\d{2})(?![\d/-])")
_ISO = re.compile(r"(?<![\d-])((?:19|20)\d{2})-(\d{2})-(\d{2})(?![\d-])")
_US = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b")
# labels after which a document states its own date, strongest first
_DATE_LABELS = (
    re.compile(r"^\s*(?:datum|date|dagtekening)\s*:?\s*(?:\n\s*)?(.{6,40})$", re.I | re.M),
    re.compile(r"^\s*(?:'s-gravenhage|den haag|[A-Z][a-z]+),\s+(\d{1,2}\s+\S+\.?\s+\d{4})", re.M),
    re.compile(r"\((?:ontvangen)\s+([^)]{6,30})\)", re.I),
    re.compile(r"^\s*(?:voorgesteld|vastgesteld|ondertekend|op|d\.d\.)\s+(.{6,30})$", re.I | re.M),
    re.compile(r"^\s*(?:sent|verzonden|received|ontvangen)\s*:\s*(.{6,40})$", re.I | re.M),
)
_MONTH_LINE = re.compile(rf"^\s*(?:(?:versie|version|datum|date|stand)\b[^\n]{{0,30}}?\(?|)"
                        rf"({_MONTH_RE})\.?\s+((?:19|20)\d{{2}})\)?\s*$", re.I | re.M)
_BETREFT = re.compile(r"^\s*(?:betreft|onderwerp|subject|inzake)\s*:?[ \t]+(\S.{3,})$", re.I | re.M)
_KST_HEADER = re.compile(r"^\s*(\d{2}\s?\d{3})(?:[- ][A-Z]{1,3})?\s+\S.*?\n(?:.*\n){0,6}?\s*Nr\.\s*(\d+)\s+(\S.*)$", re.M)
_FOOTER = re.compile(r"(?:Tweede|Eerste) Kamer,? vergaderjaar \d{4}\s*[–-]\s*\d{2,4},\s*(\d{2}\s?\d{3})"
                     r"(?:\s*[A-Z]{1,3})?,\s*nr\.\s*(\d+)", re.I)
_AANHANGSEL = re.compile(r"Aanhangsel van de Handelingen[\s\S]{0,200}?\n\s*(\d{3,5})\s*\n", re.I)
_QUESTIONS = re.compile(r"^\s*(Vragen van (?:het lid|de leden)\b[\s\S]{10,400}?)(?:\.\s*$|\(ingezonden)", re.I | re.M)
_LIST_TITLE = re.compile(r"^\s*(?:document:\s*)?((?:besluitenlijst|notulen|verslag|agenda)\b.{5,200})$", re.I | re.M)
_IDENTIFIER = (re.compile(r"kst-(\d{5,6})-(\d+)", re.I), re.compile(r"\bah-tk-\d{8}-(\d+)", re.I))
_ORGANISATION = re.compile(
    r"\b((?:Tweede|Eerste) Kamer der Staten-Generaal|Raad van State|Ministerie van [A-Z][\w ,-]{3,60}?(?=\s*(?:\n|$|\.))"
    r"|Gemeente [A-Z][\w-]+|Provincie [A-Z][\w-]+|Dienst Uitvoering Subsidies aan Instellingen"
    r"|Rijksinstituut voor Volksgezondheid en Milieu|Autoriteit Persoonsgegevens|Planbureau voor de Leefomgeving)")
# Kinds by the words their titles use (a fixed vocabulary), then by structure.
_KIND_WORDS = (
    ("advies", r"\badvie[sz]\w*"), ("besluitenlijst", r"\b(besluitenlijst|notulen|verslag|besprekingsverslag)\b"),
    ("factsheet", r"\b(factsheet|informatieblad|infographic)\b"),
    ("roadmap", r"\b(roadmap|routekaart|stappenplan)\b"), ("kamerstuk", r"\b(motie|amendement|vragen van)\b"),
    ("besluit", r"\b(besluit op|woo-besluit|wob-besluit)\b"), ("nota", r"\b(nota|memo|notitie|oplegnotitie)\b"),
    ("rapport", r"\b(rapport\w*|analyse|onderzoek|evaluatie|monitor)\b"),
)


def parse_any_date(text: str) -> str | None:
    """The first date in `text` in any form Dutch government documents use: 6 juli 2021,
    6 jul. 2021, 06-07-2021, 6.7.2021, 2021-07-06, and an e-mail client's 7/6/2021 (month first)."""
    found = [(m.start(), iso) for m, iso in _date_matches(text) if iso]
    return min(found)[1] if found else None


def _date_matches(text: str) -> list[tuple[re.Match[str], str | None]]:
    out: list[tuple[re.Match[str], str | None]] = []
    if m := FULL_DATE.search(text):
        out.append((m, parse_date_text(m.group(0))))
    if m := _ISO.search(text):
        out.append((m, _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    if m := _US.search(text):
        out.append((m, _iso(int(m.group(3)), int(m.group(1)), int(m.group(2)))))
    elif m := _NUMERIC.search(text):
        out.append((m, _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))))
    return out


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def printed_date(head: str, title: str = "") -> str | None:
    """The document's own date: a labelled date (Datum, 'Den Haag, …', ontvangen, Voorgesteld,
    Sent), then a date in its title (a meeting's date), then the first date on page 1."""
    listed = _LIST_TITLE.search(head[:1500])
    if listed and (meeting := parse_any_date(listed.group(1))):
        return meeting  # a decision list or minutes: the meeting's date, not the day it was sent
    for label in _DATE_LABELS:
        for m in label.finditer(head):
            if iso := parse_any_date(m.group(1)):
                return iso
    if iso := parse_any_date(title) or parse_any_date(head[:2500]):
        return iso
    if month := _MONTH_LINE.search(head):  # a cover or version line with only month and year
        return f"{int(month.group(2)):04d}-{MONTHS[month.group(1).lower()]:02d}"
    return None


def printed_title(head: str) -> str | None:
    if (m := _LIST_TITLE.search(head[:1500])) and len(re.findall(r"[^\W\d_]{3,}", m.group(1))) >= 3:
        return _list_title(m.group(1).strip(), head)
    if m := _BETREFT.search(head[:2500]):
        return m.group(1).strip()
    if m := _KST_HEADER.search(head):
        return _caps_title(m.group(3), head[m.end():])
    if m := _QUESTIONS.search(head):
        return " ".join(m.group(1).split())
    return None


def _list_title(title: str, head: str) -> str:
    """A parliamentary committee's decision list names its meeting and, on a line of its own,
    its committee: 'Besluitenlijst procedurevergadering vaste commissie voor …'."""
    committee = re.search(r"^\s*voortouwcommissie:\s*(.+)$", head, re.I | re.M)
    if not committee:
        return title
    meeting = re.sub(r"\b(van( de| het)?|d\.d\.)\b|\b(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)\b"
                     rf"|\d{{1,2}}\s+(?:{_MONTH_RE})\s+\d{{4}}", " ", title, flags=re.I)
    return " ".join(f"{meeting} {committee.group(1)}".split())


def _caps_title(first: str, rest: str) -> str:
    """A Kamerstuk title after 'Nr. 4', with its upper-case continuation lines."""
    parts = [first.strip()]
    for line in rest.lstrip("\n").splitlines()[:3]:
        if line.strip() and line.strip().upper() == line.strip():
            parts.append(line.strip())
        else:
            break
    return re.sub(r"(?<=[A-Z])\d$", "", " ".join(parts))  # a footnote mark glued to the last word


def kamerstuk(head: str, raw: str) -> tuple[str, str] | None:
    """(dossier, number) from the header, the footer, or an identifier in the text."""
    if m := _KST_HEADER.search(head):
        return _spaced(m.group(1)), m.group(2)
    if m := _FOOTER.search(raw):
        return _spaced(m.group(1)), m.group(2)
    return kamerstuk_identifier(raw)


def kamerstuk_identifier(text: str) -> tuple[str, str] | None:
    """(dossier, number) from an identifier such as kst-32545-143, in a text or a file name."""
    m = _IDENTIFIER[0].search(text)
    return (_spaced(m.group(1)), m.group(2)) if m else None


def aanhangsel_number(head: str) -> str | None:
    m = _AANHANGSEL.search(head) or _IDENTIFIER[1].search(head)
    return m.group(1) if m else None


def _spaced(dossier: str) -> str:
    digits = dossier.replace(" ", "")
    return f"{digits[:-3]} {digits[-3:]}"


def organisation(head: str) -> str | None:
    m = _ORGANISATION.search(head)
    return " ".join(m.group(1).split()) if m else None


def kind_of(title: str, head: str) -> str | None:
    """The kind by the words of the title, then of the top of page 1, then by structure (an
    e-mail's headers, a letter to the Kamer, a Kamerstuk's number)."""
    top = head[:2500].lower()
    for text in (title.lower(), top[:400]):
        for kind, pattern in _KIND_WORDS:
            if re.search(pattern, text):
                return kind
    if len(re.findall(r"^\s*(from|sent|to|subject|cc|van|aan|verzonden)\s*:", top, re.M)) >= 2:
        return "nota"  # correspondence
    if re.search(r"aanhangsel van de handelingen|^\s*nr\.\s*\d+\s", top, re.M):
        return "kamerstuk"
    if re.search(r"aan de voorzitter van de (tweede|eerste) kamer", top) or _BETREFT.search(head[:2500]):
        return "nota" if re.search(r"^\s*(nota|beslisnota|memo)\b", top, re.M) else "kamerbrief"
    return None
