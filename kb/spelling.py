"""Words as people type them: a query word that is neither in the corpus nor a Dutch word is
joined by the corpus word one edit away (a letter missing, extra, swapped or wrong, an accent left
off), the commonest when there are several. The Dutch word list (pyspellchecker's, from subtitle
frequencies) keeps real words the corpus happens not to use ('hadden', 'waarom') from being
'corrected' into others ('handen', 'daarom'). Lower case, missing apostrophes and compounds written
together are already handled by kb.lexical (lower-casing, the 's suffix, compound parts)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from kb.lexical import stem_words
from kb.store import StoreReader

_LETTERS = "abcdefghijklmnopqrstuvwxyzàáâäèéêëïíîóôöúûüç"
# Shorter words have too many neighbours that are other real words (raad/rand/road).
MIN_LETTERS = 6
MAX_WORDS = 8  # per query: the bound on how many neighbours one query may ask the store about


def neighbours(word: str) -> set[str]:
    """Every string one edit away from `word`, and its accent-folded and accented forms."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    out |= {a + c + b for a, b in splits for c in _LETTERS}
    out.add(fold_accents(word))
    out.discard(word)
    return out


def fold_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def dutch_words() -> frozenset[str]:
    from spellchecker import SpellChecker

    return frozenset(SpellChecker(language="nl", distance=1).word_frequency.keys())


def corrections(ws: Sequence[str], store: StoreReader) -> dict[str, str]:
    """word -> the corpus word to search for instead, for the query words the corpus lacks."""
    lexicon = dutch_words()
    asked = [w for w in dict.fromkeys(ws) if len(w) >= MIN_LETTERS and w.isalpha() and w not in lexicon]
    if not asked:
        return {}
    in_corpus = store.term_stats((), asked).known
    unknown = [w for w in asked if w not in in_corpus][:MAX_WORDS]
    if not unknown:
        return {}
    near = {w: sorted(neighbours(w)) for w in unknown}
    candidates = sorted({n for ns in near.values() for n in ns if len(n) >= 4})
    stem_of = dict(zip(candidates, stem_words(candidates), strict=True))
    stats = store.term_stats(list(stem_of.values()), candidates)
    out: dict[str, str] = {}
    for w, ns in near.items():
        found = [n for n in ns if n in stats.known]
        if found:
            out[w] = max(found, key=lambda n: (stats.df.get(stem_of[n], 0), n))
    return out
