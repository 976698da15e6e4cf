"""Scoring the intent model: accuracy, per-intent P/R/F1, confusions, latency, k-fold CV."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from chatbot.dialogue.loader import Catalog
from chatbot.engine.training import Progress, build

Predict = Callable[[str], str]


def score(
    gold: Sequence[str], predicted: Sequence[str], catalog: Catalog, latencies_ms: Sequence[float]
) -> dict[str, Any]:
    """The report `rehearse eval --json` prints; a finer intent counts for its parent."""
    credited = [g if g in catalog.lineage(p) else p for g, p in zip(gold, predicted, strict=True)]
    labels = sorted(set(gold) | set(credited))
    true_pos: Counter[str] = Counter()
    for g, p in zip(gold, credited, strict=True):
        if g == p:
            true_pos[g] += 1
    support = Counter(gold)
    said = Counter(credited)
    per_intent: dict[str, dict[str, float | int]] = {}
    for label in labels:
        tp = true_pos[label]
        precision = tp / said[label] if said[label] else 0.0
        recall = tp / support[label] if support[label] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support[label],
        }
    scored = [per_intent[label]["f1"] for label in labels if support[label]]
    confusions = Counter((g, p) for g, p in zip(gold, credited, strict=True) if g != p)
    ordered = sorted(confusions.items(), key=lambda kv: (-kv[1], kv[0]))
    lat = sorted(latencies_ms)
    return {
        "n": len(gold),
        "accuracy": round(sum(true_pos.values()) / len(gold), 4) if gold else 0.0,
        "macro_f1": round(sum(scored) / len(scored), 4) if scored else 0.0,
        "per_intent": per_intent,
        "confusions": [[g, p, n] for (g, p), n in ordered],
        "latency_ms": {"p50": _percentile(lat, 0.50), "p99": _percentile(lat, 0.99)},
    }


def _percentile(ordered: Sequence[float], q: float) -> float:
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 3)


def evaluate(
    examples: Sequence[tuple[str, str]], predict: Predict, catalog: Catalog
) -> dict[str, Any]:
    gold, predicted, latencies = [], [], []
    for text, intent in examples:
        started = time.perf_counter()
        predicted.append(predict(text))
        latencies.append((time.perf_counter() - started) * 1000)
        gold.append(intent)
    return score(gold, predicted, catalog, latencies)


def folds(examples: Sequence[tuple[str, str]], k: int, seed: int) -> list[list[int]]:
    """Stratified folds: each intent's examples dealt round-robin after a seeded shuffle."""
    by_intent: dict[str, list[int]] = defaultdict(list)
    for index, (_, intent) in enumerate(examples):
        by_intent[intent].append(index)
    rng = random.Random(seed)
    out: list[list[int]] = [[] for _ in range(k)]
    offset = 0
    for intent in sorted(by_intent):
        indices = by_intent[intent]
        rng.shuffle(indices)
        for i, index in enumerate(indices):
            out[(i + offset) % k].append(index)
        offset += len(indices)
    return out


def cross_validate(
    examples: Sequence[tuple[str, str]],
    labels: Sequence[str],
    config: Any,
    catalog: Catalog,
    classify: Callable[[Any], Predict],
    k: int,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train k models, each scored on the fold it never saw; the scores pooled."""
    seed = int(config["training"]["seed"])
    gold: list[str] = []
    predicted: list[str] = []
    latencies: list[float] = []
    for number, held_out in enumerate(folds(examples, k, seed)):
        held = set(held_out)
        training = [e for i, e in enumerate(examples) if i not in held]
        if progress:
            progress(number / k, f"fold {number + 1}/{k}: training on {len(training)} examples")
        predict = classify(build(training, labels, config))
        for index in held_out:
            text, intent = examples[index]
            started = time.perf_counter()
            predicted.append(predict(text))
            latencies.append((time.perf_counter() - started) * 1000)
            gold.append(intent)
    if progress:
        progress(1.0, f"{k} folds done")
    report = score(gold, predicted, catalog, latencies)
    report["folds"] = k
    return report
