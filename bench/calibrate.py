"""Choose the answerer's sentence weights and its abstention model on held-out folds.

    python bench/calibrate.py collect --out feats.jsonl \
        --set letters=eval/dev_questions.jsonl@index \
        --set faq=../shared/eval/faq/questions.jsonl@faq-index \
        --set faq_de_en=../shared/eval/faq/questions_de_en.jsonl@faq-index \
        --set faq_unanswerable=../shared/eval/faq/unanswerable.jsonl@faq-index:no \
        --set faq_on_letters=../shared/eval/faq/questions.jsonl@index:no \
        --set letters_on_faq=eval/dev_questions.jsonl@faq-index:no \
        --set faq_de_en_on_letters=../shared/eval/faq/questions_de_en.jsonl@index:no \
        --set fr=tests/data/faq/questions_fr.jsonl@faq-index \
        --set fr_on_letters=tests/data/faq/questions_fr.jsonl@index:no
    python bench/calibrate.py fit feats.jsonl [--folds 5]

`collect` runs retrieval and the sentence scorer on every question and writes the features (no
decision). An item is answerable when its set is not marked `:no` and its kind is not
'unanswerable'. `fit` chooses, on k-1 folds at a time, the sentence weights (grid) and the
logistic abstention model and its threshold, scores the held-out fold, and prints the held-out
figures per set and language and the trade-off table; then the values fitted on all folds, to
copy into kb/relevance.py (WEIGHTS) and kb/abstention.py (CALIBRATIONS, one model and threshold
for Dutch questions and one for the others). Folds are grouped so that
a question and its translations or cross-corpus copies are never split across train and test."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

from kb.abstention import FEATURES, design_row
from kb.backend import open_store
from kb.embed import make_embedder
from kb.relevance import gather
from kb.search import Searcher
from kb.settings import Settings
from kb.translate import make_translator

_PUNCT = re.compile(r"[^\w\s]")


def norm(text: str) -> list[str]:
    return _PUNCT.sub(" ", text.lower().replace("-", "")).split()


def covers(text: str, quote: str) -> bool:
    """The scorers' rule: >= 80% of the quote's words occur in the text."""
    q, t = norm(quote), set(norm(text))
    return bool(q) and sum(w in t for w in q) / len(q) >= 0.8


def sentence_label(sentence: str, item: dict) -> bool:
    """The sentence states the item's answer: it lies inside an evidence quote or the lead."""
    quotes = [e["quote"] for e in item.get("evidence", [])] + ([item["answer_lead"]] if "answer_lead" in item else [])
    return any(covers(q, sentence) or covers(sentence, q) for q in quotes)


def collect(sets: list[str], out: Path) -> None:
    settings = Settings.from_env()
    embedder = make_embedder(settings)
    with out.open("w", encoding="utf-8") as fh:
        for spec in sets:
            name, rest = spec.split("=", 1)
            path, index = rest.split("@", 1)
            answerable_set = not index.endswith(":no")
            index = index.removesuffix(":no")
            where = settings.with_paths(index_dir=Path(index))
            searcher = Searcher(open_store(where), embedder, translator=make_translator(where))
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                qa = searcher.analyze(item["question"])
                hits = searcher.search(item["question"], top_k=8)
                ev = gather(searcher, item["question"], qa, hits)
                group = item.get("doc") or item["id"]
                fh.write(json.dumps({
                    "set": name, "id": item["id"], "group": group, "lang": item.get("lang", "nl"),
                    "answerable": answerable_set and item.get("kind") != "unanswerable" and item.get("in_corpus", True),
                    "features": ev.features,
                    "sentences": [[s.dense, s.keyword, float(s.span is not None), float(s.index == 0),
                                   1.0 / s.hit.rank, float(sentence_label(s.text, item))] for s in ev.sentences],
                }) + "\n")
            print(f"{name}: done", file=sys.stderr)


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def sentence_grid() -> list[tuple[float, ...]]:
    return [(1.0, k, t, le, r) for k in (0.0, 0.02, 0.05, 0.1, 0.2) for t in (0.0, 0.02, 0.05, 0.1)
            for le in (0.0, 0.02, 0.05, 0.1, 0.2) for r in (0.0, 0.02, 0.05, 0.1, 0.2)]


