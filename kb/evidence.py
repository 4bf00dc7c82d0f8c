"""What kind of answer a question asks for, and the phrase of a Dutch sentence that gives it.

The kinds come from the question words of the four languages users write in (a maintained list
of interrogatives, nothing from any corpus); the phrases from the shapes Dutch text gives them:
an amount is a number with its unit, a date a day, month or year, a body a name of an
organisation, a place a name after a preposition of place, a list an enumeration, a reason a
clause opened by a word of cause or purpose."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.dates import MONTH_PATTERN
from kb.glossary import place_mentions
from kb.lexical import STOPWORDS

AMOUNT, MONEY, DATE, BODY, PLACE, LIST, REASON = "amount", "money", "date", "body", "place", "list", "reason"

# Longest first within a language does not matter: a question is asked one kind, the first found.
_ASKS: tuple[tuple[str, str], ...] = (
    (AMOUNT, r"hoeveel|hoe ?veel|hoe groot|hoe hoog|hoe lang|hoe duur|welk bedrag|wat kost|wat kosten|"
             r"wie ?viele?|wie hoch|wie gro(?:ß|ss)|wie lange?|was kostet|welcher betrag|"
             r"how much|how many|how long|how large|how high|what amount|what does .{1,40} cost|"
             r"combien|quel montant|quelle somme"),
    (DATE, r"wanneer|welke datum|in welk jaar|per wanneer|sinds wanneer|tot wanneer|"
           r"wann|seit wann|bis wann|an welchem tag|in welchem jahr|"
           r"when|what date|which year|in what year|since when|until when|quand|depuis quand|jusqu'à quand|"
           r"en quelle année|à quelle date"),
    (BODY, r"wie\b(?! ?viel| hoch| gro| lange?\b)|bij wie|welke (?:organisatie|instantie|instelling|partij|dienst)|"
           r"door wie|wer|bei wem|an wen|welche (?:behörde|organisation|stelle|institution)|"
           r"who|which (?:organi[sz]ation|body|authority|agency)|"
           r"qui|quel organisme|quelle (?:autorité|organisation|institution)"),
    (PLACE, r"waar(?!om)|waarheen|in welke (?:plaats|gemeente|provincie|regio|stad)|"
            r"wo\b|wohin|in welcher (?:stadt|gemeinde|region)|where|in which (?:city|town|region)|où"),
    (REASON, r"waarom|om welke reden|hoe komt het dat|warum|weshalb|wieso|aus welchem grund|why|for what reason|"
             r"pourquoi|pour quelle raison"),
    (LIST, r"welke|welche|which|what are|quels|quelles"),
)
_ASK_RES = tuple((kind, re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.I)) for kind, pattern in _ASKS)
# An amount asked about money is answered by a sum, not by a count ('hoeveel budget' is not
# answered by 'vijf gemeenten'): the question classes of QA taxonomies (NUM:money against
# NUM:count), from the words for money and costs of the four languages.
_MONEY_ASK = re.compile(
    r"(?<!\w)(?:budget\w*|bedrag\w*|subsidie\w*|kosten|kost|kostte|financiering|bijdrage|vergoeding|"
    r"uitkering|investering\w*|prijs|tarief|leges|euro|"
    r"geld(?:er)?|betrag|kostet|förder\w*|zuschuss|zuschüsse|subvention\w*|finanzierung|gebühr\w*|preis|"
    r"money|funding|funds?|grants?|subsid(?:y|ies)|costs?|fees?|price|spen[dt]|paid|pay|"
    r"argent|montant|coût\w*|frais|prix|financement)(?!\w)", re.I)

# "een" is nearly always the article; the number is written "één".
_NUMBER_WORDS = ("één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|vijftien|twintig|dertig|veertig|"
                 "vijftig|honderd|duizend|tientallen|honderden|duizenden")
# A digit glued to a word or to a full stop is a footnote mark ("advies2", "gestuurd.1"), not a figure.
_NUM = rf"(?:€\s?)?(?<![\w.,;:)\]])\d[\d.,]*|(?<!\w)(?:{_NUMBER_WORDS})(?!\w)"
_AMOUNT = re.compile(
    rf"(?:(?:ruim|circa|ongeveer|bijna|maximaal|minimaal|minstens|hooguit|tot|meer dan|minder dan|zo'n)\s+)?"
    rf"(?:{_NUM})(?:\s?(?:%|procent|euro|miljoen|miljard|mln\.?|mld\.?|duizend))*"
    r"(?:\s+(?!en\b|of\b|de\b|het\b|in\b|op\b|van\b|voor\b|met\b|aan\b)[a-zà-ÿ][\w-]*)?", re.I)
# the words after a count question's ask (at most three: 'hoeveel nieuwe Regio Deals')
_COUNTED = re.compile(r"(?<!\w)(?:hoeveel|hoe ?veel|wie ?viele?|how many|combien d[e'’])\s*((?:[\w'-]+\s+){0,2}[\w'-]+)",
                      re.I)
_TIME_ASK = re.compile(r"(?<!\w)(?:hoe lang|how long|wie lange?|combien de temps|tijd|zeit|time|temps)(?!\w)", re.I)
_CURRENCY = re.compile(r"€|euro|miljoen|miljard|mln|mld|%|procent", re.I)
_FREE = re.compile(r"(?<!\w)(?:gratis|kosteloos|kostenloos)(?!\w)", re.I)
# a heading's number at the start of a sentence ("2. De bestuurlijke organisatie")
_SECTION = re.compile(r"(?<!.)\d{1,2}(?:\.\d{1,2})*\.\s+[A-Z]|(?<!.)\d{1,2}(?:\.\d{1,2})+\s+[A-Z]", re.S)
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}$")
_DATE = re.compile(
    rf"(?:\b\d{{1,2}}\s+)?\b(?:{MONTH_PATTERN})\.?\s+(?:19|20)\d{{2}}\b|"
    rf"\b\d{{1,2}}\s+(?:{MONTH_PATTERN})\b|"
    r"\b\d{1,2}[-/]\d{1,2}[-/](?:19|20)?\d{2}\b|"
    r"\b(?:(?:begin|eind|medio|voorjaar|najaar|zomer|winter)\s+)?(?:19|20)\d{2}\b|"
    r"\bbinnen\s+\S+\s+(?:dagen|weken|maanden|jaar)\b", re.I)
_BODY_NOUNS = (r"ministerie|ministers?|gemeenten?|provincies?|raad|rechtbank|commissie|kamer|dienst|agentschap|"
               r"bureau|instituut|inspectie|politie|waterschap|kabinet|overheid|stichting|autoriteit|"
               r"ombudsman|belastingdienst|organisatie|loket|werkgroep|platform|planbureau|staatssecretaris")
# A name: capitalised words (with the small words inside Dutch names), or an acronym.
_NAME = re.compile(r"(?:[A-Z][\w'-]+|[A-Z]{2,}\w*)(?:\s+(?:(?:van|voor|de|der|het|en|op|'t|für|des|du|la)\s+)?"
                   r"(?:[A-Z][\w'-]+|[A-Z]{2,}))*")
_BODY = re.compile(rf"\b(?i:(?:de|het)\s+(?:{_BODY_NOUNS}))(?:\s+(?:van|voor)\s+[\w'-]+(?:\s+[A-Z][\w'-]+)*)?|"
                   rf"\b[A-Z]{{2,}}\b")
_PLACE = re.compile(r"\b(?:in|te|naar|bij|uit|op)\s+((?:[A-Z][\w'-]+)(?:[\s-]+[A-Z][\w'-]+)*)")
# What opens a reason in Dutch: the causal conjunctions and adverbs (ANS, 'redengevende' and
# 'oorzakelijke' voegwoorden), and those of purpose ('om … te', 'zodat'), which answer a 'waarom'
# as often. Not 'daarom', 'derhalve': they open the consequence, the reason stands before them.
_REASON = re.compile(r"(?<!\w)(?:omdat|doordat|aangezien|want|vanwege|wegens|dankzij|zo ?lang|als gevolg van|"
                     r"om die reden|immers|namelijk|zodat|teneinde|met het oog op|bedoeld om|"
                     r"om(?=\s[^,;.]{3,80}?\ste\s))(?!\w)[^;.]*", re.I)
_CLAUSE_WORDS = 4  # a comma after fewer words after the opening word is an enumeration's, not the clause's end
_ENUMERATION = re.compile(r":\s*(.+)$|((?:[\w'-]+(?:\s+[\w'-]+){0,4},\s+){2,}[\w'-]+(?:\s+[\w'-]+){0,4}\s+(?:en|of)\s+"
                          r"[\w'-]+(?:\s+[\w'-]+){0,4})")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str

    def text(self, sentence: str) -> str:
        return sentence[self.start : self.end]


# Dutch splits 'waarvoor', 'waarover', 'waaraan' …: 'Waar vroegen zij aandacht voor?' asks what
# for, not where.
_SPLIT_WAAR = re.compile(r"\bwaar\b.*\b(?:voor|over|aan|mee|op|naar|van|in|uit|bij|door|om|tegen|toe|onder)\s*\??\s*$",
                         re.I)


def asked_kind(question: str) -> str | None:
    """The kind of answer the question asks for (amount, money, date, body, place, list), or None."""
    for kind, pattern in _ASK_RES:
        if pattern.search(question):
            if kind == PLACE and _SPLIT_WAAR.search(question):
                continue
            money = kind == AMOUNT and _MONEY_ASK.search(question) and not _TIME_ASK.search(question)
            return MONEY if money else kind
    return None


def find_spans(sentence: str, kind: str | None) -> list[Span]:
    """The phrases of the sentence that could answer a question of this kind, in order."""
    if kind in (AMOUNT, MONEY):
        found = [Span(m.start(), m.end(), kind) for m in _AMOUNT.finditer(sentence)
                 if not _YEAR_ONLY.match(m.group(0).split()[0]) and not _in_date(sentence, m.start())
                 and not _SECTION.match(sentence, m.start())]
        if kind == AMOUNT:
            return found
        sums = [s for s in found if _CURRENCY.search(s.text(sentence))]
        return sums + [Span(m.start(), m.end(), kind) for m in _FREE.finditer(sentence)]
    if kind == DATE:
        return [Span(m.start(), m.end(), kind) for m in _DATE.finditer(sentence)]
    if kind == BODY:
        found = [Span(m.start(), m.end(), kind) for m in _BODY.finditer(sentence)]
        # a capitalised word is a name unless it is a lone small word (a heading glued to the
        # sentence leaves 'De' capitalised inside it)
        found += [Span(m.start(), m.end(), kind) for m in _NAME.finditer(sentence)
                  if m.start() > 0 and m.group(0).lower() not in STOPWORDS]
        return sorted(_non_overlapping(found), key=lambda s: s.start)
    if kind == PLACE:
        found = [Span(p.start, p.end, kind) for p in place_mentions(sentence)]
        found += [Span(m.start(1), m.end(1), kind) for m in _PLACE.finditer(sentence)]
        return sorted(_non_overlapping(found), key=lambda s: s.start)
    if kind == REASON:
        return [_clause(m) for m in _REASON.finditer(sentence) if len(m.group(0).split()) >= 3]
    if kind == LIST:
        m = _ENUMERATION.search(sentence)
        if m:
            g = 1 if m.group(1) else 2
            return [Span(m.start(g), m.end(g), kind)]
    return []


def _clause(m: re.Match[str]) -> Span:
    """A reason's clause: to the first comma after _CLAUSE_WORDS words, else to the end of the match."""
    for comma in re.finditer(",", m.group(0)):
        if len(m.group(0)[: comma.start()].split()) > _CLAUSE_WORDS:
            return Span(m.start(), m.start() + comma.start(), REASON)
    return Span(m.start(), m.end(), REASON)


