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
                return tools, result

    tools, result = asyncio.run(session())
    assert set(tools) == {"search", "ask"}  # operator actions are never tools
    assert "policy documents" in tools["search"] and "citation" in tools["ask"]
    assert not result.isError
    hits = json.loads(result.content[0].text)
    assert len(hits) == 3 and all(h["title"] and h["date"] for h in hits)
    assert any("Benelux" in h["text"] for h in hits)
