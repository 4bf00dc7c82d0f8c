"""Hostile input against the running `kb serve` (real model): bounds checked before any work,
a deadline per request, and the API fuzzed against its own OpenAPI schema (schemathesis)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import AppServer, cli_env, kb_cli

from kb.limits import MAX_QUERY_CHARS

pytestmark = pytest.mark.model
OVERSIZED = "grensarbeiders " * 16_000  # 240 KB, the question that stalled the service for minutes


def _call(url: str, body: dict | None = None, timeout: float = 60) -> tuple[int, dict, float]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.load(r), time.perf_counter() - started
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), time.perf_counter() - started


def _search_url(app: AppServer, q: str, **params: object) -> str:
    return f"{app.url}/api/search?{urllib.parse.urlencode({'q': q, **params})}"


def test_an_oversized_question_is_refused_at_once_while_a_search_answers(app_server: AppServer):
    results: dict[str, tuple[int, dict, float]] = {}

    def attack() -> None:
        results["ask"] = _call(f"{app_server.url}/api/ask", {"question": OVERSIZED})

    attacker = threading.Thread(target=attack)
    attacker.start()
    results["search"] = _call(_search_url(app_server, "grensinformatiepunten", k=3))
    attacker.join(30)
    status, body, seconds = results["ask"]
    assert status == 413 and "te groot" in body["detail"] and seconds < 2, results["ask"]
    status, body, seconds = results["search"]
    assert status == 200 and body["hits"] and seconds < 2, (status, seconds)


def test_a_question_just_over_the_bound_is_refused_and_one_at_it_is_answered(app_server: AppServer):
    status, body, _ = _call(f"{app_server.url}/api/ask", {"question": "a" * (MAX_QUERY_CHARS + 1)})
    assert status == 422 and f"{MAX_QUERY_CHARS}" in body["detail"].replace(".", "")
    status, body, _ = _call(f"{app_server.url}/api/ask", {"question": ("Wat doet de Grenscommissaris? " * 80)[:MAX_QUERY_CHARS]})
    assert status == 200 and "answered" in body
    status, body, _ = _call(f"{app_server.url}/api/ask", {"question": "Wat?", "history": ["vraag"] * 21})
    assert status == 422 and "20" in body["detail"]


@pytest.mark.parametrize("k", [-1, 0, 51, 100000])
def test_k_out_of_range_is_a_422_that_names_the_bound(app_server: AppServer, k: int):
    status, body, _ = _call(_search_url(app_server, "grenswerkers", k=k))
    assert status == 422 and "tussen 1 en 50" in body["detail"], body


def test_bad_filters_and_bodies_are_refused(app_server: AppServer):
    assert _call(_search_url(app_server, "x", type="geheim"))[0] == 422
    assert _call(_search_url(app_server, "x" * (MAX_QUERY_CHARS + 1)))[0] == 422
    assert _call(_search_url(app_server, "x", since="gisteren"))[0] == 422
    status, body, _ = _call(f"{app_server.url}/api/ask", {"question": "x", "history": ["y" * 500_000]})
    assert status == 413 and "te groot" in body["detail"]


def test_the_cli_refuses_an_oversized_query_with_exit_2(model_index):
    r = kb_cli("search", "grens " * 1000, "--index", str(model_index), env=cli_env())
    assert r.returncode == 2 and "te lang" in r.stderr and "2.000" in r.stderr
    r = kb_cli("search", "grens", "--k", "0", "--index", str(model_index), env=cli_env())
    assert r.returncode == 2 and "tussen 1 en 50" in r.stderr


def test_the_api_holds_its_own_schema(app_server: AppServer):
    """schemathesis generates valid and invalid requests from /api/openapi.json: no 5xx, and every
    response as the schema says (status code, content type, body)."""
    import subprocess
    import sys
    from pathlib import Path

    st = Path(sys.executable).with_name("schemathesis")
    config = Path(__file__).with_name("schemathesis.toml")
    r = subprocess.run([str(st), "--config-file", str(config), "run", f"{app_server.url}/api/openapi.json",
                        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                        "response_schema_conformance,negative_data_rejection", "--seed", "1",
                        "--request-timeout", "60", "--no-color"],
                       capture_output=True, text=True, timeout=900, env=cli_env())
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "Selected: 4/4" in r.stdout and "Tested: 4" in r.stdout, r.stdout[-2000:]  # search, ask, diploma, health
    assert "Schema validation mismatch" not in r.stdout, r.stdout[-2000:]
