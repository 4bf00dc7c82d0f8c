"""Operator actions for the app (sign-in is kb.access): accepting an uploaded file into the corpus, and a
re-index that runs beside the service (readers keep the old generation until it is ready)."""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.extract import SUFFIXES
from ingest.pipeline import build_index
from kb.embed import make_embedder
from kb.records import BuildReport
from kb.settings import Settings
from kb.store import Manifest, Store, StoreError

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOAD_SUFFIXES = (".pdf", ".txt", ".html", ".htm", ".docx")
assert set(UPLOAD_SUFFIXES) <= set(SUFFIXES)
_MAGIC = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04"}


class UploadRefused(ValueError):
    """An upload that is not taken in; the message (Dutch) says why."""


def safe_name(name: str) -> str:
    """A plain file name for the corpus: no directories, no hidden files, no odd characters."""
    base = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = re.sub(r"[^\w.\- ]+", "_", stem).strip(" ._")[:120]
    if not stem:
        raise UploadRefused("de bestandsnaam is leeg of ongeldig")
    return f"{stem}{suffix}"


def corpus_roots(settings: Settings, manifest: Manifest | None) -> list[Path]:
    """The corpus the live index was built from (recorded in its manifest), else the configured one."""
    recorded = (manifest.extra.get("corpus_roots") if manifest else None) or []
    return [Path(p) for p in recorded] or [settings.corpus_dir]


def accept_upload(corpus: Path, uploaded: Path, original_name: str) -> Path:
    """Copy an uploaded file into the corpus (uploads/); refuse wrong types and sizes."""
    name = safe_name(original_name)
    suffix = Path(name).suffix
    if suffix not in UPLOAD_SUFFIXES:
        raise UploadRefused(f"{name}: bestandstype {suffix or '(geen)'} niet toegestaan; "
                            f"toegestaan zijn {', '.join(UPLOAD_SUFFIXES)}")
    size = uploaded.stat().st_size
    if size == 0:
        raise UploadRefused(f"{name}: het bestand is leeg")
    if size > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"{name}: te groot ({size // 1_000_000} MB); maximaal "
                            f"{MAX_UPLOAD_BYTES // 1_000_000} MB")
    magic = _MAGIC.get(suffix)
    if magic and _head(uploaded, len(magic)) != magic:
        raise UploadRefused(f"{name}: de inhoud is geen {suffix[1:].upper()}-bestand")
    if corpus.is_file():
        raise UploadRefused("de index is gebouwd uit losse bestanden; uploaden kan alleen in een corpusmap")
    target_dir = corpus / "uploads"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    if target.exists():
        raise UploadRefused(f"{name}: er staat al een bestand met deze naam in de corpus")
    tmp = target_dir / f".upload-{secrets.token_hex(6)}{suffix}"
    shutil.copyfile(uploaded, tmp)
    tmp.replace(target)
    return target


RETIRED_DIR = ".verwijderd"  # hidden, so scans skip it; an operator can move a file back


def retire_document(roots: list[Path], source: str) -> Path:
    """Move an indexed document's file out of the scanned corpus into its `.verwijderd/` folder.
    Nothing is destroyed. `source` must name a file inside one of the corpus roots."""
    for root in roots:
        real_root = root.resolve()
        path = (root / source).resolve()
        if root.is_dir() and path.is_relative_to(real_root) and path != real_root and path.is_file():
            bin_dir = real_root / RETIRED_DIR
            bin_dir.mkdir(exist_ok=True)
            target = bin_dir / f"{secrets.token_hex(3)}-{path.name}"
            path.replace(target)
            return target
    raise UploadRefused(f"{Path(source).name}: geen bestand in de corpus; niets verwijderd")


def _head(path: Path, size: int) -> bytes:
    with open(path, "rb") as fh:  # only the first bytes: an upload may be 50 MB
        return fh.read(size)


@dataclass(frozen=True)
class ReindexStatus:
    running: bool
    report: BuildReport | None
    error: str


class Reindexer:
    """One re-index at a time, in a background thread; the service keeps answering meanwhile."""

    def __init__(self, settings: Settings, open_store: Callable[[Settings], Store]) -> None:
        self.settings = settings
        self._open_store = open_store
        self._thread: threading.Thread | None = None
        self._report: BuildReport | None = None
        self._error = ""
        self._lock = threading.Lock()

    def start(self) -> bool:
        """False when a re-index is already running."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            self._error = ""
            self._thread = threading.Thread(target=self._run, name="kb-reindex", daemon=True)
            self._thread.start()
            return True

    def status(self) -> ReindexStatus:
        with self._lock:
            running = self._thread is not None and self._thread.is_alive()
            return ReindexStatus(running, self._report, self._error)

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            store = self._open_store(self.settings)
            embedder = make_embedder(self.settings, threads=self.settings.ingest_threads)
            report = build_index(self.settings, store, embedder, corpus_roots(self.settings, store.manifest()))
            with self._lock:
                self._report = report
        except StoreError as e:  # a reason meant for people (e.g. another build is running)
            log.warning("re-index refused: %s", e)
            with self._lock:
                self._error = str(e)
        except Exception:  # details (paths, trace) go to the log, not to the screen
            log.exception("re-index failed")
            with self._lock:
                self._error = "onverwachte fout; de details staan in het log van de server"
