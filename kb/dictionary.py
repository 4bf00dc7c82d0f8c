"""Bilingual dictionaries for the keyword index: German, English and French words to Dutch.

Reads FreeDict's dictd files (Debian packages dict-freedict-{deu,eng,fra}-nld and the reverse
nld-{deu,eng,fra}; GPL) with the standard library: a `.index` of headword, offset and length in
dictd's base64, and a gzip'd `.dict.dz` of entries. Both directions are used: the reverse one is
inverted (a Dutch headword whose translation is the foreign word). Absent files are skipped; the
product runs without them (kb stats lists what is loaded)."""

from __future__ import annotations

import gzip
import logging
import re
import threading
import unicodedata
from collections import defaultdict
from pathlib import Path

from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH, STOPWORDS_GERMAN

log = logging.getLogger(__name__)

DICTD_DIR = Path("/usr/share/dictd")
CODES = {"de": "deu", "en": "eng", "fr": "fra"}
_STOPWORDS = {"deu": frozenset(STOPWORDS_GERMAN), "eng": frozenset(STOPWORDS_EN), "fra": frozenset(STOPWORDS_FRENCH)}
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SENSE = re.compile(r"^\s*(?:\d+\.\s*)?(.+)$")
_PLAIN_WORDS = re.compile(r"^[^\W\d_]+(?:[ '’-][^\W\d_]+)*$")  # not 'co-', '...', 'a/b'
_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>|/[^/]*/")
MAX_ENTRY_BYTES = 20_000  # an entry longer than this is not a word's translations
MAX_SENSES = 12
LOST_SPACES = 0.005  # share of senses with a space below which a dictionary lost its spaces


def _number(text: str) -> int:
    n = 0
    for c in text:
        n = n * 64 + _B64.index(c)
    return n


def read_dictd(index: Path, data: Path, keep_case: bool = False) -> dict[str, list[str]]:
    """headword (lower case) -> its translations in the order given, lower case unless
    `keep_case` (a German noun glossed for a reader keeps its capital)."""
    with gzip.open(data) as fh:
        raw = fh.read()
    out: dict[str, list[str]] = {}
    for line in index.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00database"):
            continue
        start, length = _number(parts[1]), _number(parts[2])
        if length > MAX_ENTRY_BYTES:
            continue
        entry = raw[start : start + length].decode("utf-8", "replace").splitlines()[1:]
        words = [w for s in entry for w in _translations(s, keep_case)]
        head = unicodedata.normalize("NFKC", parts[0]).lower()  # 'zuidelĳk' is 'zuidelijk'
        if words:
            known = out.setdefault(head, [])
            known.extend(w for w in words if w not in known)
    return out


def _translations(sense: str, keep_case: bool = False) -> list[str]:
    m = _SENSE.match(_NOTE.sub(" ", sense))
    if not m:
        return []
    text = unicodedata.normalize("NFKC", m.group(1))  # FreeDict writes Dutch 'ij' as one letter
    found = [w.strip() for w in text.split(",") if w.strip() and len(w.split()) <= 3][:MAX_SENSES]
    return found if keep_case else [w.lower() for w in found]


class Dictionaries:
    """Foreign word -> Dutch words (for the keyword index) and Dutch word -> the reader's word (for
    glosses in answers), per language, loaded on first use."""

    def __init__(self, directory: Path = DICTD_DIR) -> None:
        self.directory = directory
        self._maps: dict[str, _Language] | None = None
        self._lock = threading.Lock()
        self.loaded: list[str] = []

    def _load(self) -> dict[str, _Language]:
        with self._lock:
            if self._maps is None:
                self._maps = {lang: self._load_language(code) for lang, code in CODES.items()}
            return self._maps

    def _load_language(self, code: str) -> _Language:
        tables: dict[bool, dict[str, list[str]]] = {}
        for name, reverse in ((f"freedict-{code}-nld", False), (f"freedict-nld-{code}", True)):
            index, data = self.directory / f"{name}.index", self.directory / f"{name}.dict.dz"
            if not (index.exists() and data.exists()):
                continue
            try:
                tables[reverse] = read_dictd(index, data, keep_case=reverse)
            except (OSError, ValueError, EOFError) as exc:
                log.warning("dictionary %s skipped: %s", index, exc)
                continue
            self.loaded.append(name)
        return _Language(tables.get(False, {}), tables.get(True, {}), _STOPWORDS.get(code, frozenset()))

    def translate(self, word: str, lang: str) -> list[str]:
        """Dutch words for a German, English or French word (lower case), commonest sense first."""
        table = self._load().get(lang)
        return list(table.to_dutch.get(word.lower(), [])) if table else []

    def senses(self, dutch: str, lang: str) -> list[str]:
        """Words in the reader's language for a Dutch word (lower case): the Dutch entry's senses,
        then foreign words whose entry gives the Dutch word; unordered by frequency."""
        table = self._load().get(lang)
        return table.senses(dutch.lower()) if table else []

    def headwords(self, lang: str) -> frozenset[str]:
        table = self._load().get(lang)
        return frozenset(table.to_dutch) if table else frozenset()

    def names(self) -> list[str]:
        self._load()
        return list(self.loaded)


class _Language:
    """One language's two dictionaries: `foreign` (foreign headword -> Dutch) and `dutch` (Dutch
    headword -> foreign), each also read backwards."""

    def __init__(self, foreign: dict[str, list[str]], dutch: dict[str, list[str]],
                 stopwords: frozenset[str] = frozenset()) -> None:
        self.foreign, self.dutch = foreign, dutch
        self.to_dutch: dict[str, list[str]] = defaultdict(list)
        for head, ws in foreign.items():
            self.to_dutch[head].extend(ws)
        for head, ws in dutch.items():
            for w in ws:
                if head not in self.to_dutch[w.lower()]:
                    self.to_dutch[w.lower()].append(head)
        self.to_dutch = dict(self.to_dutch)
        self.from_dutch: dict[str, list[str]] = defaultdict(list)
        for head, ws in foreign.items():
            for w in ws:
                self.from_dutch[w].append(head)
        self.from_dutch = dict(self.from_dutch)
        # FreeDict's nld-eng lost nearly all its spaces ('labourmarket', 'inwhich'; 94 of 45,061
        # senses have one, against 3% and 8% in nld-deu and nld-fra): in a dictionary like that, a
        # sense that is two of the language's words run together is dropped.
        senses = [w for ws in dutch.values() for w in ws]
        lost_spaces = sum(" " in w for w in senses) < LOST_SPACES * len(senses)
        self._words = (frozenset(w.lower() for w in [*senses, *foreign] if " " not in w and len(w) >= 3) | stopwords
                       if lost_spaces else None)

    def _run_together(self, word: str) -> bool:
        """Whether `word` is two or more of the language's words without spaces ('inaccordancewith')."""
        known = self._words
        word = word.lower()
        if known is None or word in self.foreign or len(word) < 4:
            return False
        split = [False] * (len(word) + 1)  # split[i]: word[:i] is a run of known words
        split[0] = True
        for end in range(2, len(word) + 1):
            split[end] = any(split[start] and word[start:end] in known
                             for start in range(0 if end < len(word) else 2, end - 1))
        return split[len(word)]

    def senses(self, word: str) -> list[str]:
        own = [w for w in self.dutch.get(word, []) if not self._run_together(w)]
        out: dict[str, str] = {}  # lower case -> the first spelling given
        for w in own + self.from_dutch.get(word, []):
            if _PLAIN_WORDS.match(w):
                out.setdefault(w.lower(), w)
        return list(out.values())
