"""Pure text repair: page furniture out, broken words joined, footnotes out of the sentence."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from kb.records import Page

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_FURNITURE = [
    re.compile(r"^\s*pagina\s+\d+\s+(van|/)\s+\d+\s*$", re.I),
    re.compile(r"^\s*tweede kamer,? vergaderjaar \d{4}\s*[–-]\s*\d{2,4},.{0,60}$", re.I),
    re.compile(r"^\s*>?\s*retouradres\b.*$", re.I),
    re.compile(r"^\s*-{3,}\s*$"),
    re.compile(r"^\s*_{5,}\s*$"),
]
_ADDRESS = [  # the return-address and letterhead block at the top of a letter
    re.compile(r"^\s*aan de voorzitter van de (tweede|eerste) kamer( der staten-?)?\s*$", re.I),
    re.compile(r"^\s*(der )?staten-?\s*$|^\s*generaal\s*$|^\s*der staten-generaal\s*$", re.I),
    re.compile(r"^\s*postbus \d+\s*$", re.I),
    re.compile(r"^\s*\d{4}\s?[A-Z]{2}\s+[A-Za-z' -]+$"),
    re.compile(r"^\s*nederland\s*$", re.I),
    re.compile(r"^\s*\[?(https?://|www\.)\S+\s*$", re.I),
    re.compile(r"^\s*(ministerie-van-\S+\)|uw kenmerk|uw brief.*|bijlage\(n\).*)\s*$", re.I),
]
_KENMERK_LABEL = re.compile(r"^\s*(ons |uw )?kenmerk\s*$", re.I)
_KENMERK_VALUE = re.compile(r"^\s*[\w./-]*\d{4,}[\w./-]*\s*$")
_FOOTNOTE = re.compile(r"^\s*[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s*\S")
_PDF_FOOTNOTE = re.compile(r"^\s*\d{1,2}\s+[A-Z(\"'‘“]")
_LINE_END_HYPHEN = re.compile(r"(\w)[-\u00ad]\s*$")
_CONJUNCTIONS = {"en", "of", "tot", "als", "noch", "maar", "dan", "zowel", "and", "or", "und", "oder", "bis"}
_MID_HYPHEN = re.compile(r"(\w{2,})- ([a-zà-ÿ]\w*)")
_SENTENCE_END = re.compile(r"[.!?:;)»”\"'][⁰¹²³⁴⁵⁶⁷⁸⁹\d]*\s*$")


def clean_pages(pages: list[Page]) -> list[Page]:
    """Clean each page; headers and footers are found by comparing pages with each other."""
    lines = [_normalize(p.text).split("\n") for p in pages]
    repeated = _repeated_edge_lines(lines)
    kept: list[list[str]] = []
    for i, page_lines in enumerate(lines):
        page_lines = [ln for ln in page_lines if _key(ln) not in repeated or not _in_edge(page_lines, ln)]
        page_lines = _drop_furniture(page_lines, first_page=(i == 0))
        kept.append(page_lines)
    stream = [(pages[i].number, ln) for i, pl in enumerate(kept) for ln in pl]
    stream = _move_footnotes(stream)
    stream = _rejoin_interrupted(stream)
    stream = _join_broken_words(stream)
    out: list[Page] = []
    for p in pages:
        text = "\n".join(ln for num, ln in stream if num == p.number)
        out.append(Page(p.number, re.sub(r"\n{3,}", "\n\n", text).strip()))
    return out


def clean_text(text: str) -> str:
    return clean_pages([Page(None, text)])[0].text


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\t", " ").replace("\x00", " ")
    text = re.sub(r"<sup>\s*(\d+)\s*</sup>", lambda m: m.group(1).translate(_SUPERSCRIPT), text)
    text = re.sub(r"\[([^\]\n]*(?:\n[^\]\n]*)?)\]\((https?://[^)\s]+)\)", r"\1", text)  # [label](url)
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)
    text = re.sub(r"\*\*|__", "", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"^[ ]*(#{1,6})[ ]*\**", r"\1 ", text, flags=re.M)
    return "\n".join(re.sub(r" {2,}", " ", ln).strip() for ln in text.split("\n"))


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def _edges(lines: list[str]) -> list[str]:
    body = [ln for ln in lines if ln.strip()]
    n = max(1, min(4, len(body) // 4))  # a short page has a short header and footer zone
    return body[:n] + body[-n:]


def _in_edge(lines: list[str], line: str) -> bool:
    return line in _edges(lines)


def _repeated_edge_lines(pages: list[list[str]]) -> set[str]:
    """Lines at the top or bottom of many pages (digits ignored): running headers and footers."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(ln) for ln in _edges(lines) if 0 < len(ln.strip()) <= 120})
    need = max(2, math.ceil(0.5 * len(pages)))
    return {k for k, c in counts.items() if c >= need}


def _drop_furniture(lines: list[str], first_page: bool) -> list[str]:
    out: list[str] = []
    head_zone = 45 if first_page else 0
    skip_value = False
    for i, ln in enumerate(lines):
        if skip_value and _KENMERK_VALUE.match(ln):
            skip_value = False
            continue
        skip_value = False
        if any(p.match(ln) for p in _FURNITURE):
            continue
        if _KENMERK_LABEL.match(ln):
            skip_value = True
            continue
        if i < head_zone and any(p.match(ln) for p in _ADDRESS):
            continue
        out.append(ln)
    return _drop_sidebar_blocks(out)


