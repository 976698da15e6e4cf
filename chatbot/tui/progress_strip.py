"""The one-line progress strip of home and the sessions list: a sparkline and the open share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# A longer sparkline would not fit one line at 80 columns next to the rest of the strip.
SPARK_LIMIT = 40


def progress_line(
    sessions: Sequence[Any], scores: Mapping[tuple[int, int], Any], failed: bool
) -> str | None:
    """The scores of `sessions` as a sparkline, oldest first, and the latest share of open
    questions; None when there are no sessions (each screen says that its own way)."""
    if not sessions:
        return None
    if failed:
        return "No scores: the coach's data did not load (`rehearse validate` says why)."
    results = [scores[key] for key in ((i.id, i.turns) for i in sessions) if key in scores]
    if len(results) < len(sessions):
        many = len(sessions) > 50
        return (
            f"Scoring your sessions… {len(results)}/{len(sessions)}"
            if many
            else ("Scoring your sessions…")
        )
    scored = sorted(
        (r for r in results if r.score is not None), key=lambda r: (r.info.started, r.info.id)
    )
    if not scored:
        return "No scores yet: finish a conversation to see how it went."
    # Imported by the scoring worker before any score arrives: this costs the UI thread nothing.
    from chatbot.coach.history import sparkline

    share = scored[-1].open_share
    last = "no questions asked" if share is None else f"open questions {share:.0%}"
    shown = scored[-SPARK_LIMIT:]
    which = f" (last {len(shown)})" if len(scored) > len(shown) else ""
    return f"Scores{which} {sparkline([r.score for r in shown])} · {last} last time"
