"""Cold start of the app with an existing index: seconds from `kb serve` to the first answered
page request, and to the first answered search (query model loaded, index read).

    python bench/cold_start.py --index index [--runs 3]"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _until_ok(url: str, proc: subprocess.Popen[bytes], started: float, limit: float = 120) -> float:
    while time.perf_counter() - started < limit:
        if proc.poll() is not None:
            raise SystemExit(f"kb serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                if r.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"no answer from {url} within {limit} s")


def one_run(index: Path) -> tuple[float, float]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "serve", "--index", str(index), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = _until_ok(f"http://127.0.0.1:{port}/", proc, started)
        search = _until_ok(f"http://127.0.0.1:{port}/api/search?q=grensarbeiders&k=3", proc, started)
        return page, search
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, default=ROOT / "index")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    runs = [one_run(args.index.resolve()) for _ in range(args.runs)]
    pages, searches = [r[0] for r in runs], [r[1] for r in runs]
    print(f"cold start over {args.runs} runs: page served after median {statistics.median(pages):.1f} s "
          f"(max {max(pages):.1f}); first search answered after median {statistics.median(searches):.1f} s "
          f"(max {max(searches):.1f}); target < 10 s")


if __name__ == "__main__":
    main()
