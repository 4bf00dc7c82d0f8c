"""A German, English or French query's content words as the corpus's own Dutch words, for the
Dutch keyword index. Two sources: the corpus's words nearest in the model's multilingual space
(kb.wordspace), and bilingual dictionaries (kb.dictionary), German compounds split into words the
dictionary knows (Grenzpendler -> Grenz + Pendler). Only words the corpus writes are kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH, STOPWORDS_GERMAN

from kb.dictionary import Dictionaries
from kb.embed import Embedder
from kb.gloss import Glosser, by_similarity
from kb.lexical import Decompounder
from kb.settings import Settings
from kb.store import StoreReader
from kb.wordspace import WordSpaceCache

STOPWORDS = {"de": frozenset(STOPWORDS_GERMAN), "en": frozenset(STOPWORDS_EN_PLUS),
             "fr": frozenset(STOPWORDS_FRENCH)}
# German linking elements: Grenz-Pendler, Arbeit-s-markt, Straße-n-bahn, Kind-er-garten
GERMAN_LINKS = ("", "s", "es", "n", "en", "e", "er")
SENSES = 2  # senses kept per word; more add noise
MAX_SENSES = 12  # senses read per word, before the corpus and the model choose
MAX_CACHED = 50_000
_WORD = re.compile(r"[\w'-]+")
# Cosine at which a corpus word counts as a translation, and how close to the best a second one
# must be; chosen on held-out folds by bench/crosslingual.py.
WORD_SIMILARITY = 0.93
RUNNER_UP = 0.01


@dataclass(frozen=True)
class Translation:
    words: tuple[str, ...]  # the query's own content words
    dutch: tuple[str, ...]  # Dutch words for them, commonest sense first, no repeats
    coverage: float  # share of the content words that got a Dutch word
    pairs: tuple[tuple[str, str], ...] = ()  # (Dutch word, the query's word as written it stands for)


def _bare(word: str) -> str:
    """A query word without quotes and a possessive around it: "'Regio's" -> "Regio"."""
    return re.sub(r"['’]s$", "", word).strip("'’-") or word


def content_words(query: str, lang: str) -> list[str]:
    stop = STOPWORDS.get(lang, frozenset())
    return [w for w in _WORD.findall(query) if w.lower() not in stop and not w.isdigit() and len(w) > 1]


def translate_words(words: list[str], lang: str, dictionaries: Dictionaries | None) -> Translation:
    if dictionaries is None or not words:
        return Translation(tuple(words), (), 0.0)
    dutch: list[str] = []
    translated = 0
    for w in words:
        found = translate_word(w.lower(), lang, dictionaries)
        translated += bool(found)
        dutch.extend(d for d in found if d not in dutch)
    return Translation(tuple(words), tuple(dutch), translated / len(words))


def translate_word(word: str, lang: str, dictionaries: Dictionaries, senses: int = SENSES) -> list[str]:
    """Dutch words for one word, its first `senses`; for a German compound the dictionary lacks,
    its parts' words and the Dutch compound they make (grenz + pendler -> grens, pendelaar,
    grenspendelaar)."""
    found = dictionaries.translate(word, lang)[:senses]
    if found or lang != "de":
        return found
    parts = german_parts(word, dictionaries)
    per_part = [dictionaries.translate(p, lang)[:1] or dictionaries.translate(p + "e", lang)[:1] for p in parts]
    if not parts or not all(per_part):
        return []
    words = [p[0] for p in per_part]
    joined = "".join(words) if all(" " not in w for w in words) else ""
    return [w for w in [*words, joined] if w]


def german_parts(word: str, dictionaries: Dictionaries) -> list[str]:
    return _german_decompounder(dictionaries).split(word)


@lru_cache(maxsize=4)
def _german_decompounder(dictionaries: Dictionaries) -> Decompounder:
    # a stem like 'grenz' (of Grenze) is a part too: the headwords with a final -e dropped
    heads = dictionaries.headwords("de")
    return Decompounder(heads | {h[:-1] for h in heads if h.endswith("e")}, links=GERMAN_LINKS)


class Translator:
    """Dutch keywords for a foreign query, from whichever sources are present."""

    def __init__(self, dictionaries: Dictionaries | None = None, words: WordSpaceCache | None = None,
                 similarity: float = WORD_SIMILARITY) -> None:
        self.dictionaries = dictionaries
        self.words = words
        self.similarity = similarity
        self.glosser = Glosser(dictionaries) if dictionaries is not None else None
        self._senses: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}  # see _likeliest

    def translate(self, query: str, lang: str, store: StoreReader, embedder: Embedder) -> Translation:
        own = content_words(query, lang)
        lower = [w.lower() for w in own]
        if not own:
            return Translation((), (), 0.0)
        known = store.term_stats((), lower).known  # names and words Dutch shares ('Benelux')
        found: dict[str, list[str]] = {w: [w] for w in lower if w in known}
        rest = [w for w in dict.fromkeys(lower) if w not in found]
        for w, near in self._nearest(rest, embedder).items():
            found.setdefault(w, []).extend(near)
        senses: dict[str, list[str]] = {}
        if self.dictionaries is not None:
            senses = {w: translate_word(w, lang, self.dictionaries, MAX_SENSES) for w in rest}
        candidates = sorted({d for ds in [*found.values(), *senses.values()] for d in ds})
        corpus = store.term_stats((), [d for d in candidates if " " not in d]).known
        present = {w: [d for d in ds if d in corpus] for w, ds in senses.items()}
        for w, ds in self._likeliest(present, embedder).items():
            found.setdefault(w, []).extend(ds)
        kept = {w: [d for d in ds if d in corpus or d in known] for w, ds in found.items()}
        dutch = tuple(dict.fromkeys(d for ds in kept.values() for d in ds))
        written = {w.lower(): _bare(w) for w in own}
        pairs = tuple((d, written[w]) for w, ds in kept.items() for d in ds if d != written[w].lower())
        return Translation(tuple(own), dutch, sum(bool(kept.get(w)) for w in lower) / len(lower), pairs)

    def _likeliest(self, senses: dict[str, list[str]], embedder: Embedder) -> dict[str, list[str]]:
        """Of a word's dictionary senses that the corpus writes, the SENSES nearest the word in the
        model's space: FreeDict's order is not one of frequency ('border': band, boord, kant,
        landsgrens, ...), so its first senses are often not the corpus's. Cached per model, word
        and senses: users ask about the same things in the same words."""
        model = getattr(embedder, "model_id", "")
        out = {w: ds for w, ds in senses.items() if len(ds) <= SENSES}
        many = {w: ds for w, ds in senses.items() if len(ds) > SENSES}
        for w, ds in list(many.items()):
            if (cached := self._senses.get((model, w, tuple(ds)))) is not None:
                out[w] = cached
                del many[w]
        if not many:
            return out
        if len(self._senses) > MAX_CACHED:
            self._senses.clear()
        for w, ranked in by_similarity(many, embedder).items():
            out[w] = self._senses[(model, w, tuple(many[w]))] = [d for d, _ in ranked[:SENSES]]
        return out

    def _nearest(self, words: list[str], embedder: Embedder) -> dict[str, list[str]]:
        space = self.words.get() if self.words is not None else None
        if space is None or not words or space.model_id != getattr(embedder, "model_id", ""):
            return {}
        out: dict[str, list[str]] = {}
        for w, near in zip(words, space.nearest(embedder.embed_passages(words), k=2), strict=True):
            if near and near[0][1] >= self.similarity:
                out[w] = [d for d, sim in near if sim >= near[0][1] - RUNNER_UP]
        return out

    def sources(self) -> list[str]:
        """What this translator draws on, for kb stats."""
        names = list(self.dictionaries.names()) if self.dictionaries is not None else []
        if self.words is not None and self.words.get() is not None:
            names.append("wordspace")
        return names


def make_translator(settings: Settings) -> Translator:
    """The dictionaries in KB_DICTIONARY_DIR (when there are any) and the index's word space."""
    return Translator(Dictionaries(settings.dictionary_dir), WordSpaceCache(settings.index_dir))