def _in_date(sentence: str, at: int) -> bool:
    return any(m.start() <= at < m.end() and not m.group(0).lower().startswith("binnen")
               for m in _DATE.finditer(sentence))


def _non_overlapping(spans: list[Span]) -> list[Span]:
    """Longest first, dropping any that overlaps one already kept."""
    kept: list[Span] = []
    for s in sorted(spans, key=lambda s: s.start - s.end):
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    return kept


def counted_words(question: str) -> frozenset[str]:
    """What a count question counts: the words after 'hoeveel' ('hoeveel nieuwe gemeenten')."""
    m = _COUNTED.search(question)
    return frozenset(re.findall(r"\w+", m.group(1).lower())) if m else frozenset()


def best_span(sentence: str, kind: str | None, question_words: set[str],
              counted: frozenset[str] = frozenset()) -> Span | None:
    """The phrase that answers: of the kind asked, not a repetition of the question's own words,
    nearest to where the sentence speaks of what the question names."""
    spans = [s for s in find_spans(sentence, kind)
             if _counts(s.text(sentence), counted) or not _repeats(s.text(sentence), question_words)]
    if not spans:
        return None
    lower = sentence.lower()
    anchors = [m.start() for w in question_words if len(w) > 3 for m in re.finditer(re.escape(w), lower)]

    def distance(s: Span) -> int:
        return min((abs(s.start - a) for a in anchors), default=s.start)

    return max(spans, key=lambda s: (_strength(s.text(sentence), question_words, counted), -distance(s)))


def _strength(phrase: str, question_words: set[str], counted: frozenset[str] = frozenset()) -> int:
    """How surely a phrase is an answer: a figure of the thing a count question counts ('14 nieuwe'
    for 'hoeveel nieuwe …'); else a sum of money or a share over a written figure over a number
    word, less when it names what the question itself names ('vier programma's')."""
    if _counts(phrase, counted):
        return 3
    found = [w for w in re.findall(r"\w+", phrase.lower()) if len(w) > 3]
    tier = 2 if _CURRENCY.search(phrase) else 1 if re.search(r"\d", phrase) else 0
    return tier - 2 * any(w in question_words for w in found)


def _counts(phrase: str, counted: frozenset[str]) -> bool:
    """A written figure of what the question counts ('14 nieuwe')."""
    return bool(counted) and bool(re.search(r"\d", phrase)) and any(
        w in counted for w in re.findall(r"\w+", phrase.lower()) if len(w) > 2 and w not in STOPWORDS)


def _repeats(phrase: str, question_words: set[str]) -> bool:
    ws = [w for w in re.findall(r"\w+", phrase.lower()) if len(w) > 2]
    return bool(ws) and all(w in question_words for w in ws)
