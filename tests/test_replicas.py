"""Two `kb serve` replicas on one PostgreSQL database: the same answers, and a re-index started
by the operator on one replica is served by both when it is ready, without a restart."""

from __future__ import annotations

import json
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import CORPUS, OPERATOR, SECRET, cli_env, kb_cli, running_app
from test_app_browser import CHROMIUM, browser, sign_in, wait_until_reindexed  # noqa: F401  (browser: fixture)

pytestmark = [pytest.mark.model,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")]
FIRST = ("2020-03-09_kamerbrief_voortgang-grensoverschrijdende-samenwerking.txt",
         "2021-12_kamerbrief_nader-advies-werkgroep-grensbelemmeringen.txt")
NEW = "2022-05-13_kamerbrief_inzet-regios-aan-de-grens.txt"
QUERIES = ("Wat zijn de Grensinformatiepunten?", "Welche Empfehlungen gab die Arbeitsgruppe?",
           "cross-border labour market")


def _search(url: str, q: str) -> dict:
    with urllib.request.urlopen(f"{url}/api/search?{urllib.parse.urlencode({'q': q, 'k': 5})}", timeout=60) as r:
        return dict(json.load(r))


def test_two_replicas_answer_alike_and_both_serve_a_reindex_from_one(postgres, browser, tmp_path: Path):  # noqa: F811
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in FIRST:
        shutil.copy(CORPUS / name, corpus / name)
    env = cli_env(KB_DATABASE_URL=postgres.url, KB_DATABASE_SCHEMA="replicas", KB_CORPUS_DIR=str(corpus),
                  KB_OPERATOR_USER=OPERATOR[0], KB_OPERATOR_PASSWORD=OPERATOR[1], KB_SECRET_KEY=SECRET)
    r = kb_cli("ingest", str(corpus), "--json", env=env)
    assert r.returncode == 0, r.stderr
    with running_app(tmp_path / "unused", env, tmp_path / "a.log") as a, \
            running_app(tmp_path / "unused", env, tmp_path / "b.log") as b:
        for q in QUERIES:
            ha, hb = _search(a, q), _search(b, q)
            assert ha["hits"] and ha == hb, (ha, hb)
        before = _search(b, "inzet voor de regio's aan de grens 2022")["generation"]

        shutil.copy(CORPUS / NEW, corpus / NEW)
        # signed in on replica a; the browser's stored session token is then taken to replica b (as
        # behind a load balancer, where both share one address), and b accepts it without a sign-in
        page = browser.new_page()
        page.goto(a + "/", wait_until="domcontentloaded")
        page.get_by_role("tab", name="Documenten").click()
        sign_in(page)
        page.locator("#op-reindex").wait_for(state="visible", timeout=30_000)
        stored = page.evaluate("localStorage.getItem('kb-operator-session')")
        assert stored
        page_b = browser.new_page()
        page_b.goto(b + "/", wait_until="domcontentloaded")
        page_b.evaluate("v => localStorage.setItem('kb-operator-session', v)", stored)
        page_b.reload(wait_until="domcontentloaded")
        page_b.get_by_role("tab", name="Documenten").click()
        page_b.get_by_text("Beheer (alleen voor beheerders)").click()
        page_b.locator("#op-reindex").wait_for(state="visible", timeout=30_000)
        page_b.locator("#op-reindex").click()
        wait_until_reindexed(page_b, 300)

        for url in (b, a):  # b never saw the re-index, and was not restarted
            after = _search(url, "inzet voor de regio's aan de grens 2022")
            assert after["generation"] != before
            assert NEW in {h["source"] for h in after["hits"]}, after["hits"]
        for q in QUERIES:
            assert _search(a, q) == _search(b, q)
