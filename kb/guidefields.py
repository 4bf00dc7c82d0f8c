"""The fields of a recognition guide (competent authority, documents, duration, costs), found by
a label or heading in the guide's own words, in Dutch, German, English or French ('Bevoegde
autoriteit:', 'Welche Unterlagen brauche ich?', 'How long does it take?'), else by content: a
named body, a time expression, an amount. Each with the page it is on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.sentences import split_sentences

FIELDS = ("authority", "documents", "duration", "costs")
MAX_FIELD_CHARS = 600
_TERMS = {
    "authority": r"bevoegde? (?:autoriteit|instantie|organisatie)|instantie|autoriteit|wie beoordeelt|wie beslist"
                 r"|waar (?:vraag|dien)|bij wie|loket|zuständige? (?:behörde|stelle)|zuständig|behörde|ansprechpartner"
                 r"|anerkennungsstelle|wer (?:prüft|entscheidet|ist)|wo (?:stelle|beantrage)|competent authority"
                 r"|authority|who (?:decides|assesses|handles|is responsible)|where (?:to|do i) apply"
                 r"|autorité|organisme compétent|qui (?:traite|décide|est compétent)|où (?:introduire|demander)",
    "documents": r"documenten|stukken|bewijsstukken|wat (?:heb|moet) (?:ik|je|u)\b.*\b(?:nodig|meesturen|aanleveren)"
                 r"|unterlagen|dokumente|nachweise|was (?:brauche|benötige)|documents|what (?:do )?you need"
                 r"|papers|pièces|justificatifs",
    "duration": r"doorlooptijd|duur|duurt|hoe lang|termijn|dauer|dauert|wie lange|bearbeitungs(?:zeit|dauer)|frist"
                r"|how long|duration|processing time|time frame|délai|durée|combien de temps",
    "costs": r"kosten|kost\b|tarief|tarieven|prijs|leges|gebühr|kostet|costs?\b|fees?\b|price|frais|coût|tarif",
}
_HEADING_TERM = {k: re.compile(rf"(?<!\w)(?:{v})", re.I) for k, v in _TERMS.items()}
_LABEL = re.compile(r"^([^:]{3,45}):\s*(\S.*)$")
_BULLET = re.compile(r"^\s*(?:[-•*–·▪◦]|\d{1,2}[.)])\s+")
_BODY = re.compile(
    r"Bezirksregierung(?:\s+[A-ZÄÖÜ]\w+)?|Landes(?:prüfungsamt|amt|schulbehörde)\w*|Kultusministerium|Ministerium f[üu]r"
    r"|Regierungspräsidium|Zentralstelle für ausländisches Bildungswesen|\bZAB\b|IHK FOSA|Handwerkskammer|\bDUO\b"
    r"|\bIDW\b|Internationale Diplomawaardering|\bCIBG\b|BIG-register|\bNARIC(?:-Vlaanderen)?\b|\bNuffic\b|\bSBB\b"
    r"|\bAHOVOKS\b|Agentschap (?:voor )?(?:Hoger Onderwijs|Zorg en Gezondheid)|Fédération Wallonie-Bruxelles"
    r"|Service de l'équivalence|Deutschsprachigen Gemeinschaft|Duitstalige Gemeenschap|FOD Volksgezondheid"
    r"|SPF Santé|Kind en Gezin|Opgroeien|Onderwijsinspectie|Dienst Uitvoering Onderwijs|Gezondheidsraad"
    # any name built on an organisation noun: Grensdienst, Anerkennungsbüro Pflege, Agentschap Zorg …
    r"|(?:[A-ZÄÖÜ][\w'’-]*(?:dienst|loket|bureau|agentschap|register|commissie|raad|centrum|inspectie|amt|behörde"
    r"|stelle|büro|kammer|ministerium|regierung|agentur|agency|office|board|council|authority|service|agence"
    r"|commission|conseil)|(?:Dienst|Loket|Bureau|Agentschap|Register|Commissie|Raad|Centrum|Amt|Behörde|Stelle"
    r"|Büro|Kammer|Ministerium|Agentur|Agency|Office|Board|Council|Authority|Service|Agence|Commission|Conseil))\b"
    r"(?:\s+[A-ZÄÖÜ][\w'’-]+){0,3}")
_AUTHORITY_CUE = re.compile(r"bevoegd|beoordeelt|beslist|behandelt|zuständig|prüft|entscheidet|bearbeitet"
                            r"|responsible|assesses|decides|handles|compétent|traite|décide|indienen bij|aanvragen bij"
                            r"|stellen bei|beantragen bei|apply to|auprès de|\bbij (?:de|het)\b|\bbei (?:der|dem)\b"
                            r"|\bbeim\b|\bto the\b|\bwith the\b", re.I)
_DOCUMENTS = re.compile(rf"(?:{_TERMS['documents']})[^:]{{0,60}}:\s*\S[^.]*,", re.I)
_TIME = re.compile(r"\b(?:\d+|een|één|twee|drie|vier|vijf|zes|acht|tien|twaalf|ein(?:em|en)?|zwei|drei|vier|fünf"
                   r"|sechs|acht|zehn|zwölf|one|two|three|four|five|six|eight|ten|twelve|un|une|deux|trois|quatre"
                   r"|cinq|six|huit|dix|douze)\s+(?:werkdagen|dagen|weken|maanden|jaar|arbeitstage\w*|tage\w*"
                   r"|wochen|monate\w*|working days|days|weeks|months|jours(?: ouvrables)?|semaines|mois)\b", re.I)
_DURATION_CUE = re.compile(r"duurt|duur|termijn|binnen|beslist|dauert|dauer|innerhalb|bearbeitung|takes|within"
                           r"|délai|dans un délai|durée", re.I)
_AMOUNT = re.compile(r"€\s?\d|\d[\d.,]*\s?(?:euro|eur\b|€)|\bEUR\s?\d|kosteloos|gratis|kostenlos|gebührenfrei"
                     r"|free of charge|gratuit", re.I)
_COST_CUE = re.compile(r"kost|tarief|leges|bedraagt|betaal|gebühr|kostet|zahlen|cost|fee|pay|frais|coût|pa[yi]e",
                       re.I)


@dataclass(frozen=True)
class Line:
    text: str
    page: int | None


@dataclass(frozen=True)
class Located:
    text: str
    page: int | None


def heading_field(text: str) -> str | None:
    """The field a label ('Kosten: …') or a heading ('Wie lange dauert es?') introduces."""
    head = m.group(1) if (m := _LABEL.match(text)) else text
    if len(head.split()) > 10 or (not m and re.search(r"[.,;]$", head)):
        return None
    return next((k for k, rx in _HEADING_TERM.items() if rx.search(head)), None)


def is_heading(lines: list[Line], i: int) -> bool:
    """A short line standing on its own: no closing full stop, not a list item, and a question,
    a label ending in ':', or the first line after a blank line or a finished sentence."""
    text = lines[i].text
    if not text or len(text.split()) > 10 or re.search(r"[.,;]$", text) or _BULLET.match(text):
        return False
    before = lines[i - 1].text if i > 0 else ""
    if len(text.split()) <= 5 and heading_field(text) is not None:
        return True  # 'Zuständige Behörde', 'Kosten': a field's name alone on its line
    return text.endswith(("?", ":")) or not before or bool(re.search(r"[.!?:]$", before))


def read_fields(lines: list[Line], steps: set[int]) -> dict[str, Located | None]:
    """Each field from its label or heading; what no label gives, from content."""
    found: dict[str, Located | None] = dict.fromkeys(FIELDS)
    for i, ln in enumerate(lines):
        if i in steps or (key := heading_field(ln.text)) is None or found[key] is not None:
            continue
        inline = m.group(2) if (m := _LABEL.match(ln.text)) and heading_field(m.group(1)) else ""
        if not inline and not is_heading(lines, i):
            continue
        value = _section(lines, i + 1, inline)
        if value.text:
            found[key] = Located(value.text[:MAX_FIELD_CHARS], value.page or ln.page)
    for key, located in _by_content(lines).items():
        found[key] = found[key] or located
    return found


def _section(lines: list[Line], start: int, inline: str) -> Located:
    """The text under a heading (or after a label), up to the next heading or blank line after
    text; list items joined with '; '."""
    parts, page = ([inline] if inline else []), None
    for j in range(start, min(len(lines), start + 40)):
        ln = lines[j]
        if not ln.text:
            last = next((x.text for x in reversed(lines[start:j]) if x.text), "")
            if parts and not (_BULLET.match(last) and _next_is_item(lines, j)):
                break  # a blank line ends the section, except between the items of one list
            continue
        done = inline and re.search(r"[.!?]$", parts[-1] if parts else inline)  # a label's value is one sentence
        if done or is_heading(lines, j) or (_LABEL.match(ln.text) and heading_field(ln.text)):
            break
        page = page or ln.page
        item = _BULLET.sub("", ln.text)
        parts.append(f"; {item}" if _BULLET.match(ln.text) and parts else item)
    return Located(" ".join(parts).replace(" ; ", "; ").strip("; "), page)


def _next_is_item(lines: list[Line], j: int) -> bool:
    nxt = next((ln.text for ln in lines[j:] if ln.text), "")
    return bool(_BULLET.match(nxt))


def _by_content(lines: list[Line]) -> dict[str, Located | None]:
    """A named body in a sentence about who decides, a time expression in a sentence about how
    long it takes, an amount in a sentence about costs."""
    sentences = [(s, ln.page) for ln in _paragraph_lines(lines) for s in split_sentences(ln.text) if s]
    rules = {"authority": (_BODY, _AUTHORITY_CUE), "documents": (_DOCUMENTS, _DOCUMENTS),
             "duration": (_TIME, _DURATION_CUE), "costs": (_AMOUNT, _COST_CUE)}
    out: dict[str, Located | None] = {}
    for key, (what, cue) in rules.items():
        hits = [(s, p) for s, p in sentences if what.search(s)]
        best = next(((s, p) for s, p in hits if cue.search(s)), hits[0] if key == "authority" and hits else None)
        out[key] = Located(best[0][:MAX_FIELD_CHARS], best[1]) if best else None
    return out


def _paragraph_lines(lines: list[Line]) -> list[Line]:
    """Lines joined into paragraphs (blank lines and list items part them), so sentences are whole."""
    out: list[Line] = []
    for ln in lines:
        if out and ln.text and out[-1].text and not _BULLET.match(ln.text) and not re.search(r"[.!?:]$", out[-1].text):
            out[-1] = Line(f"{out[-1].text} {ln.text}", out[-1].page)
        else:
            out.append(ln)
    return out
