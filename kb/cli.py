"""The `kb` command: a thin face over the library (contract: ../shared/DESIGN.md)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import kb  # noqa: F401  (offline switches before any model library is imported)
from kb.limits import InputRejected, check_filters, check_history, check_text, check_top_k
from kb.records import DOC_TYPES, SearchFilters
from kb.settings import ConfigError, Settings
from kb.store import StoreError

log = logging.getLogger("kb")
EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _setup_logging(args.verbose)
    try:
        settings = Settings.from_env().with_paths(index_dir=args.index)
        return int(args.func(args, settings))
    except (ConfigError, StoreError, ValueError) as e:
        log.error("%s", e)
        return EXIT_USAGE
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kb", description="Kennisbank grensregio's: indexeren en zoeken.")
    p.add_argument("-v", "--verbose", action="store_true", help="more log output on stderr")
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index", type=Path, default=None, help="index directory (default: $KB_INDEX_DIR or index/)")
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")

    ing = sub.add_parser("ingest", parents=[common], help="build or update the index from the corpus")
    ing.add_argument("paths", nargs="*", type=Path, help="corpus directories or files (default: corpus/)")
    ing.add_argument("--full", action="store_true", help="re-read and re-embed everything")
    ing.set_defaults(func=cmd_ingest)

    se = sub.add_parser("search", parents=[common], help="hybrid search")
    se.add_argument("query", nargs="?", help="the query")
    se.add_argument("--queries", type=Path, help="JSONL file of {id, question}; one output line each")
    se.add_argument("--k", type=int, default=10, help="number of hits (default 10)")
    se.add_argument("--type", action="append", choices=DOC_TYPES, help="document type (repeatable)")
    se.add_argument("--since", type=date.fromisoformat, help="documents dated on or after YYYY-MM-DD")
    se.add_argument("--until", type=date.fromisoformat, help="documents dated on or before YYYY-MM-DD")
    se.add_argument("--source", action="append", help="only this corpus file (repeatable)")
    se.set_defaults(func=cmd_search)

    ask = sub.add_parser("ask", parents=[common], help="answer a question with citations")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--questions", type=Path, help="JSONL file of {id, question}")
    ask.add_argument("--k", type=int, default=8, help="passages to read (default 8)")
    ask.set_defaults(func=cmd_ask)

    di = sub.add_parser("diploma", parents=[common], help="recognition steps for a profession and route")
    di.add_argument("--profession", required=True, help="profession key, e.g. fysiotherapeut (kb diploma --help)")
    di.add_argument("--route", required=True, help="NL→DE, NL→BE, DE→NL or BE→NL (NL-DE also works)")
    di.set_defaults(func=cmd_diploma)

    st = sub.add_parser("stats", parents=[common], help="what the index holds")
    st.set_defaults(func=cmd_stats)

    mi = sub.add_parser("migrate", parents=[common], help="copy the embedded index into PostgreSQL")
    mi.add_argument("--to", required=True, metavar="URL", help="postgresql://… (e.g. \"$KB_DATABASE_URL\")")
    mi.set_defaults(func=cmd_migrate)

    sv = sub.add_parser("serve", parents=[common], help="start the web app")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=7860)
    sv.set_defaults(func=cmd_serve)
    return p


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # bm25s and pypdf set their own levels; only their warnings concern the user.
    handler.addFilter(lambda r: r.levelno >= logging.WARNING or not r.name.startswith(("bm25s", "pypdf")))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("pypdf", "bm25s", "httpx", "faiss", "sentence_transformers", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _emit(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: not valid JSON ({e.msg})") from None


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import build_index
    from kb.backend import open_store
    from kb.embed import make_embedder

    store = open_store(settings)
    embedder = make_embedder(settings, threads=settings.ingest_threads)
    with _Progress(enabled=sys.stderr.isatty() and not args.json) as progress:
        report = build_index(settings, store, embedder, args.paths, full=args.full, progress=progress)
    if args.json:
        _emit(report.to_dict())
    else:
        d = report.to_dict()
        c = d["counts"]
        print(f"toegevoegd {c['added']}, gewijzigd {c['changed']}, verwijderd {c['removed']}, "
              f"ongewijzigd {c['unchanged']}, mislukt {c['failed']}; {report.chunks_embedded} chunks "
              f"ge-embed, {report.chunks_total} in de index ({report.generation}); {report.seconds:.1f} s")
        for f in report.failed:
            print(f"  mislukt: {f.source}: {f.reason}")
        for w in report.warnings:
            print(f"  let op: {w}")
    return EXIT_OK if report.ok else EXIT_PARTIAL


def _searcher(settings: Settings) -> Any:
    from kb.backend import open_store
    from kb.embed import make_embedder
    from kb.search import Searcher
    from kb.translate import make_translator

    store = open_store(settings)
    if store.manifest() is None:
        raise StoreError(f"No index in {settings.index_dir}. Build it first: kb ingest --index {settings.index_dir}")
    return Searcher(store, make_embedder(settings), translator=make_translator(settings))


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    if bool(args.query) == bool(args.queries):
        raise ValueError("give either a QUERY or --queries FILE.jsonl")
    filters = check_filters(SearchFilters(doc_types=tuple(args.type or ()), since=args.since, until=args.until,
                                          sources=tuple(args.source or ())))
    check_top_k(args.k)
    items = _checked(args.queries, args.query)
    searcher = _searcher(settings)
    for item in items:
        query = str(item.get("question") or item.get("query") or "")
        hits = searcher.search(query, top_k=args.k, filters=filters)
        if args.json or args.queries:
            _emit({"id": item.get("id"), "query": query, "hits": [h.to_dict() for h in hits]})
        else:
            for h in hits:
                page = f", p. {h.chunk.page}" if h.chunk.page else ""
                print(f"{h.rank:>2}. [{h.document.date or '?'}] {h.document.title}{page} — {h.chunk.section}")
                print(f"    {h.chunk.text[:300]}{'…' if len(h.chunk.text) > 300 else ''}")
    return EXIT_OK


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from kb.conversation import respond
    from kb.generate import make_llm

    if bool(args.question) == bool(args.questions):
        raise ValueError("give either a QUESTION or --questions FILE.jsonl")
    check_top_k(args.k)
    items = _checked(args.questions, args.question)
    searcher = _searcher(settings)
    llm = make_llm(settings)
    for item in items:
        question = str(item.get("question") or "")
        ans = respond(searcher, question, history=[str(h) for h in item.get("history", [])], llm=llm,
                      top_k=args.k)
        if args.json or args.questions:
            _emit({"id": item.get("id"), "question": question, **ans.to_dict()})
        else:
            print(ans.answer)
            for i, c in enumerate(ans.citations, 1):
                page = f", p. {c.page}" if c.page else ""
                print(f"  [{i}] {c.title} ({c.date or '?'}{page})")
    return EXIT_OK


def cmd_diploma(args: argparse.Namespace, settings: Settings) -> int:
    from kb.diploma import FIELDS, diploma_lookup

    result = diploma_lookup(_searcher(settings), args.profession, args.route)
    if args.json:
        _emit(result.to_dict())
        return EXIT_OK
    print(f"{result.profession.label} · {result.route}: {len(result.guides)} gids(en)")
    for g in result.to_dict()["guides"]:
        print(f"\n{g['title']} ({g['date'] or '?'}) [{g['source']}]")
        for s in g["steps"]:
            print(f"  {s['n']}. {s['text']}" + (f" (p. {s['page']})" if s["page"] else ""))
        for key in FIELDS:
            if g[key]:
                print(f"  {key}: {g[key]['text']}" + (f" (p. {g[key]['page']})" if g[key]["page"] else ""))
    for h in result.letters:
        print(f"\n  zie ook: {h.document.title} ({h.document.date or '?'}): {h.chunk.text[:200]}…")
    return EXIT_OK


def _checked(batch: Path | None, single: str | None) -> list[dict[str, Any]]:
    """The input items, every one within the bounds of kb.limits before any is answered."""
    items = list(_read_jsonl(batch)) if batch else [{"id": None, "question": single}]
    for n, item in enumerate(items, 1):
        where = f"{batch}, vraag {n}: " if batch else ""
        try:
            check_text(str(item.get("question") or item.get("query") or ""))
            check_history([str(h) for h in item.get("history", [])])
        except InputRejected as e:
            raise InputRejected(f"{where}{e}", e.status) from None
    return items


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import replace

    from kb.backend import migrate, open_store

    source = open_store(replace(settings, database_url=""))
    target = open_store(replace(settings, database_url=args.to))
    started = time.perf_counter()
    manifest = migrate(source, target)
    out = {"from": str(settings.index_dir), "generation": manifest.generation, "documents": manifest.documents,
           "chunks": manifest.chunks, "seconds": round(time.perf_counter() - started, 2)}
    if args.json:
        _emit(out)
    else:
        print(f"{out['documents']} documenten, {out['chunks']} chunks gekopieerd naar PostgreSQL "
              f"({manifest.generation}) in {out['seconds']} s; niets opnieuw ge-embed")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from kb.backend import index_location, open_store
    from kb.translate import make_translator

    store = open_store(settings)
    manifest = store.manifest()
    where = index_location(settings)
    if manifest is None:
        raise StoreError(f"No index in {where}. Build it first: kb ingest")
    docs = sorted(store.documents(), key=lambda d: (d.date or "", d.source))
    translation = make_translator(settings).sources()
    out = {"index": where, "manifest": manifest.to_dict(),
           "counts": {"documents": len(docs), "chunks": manifest.chunks},
           "documents": [d.to_dict() for d in docs], "last_build": store.last_report(),
           "translation": translation}
    if args.json:
        _emit(out)
        return EXIT_OK
    print(f"index {where} ({manifest.generation}), model {manifest.model_id}, "
          f"{len(docs)} documenten, {manifest.chunks} chunks")
    print(f"vertaling van Duitse, Engelse en Franse vragen: {', '.join(translation) or 'geen bronnen'}")
    for d in docs:
        ks = f", Kamerstuk {d.kamerstuk}" if d.kamerstuk else ""
        print(f"  {d.date or '?':10}  {d.doc_type:10}  {d.title}{ks}  [{d.source}]")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import app

    app.serve(settings, host=args.host, port=args.port)
    return EXIT_OK


class _Progress:
    """A tqdm bar per stage on a terminal; silent otherwise (and never on stdout)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bars: dict[str, Any] = {}

    def __enter__(self) -> _Progress:
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            bar = self._bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, unit="st")
        bar.update(done - bar.n)

    def __exit__(self, *exc: object) -> None:
        for bar in self._bars.values():
            bar.close()


if __name__ == "__main__":
    sys.exit(main())
