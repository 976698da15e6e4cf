"""The stage names and intent ids that other parts of the product rely on."""

STAGES = ("greeting", "small_talk", "questions", "interviewee_questions", "wrap_up")
ENDED = "ended"

SCENARIOS = (
    "informal_interview",
    "internal_soft_interview",
    "external_soft_interview",
    "informational_interview",
    "networking_meeting",
)

# shared/intents.md: every id must exist in the dialogue data with exactly this spelling.
CONTRACT_INTENTS = (
    "greet",
    "introduce_self",
    "thank_for_meeting",
    "state_purpose",
    "how_are_you",
    "small_talk_personal",
    "small_talk_setting",
    "small_talk_shared",
    "share_background",
    "share_skills",
    "share_goals",
    "express_openness",
    "share_ideal_role",
    "share_target_companies",
    "share_reason_for_change",
    "ask_typical_day",
    "ask_career_path",
    "ask_role_likes",
    "ask_team_needs",
    "ask_skills_valued",
    "ask_culture",
    "ask_goals_projects",
    "ask_industry",
    "ask_advice",
    "ask_referral",
    "ask_company_list_feedback",
    "ask_about_openings",
    "ask_compensation",
    "ask_next_steps",
    "ask_follow_up",
    "thank_you",
    "goodbye",
    "offer_help",
    "promise_follow_up",
    "affirm",
    "deny",
    "ask_clarify",
    "unsure",
    "out_of_scope",
)

OUT_OF_SCOPE = "out_of_scope"
MIN_EXAMPLES = 30


def is_question_intent(intent: str) -> bool:
    """A question the user puts to the persona (the `ask_*` family)."""
    return intent.startswith("ask_") and intent != "ask_clarify"
