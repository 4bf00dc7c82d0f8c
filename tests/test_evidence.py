"""Answer kinds and answering phrases on real sentences: the shipped letters (corpus/) and the
Rijksoverheid FAQ pages (CC0, vac-10f3ac4f, vac-161f3cbc, vac-24c62a10)."""

from __future__ import annotations

import pytest

from kb.evidence import (
    AMOUNT,
    BODY,
    DATE,
    LIST,
    MONEY,
    PLACE,
    REASON,
    asked_kind,
    best_span,
    counted_words,
    find_spans,
)
from kb.lexical import words
from kb.reader import render_phrase
from kb.relevance import question_parts
from kb.sentences import passage_sentences, whole_sentences

LETTER_BUDGET = ("In de vier programma's is in totaal aan projecten tot en met 2017 voor circa €450 miljoen "
                 "aan EU-budget gecommitteerd.")
LETTER_DATE = ("In haar brief van 23 januari 2018 heeft de staatssecretaris van Sociale Zaken en Werkgelegenheid "
               "aan uw Kamer de rapportage aangeboden.")
LETTER_BODIES = ("Het gaat hierbij onder meer om het gezamenlijk opereren van UWV, gemeenten, de Duitse Agentur "
                 "für Arbeit en de Vlaamse Dienst voor Arbeidsbemiddeling en Beroepsopleiding.")
FAQ_VALID = "Het paspoort en de identiteitskaart voor personen jonger dan 18 jaar zijn 5 jaar geldig."
FAQ_REPLY = "Als u een brief naar een overheidsorganisatie stuurt, krijgt u binnen 2 tot 3 weken een reactie."


@pytest.mark.parametrize(("question", "kind"), [
    ("hoeveel geld ging er naar de programma's", MONEY),
    ("Wie viel Geld stand zur Verfügung?", MONEY),
    ("How much funding did the border programme get?", MONEY),
    ("Combien coûte un passeport ?", MONEY),
    ("Hoeveel gemeenten doen mee?", AMOUNT),
    ("Hoeveel tijd kost de aanvraag?", AMOUNT),  # time, though it 'costs'
    ("How long is a passport valid for a child?", AMOUNT),
    ("Wanneer stuurde de staatssecretaris de rapportage?", DATE),
    ("Seit wann gibt es die Grensinfopunten?", DATE),
    ("quand la lettre a-t-elle été envoyée", DATE),
    ("Wie voert de arbeidsbemiddeling uit?", BODY),
    ("Who runs the border information points?", BODY),
    ("Waar kan ik mijn paspoort aanvragen?", PLACE),
    ("Waar vroegen de gemeenten aandacht voor?", None),  # waar … voor: what for
    ("Où puis-je demander un passeport ?", PLACE),
    ("Welke maatregelen neemt het kabinet?", LIST),
    ("Waarom is samenwerking nodig?", REASON), ("Why is cooperation needed?", REASON),
])
def test_the_kind_of_answer_asked(question: str, kind: str | None):
    assert asked_kind(question) == kind


def test_amount_phrases_in_real_sentences():
    span = best_span(LETTER_BUDGET, AMOUNT, {"budget", "programma"})
    assert span is not None and span.text(LETTER_BUDGET).startswith("circa €450 miljoen")
    span = best_span(FAQ_VALID, AMOUNT, {"lang", "paspoort", "geldig"})
    assert span is not None and span.text(FAQ_VALID).startswith("5 jaar")
    span = best_span(FAQ_REPLY, AMOUNT, {"reactie", "brief"})
    assert span is not None and "2 tot 3 weken" in FAQ_REPLY[span.start - 6 : span.end + 10]


def test_footnote_marks_headings_and_the_article_are_not_amounts():
    # sentences of corpus/2021-12_kamerbrief_nader-advies-werkgroep-grensbelemmeringen.txt
    sentences = ["In april 2021 heb ik de reactie van het kabinet hierop aan uw Kamer gestuurd.1 Bij die gelegenheid "
                 "heb ik uw Kamer ook bericht dat de voorzitters van de werkgroep verzocht hebben.",
                 "Dit advies2, dat u aantreft bij deze brief, markeert ook het einde van de werkzaamheden.",
                 "2. De bestuurlijke organisatie van de grensoverschrijdende samenwerking tussen Nederland en "
                 "Vlaanderen",
                 "De werkgroep is sinds de zomer van 2019 bezig met een analyse van grensbelemmeringen."]
    assert [best_span(s, AMOUNT, {"werkgroep"}) for s in sentences] == [None] * len(sentences)
    counted = "In de vierde tranche zijn er 14 nieuwe Regio Deals gesloten."
    span = best_span(counted, AMOUNT, {"tranche"})
    assert span is not None and span.text(counted).startswith("14")


