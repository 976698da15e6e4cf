"""Question analysis of a user turn: a question or not, open or closed, stacked, leading."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Literal

Form = Literal["open", "closed", "none"]

WH = {
    "what", "what's", "whats", "what're", "how", "how's", "hows", "how're", "why", "why's",
    "where", "where's", "when", "when's", "who", "who's", "which",
}  # fmt: skip
CLOSED_WH = {"where", "where's", "when", "when's", "who", "who's", "which", "whom", "whose"}
EXCLAIM = re.compile(
    r"^(?:what an?|how (?:cool|nice|lovely|interesting|funny|great|fun|exciting|sweet|neat))\b"
)
INFO_VERBS = re.compile(r"\b(?:heading|headed|going|evolving|changing|moving)\b")
HOW_CLOSED = {"many", "much", "long", "often", "old", "far", "soon", "big", "large"}
WHAT_FACT = {"time", "year", "day", "date", "title", "name", "size", "percentage", "number"}
PAY = {"salary", "salaries", "pay", "paid", "compensation", "range", "cost", "rate", "bonus"}
AUX = {
    "do", "does", "did", "is", "are", "was", "were", "can", "could", "would", "will", "should",
    "have", "has", "had", "may", "might", "shall", "am", "isn't", "aren't", "don't", "doesn't",
    "didn't", "wouldn't", "couldn't", "won't", "wasn't", "weren't", "haven't", "hasn't",
    "can't", "shouldn't", "do's",
}  # fmt: skip
SUBJECTS = {
    "i", "you", "we", "they", "he", "she", "it", "there", "that", "this", "your", "the", "a",
    "an", "anyone", "someone", "people", "things", "u", "ya", "y'all", "any", "my", "our",
    "their", "these", "those", "everyone", "most", "somebody", "anybody", "one",
}  # fmt: skip
PRONOUN_SUBJECTS = {
    "i", "we", "they", "he", "she", "it", "you", "u", "i'm", "we're", "they're", "you're",
    "it's", "he's", "she's", "i've", "we've", "i'd",
}  # fmt: skip
FIRST_PERSON = {"i", "i'm", "i've", "i'd", "i'll", "my", "we", "we're", "we've", "our", "me"}
REQUEST_VERBS = {
    "tell", "walk", "talk", "describe", "explain", "share", "elaborate", "expand", "say",
    "give", "help", "paint", "go", "run",
}  # fmt: skip
# Words that start a turn without changing what kind of question follows.
PREFIXES = (
    "so", "and", "also", "but", "ok", "okay", "well", "sorry", "oh", "right", "alright", "great",
    "cool", "now", "then", "hmm", "um", "uh", "and so", "out of curiosity", "just curious",
    "quick question", "one more thing", "if you don't mind me asking", "if i may",
    "i have a question", "another question", "my question is", "follow-up", "hey", "hi",
    "hello", "yeah", "yes", "no worries", "thanks", "thank you", "interesting", "wow",
)  # fmt: skip
ASK_LEADS = re.compile(
    r"^(?:can|could|may|might) i (?:just )?ask(?: you)?(?: about)?\s*[,:]?\s*"
    r"|^(?:(?:(?:i'd|i would)(?: really)? )?(?:love|like)|i (?:want|wanted|need)) to "
    r"(?:know|hear|understand|ask|learn)"
    r"(?: about| more about)?\s*[,:]?\s*"
    r"|^i(?:'m| am|'d be| would be) (?:really |also |just |very )?(?:curious|interested)"
    r"(?: to (?:know|hear|learn|understand))?"
    r"(?: about| as to)?\s*[,:]?\s*"
    r"|^(?:i (?:was|am|'m) )?(?:just |also )?wondering\s*[,:]?\s*"
    r"|^(?:just |also )?curious(?: about)?\s*[,:]?\s*"
    r"|^i wonder\s*"
)
REQUEST = re.compile(
    r"\bif you (?:could|would|can)\s+(?:please\s+)?(?:tell|describe|walk|explain|share|talk)\b"
)
OPEN_LEADS = re.compile(
    r"^(?:please )?(?:tell me|walk me through|talk me through|describe|explain|share|help me "
    r"understand|give me a sense|paint me a picture|say more|fill me in|any (?:advice|tips|"
    r"thoughts|suggestions|pointers|ideas)|thoughts on|what about|how about)\b"
)
TAGS = re.compile(
    r"(?:,|\b)\s*(?:right|no|yeah|correct|true|surely|isn't that so|isn't that right|"
    r"am i right|don't you think|wouldn't you say|wouldn't you agree|eh|huh|"
    r"(?:is|are|was|were|do|does|did|have|has|had|would|will|wo|could|ca|should)n't\s+"
    r"(?:you|they|it|we|he|she|there|i|that))\s*\?*\s*$"
)
# A statement ending in a tag ("...soon, right") asks for agreement even without a "?".
BARE_TAG = re.compile(r",\s*(?:right|isn't it|don't you think|no)\s*$")
LEADING_PHRASES = re.compile(
    r"\b(?:i bet|i assume|i'm assuming|i imagine|i'd imagine|presumably|surely|obviously|"
    r"of course you|you must|you'd agree|you would agree|must be|don't you think|"
    r"wouldn't you (?:say|agree)|isn't it true|i guess you|i suppose you|i take it|"
    r"i'm guessing|i gather|so much (?:better|worse|nicer)|such (?:a )?(?:great|terrible|"
    r"awful|amazing|bad|good)|the best (?:place|company|team))\b"
)
FOLLOW_UP = re.compile(
    r"\b(?:you (?:mentioned|said|talked about|were saying|brought up|described|spoke about)|"
    r"earlier you|going back to|back to what you|what do you mean|how so|why is that|"
    r"why was that|say more|tell me more|more about that|elaborate|how did that|"
    r"what was that like|what happened|that sounds|in what way|like what)\b"
)
STOP = {
    "about", "their", "there", "these", "those", "would", "could", "should", "which", "where",
    "while", "really", "think", "thing", "things", "people", "being", "doing", "going", "having",
    "other", "again", "still", "every", "something", "anything", "everything", "maybe", "right",
    "sounds", "tell", "little", "great", "pretty", "quite", "always", "never", "often", "much",
    "because", "through", "after", "before", "lot", "work", "team", "role", "company", "job",
    "know", "like", "want", "time", "good", "kind", "sort", "what", "when", "with", "your",
    "you're", "that's", "it's", "from", "have", "been", "were", "does", "this", "that", "they",
    "them", "then", "than", "just", "very", "also", "into", "over", "more", "most", "some",
    "make", "made", "back", "well", "even", "here", "only", "same", "such", "year", "years",
}  # fmt: skip


_STARTERS = (
    r"(?:what|what's|how|how's|why|where|when|who|which|(?:"
    + "|".join(sorted(map(re.escape, AUX), key=len, reverse=True))
    + r")\s+(?:"
    + "|".join(
        sorted(map(re.escape, PRONOUN_SUBJECTS | {"there", "that", "this"}), key=len, reverse=True)
    )
    + r"))\b"
)
# "A or B?" is one question, so "or" does not split; "and", a comma or a dash before a new
# question word does.
_SPLIT = re.compile(
    r"(?:,|;|:|\u2014|\u2013|\s-+|\band\b|\balso\b|\bplus\b|\bbut\b)\s*(?=(?:also\s+)?"
    + _STARTERS
    + ")"
)


@dataclass(frozen=True)
class QuestionAnalysis:
    """What kind of question a turn is; `count` is how many questions it asks."""

    form: Form
    count: int
    leading: bool
    follow_up: bool

    @property
    def is_question(self) -> bool:
        return self.form != "none"

    @property
    def stacked(self) -> bool:
        return self.count > 1


@functools.cache
def _nlp() -> Any:
    # Only spaCy's own rule-based sentencizer on a blank pipeline: no model, nothing to load.
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _words(text: str) -> list[str]:
    return [t.lower_ for t in _nlp().tokenizer(text) if not t.is_punct and not t.is_space]


def _strip_prefixes(clause: str) -> str:
    text = clause.strip().lower().replace("\u2019", "'")
    changed = True
    while changed:
        changed = False
        for prefix in sorted(PREFIXES, key=len, reverse=True):
            if re.match(rf"^{re.escape(prefix)}\b[\s,:;.!-]*", text) and len(text) > len(prefix):
                text = re.sub(rf"^{re.escape(prefix)}\b[\s,:;.!-]*", "", text, count=1)
                changed = True
    # A short lead-in before a comma ("With respect, may I ask...", "In your view, where...").
    head, comma, rest = text.partition(",")
    words = head.split()
    lead_in = comma and rest.strip() and 0 < len(words) <= 4 and words[0] not in WH
    if lead_in and not re.match(_STARTERS, head):
        return _strip_prefixes(rest)
    return text


def _clause_form(clause: str, asked: bool) -> Form:
    """The form of one clause; `asked` when it ends in a question mark."""
    text = _strip_prefixes(clause)
    lead = ASK_LEADS.match(text)
    embedded = False
    if lead:
        embedded = True
        text = text[lead.end() :]
        if re.match(r"^(?:if|whether)\b", text):
            rest = re.sub(r"^(?:if|whether)\s+", "", text)
            # "I wonder whether I should retrain" muses; "...whether you'd..." asks.
            if not asked and re.match(r"^(?:i|i'm|i'd|i'll|we)\b", rest):
                return "none"
            return "closed"
        if not text:
            return "open" if asked else "none"
    if OPEN_LEADS.match(text) or REQUEST.search(text):
        return "open"
    words = re.findall(r"[a-z']+", text)
    if not words:
        return "closed" if asked else "none"
    first, second = words[0], (words[1] if len(words) > 1 else "")
    if not asked and not embedded and BARE_TAG.search(text):
        return "closed"
    if not asked and not embedded and EXCLAIM.match(text):
        return "none"  # "What a coincidence", "How cool"
    if first in WH or first == "whom" or first == "whose":
        declarative = second in PRONOUN_SUBJECTS and not asked and not embedded
        if declarative and first not in {"how", "what", "why", "what's", "how's"}:
            return "none"
        if declarative and len(words) > 2 and words[2] not in AUX:
            return "none"  # "What I want is...", "How I got here was..."
        if not asked and second in ("is", "was", "'s") and words[2:3] and words[2] in WH:
            return "none"  # "Which is why...", "That is how..."
        if first.startswith("what") and PAY & set(words):
            return "closed"  # a figure, not a story
        if first.startswith("where") and INFO_VERBS.search(text):
            return "open"  # "Where is the field heading?" asks for a view, not a place
        if first in CLOSED_WH:
            return "closed"
        if first.startswith("how") and second in HOW_CLOSED:
            return "closed"
        if first.startswith("what") and second in WHAT_FACT:
            return "closed"
        fact = len(words) > 3 and words[2] in ("your", "the") and words[3] in WHAT_FACT
        if first.startswith("what") and second in ("is", "'s") and fact:
            return "closed"
        return "open"
    if first in AUX and (second in PRONOUN_SUBJECTS | {"there", "that", "this"} or asked):
        if any(w in REQUEST_VERBS for w in words[2:5]) and second in ("you", "u", "ya"):
            return "open"  # "Could you tell me about..." asks for a story, not a yes
        if " or " in f" {text} " and asked:
            return "closed"
        return "closed"
    if embedded:
        return "open"
    if asked and (first not in FIRST_PERSON or LEADING_PHRASES.search(text)):
        return "closed"  # rising intonation: "The team is remote?", "I bet it pays well?"
    return "none"


def _clauses(text: str) -> list[tuple[str, bool]]:
    """The turn's clauses, each with whether it ends in a question mark."""
    out: list[tuple[str, bool]] = []
    for sent in _nlp()(text).sents:
        raw = sent.text.strip()
        if not raw:
            continue
        asked = raw.rstrip(" .!\"')").endswith("?")
        parts = _SPLIT.split(raw.lower())
        for i, part in enumerate(parts):
            if part.strip(" ?.!,"):
                out.append((part, asked and i == len(parts) - 1))
    return out


