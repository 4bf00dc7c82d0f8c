"""Which Store the settings select: the one place that names a store class."""

from __future__ import annotations

from kb.embedded import EmbeddedStore
from kb.settings import Settings
from kb.store import Store


def open_store(settings: Settings) -> Store:
    return EmbeddedStore(settings.index_dir)
