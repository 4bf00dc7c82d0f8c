"""What is in the corpus, and what changed since the last build (sha256 per file)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.extract import SUFFIXES
from kb.records import Document, FailedFile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceFile:
    source: str  # relative to its corpus root, POSIX style
    path: Path
    sha256: str
    root: Path
    aliases: tuple[str, ...] = ()  # other names of the same content, indexed once under `source`


@dataclass
class Plan:
    added: list[SourceFile] = field(default_factory=list)
    changed: list[SourceFile] = field(default_factory=list)
    removed: list[Document] = field(default_factory=list)
    unchanged: list[Document] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def scan(paths: Iterable[Path]) -> tuple[list[SourceFile], list[FailedFile], bool]:
    """Supported files under the given directories and files; the flag says whether the scan
    covers whole corpora (then documents missing from it were removed) or single files."""
    files: list[SourceFile] = []
    failed: list[FailedFile] = []
    whole = True
    for p in paths:
        if p.is_dir():
            _scan_dir(p, files, failed)
        elif p.is_file():
            whole = False
            _add(p, p.parent, files, failed)
        else:
            failed.append(FailedFile(str(p), "bestaat niet"))
    return files, failed, whole


def _scan_dir(root: Path, files: list[SourceFile], failed: list[FailedFile]) -> None:
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(real_root):
                failed.append(FailedFile(path.relative_to(root).as_posix(),
                                         "symbolische link naar buiten het corpus; niet gevolgd"))
                continue
            _add(path, root, files, failed)


def _add(path: Path, root: Path, files: list[SourceFile], failed: list[FailedFile]) -> None:
    source = path.relative_to(root).as_posix()
    try:
        files.append(SourceFile(source, path, sha256_file(path), root))
    except OSError as e:
        failed.append(FailedFile(source, f"niet leesbaar ({e.strerror or e})"))


def collapse_duplicates(files: list[SourceFile], indexed: Iterable[str]) -> list[SourceFile]:
    """One file per distinct content; the others become its aliases. The name already in the
    index stays the primary one, so a copy appearing later does not move the document."""
    known = set(indexed)
    groups: dict[str, list[SourceFile]] = {}
    for f in files:
        groups.setdefault(f.sha256, []).append(f)
    out = []
    for group in groups.values():
        group.sort(key=lambda f: (f.source not in known, f.source.count("/"), f.source))
        first = group[0]
        out.append(replace(first, aliases=tuple(f.source for f in group[1:])))
    return sorted(out, key=lambda f: f.source)


def doc_id_for(source: str) -> str:
    """Readable and stable: the path without its extension, in safe characters. Where characters
    had to be replaced, a short hash of the name keeps two such names ('brief 😀', 'brief 🎉') apart."""
    stem = source.rsplit(".", 1)[0] if "." in Path(source).name else source
    safe = re.sub(r"[^\w./-]+", "_", stem).strip("_") or "document"
    if safe != stem:
        safe += "-" + hashlib.sha1(source.encode()).hexdigest()[:8]
    return safe


def plan_changes(files: list[SourceFile], indexed: list[Document], whole: bool, full: bool) -> Plan:
    by_source = {d.source: d for d in indexed}
    plan = Plan()
    seen = set()
    for f in files:
        seen.add(f.source)
        prev = by_source.get(f.source)
        if prev is None:
            plan.added.append(f)
        elif full or prev.sha256 != f.sha256 or prev.aliases != f.aliases:
            plan.changed.append(f)
        else:
            plan.unchanged.append(prev)
    for d in indexed:
        if d.source not in seen:
            (plan.removed if whole else plan.unchanged).append(d)
    return plan