def _leading(text: str) -> bool:
    lowered = text.lower().replace("\u2019", "'").strip()
    for sent in _nlp()(lowered).sents:
        said = sent.text.strip()
        if (TAGS.search(said) and said.endswith("?")) or BARE_TAG.search(said.rstrip(" .!")):
            return True
    if LEADING_PHRASES.search(lowered):
        return True
    first = re.findall(r"[a-z']+", _strip_prefixes(lowered))[:1]
    return bool(first) and first[0].endswith("n't") and first[0] in AUX


def _content(text: str) -> set[str]:
    return {
        w.rstrip("s")
        for w in _words(text)
        if len(w) >= 4 and w.isalpha() and w not in STOP and not _nlp().vocab[w].is_stop
    }


def analyse(text: str, previous: str = "") -> QuestionAnalysis:
    """One user turn, read against what the persona said just before it."""
    return _analyse(_valid(text[:2000]), _valid(previous[:2000]))


def _valid(text: str) -> str:
    # A lone surrogate (possible in an imported session) cannot reach spaCy's string store.
    return text.encode("utf-8", "replace").decode("utf-8")


@functools.lru_cache(maxsize=4096)
def _analyse(text: str, previous: str) -> QuestionAnalysis:
    clauses = [(c, asked) for c, asked in _clauses(text)]
    forms = [_clause_form(c, asked) for c, asked in clauses]
    asks = [f for f in forms if f != "none"]
    form: Form = asks[0] if asks else "none"
    if form == "none":
        return QuestionAnalysis("none", 0, False, False)
    leading = _leading(text)
    lowered = text.lower().replace("\u2019", "'")
    follow_up = bool(previous) and (
        bool(FOLLOW_UP.search(lowered)) or bool(_content(text) & _content(previous))
    )
    return QuestionAnalysis(form, len(asks), leading, follow_up)