def test_a_count_is_answered_by_a_figure_of_what_it_counts():
    # corpus/2023-12-15_kamerbrief_voortgang-programma-regios-aan-de-grens.txt, two sentences joined
    sentence = ("In de eerste drie tranches zijn Regio Deals gesloten, voor in totaal 210 miljoen euro, en ook in de "
                "vierde tranche zijn er 14 nieuwe Regio Deals gesloten.")
    question = "Hoeveel nieuwe Regio Deals zijn er in de vierde tranche gesloten?"
    assert counted_words(question) == {"nieuwe", "regio", "deals"}
    span = best_span(sentence, asked_kind(question), set(words(question)), counted_words(question))
    assert span is not None and span.text(sentence) == "14 nieuwe"
    # without what it counts, the sum stands out, as before
    span = best_span(sentence, AMOUNT, set(words(question)))
    assert span is not None and span.text(sentence).startswith("210 miljoen euro")



def test_a_count_of_a_short_acronym_is_its_figure_not_a_stray_number():
    # corpus/2018-04-20_kamerbrief_grensoverschrijdende-samenwerking.txt as the PDF text has it, a
    # page number run into the sentence; what is counted ("ROC's") has three letters
    sentence = ("532 Voor het MBO zijn er inmiddels 14 ROC's die van de mogelijkheid gebruik maken om een "
                "keuzemodule in hun pakket op te nemen.")
    question = "Hoeveel ROC's bieden een keuzemodule aan?"
    span = best_span(sentence, asked_kind(question), set(words(question)), counted_words(question))
    assert span is not None and span.text(sentence).startswith("14 ROC")


def test_money_asked_is_answered_by_a_sum_not_a_count():
    counted = "De eerste deal is gesloten in vijf gemeenten aan de grens."
    assert best_span(counted, AMOUNT, {"deal"}) is not None
    assert best_span(counted, MONEY, {"deal"}) is None
    span = best_span(LETTER_BUDGET, MONEY, {"budget", "programma"})
    assert span is not None and span.text(LETTER_BUDGET).startswith("circa €450 miljoen")
    free = "Het aanvragen van een verklaring is gratis."
    span = best_span(free, MONEY, {"verklaring"})
    assert span is not None and span.text(free) == "gratis"


def test_a_year_is_not_an_amount_and_a_date_is_found():
    assert all(not LETTER_BUDGET[s.start:s.end].startswith("2017")
               for s in [best_span(LETTER_BUDGET, AMOUNT, set())] if s)
    span = best_span(LETTER_DATE, DATE, {"staatssecretaris", "rapportage"})
    assert span is not None and span.text(LETTER_DATE) == "23 januari 2018"


def test_a_reason_is_the_clause_a_causal_or_purpose_word_opens():
    # corpus/2021-12_kamerbrief_nader-advies-werkgroep-grensbelemmeringen.txt: the reason stands
    # before "derhalve", which opens the consequence
    question = "Waarom blijven grensbelemmeringen altijd bestaan?"
    sentence = ("Zo lang een grens vooral een scheidslijn is van twee rechtsgebieden, zullen bij grensoverschrijdend "
                "samenwerken altijd verschillen optreden en grensbelemmeringen zullen derhalve altijd blijven bestaan.")
    span = best_span(sentence, asked_kind(question), set(words(question)))
    assert span is not None and span.text(sentence) == "Zo lang een grens vooral een scheidslijn is van twee rechtsgebieden"
    # corpus/2022-05-13_kamerbrief_inzet-regios-aan-de-grens.txt
    sentence = ("Zeker in de regio's aan de grens is dit relevant, omdat inwoners, bedrijven en organisaties hier soms "
                "te maken hebben met andere uitwerking van beleid aan de andere kant van de grens.")
    span = best_span(sentence, REASON, {"waarom", "is", "dit", "relevant"})
    assert span is not None and span.text(sentence).startswith("omdat inwoners")
    assert best_span("De werkgroep bracht in december 2020 een advies uit.", REASON, set()) is None


