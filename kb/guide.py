"""A diploma-recognition guide read from a document's own structure, whatever its layout: what
makes it a guide (recognition vocabulary, a profession, a route between two countries), its steps
from any ordered structure (Stap/Schritt/Step/Fase/Étape N, numbered lists and table rows, ordinal
prose) and its fields (kb.guidefields). Read once at ingest from the page text, kept with the
document, so a lookup reads no text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from kb.guidefields import FIELDS, Line, Located, heading_field, is_heading, read_fields
from kb.professions import professions_named
from kb.routes import detect_route
from kb.sentences import split_sentences

if TYPE_CHECKING:
    from kb.records import Page

MAX_STEPS = 40
MAX_STEP_CHARS = 600
_RECOGNITION = re.compile(
    r"erkenn|erkend|diplomawaardering|waardering van|gelijkwaardig|gelijkstelling|beroepskwalificatie|anerkenn"
    r"|gleichwertig|berufszulassung|approbation|berufserlaubnis|recogni(?:[sz]|tion)|equivalen|reconna|équivalence", re.I)
_LABELLED = re.compile(r"^(?:stap|schritt|step|fase|phase|étape|etappe)\s+(\d{1,2})\b\s*[:.)–—-]?\s*", re.I)
_NUMBERED = re.compile(r"^(\d{1,2})(?:\s*[.)]\s+|\s*$|\s+(?=[A-ZÄÖÜÀ-Ý]))")
_STEPS_HEADING = re.compile(r"stap|procedure|aanvra|zo werkt|hoe werkt|werkwijze|route|schritt|ablauf|verfahren"
                            r"|vorgehen|so geht|antrag|step|process|how to|apply|étape|procédure|démarche", re.I)
_FIRST = re.compile(r"^(?:eerst|allereerst|ten eerste|om te beginnen|als eerste|in de eerste stap|zuerst|zunächst"
                    r"|erstens|als erstes|im ersten schritt|first(?:ly)?|to begin|to start|d'abord|tout d'abord"
                    r"|premièrement|en premier lieu)\b", re.I)
_NEXT = re.compile(r"^(?:daarna|vervolgens|dan|ten (?:tweede|derde|vierde)|nadat|na (?:ontvangst|afloop)|ten slotte"
                   r"|tenslotte|tot slot|als laatste|danach|anschließend|dann|(?:zweit|dritt|viert)ens|nachdem"
                   r"|schließlich|zum schluss|abschließend|als nächstes|then|next|after that|afterwards|second(?:ly)?"
                   r"|third(?:ly)?|finally|lastly|ensuite|puis|après|deuxièmement|troisièmement|enfin|finalement)\b",
                   re.I)
_LAST = re.compile(r"^(?:ten slotte|tenslotte|tot slot|als laatste|schließlich|zum schluss|abschließend|finally"
                   r"|lastly|enfin|finalement)\b", re.I)


@dataclass(frozen=True)
class Step:
    n: int
    text: str
    page: int | None


@dataclass(frozen=True)
class Guide:
    route: str  # 'NL→DE': qualified in the first country, to work in the second
    professions: tuple[str, ...]  # keys of kb.professions, in the order the guide names them
    steps: tuple[Step, ...] = ()
    authority: Located | None = None
    documents: Located | None = None
    duration: Located | None = None
    costs: Located | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Guide:
        fields = {k: Located(**d[k]) if d.get(k) else None for k in FIELDS}
        return cls(d["route"], tuple(d.get("professions") or ()), tuple(Step(**s) for s in d.get("steps") or ()),
                   **fields)


def read_guide(title: str, pages: Sequence[Page]) -> Guide | None:
    """The guide a document is, or None: it must speak of recognition and a profession near its
    start, state a route, and give at least two steps or two fields."""
    lines = [Line(" ".join(t.split()), p.number) for p in pages for t in p.text.split("\n")]
    text = "\n".join(ln.text for ln in lines)
    head = f"{title}\n{text[:1500]}"
    professions = professions_named(head)
    route = detect_route(head) or detect_route(f"{title}\n{text[:5000]}")
    if not _RECOGNITION.search(head) or not professions or not route:
        return None
    steps = read_steps(lines)
    fields = read_fields(lines, {i for s in steps for i in s[1]})
    if len(steps) < 2 and sum(v is not None for v in fields.values()) < 2:
        return None
    kept = tuple(Step(n, text[:MAX_STEP_CHARS], page) for n, (_, _, text, page) in enumerate(steps[:MAX_STEPS], 1))
    return Guide(route, professions, kept, **fields)


_Item = tuple[int, set[int], str, int | None]  # number, line indexes, text, page


def read_steps(lines: list[Line]) -> list[tuple[int, set[int], str, int | None]]:
    """The guide's ordered steps: a 'Stap N' run if there is one, else the numbered run under a
    heading about the procedure (or the longest numbered run that is not a list of documents),
    else steps in ordinal prose."""
    runs = _numbered_runs(lines, _LABELLED) or _numbered_runs(lines, _NUMBERED)
    if runs:
        return max(runs, key=lambda r: (_run_heading_score(lines, r), len(r)))
    return _ordinal_steps(lines)


def _numbered_runs(lines: list[Line], start: re.Pattern[str]) -> list[list[_Item]]:
    runs: list[list[_Item]] = []
    current: list[_Item] = []
    for i, ln in enumerate(lines):
        m = start.match(ln.text)
        if m and (int(m.group(1)) == 1 or (current and int(m.group(1)) == current[-1][0] + 1)):
            if int(m.group(1)) == 1 and len(current) >= 2:
                runs.append(current)
            if int(m.group(1)) == 1:
                current = []
            current.append((int(m.group(1)), {i}, ln.text[m.end():].strip(), ln.page))
        elif current and _continues(lines, i, current[-1]):
            n, at, text, page = current[-1]
            # 'Phase 1 – Vorbereitung' over its sentences: the step's name, then what to do
            glue = ": " if len(at) == 1 and text and not re.search(r"[.!?:;,]$", text) and ln.text[:1].isupper() else " "
            current[-1] = (n, at | {i}, f"{text}{glue}{ln.text}".strip(), page or ln.page)
        elif current and not ln.text and len(current[-1][1]) == 1 and not current[-1][2]:
            continue  # a bare number, its text after a blank line
        elif current and is_heading(lines, i) and current[-1][2]:
            if len(current) >= 2:
                runs.append(current)
            current = []
    if len(current) >= 2:
        runs.append(current)
    return runs


def _continues(lines: list[Line], i: int, item: _Item) -> bool:
    """A line carries on the item above it: the item is still open (no blank line between) and
    the line is no heading and does not start another item."""
    ln = lines[i]
    if not ln.text or (max(item[1]) != i - 1 and not (not item[2] and i - 2 in item[1])):
        return False
    return not _LABELLED.match(ln.text) and not _NUMBERED.match(ln.text) and heading_field(ln.text) is None


def _run_heading_score(lines: list[Line], run: list[_Item]) -> int:
    """+1 when the heading above the run is about the procedure, -1 when it names a field (the
    list of documents is numbered too)."""
    first = min(run[0][1])
    above = next((lines[j].text for j in range(first - 1, max(-1, first - 6), -1) if lines[j].text), "")
    if heading_field(above) is not None:
        return -1
    return 1 if _STEPS_HEADING.search(above) else 0


def _ordinal_steps(lines: list[Line]) -> list[_Item]:
    """Steps told in prose: 'Eerst … Daarna … Ten slotte …'; each step is its sentence and the
    sentences after it in the same paragraph."""
    steps: list[_Item] = []
    paragraph, final = -1, False
    for s, page, par in _paragraphs(lines):
        if not final and (_NEXT.match(s) if steps else _FIRST.match(s)):
            steps.append((len(steps) + 1, set(), s, page))
            paragraph, final = par, len(steps) > 1 and bool(_LAST.match(s))
        elif steps and par == paragraph:
            n, at, text, p = steps[-1]
            steps[-1] = (n, at, f"{text} {s}", p)
        elif final:
            break
    return steps if len(steps) >= 2 else []


def _paragraphs(lines: list[Line]) -> list[tuple[str, int | None, int]]:
    """Sentences with their page and the number of their paragraph (blank lines part them)."""
    out: list[tuple[str, int | None, int]] = []
    buffer: list[Line] = []
    paragraph = 0
    for ln in [*lines, Line("", None)]:
        if ln.text:
            buffer.append(ln)
        elif buffer:
            out += [(s, buffer[0].page, paragraph) for s in split_sentences(" ".join(x.text for x in buffer)) if s]
            paragraph, buffer = paragraph + 1, []
    return out
