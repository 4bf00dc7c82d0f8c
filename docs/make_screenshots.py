"""Screenshots of every tab, a document page and a dossier page at 1280x900, for the README.

    .venv/bin/python docs/make_screenshots.py [--out docs/screenshots]

Indexes the shipped letters with the invented test guides (tests/fixtures/guides, so that the
Diploma-erkenning tab has something to show) into a temporary directory, starts `kb serve` on a
free loopback port, and drives Debian's chromium with Playwright."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KB = str(Path(sys.executable).with_name("kb"))
SIZE = {"width": 1280, "height": 900}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("kb serve stopped before it served")
        try:
            urllib.request.urlopen(url + "/api/health", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("kb serve did not start in time")


def shoot(url: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport=SIZE)
        page.goto(url + "/", wait_until="domcontentloaded")
        page.get_by_role("tab", name="Vragen").click()
        page.locator("#ask-input textarea").fill("Wanneer was de grenslandconferentie in Aken?")
        page.locator("#ask-button").click()
        page.wait_for_selector("#ask-output .kb-citations li", timeout=60_000)
        page.screenshot(path=out / "vragen.png")
        page.get_by_role("tab", name="Zoeken").click()
        page.locator("#search-input textarea").fill("grensinformatiepunten")
        page.locator("#search-button").click()
        page.wait_for_selector("#search-output .kb-hit", timeout=60_000)
        page.screenshot(path=out / "zoeken.png")
        href = page.locator("#search-output a.kb-open").first.get_attribute("href")
        page.get_by_role("tab", name="Diploma-erkenning").click()
        page.locator("#diploma-button").click()
        page.wait_for_selector("#diploma-output .kb-steps li", timeout=60_000)
        page.screenshot(path=out / "diploma-erkenning.png")
        page.get_by_role("tab", name="Documenten").click()
        page.locator("#documents").get_by_text("Voortgang programma").first.wait_for(timeout=60_000)
        page.screenshot(path=out / "documenten.png")
        page.goto(url + str(href))
        page.screenshot(path=out / "document.png")
        page.goto(url + "/dossier?nr=32%20851")
        page.screenshot(path=out / "dossier.png")
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        subprocess.run([KB, "ingest", str(ROOT / "corpus"), str(ROOT / "tests/fixtures/guides"), "--index", str(index)],
                       check=True)
        port = _port()
        env = {**os.environ, "KB_INDEX_DIR": str(index)}
        proc = subprocess.Popen([KB, "serve", "--port", str(port)], env=env)
        try:
            _wait(f"http://127.0.0.1:{port}", proc)
            shoot(f"http://127.0.0.1:{port}", a.out)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"screenshots in {a.out}: {', '.join(sorted(p.name for p in a.out.glob('*.png')))}")


if __name__ == "__main__":
    main()
