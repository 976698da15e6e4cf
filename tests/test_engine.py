"""The engine end to end with the real model and persona: stages, replies, memory, determinism."""

from __future__ import annotations

from typing import Any

import pytest

from chatbot.dialogue.contract import STAGES
from chatbot.engine.conversation import Conversation
from chatbot.engine.engine import Engine
from chatbot.engine.practice import load_persona

FULL = [
    "hi, nice to meet you",
    "I'm Sam, I've been in customer support for three years",
    "how's your week been?",
    "this place has great coffee, have you been coming here long?",
    "I studied chemistry and then spent four years in QA",
    "last year I rebuilt our support dashboards so the numbers finally matched",
    "I'm really good at untangling messy data",
    "I love hiking and I play in a board game club on Thursdays",
    "long term I'd like to lead a data team",
    "I want to learn new skills and work closer to customers",
    "what does a typical day look like for you?",
    "what's the biggest challenge your team faces right now?",
    "how would you describe the culture on your team?",
    "no, I think that's everything from me",
    "thanks so much, this was really helpful",
    "bye, have a good one",
]


def make(classifier: Any, seed: int = 11) -> Engine:
    persona = load_persona("priya", classifier.catalog)
    return Engine(persona, classifier.catalog, classifier.understand, seed)


def talk(engine: Engine, lines: list[str]) -> list[Any]:
    turns = engine.start()
    for line in lines:
        if engine.ended:
            break
        turns += engine.say(line)
    return turns


def test_a_full_conversation_goes_through_the_five_stages_in_order(classifier: Any) -> None:
    engine = make(classifier)
    turns = talk(engine, FULL)
    assert engine.ended
    order = []
    for turn in turns:
        if not order or order[-1] != turn.stage:
            order.append(turn.stage)
    assert order == [*STAGES, "ended"]
    assert engine.conversation.skipped == []
    assert engine.tree_done
    user = [t for t in turns if t.speaker == "user"]
    assert [t.intent for t in user[:2]] == ["greet", "introduce_self"]
    assert engine.memory["name"] == "Sam"
    assert engine.memory["goal"] == "lead a data team"
    # Every user turn is answered by at least one persona line.
    for turn in user:
        assert turns[turn.index + 1].speaker == "persona"
    assert [t.index for t in turns] == list(range(len(turns)))


def test_the_persona_asks_every_question_of_its_tree_not_already_answered(
    classifier: Any,
) -> None:
    engine = make(classifier)
    turns = talk(engine, FULL)
    asked = list(dict.fromkeys(t.node for t in turns if t.meta.get("kind") == "ask"))
    tree = engine.persona.stages.questions.tree
    assert tree is not None
    # A question whose answer was given earlier is passed over, never asked.
    assert not set(asked) & set(engine.covered)
    assert sorted(asked + engine.covered, key=list(tree.nodes).index) == list(tree.nodes)
    assert asked == [n for n in tree.nodes if n not in engine.covered]


def test_same_seed_same_replies_and_another_seed_varies(classifier: Any) -> None:
    first = [t.text for t in talk(make(classifier, seed=5), FULL)]
    again = [t.text for t in talk(make(classifier, seed=5), FULL)]
    other = [t.text for t in talk(make(classifier, seed=6), FULL)]
    assert first == again
    assert first != other


def test_remembered_name_is_used_later(classifier: Any) -> None:
    texts = []
    for seed in range(8):
        texts += [t.text for t in talk(make(classifier, seed), FULL) if t.speaker == "persona"]
    assert any("Sam" in text for text in texts[2:])


def test_goodbye_jumps_to_wrap_up_and_records_what_was_skipped(classifier: Any) -> None:
    engine = make(classifier)
    engine.start()
    engine.say("hello!")
    turns = engine.say("sorry, I have to run, bye for now")
    assert engine.stage == "wrap_up"
    enter = [t for t in turns if t.meta.get("kind") == "enter"]
    assert enter and enter[0].meta["skipped"] == [
        "small_talk",
        "questions",
        "interviewee_questions",
    ]
    assert engine.conversation.skipped == ["small_talk", "questions", "interviewee_questions"]
    engine.say("bye, take care")
    assert engine.ended


def test_a_question_asked_early_is_answered_not_ignored(classifier: Any) -> None:
    engine = make(classifier)
    engine.start()
    turns = engine.say("what does a typical day look like for you?")
    reply = turns[1]
    assert reply.meta["key"].endswith("ask_typical_day")


def test_taking_the_lead_in_questions_moves_on_and_records_skipped_nodes(classifier: Any) -> None:
    engine = make(classifier)
    talk(engine, FULL[:4])
    assert engine.stage == "questions"
    engine.say("what does a typical day look like for you?")
    assert engine.stage == "questions"
    turns = engine.say("and what's the biggest challenge your team is facing?")
    assert engine.stage == "interviewee_questions"
    enter = next(t for t in turns if t.meta.get("kind") == "enter")
    tree = engine.persona.stages.questions.tree
    assert tree is not None
    assert enter.meta["skipped"] == list(tree.nodes)


def test_a_detour_in_the_questions_stage_re_asks_the_question(classifier: Any) -> None:
    engine = make(classifier)
    talk(engine, FULL[:4])
    node = engine.node
    turns = engine.say("what's the weather going to do this afternoon, do you think?")
    assert engine.node == node
    assert turns[-1].meta["kind"] == "ask" and turns[-1].node == node


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 20_000,
        "hello\x00there\x1b[31m red \x1b[0m\x07",
        "[bold]hi[/] [@click=app.quit]quit[/] [/]",
        "I love coffee ☕️🙂 and my name is Zoë",
        "مرحبا، أنا سامي وأعمل في الدعم",
        "\u202eevil\u202c text",
        "lone \ud800 surrogate",
    ],
)
def test_any_line_is_answered_and_kept_as_typed(classifier: Any, text: str) -> None:
    engine = make(classifier)
    engine.start()
    turns = engine.say(text)
    user, *replies = turns
    expected = text.encode("utf-8", "replace").decode("utf-8")
    assert user.text == expected
    assert replies and all(r.speaker == "persona" and r.text for r in replies)
    assert engine.stage in (*STAGES, "ended")


def test_empty_turn_gets_the_silence_reply(classifier: Any) -> None:
    engine = make(classifier)
    engine.start()
    user, reply, *_ = engine.say("")
    assert user.intent == "out_of_scope" and user.meta["source"] == "empty"
    assert reply.meta["key"] == "silence"


def test_nothing_more_is_taken_after_the_end(classifier: Any) -> None:
    engine = make(classifier)
    talk(engine, FULL)
    with pytest.raises(RuntimeError):
        engine.say("one more thing")


def test_conversation_machine_refuses_to_move_past_the_end() -> None:
    conversation = Conversation()
    for _ in range(len(STAGES)):
        conversation.advance()
    assert conversation.ended
    with pytest.raises(RuntimeError):
        conversation.advance()
    with pytest.raises(RuntimeError):
        conversation.leave()
