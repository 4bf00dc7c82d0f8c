"""Property-based: cleaning and chunking never crash and never lose a word silently."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunk import chunk_document
from ingest.clean import clean_pages
from kb.records import Document, Page

_WORDS = st.sampled_from(["grens", "regio", "samenwerking", "Kamer", "de", "het", "Pagina", "1.", "Spoor 2:",
                          "voorzie-", "ningen", "Staten-", "Generaal", "wet-", "en", "¹", "<sup>2</sup>", "#",
                          "Betreft", "2020", "€", "ï", "\u00ad", "—", "*", "-", ".", "?", "\t"])
_LINE = st.lists(_WORDS, min_size=0, max_size=14).map(" ".join)
_PAGE = st.lists(_LINE, min_size=0, max_size=25).map("\n".join)
_DOC = Document(doc_id="d", source="d.pdf", sha256="", title="T")


def _content_words(text: str) -> set[str]:
    # Hyphen joins change word forms; compare on letters only, as the scorer does.
    return set(re.findall(r"[^\W\d_]{3,}", text.replace("-", "").replace("\u00ad", "")))


@settings(max_examples=150, deadline=None)
@given(st.lists(_PAGE, min_size=1, max_size=4), st.integers(40, 300))
def test_every_cleaned_word_reaches_a_chunk(pages, chunk_words):
    cleaned = clean_pages([Page(i + 1, t) for i, t in enumerate(pages)])
    chunks = chunk_document(_DOC, cleaned, chunk_words=chunk_words, overlap_words=chunk_words // 5)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    in_chunks = _content_words(" ".join(c.text for c in chunks))
    assert _content_words("\n".join(p.text for p in cleaned)) <= in_chunks
    assert all(c.page in range(1, len(pages) + 1) for c in chunks)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_never_crashes(text):
    cleaned = clean_pages([Page(None, text)])
    chunk_document(_DOC, cleaned)


_META_WORDS = st.sampled_from(["Betreft:", "Datum", "Kenmerk", "Den Haag,", "9 maart 2020", "31 februari 2021",
                               "2020-13-45", "Kamerstuk", "32 851, nr. 79", "nr.", "Ons kenmerk", "Minister", "van",
                               "Binnenlandse Zaken", "Advies", "Roadmap", "Factsheet", "\u200b", "\x00", "🙂", "ß"])
_META_TEXT = st.one_of(st.text(max_size=600),
                       st.lists(st.one_of(_META_WORDS, st.text(max_size=12)), max_size=60).map(" ".join))


@settings(max_examples=200, deadline=None)
@given(_META_TEXT, _META_TEXT, st.text(max_size=80))
def test_metadata_is_valid_whatever_the_text(raw, tail, name):
    from datetime import date

    from ingest.metadata import merge_metadata, metadata_from_filename, metadata_from_text
    from ingest.sources import doc_id_for
    from kb.records import DOC_TYPES

    source = (name.replace("/", "_") or "x") + ".txt"
    values, sources = merge_metadata(("text", metadata_from_text(raw, tail)),
                                     ("filename", metadata_from_filename(source)))
    assert values["doc_type"] in DOC_TYPES and set(sources) <= set(values)
    if "date" in values:  # always a real calendar date (or month), never '31 februari'
        date.fromisoformat(values["date"] if len(values["date"]) == 10 else values["date"] + "-01")
    assert all(isinstance(v, str) and "\x00" not in v for v in values.values())
    doc_id = doc_id_for(source)
    assert doc_id and "/" not in doc_id