def _drop_sidebar_blocks(lines: list[str]) -> list[str]:
    """A letter's sidebar (directorate, ministry) comes through as a block of short lines with
    no sentence in it; drop such a block when it stands where furniture was just removed."""
    blocks: list[list[str]] = [[]]
    for ln in lines:
        if ln.strip():
            blocks[-1].append(ln)
        elif blocks[-1]:
            blocks.append([])
    out: list[str] = []
    for b in blocks:
        short = b and len(b) <= 5 and all(len(x.split()) <= 4 and not _SENTENCE_END.search(x) for x in b)
        if short and re.match(r"^(directie|ministerie|directoraat|dienst|afdeling)\b", b[0], re.I):
            continue
        out.extend(b)
        out.append("")
    return out


def _rejoin_interrupted(stream: list[tuple[int | None, str]]) -> list[tuple[int | None, str]]:
    """Drop blank lines inside a sentence (left where furniture or a page break stood)."""
    out: list[tuple[int | None, str]] = []
    for num, ln in stream:
        if ln.strip() and ln.lstrip()[:1].islower() and out and not out[-1][1].strip():
            k = len(out)
            while k > 0 and not out[k - 1][1].strip():
                k -= 1
            prev = out[k - 1][1] if k > 0 else ""
            if prev and not _SENTENCE_END.search(prev) and not _looks_like_heading(prev) \
                    and not _FOOTNOTE.match(prev):
                del out[k:]
        out.append((num, ln))
    return out


def _move_footnotes(stream: list[tuple[int | None, str]]) -> list[tuple[int | None, str]]:
    """Take footnote blocks out of the running text and put them after the paragraph they interrupt."""
    out: list[tuple[int | None, str]] = []
    pending: list[tuple[int | None, str]] = []
    i = 0
    while i < len(stream):
        num, ln = stream[i]
        if _is_footnote_start(stream, i):
            j = i + 1
            while j < len(stream) and stream[j][1].strip() and not _is_footnote_start(stream, j):
                j += 1
            pending.extend([(num, ""), *stream[i:j]])
            i = j
            continue
        if pending and not ln.strip() and _paragraph_closed(out):
            out.extend([*pending, (num, "")])
            pending = []
        continues = ln.lstrip()[:1].islower()
        if continues and pending and out and not _paragraph_closed(out) and not out[-1][1].strip():
            while out and not out[-1][1].strip():  # the sentence goes on after the footnote
                out.pop()
        out.append((num, ln))
        i += 1
    return out + pending


def _is_footnote_start(stream: list[tuple[int | None, str]], i: int) -> bool:
    num, ln = stream[i]
    if _FOOTNOTE.match(ln):
        return True
    if num is None or not _PDF_FOOTNOTE.match(ln) or (i > 0 and stream[i - 1][1].strip()):
        return False
    rest = [s for n, s in stream[i:] if n == num]
    return len(rest) <= 12  # only near the foot of its page


def _paragraph_closed(out: list[tuple[int | None, str]]) -> bool:
    for _, s in reversed(out):
        if s.strip():
            return bool(_SENTENCE_END.search(s)) or _looks_like_heading(s)
    return True


_FUNCTION_WORDS = frozenset(["de", "het", "een", "van", "en", "of", "in", "op", "te", "met", "voor", "aan", "die", "dat", "door", "om", "als", "bij", "naar", "der", "des", "den", "dem", "und", "zu", "the", "of", "and", "to", "a", "an", "for", "with"])


def _looks_like_heading(s: str) -> bool:
    words = s.split()
    if s.startswith("#"):
        return True
    return 0 < len(words) <= 8 and s[:1].isupper() and words[-1].lower() not in _FUNCTION_WORDS


def _join_broken_words(stream: list[tuple[int | None, str]]) -> list[tuple[int | None, str]]:
    """'voorzie-' + 'ningen' -> 'voorzieningen'; 'Staten-' + 'Generaal' keeps its hyphen;
    'wet- en regelgeving' keeps its hyphen and space."""
    out = [(n, _join_mid_line(s)) for n, s in stream]
    for i in range(len(out) - 1):
        num, ln = out[i]
        m = _LINE_END_HYPHEN.search(ln)
        if not m:
            continue
        j = i + 1
        while j < len(out) and not out[j][1].strip() and j - i <= 2:
            j += 1
        if j >= len(out) or not out[j][1].strip():
            continue
        nxt = out[j][1].lstrip()
        word, _, rest = nxt.partition(" ")
        if word.lower().strip(",.;:") in _CONJUNCTIONS:
            continue
        glue = "" if word[:1].islower() else "-"
        if not (word[:1].isalpha() or word[:1].isdigit()):
            continue
        out[i] = (num, ln[: m.start() + 1] + glue + word)
        out[j] = (out[j][0], rest)
    return out


def _join_mid_line(line: str) -> str:
    """'gebiedsge- richte' -> 'gebiedsgerichte', unless the '- ' closes a dash aside
    ('... -in nauwe samenwerking met de burens- wil ...') or precedes a conjunction."""

    def join(m: re.Match[str]) -> str:
        if m.group(2).lower() in _CONJUNCTIONS or re.search(r"(^|\s)-\w", line[: m.start()]):
            return m.group(0)
        return m.group(1) + m.group(2)

    return _MID_HYPHEN.sub(join, line)
