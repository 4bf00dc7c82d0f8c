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

log = logging.getLogger(__name__)

DICTD_DIR = Path("/usr/share/dictd")
CODES = {"de": "deu", "en": "eng", "fr": "fra"}
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SENSE = re.compile(r"^\s*(?:\d+\.\s*)?(.+)$")
_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>|/[^/]*/")
MAX_ENTRY_BYTES = 20_000  # an entry longer than this is not a word's translations
MAX_SENSES = 12


def _number(text: str) -> int:
    n = 0
    for c in text:
        n = n * 64 + _B64.index(c)
    return n


def read_dictd(index: Path, data: Path) -> dict[str, list[str]]:
    """headword (lower case) -> its translations, most common sense first."""
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
        words = [w for s in entry for w in _translations(s)]
        if words:
            out.setdefault(parts[0].lower(), []).extend(w for w in words if w not in out.get(parts[0].lower(), []))
    return out


def _translations(sense: str) -> list[str]:
    m = _SENSE.match(_NOTE.sub(" ", sense))
    if not m:
        return []
    text = unicodedata.normalize("NFKC", m.group(1))  # FreeDict writes Dutch 'ij' as one letter
    return [w.strip().lower() for w in text.split(",") if w.strip() and len(w.split()) <= 3][:MAX_SENSES]


class Dictionaries:
    """Foreign word -> Dutch words, per language, loaded on first use."""

    def __init__(self, directory: Path = DICTD_DIR) -> None:
        self.directory = directory
        self._maps: dict[str, dict[str, list[str]]] | None = None
        self._lock = threading.Lock()
        self.loaded: list[str] = []

    def _load(self) -> dict[str, dict[str, list[str]]]:
        with self._lock:
            if self._maps is None:
                self._maps = {lang: self._load_language(code) for lang, code in CODES.items()}
            return self._maps

    def _load_language(self, code: str) -> dict[str, list[str]]:
        merged: dict[str, list[str]] = defaultdict(list)
        for name, reverse in ((f"freedict-{code}-nld", False), (f"freedict-nld-{code}", True)):
            index, data = self.directory / f"{name}.index", self.directory / f"{name}.dict.dz"
            if not (index.exists() and data.exists()):
                continue
            try:
                table = read_dictd(index, data)
            except (OSError, ValueError, EOFError) as exc:
                log.warning("dictionary %s skipped: %s", index, exc)
                continue
            self.loaded.append(name)
            for head, words in table.items():
                for w in words:
                    src, dst = (w, head) if reverse else (head, w)
                    if dst not in merged[src]:
                        merged[src].append(dst)
        return dict(merged)

    def translate(self, word: str, lang: str) -> list[str]:
        """Dutch words for a German, English or French word (lower case), commonest sense first."""
        return list(self._load().get(lang, {}).get(word.lower(), []))

    def headwords(self, lang: str) -> frozenset[str]:
        return frozenset(self._load().get(lang, {}))

    def names(self) -> list[str]:
        self._load()
        return list(self.loaded)
