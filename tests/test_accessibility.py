"""Every tab of the real app, and the document and dossier pages, checked with axe-core (bundled
by axe-playwright-python) in headless Chromium: no serious or critical violation, the page's
language Dutch, and every form control labelled."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import AppServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.model,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")]
TABS = ("Vragen", "Zoeken", "Diploma-erkenning", "Documenten")


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _serious(page) -> list[str]:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_has_no_serious_accessibility_violation(browser, app_server: AppServer, tab: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_server.url + "/", wait_until="domcontentloaded")
    page.get_by_role("tab", name=tab).click()
    page.wait_for_timeout(1500)
    if tab == "Zoeken":  # with results on the page
        page.locator("#search-input textarea").fill("grensinformatiepunten")
        page.locator("#search-button").click()
        page.wait_for_selector("#search-output .kb-hit", timeout=60_000)
    if tab == "Vragen":
        page.locator("#ask-input textarea").fill("Wat zei de brief van maart 2020 over de Benelux?")
        page.locator("#ask-button").click()
        page.wait_for_selector("#ask-output .kb-citations li", timeout=60_000)
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert _serious(page) == []


def test_the_document_and_dossier_pages_have_no_serious_violation(browser, app_server: AppServer):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_server.url + "/dossier?nr=32%20851")
    assert _serious(page) == []
    page.locator("li.dossier-doc a").first.click()
    page.wait_for_selector("h1")
    assert _serious(page) == []
