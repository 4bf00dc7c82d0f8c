"""Dutch words in a quote glossed once in the reader's language: 'stikstof [nitrogen]'.

The quote stays as the document has it; a German, English or French reader gets the words a
dictionary can translate, each once per answer. The dictionaries (kb.dictionary) propose the
translations; the model's multilingual space chooses among them (the sense nearest the Dutch
word) and drops a word whose best sense is not near enough: FreeDict lists senses without an
order of frequency ('leven': ado, din, noise, live, life), and a wrong gloss is worse than none.
A word with a single sense is glossed with it: e5 places single words loosely (positief/positive
0.85), and a dictionary that knows one translation is right more often than that cosine."""

from __future__ import annotations

import re
import threading

import numpy as np

from kb.dictionary import Dictionaries
from kb.embed import Embedder
from kb.lexical import STOPWORDS
from kb.spelling import fold_accents

# Cosine between a Dutch word and its best sense below which an ambiguous word gets no gloss. e5's
# cosines between single words crowd into 0.83-0.98; on the letters' words a right sense measured
# 0.90-0.98 (natuur/nature 0.94, gemeente/municipality 0.90) and far senses 0.85-0.89
# (inzet/intonation). A look-alike can still win (kamer/kamera 0.96): the threshold only removes
# the senses that are far from everything.
GLOSS_SIMILARITY = 0.90
MAX_CACHED = 50_000
MAX_SENSES = 6  # senses the model chooses among; FreeDict lists up to a dozen
_GLOSSED = re.compile(r"(\w+) \[")
_WORD = re.compile(r"(?<![\w\[-])([^\W\d_]{4,})(?![\w-])(?! \[)")
# Dutch inflections tried when the dictionary lacks the form as written (regio's, grensoverschrijdende).
_ENDINGS = ("'s", "’s", "en", "e", "s", "n")


class Glosser:
    """Glosses for one embedder, cached per language and word."""

    def __init__(self, dictionaries: Dictionaries, similarity: float = GLOSS_SIMILARITY) -> None:
        self.dictionaries = dictionaries
        self.similarity = similarity
        self._cache: dict[tuple[str, str, str], str | None] = {}
        self._lock = threading.Lock()

    def gloss(self, text: str, lang: str, embedder: Embedder, seen: set[str],
              asked: dict[str, str] | None = None, focus: str = "") -> str:
        """`text` with its words' glosses after their first use in the answer (`seen` holds the
        words glossed so far and is updated). `asked` maps Dutch words to the reader's own words
        for them (from the question), which come before the dictionaries'; the dictionaries gloss
        only the words of `focus` (the sentence that answers), so that the answer is not buried
        in brackets and the model is asked about few words."""
        if lang not in ("de", "en", "fr"):
            return text
        asked = asked or {}
        seen.update(m.group(1).lower() for m in _GLOSSED.finditer(text))  # names kb.glossary glossed
        words = {m.group(1).lower() for m in _WORD.finditer(focus)} - STOPWORDS - seen - set(asked)
        glosses = {**self.lookup(sorted(words), lang, embedder), **asked}

        def mark(m: re.Match[str]) -> str:
            word = m.group(1).lower()
            target = glosses.get(word)
            if not target or word in seen:
                return m.group(0)
            seen.add(word)
            return f"{m.group(0)} [{target}]"

        return _WORD.sub(mark, text)

    def lookup(self, words: list[str], lang: str, embedder: Embedder) -> dict[str, str | None]:
        """Each word's gloss (None when there is none), embedding only words not seen before."""
        model = getattr(embedder, "model_id", "")
        with self._lock:
            known = {w: self._cache[(model, lang, w)] for w in words if (model, lang, w) in self._cache}
        todo = {w: self._senses(w, lang) for w in words if w not in known}
        found: dict[str, str | None] = {w: s[0] for w, s in todo.items() if len(s) == 1}
        ambiguous = {w: s for w, s in todo.items() if len(s) > 1}
        if ambiguous:
            found.update(self._choose(ambiguous, embedder))
        with self._lock:
            if len(self._cache) > MAX_CACHED:
                self._cache.clear()
            for w in words:
                if w not in known:
                    self._cache[(model, lang, w)] = found.get(w)
        return {**known, **{w: found.get(w) for w in words if w not in known}}

    def _senses(self, word: str, lang: str) -> list[str]:
        senses = self.dictionaries.senses(word, lang)
        for ending in _ENDINGS:
            if senses or not word.endswith(ending) or len(word) - len(ending) < 4:
                continue
            senses = self.dictionaries.senses(word[: -len(ending)], lang)
        # A word the reader's language writes alike ('match', 'thema' in German) needs no gloss.
        return [] if any(_plain(s) == _plain(word) for s in senses) else senses[:MAX_SENSES]

    def _choose(self, senses: dict[str, list[str]], embedder: Embedder) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for w, ranked in by_similarity(senses, embedder).items():
            best, sim = ranked[0]
            out[w] = best if sim >= self.similarity else None
        return out

def by_similarity(candidates: dict[str, list[str]], embedder: Embedder) -> dict[str, list[tuple[str, float]]]:
    """Each word's candidates with their cosine to it in the model's space, nearest first (ties in
    the given order); one embedding call for all."""
    texts = [t for w, cs in candidates.items() for t in [w, *cs]]
    vectors = np.asarray(embedder.embed_passages(texts), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    out: dict[str, list[tuple[str, float]]] = {}
    i = 0
    for w, cs in candidates.items():
        sims = vectors[i + 1 : i + 1 + len(cs)] @ vectors[i]
        out[w] = [(cs[j], float(sims[j])) for j in np.argsort(-sims, kind="stable")]
        i += 1 + len(cs)
    return out


def _plain(word: str) -> str:
    return fold_accents(word.lower())
