"""The development set and its scorer (eval/, in the repository), for the benches that score retrieval."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

EVAL = Path(__file__).resolve().parents[1] / "eval"
QUESTIONS = EVAL / "dev_questions.jsonl"


def load_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_search(run: dict[str, list[dict[str, Any]]], path: Path = QUESTIONS) -> dict[str, Any]:
    """The shared scorer's search figures for {question id: hits best first (each with a "text")}."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for qid, hits in run.items():
            fh.write(json.dumps({"id": qid, "hits": hits}, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(EVAL / "score.py"), str(path), "--search", fh.name],
                         capture_output=True, text=True, check=True).stdout
    Path(fh.name).unlink()
    return dict(json.loads(out)["search"])
