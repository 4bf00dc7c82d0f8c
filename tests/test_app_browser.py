"""The real Gradio app in headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import OPERATOR, PDFS, AppServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.model,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")]
UPLOAD_PDF = "plooi_20110301-draagmoederschap.pdf"


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _open(browser, app: AppServer, tab: str):  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(app.url + "/", wait_until="domcontentloaded")  # never networkidle: Gradio keeps a stream open
    page.get_by_role("tab", name=tab).click()
    return page


def sign_in(page, password: str = OPERATOR[1], panel_open: bool = False) -> None:  # type: ignore[no-untyped-def]
    """On the Documenten tab: open the operator panel and sign in (also used by test_replicas)."""
    if not panel_open:
        page.get_by_text("Beheer (alleen voor beheerders)").click()
    page.locator("#op-user :is(input, textarea)").fill(OPERATOR[0])
    page.locator("#op-password :is(input, textarea)").fill(password)
    page.locator("#op-sign-in").click()


def wait_until_reindexed(page, seconds: float = 240) -> None:  # type: ignore[no-untyped-def]
    """Presses "Status vernieuwen" until the operator status says the re-index is done."""
    deadline = time.time() + seconds
    while "Klaar" not in page.locator("#op-status textarea").input_value() and time.time() < deadline:
        page.locator("#op-check").click()
        time.sleep(2)
    assert "Klaar" in page.locator("#op-status textarea").input_value()


def _search(page, query: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#search-input textarea").fill(query)
    page.locator("#search-button").click()


def test_search_shows_dated_hits_with_highlights(browser, app_server: AppServer):
    page = _open(browser, app_server, "Zoeken")
    _search(page, "Benelux samenwerking")
    page.wait_for_selector("#search-output .kb-hit", timeout=60_000)
    first = page.locator("#search-output .kb-doc").first
    assert re.search(r"\b20\d\d\b", first.locator(".kb-meta").first.inner_text())
    assert first.locator(".kb-hit .kb-snippet mark").count() > 0


def test_date_filter(browser, app_server: AppServer):
    page = _open(browser, app_server, "Zoeken")
    page.locator("#search-since textarea").fill("2022-01-01")
    _search(page, "grensoverschrijdende samenwerking")
    page.wait_for_selector("#search-output .kb-hit", timeout=60_000)
    metas = page.locator("#search-output .kb-doc > .kb-meta").all_inner_texts()
    assert metas and all(re.search(r"\b20(2[2-9])\b", m) for m in metas), metas
    assert "vanaf 1 januari 2022" in page.locator("#search-output .kb-count").inner_text()


def test_dutch_question_cites_and_opens_the_passage(browser, app_server: AppServer):
    page = _open(browser, app_server, "Vragen")
    page.locator("#ask-input textarea").fill("Wat zei de brief van maart 2020 over de Benelux?")
    page.locator("#ask-button").click()
    page.wait_for_selector("#ask-output .kb-citations li", timeout=60_000)
    cite = page.locator("#ask-output .kb-citations li").first
    assert "Benelux" in cite.inner_text() and "maart 2020" in cite.inner_text()
    passage = cite.locator(".kb-passage")
    assert not passage.is_visible()
    cite.locator("summary").click()
    passage.wait_for(state="visible", timeout=10_000)
    text = passage.inner_text()
    assert "Voortgang grensoverschrijdende samenwerking" in text and "9 maart 2020" in text
    assert passage.locator("mark").count() == 1  # the quote, marked in its context
    assert passage.locator(".kb-context").count() >= 1  # the text around it


def test_the_direct_answer_marks_its_phrase(browser, app_server: AppServer):
    page = _open(browser, app_server, "Vragen")
    page.locator("#ask-input textarea").fill("wanneer was de grenslandconferentie in aken")  # typed as people type
    page.locator("#ask-button").click()
    page.wait_for_selector("#ask-output .kb-direct", timeout=60_000)
    mark = page.locator("#ask-output .kb-direct mark.kb-span").first
    assert "31 maart" in mark.inner_text()
    assert "[1]" in page.locator("#ask-output .kb-direct").first.inner_text()


def test_follow_up_question_in_the_chat(browser, app_server: AppServer):
    page = _open(browser, app_server, "Vragen")
    page.locator("#ask-input textarea").fill("Welke afspraken zijn er gemaakt met Noordrijn-Westfalen?")
    page.locator("#ask-button").click()
    page.wait_for_selector("#ask-output .kb-turn", timeout=60_000)
    page.locator("#ask-input textarea").fill("En in Nedersaksen?")
    page.locator("#ask-button").click()
    page.wait_for_function("document.querySelectorAll('#ask-output .kb-turn').length == 2", timeout=60_000)
    second = page.locator("#ask-output .kb-turn").nth(1)
    assert "Nedersaksen" in second.locator(".kb-citations").inner_text()


def _choose(page, dropdown: str, label: str) -> None:  # type: ignore[no-untyped-def]
    box = page.locator(f"{dropdown} input")
    box.click()
    box.fill(label)
    box.press("Enter")


def test_diploma_route_shows_steps(browser, app_server: AppServer):
    page = _open(browser, app_server, "Diploma-erkenning")
    page.get_by_label("NL→DE").check()
    page.locator("#diploma-button").click()
    page.wait_for_selector("#diploma-output .kb-steps li", timeout=60_000)
    assert page.locator("#diploma-output .kb-guide").count() == 2  # the roadmap and the PDF with a table
    steps = page.locator("#diploma-output .kb-guide").nth(1).locator(".kb-steps li").all_inner_texts()
    assert len(steps) == 4 and "BIG-register" in steps[0]
    assert "Bezirksregierung Fixturestad" in page.locator("#diploma-output .kb-authority").first.inner_text()
    # a guide in another layout: steps as a numbered list, each field with its source and page
    _choose(page, "#diploma-profession", "Leraar voortgezet onderwijs")
    page.get_by_label("BE→NL").check()
    page.locator("#diploma-button").click()
    page.wait_for_selector("#diploma-output :text('Diplomabureau Grens')", timeout=60_000)
    steps = page.locator("#diploma-output ol.kb-steps > li").all_inner_texts()
    assert len(steps) == 4 and steps[2].startswith("Stuur het formulier") and "pagina 2" in steps[2]
    for key in ("authority", "documents", "duration", "costs"):
        field = page.locator(f"#diploma-output .kb-{key}").inner_text()
        assert "testfixture_brochure_leraar_be-nl.pdf" in field and "pagina" in field, key
    _choose(page, "#diploma-profession", "Fysiotherapeut")
    page.get_by_label("NL→BE").check()
    page.locator("#diploma-button").click()
    page.wait_for_selector("#diploma-output .kb-no-guide", timeout=60_000)


def test_document_text_is_escaped(browser, app_server: AppServer):
    page = _open(browser, app_server, "Zoeken")
    _search(page, "escaping documenttekst testdocument opmaak")
    page.wait_for_selector("#search-output .kb-hit", timeout=60_000)
    page.locator("#search-output .kb-more summary").first.click()  # the whole passage
    text = page.locator("#search-output").inner_text()
    assert "<script>" in text and "onerror" in text  # shown as text ...
    assert page.locator("#search-output script, #search-output img").count() == 0  # ... not as markup
    assert page.evaluate("window.__pwned") is None


def test_non_operator_cannot_upload(browser, app_server: AppServer):
    page = _open(browser, app_server, "Documenten")
    page.get_by_text("Beheer (alleen voor beheerders)").click()
    assert page.locator("#op-files").count() == 0 or not page.locator("#op-files").is_visible()
    sign_in(page, "fout-wachtwoord", panel_open=True)
    page.get_by_text("Onjuiste gebruikersnaam of wachtwoord").wait_for(timeout=30_000)
    assert page.locator("#op-files").count() == 0 or not page.locator("#op-files").is_visible()


def test_operator_upload_becomes_searchable_without_restart(browser, app_server: AppServer):
    page = _open(browser, app_server, "Zoeken")
    _search(page, "draagmoederschap")
    page.wait_for_selector("#search-output .kb-hit, #search-output .kb-empty", timeout=60_000)
    assert UPLOAD_PDF not in page.locator("#search-output").inner_text()

    page.get_by_role("tab", name="Documenten").click()
    sign_in(page)
    page.locator("#op-files").wait_for(state="visible", timeout=30_000)
    page.locator("#op-files input[type=file]").set_input_files(str(PDFS / UPLOAD_PDF))
    page.locator("#op-files").get_by_text(UPLOAD_PDF).first.wait_for(timeout=30_000)
    page.locator("#op-upload").click()
    page.wait_for_function("document.querySelector('#op-status textarea').value.includes('Herindexeren gestart')",
                           timeout=60_000)
    wait_until_reindexed(page)
    assert (app_server.corpus / "uploads" / UPLOAD_PDF).exists()

    page.get_by_role("tab", name="Zoeken").click()
    _search(page, "draagmoederschap")
    page.wait_for_function("document.querySelector('#search-output').innerText.includes('Draagmoederschap')",
                           timeout=60_000)
    assert "pagina" in page.locator("#search-output .kb-hit").first.inner_text()


def test_the_operator_stays_signed_in_across_a_reload_until_signing_out(browser, app_server: AppServer):
    page = _open(browser, app_server, "Documenten")
    sign_in(page)
    page.locator("#op-reindex").wait_for(state="visible", timeout=30_000)
    page.reload(wait_until="domcontentloaded")
    page.get_by_role("tab", name="Documenten").click()
    page.get_by_text("Beheer (alleen voor beheerders)").click()
    page.locator("#op-reindex").wait_for(state="visible", timeout=30_000)  # the stored token, checked again
    page.locator("#op-sign-out").click()
    page.get_by_text("Uitgelogd").wait_for(timeout=30_000)
    page.reload(wait_until="domcontentloaded")
    page.get_by_role("tab", name="Documenten").click()
    page.get_by_text("Beheer (alleen voor beheerders)").click()
    page.wait_for_timeout(3000)
    assert not page.locator("#op-reindex").is_visible()


def test_search_notes_a_newer_letter_in_the_dossier(browser, app_server: AppServer):
    page = _open(browser, app_server, "Zoeken")
    page.locator("#search-until textarea").fill("2020-12-31")
    _search(page, "Benelux samenwerking")
    page.wait_for_selector("#search-output .kb-newer", timeout=60_000)
    assert "Voortgang programma Regio's aan de grens" in page.locator("#search-output .kb-newer").first.inner_text()
    # once per document, not under every hit
    assert page.locator("#search-output .kb-newer").count() == page.locator("#search-output .kb-doc:has(.kb-newer)").count()


def test_ten_results_read_quickly_grouped_by_document(browser, app_server: AppServer):
    page = _open(browser, app_server, "Zoeken")
    page.set_viewport_size({"width": 1280, "height": 900})
    _search(page, "grensinformatiepunten")
    page.wait_for_selector("#search-output .kb-count", timeout=60_000)
    out = page.locator("#search-output")
    assert out.locator(".kb-hit").count() == 10 and "10 resultaten in" in out.locator(".kb-count").inner_text()
    assert len(out.inner_text().split()) <= 700  # before any passage is opened
    assert out.locator(".kb-doc").count() < 10 and out.locator(".kb-group-count").count() >= 1
    assert out.locator(".kb-more .kb-text").first.is_hidden()
    out.locator(".kb-more summary").first.click()
    assert out.locator(".kb-more .kb-text").first.is_visible()
    page.locator("#search-since textarea").fill("2030-01-01")
    _search(page, "grensinformatiepunten")
    page.wait_for_selector("#search-output .kb-empty", timeout=60_000)
    assert "Probeer" in out.inner_text() and "vanaf 1 januari 2030" in out.inner_text()


def test_a_pdf_hit_opens_an_image_of_its_page(browser, app_server: AppServer):
    page = _open(browser, app_server, "Zoeken")
    _search(page, "Ablauf des Verfahrens Anerkennung Physiotherapeut Nordrhein-Westfalen")
    page.wait_for_selector("#search-output .kb-hit", timeout=60_000)
    hit = page.locator("#search-output .kb-hit", has_text="pagina 1").first
    href = hit.locator("a.kb-open").get_attribute("href")
    assert href and href.startswith("/doc?id=")
    doc = browser.new_page()
    doc.goto(app_server.url + href)
    image = doc.locator(".page-view img")
    image.wait_for(timeout=30_000)
    doc.wait_for_function("document.querySelector('.page-view img').naturalWidth > 800", timeout=30_000)
    assert "Pagina 1 van 1" in doc.locator("h2").first.inner_text()
    assert doc.locator(".page-text mark#passage").count() == 1 and "downloaden" in doc.inner_text("dl")


def test_the_dossier_view_lists_its_letters_in_date_order_the_newest_marked(browser, app_server: AppServer):
    page = _open(browser, app_server, "Zoeken")
    _search(page, "Benelux samenwerking")
    page.wait_for_selector("#search-output .kb-doc", timeout=60_000)
    href = page.locator("#search-output .kb-doc a.kb-open").first.get_attribute("href")
    doc = browser.new_page()
    doc.goto(app_server.url + href)
    doc.get_by_role("link", name="Kamerstuk dossier 32 851").click()
    doc.wait_for_selector("ol.dossier", timeout=30_000)
    items = doc.locator("li.dossier-doc").all_inner_texts()
    years = [int(re.search(r"\b(20\d\d)\b", i).group(1)) for i in items]  # type: ignore[union-attr]
    assert years == sorted(years) and years[-1] == 2023 and len(items) == 4
    assert "nieuwste" in items[-1] and not any("nieuwste" in i for i in items[:-1])


def _documents_table(browser, app_server: AppServer):  # type: ignore[no-untyped-def]
    page = _open(browser, app_server, "Documenten")
    page.set_viewport_size({"width": 1280, "height": 900})
    table = page.locator("#documents")
    table.get_by_text("Voortgang programma Regio's aan de grens").wait_for(timeout=60_000)
    return page, table


def test_the_documents_table_shows_every_column_and_filters(browser, app_server: AppServer):
    page, table = _documents_table(browser, app_server)
    for column in ("Datum", "Passages", "Bestand"):
        box = table.get_by_role("columnheader", name=column).first.bounding_box()
        assert box and box["x"] + box["width"] <= 1280, (column, box)  # visible without scrolling
    _choose(page, "#documents-kind", "Roadmap")
    page.wait_for_function("!document.querySelector('#documents').innerText.includes('Voortgang programma')",
                           timeout=30_000)
    text = table.inner_text()
    assert "Roadmap fysiotherapeut" in text and "Voortgang programma" not in text


def _sort(page, table, column: str, order: str) -> None:  # type: ignore[no-untyped-def]
    """Gradio's column menu: the button shows on hover; "Sort ascending" / "Sort descending"."""
    header = table.get_by_role("columnheader", name=column).first
    header.hover()
    header.get_by_role("button", name="Open cell menu").click(timeout=10_000)
    page.get_by_role("menuitem", name=f"Sort {order}").click(timeout=10_000)


