"""The JSON API and the MCP tools of the running app (real model, loopback)."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
from typing import Any

import pytest
from conftest import AppServer

pytestmark = pytest.mark.model


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.loads(r.read())


def _post(url: str, body: dict[str, Any]) -> Any:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def test_json_search_with_filters(app_server: AppServer):
    q = urllib.parse.urlencode({"q": "Benelux samenwerking", "k": 3, "since": "2020-01-01", "until": "2020-12-31"})
    out = _get(f"{app_server.url}/api/search?{q}")
    assert out["generation"].startswith("gen-") and len(out["hits"]) == 3
    assert all(h["date"].startswith("2020") for h in out["hits"])
    assert {"title", "page", "text", "chunk_id", "kamerstuk"} <= set(out["hits"][0])


def test_json_ask_with_follow_up(app_server: AppServer):
    out = _post(f"{app_server.url}/api/ask", {"question": "En in Nedersaksen?",
                                              "history": ["Welke afspraken zijn er gemaakt met Noordrijn-Westfalen?"]})
    assert out["answered"] and out["standalone_question"] == "Welke afspraken zijn er gemaakt met Nedersaksen?"
    assert out["citations"] and all({"title", "date", "page", "quote"} <= set(c) for c in out["citations"])
    declined = _post(f"{app_server.url}/api/ask", {"question": "Hoeveel kost een treinkaartje van Aken naar Luik?"})
    assert declined["answered"] is False


def test_bad_api_input_is_a_clear_4xx(app_server: AppServer):
    with pytest.raises(urllib.error.HTTPError) as e:
        _get(f"{app_server.url}/api/search?q=x&type=brief")
    assert e.value.code == 422 and "moet een van deze zijn" in e.value.read().decode()


def test_mcp_tools_search_with_citations(app_server: AppServer):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    async def session() -> tuple[dict[str, str], Any]:
        async with streamablehttp_client(f"{app_server.url}/gradio_api/mcp/") as (read, write, _):  # noqa: SIM117
            async with ClientSession(read, write) as s:
                await s.initialize()
                tools = {t.name: t.description or "" for t in (await s.list_tools()).tools}
                result = await s.call_tool("search", {"query": "Benelux", "top_k": 3})
                diploma = await s.call_tool("diploma", {"profession": "Pflegefachkraft", "route": "DE-NL"})
                return tools, (result, diploma)

    tools, (result, diploma) = asyncio.run(session())
    assert set(tools) == {"search", "ask", "diploma"}  # operator actions are never tools
    assert "recognition" in tools["diploma"] and not diploma.isError
    guides = json.loads(diploma.content[0].text)["guides"]
    assert [g["source"] for g in guides] == ["testfixture_merkblatt_pflegefachkraft_de-nl.txt"]
    assert len(guides[0]["steps"]) == 4 and "Anerkennungsbüro" in guides[0]["authority"]["text"]
    assert "policy documents" in tools["search"] and "citation" in tools["ask"]
    assert not result.isError
    hits = json.loads(result.content[0].text)
    assert len(hits) == 3 and all(h["title"] and h["date"] for h in hits)
    assert any("Benelux" in h["text"] for h in hits)


def test_json_diploma_lookup(app_server: AppServer):
    q = urllib.parse.urlencode({"profession": "fysiotherapeut", "route": "NL→DE"})
    out = _get(f"{app_server.url}/api/diploma?{q}")
    assert (out["profession"], out["route"]) == ("fysiotherapeut", "NL→DE") and out["letters"]
    guides = {g["source"]: g for g in out["guides"]}
    assert set(guides) == {"testfixture_roadmap_fysiotherapeut_nl-de.txt", "testfixture_leitfaden_physiotherapeut_nl-de.pdf"}
    table = guides["testfixture_leitfaden_physiotherapeut_nl-de.pdf"]
    assert [s["n"] for s in table["steps"]] == [1, 2, 3, 4] and all(s["page"] == 1 for s in table["steps"])
    assert table["costs"] == {"text": "Zwischen 100 und 400 Euro, je nach Aufwand.", "page": 1}
    with pytest.raises(urllib.error.HTTPError) as e:
        _get(f"{app_server.url}/api/diploma?profession=piloot&route=NL-DE")
    assert e.value.code == 422 and "onbekend beroep" in e.value.read().decode()


def test_cli_diploma_lookup(app_server: AppServer):
    from conftest import kb_cli

    r = kb_cli("diploma", "--profession", "leraar-vo", "--route", "BE-NL", "--index", str(app_server.index), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    [guide] = out["guides"]
    assert guide["source"] == "testfixture_brochure_leraar_be-nl.pdf" and guide["route"] == "BE→NL"
    assert [s["page"] for s in guide["steps"]] == [1, 1, 2, 2] and guide["duration"]["text"].endswith("acht weken.")
    text = kb_cli("diploma", "--profession", "verpleegkundige", "--route", "NL→BE", "--index", str(app_server.index))
    assert text.returncode == 0 and "1. Maak een account aan" in text.stdout and "costs: De aanvraag kost 90 euro." in text.stdout
    bad = kb_cli("diploma", "--profession", "fysiotherapeut", "--route", "NL→FR", "--index", str(app_server.index))
    assert bad.returncode == 2 and "onbekende route" in bad.stderr


def _whole(guide: dict[str, Any], name: str) -> None:
    from test_diploma import EXPECTED

    route, _, starts, fields = EXPECTED[name]
    assert guide["source"] == name and guide["route"] == route
    assert [st["n"] for st in guide["steps"]] == [1, 2, 3, 4]
    assert all(st["text"].startswith(w) for st, w in zip(guide["steps"], starts, strict=True))
    assert all(words in (guide[key] or {}).get("text", "") for key, words in fields.items()), guide


def test_every_test_guide_whole_through_the_api_the_cli_and_mcp(app_server: AppServer):
    from conftest import kb_cli
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client
    from test_diploma import EXPECTED

    def pick(out: dict[str, Any], name: str) -> dict[str, Any]:
        return next(g for g in out["guides"] if g["source"] == name)

    async def over_mcp() -> dict[str, dict[str, Any]]:
        async with streamablehttp_client(f"{app_server.url}/gradio_api/mcp/") as (read, write, _):  # noqa: SIM117
            async with ClientSession(read, write) as s:
                await s.initialize()
                out = {}
                for name, (route, prof, _, _) in EXPECTED.items():
                    r = await s.call_tool("diploma", {"profession": prof, "route": route})
                    out[name] = pick(json.loads(r.content[0].text), name)
                return out

    for name, guide in asyncio.run(over_mcp()).items():
        _whole(guide, name)
    for name, (route, prof, _, _) in EXPECTED.items():
        q = urllib.parse.urlencode({"profession": prof, "route": route})
        _whole(pick(_get(f"{app_server.url}/api/diploma?{q}"), name), name)
        r = kb_cli("diploma", "--profession", prof, "--route", route, "--index", str(app_server.index), "--json")
        assert r.returncode == 0, r.stderr
        _whole(pick(json.loads(r.stdout), name), name)