def test_body_phrase_is_a_name_not_a_question_word():
    span = best_span(LETTER_BODIES, BODY, {"arbeidsbemiddeling", "uitvoeren"})
    assert span is not None
    # the names of bodies, whole; the one that repeats the question's own word is not the answer
    assert span.text(LETTER_BODIES) in {"UWV", "Duitse Agentur für Arbeit"}


def test_a_small_word_a_heading_left_capitalised_is_not_a_name():
    # the 2021 letter's text: a heading run into its paragraph, "De" capitalised inside the sentence
    sentence = ("Bestuurlijke werkgroep grensbelemmeringen De bestuurlijke werkgroep grensbelemmeringen, "
                "onder voorzitterschap van mevrouw Berx en de heer Donner, adviseert de regeringen.")
    spans = [s.text(sentence) for s in find_spans(sentence, BODY)]
    assert "De" not in spans and "Berx" in spans and "Donner" in spans


def test_no_phrase_of_a_kind_the_sentence_lacks():
    assert best_span(LETTER_BODIES, DATE, set()) is None


def test_phrases_in_the_readers_format():
    assert render_phrase("23 januari 2018", DATE, "de") == "23. Januar 2018"
    assert render_phrase("23 januari 2018", DATE, "en") == "23 January 2018"
    assert render_phrase("23 januari 2018", DATE, "fr") == "23 janvier 2018"
    assert render_phrase("€ 1,5 miljoen", AMOUNT, "en") == "€ 1.5 million"
    assert render_phrase("€ 1,5 miljoen", AMOUNT, "de") == "€ 1,5 Millionen"
    assert render_phrase("€ 1,5 miljoen", AMOUNT, "nl") == "€ 1,5 miljoen"
    assert render_phrase("€ 1,5 miljoen", MONEY, "en") == "€ 1.5 million"


def test_two_part_questions_split_at_a_second_question_word():
    assert question_parts("Wat vroeg de werkgroep, en wat deed het kabinet ermee?") == [
        "Wat vroeg de werkgroep", "wat deed het kabinet ermee"]
    assert question_parts("Wat doen Nederland en Duitsland samen?") == ["Wat doen Nederland en Duitsland samen?"]


def test_a_footnote_mark_glued_to_a_full_stop_ends_the_sentence():
    # as PDF text of the 2021 letter has it: the mark "1" after "gestuurd." and the next sentence
    text = ("In april 2021 heb ik de reactie van het kabinet hierop aan uw Kamer gestuurd.1 Bij die "
            "gelegenheid heb ik uw Kamer ook bericht dat de voorzitters van de werkgroep, mevrouw Berx en "
            "de heer Donner, verzocht hebben om de aanbevelingen nader te preciseren.")
    first, second = whole_sentences(text)
    assert first.endswith("gestuurd.1") and second.startswith("Bij die gelegenheid")
    # a number after an abbreviation or inside a figure is not a footnote mark
    for whole in ("Zie Kamerstuk 35 000, nr.1 Bij die brief hoort een bijlage.",
                  "Het gaat om versie 2.1 De tekst volgt."):
        assert whole_sentences(whole) == [whole]


def test_a_passage_sentences_start_after_its_section_heading():
    # a chunk of corpus/2023-12-15_kamerbrief_voortgang-programma-regios-aan-de-grens.txt as the
    # chunker writes it: its section heading, then the first sentence
    text = ("Pakket Wind in de zeilen Het pakket «Wind in de zeilen» is een goed voorbeeld van een langjarige, "
            "integrale en gebiedsgerichte inzet. Het Rijk werkt daarin samen met de provincie Zeeland.")
    first, second = passage_sentences(text, "Pakket Wind in de zeilen")
    assert first.startswith("Het pakket «Wind in de zeilen»") and second.startswith("Het Rijk")
    # a passage that does not open with its heading keeps its text
    assert passage_sentences(text, "Regio Deals")[0].startswith("Pakket Wind in de zeilen Het pakket")