def test_the_documents_table_sorts_by_date_both_ways(browser, app_server: AppServer):
    page, table = _documents_table(browser, app_server)
    for order in ("ascending", "descending", "ascending"):
        _sort(page, table, "Datum", order)
        page.wait_for_timeout(500)
        dates = _dates_in_row_order(table)
        assert dates == sorted(dates, reverse=order == "descending") and len(dates) >= 5, (order, dates)
    assert dates.index("2018-04-20") < dates.index("2023-12-15"), dates  # ascending: older letters first


def _dates_in_row_order(table) -> list[str]:  # type: ignore[no-untyped-def]
    rows = table.locator("[role=row]").all_inner_texts()[1:]
    found = [re.search(r"\b(\d{4}-\d{2}(?:-\d{2})?)\b", row) for row in rows]
    return [m.group(1) for m in found if m]


def test_an_answer_copies_as_text_with_its_sources(browser, app_server: AppServer):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(app_server.url + "/", wait_until="domcontentloaded")
    page.get_by_role("tab", name="Vragen").click()
    page.locator("#ask-input textarea").fill("Wat zei de brief van maart 2020 over de Benelux?")
    page.locator("#ask-button").click()
    page.wait_for_selector("#ask-output .kb-citations li", timeout=60_000)
    page.get_by_text("Laatste antwoord als tekst").click()
    page.locator("#ask-copy button").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Bronnen:" in copied and "[1] " in copied and "9 maart 2020" in copied and "Kamerstuk 32 851" in copied
    assert page.locator("#ask-output .kb-answer-block").first.get_attribute("lang") == "nl"
    context.close()
