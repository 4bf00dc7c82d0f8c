"""Regulated professions of the Dutch-German-Belgian border labour market and how guides name them
in Dutch (Netherlands and Flanders), German, French and English: a maintained vocabulary, not
words of any one guide. Names are matched as whole words at the start of a word, so a compound
or an inflected form ('fysiotherapeuten', 'Physiotherapeutin') is named too."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Profession:
    key: str
    label: str  # Dutch, as the app shows it
    names: tuple[str, ...]


PROFESSIONS: tuple[Profession, ...] = (
    Profession("fysiotherapeut", "Fysiotherapeut",
               ("fysiotherapeut", "fysiotherapie", "kinesitherapeut", "kinesitherapie", "physiotherapeut",
                "physiotherapie", "krankengymnast", "physiotherapist", "physical therapist", "kinésithérapeute",
                "physiothérapeute")),
    Profession("verzorgende-ig", "Verzorgende IG / zorgkundige",
               ("verzorgende ig", "verzorgende-ig", "verzorgende individuele gezondheidszorg", "zorgkundige",
                "pflegefachkraft", "pflegefachfrau", "pflegefachmann", "pflegeassistent", "altenpfleger",
                "gesundheits- und krankenpfleger", "nursing assistant", "care assistant", "aide-soignant")),
    Profession("leraar-vo", "Leraar voortgezet onderwijs",
               ("leraar voortgezet onderwijs", "docent voortgezet onderwijs", "leraar secundair onderwijs",
                "leerkracht secundair onderwijs", "eerstegraads", "tweedegraads", "lehrkraft für die sekundarstufe",
                "lehrkraft", "lehrer", "lehrerin", "lehramt", "secondary school teacher", "secondary teacher",
                "enseignant du secondaire", "professeur de l'enseignement secondaire", "agrégé de l'enseignement")),
    Profession("leraar-po", "Leraar basisonderwijs",
               ("leraar basisonderwijs", "leerkracht basisonderwijs", "pabo", "leerkracht lager onderwijs",
                "grundschullehr", "primary school teacher", "instituteur", "institutrice")),
    Profession("verpleegkundige", "Verpleegkundige",
               ("verpleegkundige", "gesundheits- und krankenpfleg", "krankenpfleg", "krankenschwester",
                "registered nurse", "nurse", "infirmier", "infirmière")),
    Profession("arts", "Arts", ("arts ", "huisarts", "basisarts", "geneeskunde", "arzt", "ärztin", "approbation",
                                "medical doctor", "physician", "médecin")),
    Profession("tandarts", "Tandarts", ("tandarts", "zahnarzt", "zahnärztin", "dentist", "dentiste")),
    Profession("apotheker", "Apotheker", ("apotheker", "pharmacist", "pharmacien")),
    Profession("verloskundige", "Verloskundige", ("verloskundige", "vroedvrouw", "hebamme", "entbindungspfleger",
                                                 "midwife", "sage-femme")),
    Profession("ergotherapeut", "Ergotherapeut", ("ergotherapeut", "occupational therapist", "ergothérapeute")),
    Profession("logopedist", "Logopedist", ("logopedist", "logopäde", "logopädin", "speech therapist",
                                           "logopède")),
    Profession("psycholoog", "(GZ-)psycholoog", ("gz-psycholoog", "psycholoog", "psychotherapeut", "psychologe",
                                                "psychologin", "psychologist", "psychologue")),
    Profession("pedagogisch-medewerker", "Pedagogisch medewerker kinderopvang",
               ("pedagogisch medewerker", "kinderbegeleider", "erzieher", "erzieherin", "childcare worker",
                "puériculteur", "puéricultrice")),
    Profession("elektricien", "Elektricien / installateur",
               ("elektricien", "installateur", "elektroniker", "elektroinstallateur", "electrician", "électricien")),
)


def profession(key: str) -> Profession:
    """The profession with this key or label, or one of whose names it is (any language)."""
    want = key.strip().lower()
    for p in PROFESSIONS:
        if want in (p.key, p.label.lower()) or want in (n.strip() for n in p.names):
            return p
    raise ValueError(f"onbekend beroep {key!r}; kies uit: {', '.join(p.key for p in PROFESSIONS)}")


def professions_named(text: str) -> tuple[str, ...]:
    """Keys of the professions the text names, in the order of their first mention."""
    low = f" {text.lower()} "
    found: list[tuple[int, str]] = []
    for p in PROFESSIONS:
        hits = [m.start() for n in p.names for m in [re.search(rf"(?<![\w-]){re.escape(n)}", low)] if m]
        if hits:
            found.append((min(hits), p.key))
    return tuple(k for _, k in sorted(found))
