"""The Gradio tabs of the app: layout and wiring only; every event calls one of app.Handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import kb  # noqa: F401  (offline switches before gradio is imported)

import gradio as gr  # isort: skip
from kb.diploma import PROFESSIONS, ROUTES
from kb.records import DOC_TYPES
from kb.render import DOCUMENT_COLUMNS, TYPE_LABELS
from kb.tools import Tools

if TYPE_CHECKING:
    from app import Handlers

# The page is Dutch (screen readers read it so; answers carry their own lang); links in results
# and citations open documents, so they must stand out.
PAGE_JS = "() => { document.documentElement.setAttribute('lang', 'nl'); }"
PAGE_CSS = """.kb-open{font-weight:600} .kb-snippet{margin:.2rem 0} .kb-doc{margin-bottom:1rem}
.kb-count{font-weight:600} mark{background:#ffe066;color:#1a1a1a}
:root,.dark{--button-primary-background-fill:#b23c07;--button-primary-background-fill-hover:#8f3106;
--button-primary-text-color:#fff;--button-primary-text-color-hover:#fff}
footer .show-api,footer .built-with,footer button,footer a{color:#374151 !important;opacity:1 !important}"""
PRIVATE: dict[str, Any] = {"api_visibility": "private"}  # UI events are neither API endpoints nor MCP tools


def build_app(h: Handlers, tools: Tools) -> Any:
    with gr.Blocks(title="Kennisbank grensregio's", analytics_enabled=False) as demo:
        gr.Markdown("# Kennisbank grensregio's\nZoek in Kamerbrieven, adviezen en roadmaps over "
                    "grensoverschrijdende samenwerking. Vragen mogen in het Nederlands, Duits of Engels.")
        # the operator's session token lives in the browser (encrypted), so a reload or another
        # replica behind the same address keeps them signed in until it expires or they sign out;
        # outside the tabs, because a tab's components load only when it is first shown
        token = gr.BrowserState("", storage_key="kb-operator-session", secret=h.kb.operators.browser_secret)
        with gr.Tab("Vragen"):
            _ask_tab(h)
        with gr.Tab("Zoeken"):
            doc = _search_tab(h)
        with gr.Tab("Diploma-erkenning"):
            _diploma_tab(h)
        with gr.Tab("Documenten"):
            table, report, retire, filters = _documents_tab(h, doc, demo, token)
        demo.load(h.on_documents, None, [table, report, doc, retire, *filters], **PRIVATE)
        gr.api(tools.search, api_name="search")
        gr.api(tools.ask, api_name="ask")
        gr.api(tools.diploma, api_name="diploma")
    return demo


def _ask_tab(h: Handlers) -> None:
    turns = gr.State([])
    convo = gr.HTML(elem_id="ask-output")
    q = gr.Textbox(label="Uw vraag", placeholder="Wat zei de brief van maart 2020 over de Benelux?",
                   elem_id="ask-input")
    with gr.Row():
        ask_btn = gr.Button("Vraag stellen", variant="primary", elem_id="ask-button")
        new_btn = gr.Button("Nieuw gesprek", elem_id="ask-reset")
    gr.Markdown("Klik op een bron om de passage in haar context te lezen. Een vervolgvraag als "
                "*En in Nedersaksen?* bouwt voort op de vorige vraag.")
    with gr.Accordion("Laatste antwoord als tekst (met bronnen, voor een memo)", open=False):
        copy = gr.Textbox(label="Antwoord met bronnen", lines=6, interactive=False, buttons=["copy"],
                          elem_id="ask-copy")
    ask_btn.click(h.on_ask, [q, turns], [convo, turns, q, copy], **PRIVATE)
    q.submit(h.on_ask, [q, turns], [convo, turns, q, copy], **PRIVATE)
    new_btn.click(lambda: ("", [], ""), None, [convo, turns, copy], **PRIVATE)


def _search_tab(h: Handlers) -> Any:
    sq = gr.Textbox(label="Zoekvraag", elem_id="search-input")
    with gr.Row():
        types = gr.CheckboxGroup([(TYPE_LABELS[t], t) for t in DOC_TYPES], label="Documenttype",
                                 elem_id="search-types")
        since = gr.Textbox(label="Vanaf (JJJJ-MM-DD)", elem_id="search-since")
        until = gr.Textbox(label="Tot en met (JJJJ-MM-DD)", elem_id="search-until")
    with gr.Row():
        doc = gr.Dropdown([("Alle documenten", "")], value="", label="Document", elem_id="search-doc")
        order = gr.Radio(["Relevantie", "Nieuwste eerst"], value="Relevantie", label="Volgorde")
    search_btn = gr.Button("Zoeken", variant="primary", elem_id="search-button")
    search_out = gr.HTML(elem_id="search-output")
    inputs = [sq, types, since, until, doc, order]
    search_btn.click(h.on_search, inputs, search_out, **PRIVATE)
    sq.submit(h.on_search, inputs, search_out, **PRIVATE)
    return doc


def _diploma_tab(h: Handlers) -> None:
    with gr.Row():
        prof = gr.Dropdown([p.label for p in PROFESSIONS], value=PROFESSIONS[0].label, label="Beroep",
                           elem_id="diploma-profession")
        route = gr.Radio(list(ROUTES), value=ROUTES[0], label="Route", elem_id="diploma-route")
    dip_btn = gr.Button("Toon stappen", variant="primary", elem_id="diploma-button")
    dip_out = gr.HTML(elem_id="diploma-output")
    dip_btn.click(h.on_diploma, [prof, route], dip_out, **PRIVATE)


def _documents_tab(h: Handlers, doc: Any, demo: Any, token: Any) -> tuple[Any, Any, Any, tuple[Any, Any]]:
    report = gr.HTML(elem_id="build-report")
    with gr.Row():
        kind = gr.Dropdown([("Alle soorten", "")], value="", label="Soort", elem_id="documents-kind")
        year = gr.Dropdown([("Alle jaren", "")], value="", label="Jaar", elem_id="documents-year")
    # widths in px so that every column shows at 1280 px; the title wraps
    table = gr.Dataframe(headers=DOCUMENT_COLUMNS, interactive=False, elem_id="documents", wrap=True,
                         column_widths=["30%", "9%", "9%", "10%", "14%", "6%", "7%", "15%"], label="Documenten")
    refresh = gr.Button("Vernieuwen", elem_id="documents-refresh")
    retire = gr.Dropdown([], label="Document verwijderen", elem_id="op-retire-doc", render=False)
    refresh.click(h.on_documents, None, [table, report, doc, retire, kind, year], **PRIVATE)
    for control in (kind, year):
        control.change(h.on_filter_documents, [kind, year], table, **PRIVATE)
    with gr.Accordion("Beheer (alleen voor beheerders)", open=False):
        user = gr.Textbox(label="Gebruikersnaam", elem_id="op-user")
        password = gr.Textbox(label="Wachtwoord", type="password", elem_id="op-password")
        sign_in = gr.Button("Inloggen", elem_id="op-sign-in")
        op_msg = gr.Markdown(elem_id="op-message")
        # hidden until sign-in; every operator handler checks the session token again on the server
        with gr.Group(visible=False, elem_id="operator-panel") as panel:
            files = gr.File(label="Documenten toevoegen (PDF, TXT, HTML, DOCX; max. 50 MB)",
                            file_count="multiple", file_types=[".pdf", ".txt", ".html", ".htm", ".docx"],
                            elem_id="op-files")
            upload = gr.Button("Toevoegen en herindexeren", elem_id="op-upload")
            reindex = gr.Button("Alleen herindexeren", elem_id="op-reindex")
            retire.render()
            retire_btn = gr.Button("Verwijderen (naar .verwijderd/) en herindexeren", elem_id="op-retire")
            status = gr.Textbox(label="Status", interactive=False, elem_id="op-status")
            check = gr.Button("Status vernieuwen", elem_id="op-check")
            sign_out = gr.Button("Uitloggen", elem_id="op-sign-out")
    sign_in.click(h.on_sign_in, [user, password], [token, panel, op_msg, password], **PRIVATE)
    sign_out.click(h.on_sign_out, token, [token, panel, op_msg], **PRIVATE)
    demo.load(h.on_restore, token, [panel, op_msg], **PRIVATE)
    upload.click(h.on_upload, [files, token], status, **PRIVATE)
    reindex.click(h.on_reindex, token, status, **PRIVATE)
    retire_btn.click(h.on_delete, [retire, token], status, **PRIVATE)
    check.click(h.on_status, token, status, **PRIVATE)
    return table, report, retire, (kind, year)


