"""The real Gradio app in headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, cli_env

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.model,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")]
EVIL = ("Testdocument met opmaak. <script>window.__pwned = 1</script> en "
        "<img src=x onerror=\"window.__pwned = 2\"> mogen nooit uitgevoerd worden. "
        "Dit bestand test de escaping van documenttekst in de kennisbank.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("app")
    corpus = base / "corpus"
    corpus.mkdir()
    for name in ("2020-03-09_kamerbrief_voortgang-grensoverschrijdende-samenwerking.txt",
                 "2022-05-13_kamerbrief_inzet-regios-aan-de-grens.txt", "catalog.toml"):
        shutil.copy(CORPUS / name, corpus / name)
    (corpus / "escaping-test.txt").write_text(EVIL, encoding="utf-8")
    env = cli_env()
    kb = [sys.executable, "-m", "kb.cli"]
    subprocess.run([*kb, "ingest", str(corpus), "--index", str(base / "index")], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=600)
    port = _free_port()
    proc = subprocess.Popen([*kb, "serve", "--index", str(base / "index"), "--port", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"app exited: {proc.stderr.read().decode() if proc.stderr else ''}")
            time.sleep(0.5)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _open(browser, url: str, tab: str):  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(url, wait_until="domcontentloaded")  # never networkidle: Gradio keeps a stream open
    page.get_by_role("tab", name=tab).click()
    return page


def test_search_shows_dated_hits_with_highlights(browser, app_url: str):
    page = _open(browser, app_url, "Zoeken")
    page.locator("#search-input textarea").fill("Benelux samenwerking")
    page.locator("#search-button").click()
    page.wait_for_selector("#search-output .kb-hit", timeout=60_000)
    first = page.locator("#search-output .kb-hit").first
    assert "2020" in first.locator(".kb-meta").inner_text()
    assert first.locator("mark").count() > 0


def test_date_filter(browser, app_url: str):
    page = _open(browser, app_url, "Zoeken")
    page.locator("#search-input textarea").fill("grensoverschrijdende samenwerking")
    page.locator("#search-since textarea").fill("2022-01-01")
    page.locator("#search-button").click()
    page.wait_for_selector("#search-output .kb-hit", timeout=60_000)
    metas = page.locator("#search-output .kb-meta").all_inner_texts()
    assert metas and all("2022" in m for m in metas)


def test_dutch_question_gets_cited_answer(browser, app_url: str):
    page = _open(browser, app_url, "Vragen")
    page.locator("#ask-input textarea").fill("Wat zei de brief van maart 2020 over de Benelux?")
    page.locator("#ask-button").click()
    page.wait_for_selector("#ask-output .kb-citations li", timeout=60_000)
    cite = page.locator("#ask-output .kb-citations li").first.inner_text()
    assert "Benelux" in cite and "maart 2020" in cite


def test_document_text_is_escaped(browser, app_url: str):
    page = _open(browser, app_url, "Zoeken")
    page.locator("#search-input textarea").fill("escaping documenttekst testdocument opmaak")
    page.locator("#search-button").click()
    page.wait_for_selector("#search-output .kb-hit", timeout=60_000)
    text = page.locator("#search-output").inner_text()
    assert "<script>" in text and "onerror" in text  # shown as text ...
    assert page.locator("#search-output script, #search-output img").count() == 0  # ... not as markup
    assert page.evaluate("window.__pwned") is None
