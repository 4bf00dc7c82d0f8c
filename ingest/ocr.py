"""OCR for PDF pages without a text layer: the page's images through Debian's tesseract."""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from kb.settings import ConfigError, Settings

log = logging.getLogger(__name__)
# Images smaller than this (logos, stamps) are not worth reading on a page that has no text.
_MIN_IMAGE_PIXELS = 200_000
_TIMEOUT_S = 180


@dataclass(frozen=True)
class Tesseract:
    binary: str
    languages: str  # tesseract's form: 'nld+deu'

    def read_page(self, page: Any) -> str:
        """Text of a pypdf page's scanned images, top to bottom; '' when there is nothing to read."""
        texts = []
        for image in _page_images(page):
            png = io.BytesIO()
            image.save(png, format="PNG")
            texts.append(self._run(png.getvalue()))
        return "\n\n".join(t for t in texts if t.strip())

    def _run(self, png: bytes) -> str:
        # One OpenMP thread: with more, tesseract spins (3x slower here) and starves the other core.
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        done = subprocess.run([self.binary, "stdin", "stdout", "-l", self.languages], input=png,
                              capture_output=True, timeout=_TIMEOUT_S, env=env, check=False)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode(errors="replace").strip()[-300:] or "tesseract failed")
        return done.stdout.decode("utf-8", errors="replace")


def _page_images(page: Any) -> list[Any]:
    images = []
    for item in page.images:
        try:
            image = item.image
        except Exception as e:  # an image filter PIL cannot decode (e.g. JBIG2): nothing to read
            log.warning("page image %s not decodable (%s)", getattr(item, "name", "?"), e)
            continue
        if image is not None and image.width * image.height >= _MIN_IMAGE_PIXELS:
            images.append(image.convert("L") if image.mode not in ("L", "RGB", "1") else image)
    return images


def make_ocr(settings: Settings) -> Tesseract | None:
    """The OCR engine the settings ask for: None when off, or when 'auto' finds no tesseract."""
    if settings.ocr == "off":
        return None
    binary = shutil.which("tesseract")
    if binary is None:
        if settings.ocr == "on":
            raise ConfigError("KB_OCR=on but tesseract is not installed; install the Debian packages "
                              "tesseract-ocr, tesseract-ocr-nld and tesseract-ocr-deu, or set KB_OCR=auto")
        return None
    wanted = [lang for lang in settings.ocr_languages.split("+") if lang]
    have = set(_installed_languages(binary))
    missing = [lang for lang in wanted if lang not in have]
    if missing:
        raise ConfigError(f"KB_OCR_LANGUAGES asks for {'+'.join(missing)}, which tesseract lacks; install "
                          f"tesseract-ocr-{missing[0]} or set KB_OCR_LANGUAGES to some of: {'+'.join(sorted(have))}")
    return Tesseract(binary, "+".join(wanted))


def _installed_languages(binary: str) -> list[str]:
    out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    return [line.strip() for line in out.stdout.splitlines()[1:] if line.strip()]
