"""The scorecard as text: sections shared by `rehearse report`, its Markdown and the app."""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.coach.scorecard import Coaching
from chatbot.dialogue.coaching import CoachData
from chatbot.dialogue.contract import STAGES
from chatbot.dialogue.models import Persona

STAGE_NAMES = {
    "greeting": "Greeting",
    "small_talk": "Small talk",
    "questions": "Their questions",
    "interviewee_questions": "Your questions",
    "wrap_up": "Wrap-up",
}
FORMULA = "Score = 100 * (weights of the checks passed) / (weights of all the checks), rounded."


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]


def title_of(check_id: str) -> str:
    return check_id.replace("_", " ").capitalize()


def _clip(text: str, width: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _labels(data: CoachData, topics: list[str]) -> str:
    return ", ".join(data.topics[t].label for t in topics if t in data.topics) or "none"


def _minutes(seconds: float) -> str:
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


def sections(coaching: Coaching, persona: Persona, data: CoachData) -> list[Section]:
    """The report, top to bottom. Every quoted line is the user's own text, unformatted."""
    info, ins = persona.persona, coaching.insights
    state = "" if coaching.complete else " (the conversation did not reach its wrap-up)"
    out = [Section(f"Score: {coaching.score} / 100{state}", (FORMULA,))]
    checks: list[str] = []
    for check in coaching.checks:
        mark = "✓" if check.passed else "✗"
        checks.append(f"{mark} {title_of(check.id)} (weight {check.weight}): {check.found}")
        checks += [f"    turn {i}: “{_clip(text)}”" for i, text in check.evidence]
        if not check.passed:
            checks.append(f"    Why it matters: {check.why}")
    out.append(Section("Checks", tuple(checks)))
    asked = int(ins["questions_asked"])
    questions = [
        f"Questions asked: {asked} ({ins['questions_counted']} counting stacked ones)",
        f"Open questions: {ins['open_share']:.0%}" if asked else "Open questions: none asked",
        f"Stacked: {ins['stacked']} · leading: {ins['leading']} · follow-ups: {ins['follow_ups']}",
        f"Topics covered: {_labels(data, ins['topics_covered'])}",
        f"Topics missed: {_labels(data, ins['topics_missed'])}",
    ]
    out.append(Section("Your questions", tuple(questions)))
    talk = [
        f"{STAGE_NAMES[s]:<16} you {v['user_words']:>4} words · them {v['persona_words']:>4}"
        f" · your share {v['user_share']:.0%}"
        for s, v in ins["talk_share"].items()
    ]
    talk.append(
        f"Hedges: {ins['hedges_per_100']} per 100 words · fillers: {ins['fillers_per_100']}"
        f" per 100 words ({ins['user_words']} words in all)"
    )
    if ins["top_words"]:
        talk.append("Your most used words: " + ", ".join(f"{w} ({n})" for w, n in ins["top_words"]))
    times = ins["time_per_stage"]
    if times and any(times.values()):
        talk.append(
            "Time per stage: "
            + " · ".join(f"{STAGE_NAMES[s]} {_minutes(t)}" for s, t in times.items() if s in STAGES)
        )
    out.append(Section("How you talked", tuple(talk)))
    found = [f"✓ {d['what']}" for d in ins["discoverables_found"]]
    for d in ins["discoverables_missed"]:
        how = _labels(data, d["unlocked_by"])
        found.append(f"· {d['what']} (it comes from asking about {how}, at the right moment)")
    if found:
        total = len(found)
        got = len(ins["discoverables_found"])
        out.append(Section(f"What you uncovered: {got} of {total}", tuple(found)))
    if coaching.impression:
        first = info.name.split()[0]
        out.append(Section(f"{first}'s view of you", (coaching.impression,)))
    hints = [f"turn {n.index}: {n.hint}" for n in coaching.notes if n.hint]
    out.append(Section("Coaching notes", tuple(hints) or ("No hints: nothing needed saying.",)))
    note = coaching.follow_up
    out.append(
        Section(
            "Follow-up note (send it within a day)",
            (f"Subject: {note['subject']}", "", *note["body"].split("\n")),
        )
    )
    return out


def as_text(title: str, parts: list[Section]) -> str:
    lines = [title, ""]
    for part in parts:
        lines += [part.title, *(f"  {line}" if line else "" for line in part.lines), ""]
    return "\n".join(lines).rstrip() + "\n"


def _md_escape(text: str) -> str:
    # Stored text is shown as typed: characters Markdown would act on are escaped.
    return "".join("\\" + c if c in "\\`*_{}[]<>()#+-.!|~" else c for c in text)


def as_markdown(title: str, parts: list[Section], transcript: list[tuple[str, str]]) -> str:
    lines = [f"# {_md_escape(title)}", ""]
    for part in parts:
        lines += [f"## {_md_escape(part.title)}", ""]
        lines += [
            f"    {line}"
            if part.title.startswith("Follow-up")
            else (f"- {_md_escape(line.strip())}" if line.strip() else "")
            for line in part.lines
        ]
        lines.append("")
    lines += ["## Transcript", ""]
    lines += [f"**{_md_escape(who)}:** {_md_escape(text)}  " for who, text in transcript]
    return "\n".join(lines).rstrip() + "\n"