def sentence_hits(items: list[dict], w: tuple[float, ...]) -> tuple[float, float]:
    """Share of answerable items whose best sentence (and whose best three) state the answer."""
    top1 = top3 = n = 0
    for it in items:
        s = np.asarray(it["sentences"], dtype=float)
        if not it["answerable"] or len(s) == 0 or not s[:, 5].any():
            continue
        order = np.argsort(-(s[:, :5] @ np.asarray(w)), kind="stable")
        n += 1
        top1 += s[order[0], 5] > 0
        top3 += s[order[:3], 5].any()
    return top1 / max(n, 1), top3 / max(n, 1)


BALANCE = "classes"  # or "groups": set by --balance


def sentence_objective(items: list[dict], w: tuple[float, ...]) -> float:
    """Mean over the sets (each corpus and language set counts alike) of top-1 plus top-3."""
    sets = sorted({it["set"] for it in items if it["answerable"]})
    return sum(sum(sentence_hits([it for it in items if it["set"] == s], w)) for s in sets) / max(len(sets), 1)


def group_key(it: dict) -> tuple[str, bool]:
    """What counts alike: each (set, answerable) group; each class (answerable or not); or, with
    `kinds`, the answerable questions, the unanswerable ones about the corpus's own subjects and
    those asked of the other corpus (a set named '<questions>_on_<corpus>'), each alike."""
    if BALANCE == "classes":
        return ("", it["answerable"])
    if BALANCE == "kinds":
        kind = "" if it["answerable"] else "off-topic" if "_on_" in it["set"] else "near"
        return (kind, it["answerable"])
    return (it["set"], it["answerable"])


def class_share(it: dict) -> float:
    """With `kinds`, the two kinds of unanswerable question share the weight of one class."""
    return 0.5 if BALANCE == "kinds" and not it["answerable"] else 1.0


def fit_abstention(items: list[dict]) -> tuple[np.ndarray, np.ndarray, object, float]:
    from sklearn.linear_model import LogisticRegression

    x = np.asarray([design_row(it["features"]) for it in items])
    y = np.asarray([it["answerable"] for it in items])
    sizes: dict[tuple[str, bool], int] = {}
    for it in items:
        sizes[group_key(it)] = sizes.get(group_key(it), 0) + 1
    weight = np.asarray([class_share(it) / sizes[group_key(it)] for it in items])
    mean, scale = x.mean(0), x.std(0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=1000).fit((x - mean) / scale, y, sample_weight=weight * len(items))
    p = model.predict_proba((x - mean) / scale)[:, 1]
    threshold = max(np.linspace(0.05, 0.95, 91), key=lambda t: balanced(items, p >= t))
    return mean, scale, model, float(threshold)


GROUPS = ("nl", "foreign")


def language_group(it: dict) -> str:
    """Dutch questions and the others are decided by models of their own (kb.abstention): e5's
    similarities and the translated keyword evidence run lower for a foreign question."""
    return "foreign" if it["features"].get("foreign") else "nl"


def fit_groups(items: list[dict]) -> dict[str, tuple[np.ndarray, np.ndarray, object, float]]:
    """One model per language group; a group whose items are all of one class gets the model of
    all items."""
    out = {}
    for g in GROUPS:
        own = [it for it in items if language_group(it) == g]
        if len({it["answerable"] for it in own}) == 2:
            out[g] = fit_abstention(own)
    if len(out) < len(GROUPS):  # the model of all items, only when a group needs it
        whole = fit_abstention(items)
        out = {g: out.get(g, whole) for g in GROUPS}
    return out


def probabilities(models: dict, items: list[dict]) -> np.ndarray:
    p = np.zeros(len(items))
    for i, it in enumerate(items):
        mean, scale, model, _ = models[language_group(it)]
        x = (np.asarray([design_row(it["features"])]) - mean) / scale
        p[i] = model.predict_proba(x)[0, 1]
    return p


def balanced(items: list[dict], answer: np.ndarray) -> float:
    """Mean over the groups of group_key of the share decided right, each weighted by its class
    share (so that, with `kinds`, answerable and unanswerable questions count alike)."""
    right: dict[tuple[str, bool], list[bool]] = {}
    share: dict[tuple[str, bool], float] = {}
    for it, a in zip(items, answer, strict=True):
        right.setdefault(group_key(it), []).append(bool(a) == it["answerable"])
        share[group_key(it)] = class_share(it)
    return float(sum(share[k] * np.mean(v) for k, v in right.items()) / sum(share.values()))


def folds_of(items: list[dict], k: int) -> list[int]:
    groups = sorted({it["group"] for it in items})
    rng = np.random.default_rng(7)
    fold = dict(zip(rng.permutation(groups), np.arange(len(groups)) % k, strict=True))
    return [int(fold[it["group"]]) for it in items]


