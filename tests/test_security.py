"""Security of the app and API: no outbound network, no reads outside the corpus, no traces or
paths in errors, and operator actions only for a signed-in operator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import NETGUARD, SECRET, AppServer

from app import Handlers, KnowledgeBase, build_server
from ingest.pipeline import build_index
from kb.embed import HashingEmbedder
from kb.embedded import EmbeddedStore
from kb.settings import Settings
from kb.tools import Tools

PASSWORD = "lang-genoeg-wachtwoord"


def _fetch(url: str, data: bytes | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def test_the_socket_guard_catches_an_outbound_connection(tmp_path: Path):
    log = tmp_path / "net.log"
    code = ("import socket\ntry:\n    socket.create_connection(('192.0.2.7', 443), timeout=1)\n"
            "except ConnectionRefusedError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(NETGUARD),
                         "NETGUARD_LOG": str(log)}, capture_output=True, text=True, timeout=60)
    assert "netguard" in out.stdout and "192.0.2.7" in log.read_text()


def test_the_running_app_makes_no_outbound_connection(app_server: AppServer):
    """Runs after the API and browser tests (file order): the guard log covers their traffic too."""
    assert _fetch(f"{app_server.url}/")[0] == 200
    assert _fetch(f"{app_server.url}/api/search?q=grensinformatiepunten")[0] == 200
    assert _fetch(f"{app_server.url}/api/ask", json.dumps({"question": "Wat doet de Grenscommissaris?"}).encode())[0] == 200
    guard_log = app_server.index.parent / "serve.net"
    assert not guard_log.exists() or not guard_log.read_text().strip(), guard_log.read_text()


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../../../../etc/passwd", "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
                                  "%2Fetc%2Fpasswd", "{index}/CURRENT", "{corpus}/escaping-test.txt"])
def test_file_routes_cannot_read_outside_what_the_app_serves(app_server: AppServer, path: str):
    path = path.format(index=app_server.index, corpus=app_server.corpus)
    for route in ("/gradio_api/file=", "/file=", "/gradio_api/file/"):
        status, body = _fetch(f"{app_server.url}{route}{path}")
        assert status in (400, 403, 404, 405), (route, path, status)
        assert "root:" not in body and "gen-0" not in body and "window.__pwned" not in body


def test_api_errors_show_no_trace_and_no_path(tmp_path: Path):
    from fastapi.testclient import TestClient

    kbase = _kb(tmp_path)

    def broken(*args: object, **kw: object) -> None:
        raise RuntimeError(f"cannot open {kbase.settings.index_dir}/gen-000001/chunks.sqlite")

    kbase.current = broken  # type: ignore[method-assign]
    client = TestClient(build_server(kbase), raise_server_exceptions=False)
    for r in (client.get("/api/search", params={"q": "grens"}), client.post("/api/ask", json={"question": "grens?"})):
        assert r.status_code == 500 and "Interne fout" in r.json()["detail"]
        assert str(tmp_path) not in r.text and "Traceback" not in r.text and "sqlite" not in r.text
    r = client.get("/api/search", params={"q": "grens", "since": "gisteren"})
    assert r.status_code == 422 and str(tmp_path) not in r.text


def _kb(tmp_path: Path) -> KnowledgeBase:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "brief.txt").write_text("Brief over de Grenscommissaris en de Euregio Rijn-Waal.", encoding="utf-8")
    (corpus / "nota.txt").write_text("Nota over pendelaars en sociale zekerheid in Limburg.", encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embed_backend="hashing",
                        operator_user="beheerder", operator_password=PASSWORD, secret_key=SECRET)
    build_index(settings, EmbeddedStore(settings.index_dir), HashingEmbedder())
    return KnowledgeBase(settings)


def test_the_pages_refuse_input_over_the_bounds_with_a_dutch_message(tmp_path: Path):
    h = Handlers(_kb(tmp_path))
    assert "te lang" in h.on_search("grens " * 1000, [], "", "", None, "Relevantie")
    page, turns, kept, copied = h.on_ask("grens " * 1000, [])
    assert "te lang" in page and "2.000" in page and turns == [] and kept and not copied  # kept to shorten
    with pytest.raises(ValueError, match="tussen 1 en 50"):
        Tools(h.kb).search("grens", 500)


def test_operator_actions_need_a_signed_in_operator(tmp_path: Path):
    kbase = _kb(tmp_path)
    h = Handlers(kbase)
    upload = tmp_path / "nieuw.txt"
    upload.write_text("Nieuw document.", encoding="utf-8")
    corpus = kbase.settings.corpus_dir
    for token in ("", "vervalst-token", None):
        assert "Alleen een ingelogde beheerder" in h.on_upload([str(upload)], token)  # type: ignore[arg-type]
        assert "Alleen een ingelogde beheerder" in h.on_reindex(token)  # type: ignore[arg-type]
        assert "Alleen een ingelogde beheerder" in h.on_delete("brief", token)  # type: ignore[arg-type]
    assert not (corpus / "uploads").exists() and (corpus / "brief.txt").exists()
    assert not kbase.reindexer.status().running and kbase.reindexer.status().report is None

    token = kbase.operators.sign_in("beheerder", PASSWORD).token
    assert token
    for doc_id in ("../../etc/passwd", "/etc/passwd", "../index/CURRENT", ""):
        assert "Kies een document" in h.on_delete(doc_id, token)
    assert "Herindexeren gestart" in h.on_delete("brief", token)
    kbase.reindexer.wait(60)
    assert not (corpus / "brief.txt").exists()
    assert [p.name.split("-", 1)[1] for p in (corpus / ".verwijderd").iterdir()] == ["brief.txt"]  # kept, not destroyed
    assert [d.source for d in kbase.current().store.documents()] == ["nota.txt"]
