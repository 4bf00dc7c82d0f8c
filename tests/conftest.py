from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from localpg import LocalPostgres, NoPostgres, start_postgres

import kb  # noqa: F401  (offline switches)
from kb.embed import HashingEmbedder
from kb.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
# Real government PDFs vendored with their sources and licences (tests/data/pdfs/README.md):
# the tests never need anything beside the checkout.
PDFS = ROOT / "tests" / "data" / "pdfs"
DEV_QUESTIONS = ROOT / "eval" / "dev_questions.jsonl"


def need_pdfs() -> Path:
    assert PDFS.is_dir(), f"{PDFS} is missing: it is part of the repository"
    return PDFS


@pytest.fixture
def pdfs() -> Path:
    return need_pdfs()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


@pytest.fixture
def hashing_settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    return Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index", embed_backend="hashing")


@pytest.fixture
def hashing() -> HashingEmbedder:
    return HashingEmbedder()


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(extra)
    return env


def kb_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], cwd=ROOT, env=env or cli_env(),
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    """A real PostgreSQL 16 + pgvector for the session. Skips with the reason when none can start
    here, except in CI (CI=true, as .ci/run is run) or under KB_REQUIRE_POSTGRES=1, where it fails."""
    try:
        pg = start_postgres()
    except NoPostgres as e:
        if os.environ.get("CI") == "true" or os.environ.get("KB_REQUIRE_POSTGRES") == "1":
            raise
        pytest.skip(f"no PostgreSQL here: {e}")
    yield pg
    pg.stop()


@pytest.fixture(scope="session")
def model_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped corpus indexed once per session with the real bundled model, through the CLI."""
    index = tmp_path_factory.mktemp("model") / "index"
    r = kb_cli("ingest", str(CORPUS), "--index", str(index), "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["counts"]["added"] == 5 and report["chunks_embedded"] > 50
    return index


OPERATOR = ("beheerder", "test-wachtwoord-123")
# the operator session secret every replica of a test shares (KB_SECRET_KEY)
SECRET = "test-geheim-voor-ondertekende-sessies-0123456789"
EVIL = ("Testdocument met opmaak. <script>window.__pwned = 1</script> en "
        "<img src=x onerror=\"window.__pwned = 2\"> mogen nooit uitgevoerd worden. "
        "Dit bestand test de escaping van documenttekst in de kennisbank.")
APP_LETTERS = tuple(sorted(p.name for p in CORPUS.iterdir() if p.is_file()))  # the five letters and the catalogue


@dataclass(frozen=True)
class AppServer:
    url: str
    corpus: Path
    index: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, seconds: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return time.perf_counter() - started
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"app exited: {log.read_text(errors='replace')[-3000:]}") from None
            time.sleep(0.2)
    raise TimeoutError(f"app did not listen on port {port} within {seconds} s")


NETGUARD = ROOT / "tests" / "netguard"


@contextmanager
def running_app(index: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """`kb serve` on a free loopback port, under the socket guard (tests/netguard); yields its URL."""
    port = free_port()
    env = {**env, "PYTHONPATH": str(NETGUARD), "NETGUARD_LOG": str(log.with_suffix(".net"))}
    with open(log, "wb") as log_fh:
        proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "serve", "--index", str(index),
                                 "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_fh)
    try:
        wait_for_port(port, proc, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """`kb serve` on loopback over the five letters, the roadmap and guide test fixtures and an escaping test file,
    with the real model and an operator account."""
    base = tmp_path_factory.mktemp("app")
    corpus = base / "corpus"
    corpus.mkdir()
    for name in APP_LETTERS:
        shutil.copy(CORPUS / name, corpus / name)
    shutil.copy(ROOT / "tests/fixtures/roadmaps/testfixture_roadmap_fysiotherapeut_nl-de.txt", corpus)
    for guide in (ROOT / "tests/fixtures/guides").glob("testfixture_*"):
        shutil.copy(guide, corpus)
    (corpus / "escaping-test.txt").write_text(EVIL, encoding="utf-8")
    env = cli_env(KB_OPERATOR_USER=OPERATOR[0], KB_OPERATOR_PASSWORD=OPERATOR[1], KB_SECRET_KEY=SECRET,
                  KB_SIGNIN_LOCK_SECONDS="3")
    r = kb_cli("ingest", str(corpus), "--index", str(base / "index"), env=env)
    assert r.returncode == 0, r.stderr
    with running_app(base / "index", env, base / "serve.log") as url:
        yield AppServer(url, corpus, base / "index")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under KB_FORBID_SKIPS=1 (.ci/run) a skipped test fails the run: data and packages must come
    with the repository, not from whatever lies beside it."""
    if os.environ.get("KB_FORBID_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        for rep in skipped:
            reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
            sys.stderr.write(f"forbidden skip: {rep.nodeid}: {reason}\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