def fit(path: Path, k: int) -> None:
    items = load(path)
    fold = folds_of(items, k)
    held_answer = np.zeros(len(items), dtype=bool)
    held_p = np.zeros(len(items))
    held_top1 = []
    for f in range(k):
        train = [it for it, g in zip(items, fold, strict=True) if g != f]
        test_idx = [i for i, g in enumerate(fold) if g == f]
        w = max(sentence_grid(), key=lambda w: sentence_objective(train, w))
        test = [items[i] for i in test_idx]
        held_top1.append(({s: sentence_hits([it for it in test if it["set"] == s], w)
                           for s in sorted({it["set"] for it in test if it["answerable"]})}, len(test_idx), w))
        models = fit_groups(train)
        p = probabilities(models, test)
        held_p[test_idx] = p
        held_answer[test_idx] = [p[n] >= models[language_group(it)][3] for n, it in enumerate(test)]
    report(items, held_answer, held_p, held_top1)
    # each group's threshold from its held-out trade-off: the best balanced accuracy, the lower on a tie
    grid = np.round(np.arange(0.1, 0.95, 0.05), 2)
    thresholds = {}
    for g in GROUPS:
        idx = [i for i, it in enumerate(items) if language_group(it) == g]
        own = [items[i] for i in idx]
        thresholds[g] = float(max(grid, key=lambda t: (round(balanced(own, held_p[idx] >= t), 3), -t))) if own else 0.5
    print(f"thresholds chosen from the held-out trade-off: {thresholds}")
    final(items, thresholds)


def report(items: list[dict], answer: np.ndarray, p: np.ndarray, top1: list) -> None:
    print("held-out sentence choice per fold (best sentence states the answer, any of best three):")
    for fold_items, n, w in top1:
        per_set = "  ".join(f"{s}: {a:.3f}/{b:.3f}" for s, (a, b) in fold_items.items())
        print(f"  n={n:4d} weights={w}  {per_set}")
    print("held-out decisions per set and language (share answered):")
    keys = sorted({(it["set"], it["lang"], it["answerable"]) for it in items})
    for key in keys:
        idx = [i for i, it in enumerate(items) if (it["set"], it["lang"], it["answerable"]) == key]
        print(f"  {key[0]:18} {key[1]} answerable={key[2]!s:5} n={len(idx):4d} answered={answer[idx].mean():.3f}")
    print(f"held-out balanced accuracy {balanced(items, answer):.3f}")
    for g in GROUPS:
        idx = [i for i, it in enumerate(items) if language_group(it) == g]
        own, q = [items[i] for i in idx], p[idx]
        y = np.asarray([it["answerable"] for it in own], dtype=bool)
        if not own:
            continue
        print(f"trade-off on held-out probabilities, {g} questions (threshold: answerable answered / unanswerable answered):")
        for t in np.arange(0.1, 0.95, 0.05):
            print(f"  {t:.2f}: {(q[y] >= t).mean() if y.any() else 0:.3f} / {(q[~y] >= t).mean() if (~y).any() else 0:.3f}"
                  f"  balanced {balanced(own, q >= t):.3f}")


def final(items: list[dict], thresholds: dict[str, float]) -> None:
    w = max(sentence_grid(), key=lambda w: sentence_objective(items, w))
    r = lambda a: tuple(round(float(v), 4) for v in a)  # noqa: E731
    print("\nfitted on all folds:")
    print(f"WEIGHTS = SentenceWeights{dict(zip(('dense', 'keyword', 'kind', 'lead', 'rank'), w, strict=True))}")
    print("CALIBRATIONS = {")
    for g, (mean, scale, model, _) in fit_groups(items).items():
        print(f'    "{g}": Calibration(mean={r(mean)}, scale={r(scale)}, coef={r(model.coef_[0])}, '  # type: ignore[attr-defined]
              f"intercept={round(float(model.intercept_[0]), 4)}, threshold={round(thresholds[g], 3)}),")  # type: ignore[attr-defined]
    print("}")
    print("features:", FEATURES)


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--set", action="append", required=True)
    c.add_argument("--out", type=Path, required=True)
    f = sub.add_parser("fit")
    f.add_argument("features", type=Path)
    f.add_argument("--folds", type=int, default=5)
    f.add_argument("--balance", choices=("groups", "classes", "kinds"), default="classes")
    a = ap.parse_args()
    global BALANCE
    BALANCE = getattr(a, "balance", BALANCE)
    if a.cmd == "collect":
        collect(a.set, a.out)
    else:
        fit(a.features, a.folds)


if __name__ == "__main__":
    main()
