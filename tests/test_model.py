"""The pure rules of a workshop (workshop/model.py): codes, tokens, names, payloads, permissions.

No server, no database: every rule is called directly.
"""

from __future__ import annotations

import hashlib
import re
import string

import pydantic
import pytest

from workshop import model
from workshop.model import Actor, WorkshopError

WORKSHOP = "workshop-1"
ANNA = "anna-0001"
BOB = "bob-00001"
CAROL = "carol-001"
TEAM = {ANNA, BOB, CAROL}

facilitator = Actor(WORKSHOP, "facilitator")
anna = Actor(WORKSHOP, "participant", ANNA)
bob = Actor(WORKSHOP, "participant", BOB)
carol = Actor(WORKSHOP, "participant", CAROL)


def card(kind="drive", author=ANNA, about=ANNA, **extra) -> dict:
    return {
        "id": "card-0001",
        "kind": kind,
        "author": author,
        "about": about,
        "text": "x",
        "prompt": None,
        "visibility": "named",
        "status": "accepted",
        "signed": False,
        "created_at": "2025-01-01T00:00:00.000+00:00",
        **extra,
    }


def link(created_by=None) -> dict:
    return {
        "id": "link-0001",
        "card_id": "card-0001",
        "goal_id": "goal-0001",
        "created_by": created_by,
        "created_at": "2025-01-01T00:00:00.000+00:00",
    }


def refusal(schema, payload) -> WorkshopError:
    """Parse a payload that must be refused, and return the refusal."""
    with pytest.raises(WorkshopError) as caught:
        model.parse(schema, payload)
    return caught.value


# --- join codes ------------------------------------------------------------------------------


def test_a_join_code_has_six_characters():
    assert 6 == len(model.new_code())


def test_a_join_code_uses_only_the_alphabet_without_look_alikes():
    used = set("".join(model.new_code() for _ in range(200)))
    assert used <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")


@pytest.mark.parametrize("look_alike", ["0", "O", "1", "I", "L"])
def test_the_code_alphabet_has_no_look_alikes(look_alike):
    assert look_alike not in model.CODE_ALPHABET


def test_the_code_alphabet_is_the_documented_one():
    assert "ABCDEFGHJKMNPQRSTUVWXYZ23456789" == model.CODE_ALPHABET


def test_join_codes_differ():
    assert 50 == len({model.new_code() for _ in range(50)})


def test_a_new_code_looks_like_a_code():
    assert model.looks_like_code(model.new_code())


@pytest.mark.parametrize("typed", ["ABCDE", "ABCDEFG", "ABCDE0", "abcdef", "ABC-DE"])
def test_what_is_not_a_code_does_not_look_like_one(typed):
    assert not model.looks_like_code(typed)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("abc-def", "ABCDEF"),
        (" ab cd ef ", "ABCDEF"),
        ("ABC\tDEF\n", "ABCDEF"),
        ("AbCdEf", "ABCDEF"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_code_makes_a_typed_code_comparable(typed, expected):
    assert expected == model.normalize_code(typed)


# --- tokens and ids --------------------------------------------------------------------------


def test_a_token_has_at_least_43_characters():
    assert len(model.new_token()) >= 43


def test_a_token_is_url_safe():
    assert re.fullmatch(r"[A-Za-z0-9_-]+", model.new_token())


def test_tokens_differ():
    assert 100 == len({model.new_token() for _ in range(100)})


def test_hash_token_is_the_sha256_hex_digest():
    token = model.new_token()
    assert hashlib.sha256(token.encode("utf-8")).hexdigest() == model.hash_token(token)


def test_hash_token_is_64_hex_characters():
    digest = model.hash_token(model.new_token())
    assert 64 == len(digest)
    assert set(digest) <= set(string.hexdigits.lower())


def test_hash_token_is_not_the_token():
    token = model.new_token()
    assert token != model.hash_token(token)
    assert token not in model.hash_token(token)


def test_different_tokens_have_different_hashes():
    assert model.hash_token("a" * 43) != model.hash_token("b" * 43)


def test_a_server_made_id_matches_the_client_id_pattern():
    assert re.fullmatch(model.ID_PATTERN, model.new_id())


# --- names -----------------------------------------------------------------------------------


def test_name_key_ignores_case():
    assert model.name_key("Anna") == model.name_key("ANNA") == model.name_key("anna")


def test_name_key_folds_case_beyond_ascii():
    assert model.name_key("STRASSE") == model.name_key("Straße")


def test_name_key_applies_nfkc():
    # The ligature "ﬁ" and full-width letters are the same name as their plain spelling.
    assert model.name_key("ﬁona") == model.name_key("Fiona")
    assert model.name_key("Ａｎｎａ") == model.name_key("Anna")


def test_name_key_joins_composed_and_decomposed_accents():
    assert model.name_key("Zoë") == model.name_key("Zoe\u0308")


def test_name_key_tells_different_names_apart():
    assert model.name_key("Anna") != model.name_key("Anne")


# --- payloads: what parses ---------------------------------------------------------------------


def test_create_workshop_parses_with_defaults():
    parsed = model.parse(model.CreateWorkshop, {"title": "Team day"})
    assert ("Team day", "nl", []) == (parsed.title, parsed.language, parsed.goals)


def test_create_workshop_parses_goals_in_order():
    parsed = model.parse(
        model.CreateWorkshop,
        {
            "title": "Team day",
            "language": "en",
            "goals": [{"text": "Ship v2", "kind": "project"}, {"text": "Grow", "kind": "goal"}, {"text": "Demo day"}],
        },
    )
    assert [("Ship v2", "project"), ("Grow", "goal"), ("Demo day", "goal")] == [(g.text, g.kind) for g in parsed.goals]


def test_create_workshop_takes_exactly_100_goals():
    goals = [{"text": f"Goal {n}"} for n in range(100)]
    assert 100 == len(model.parse(model.CreateWorkshop, {"title": "T", "goals": goals}).goals)


def test_join_parses_a_name():
    assert "Anna" == model.parse(model.Join, {"name": "Anna"}).name


def test_text_is_trimmed():
    assert "Anna" == model.parse(model.Join, {"name": "  Anna \n"}).name


def test_empty_parses_an_empty_object():
    assert model.Empty() == model.parse(model.Empty, {})


def test_a_missing_payload_counts_as_an_empty_object():
    assert model.Empty() == model.parse(model.Empty, None)


def test_add_card_parses_a_drive():
    parsed = model.parse(model.AddCard, {"kind": "drive", "text": "Teaching"})
    assert (None, "drive", "Teaching", None, None) == (parsed.id, parsed.kind, parsed.text, parsed.prompt, parsed.about)


def test_add_card_parses_a_strength_with_every_field():
    parsed = model.parse(
        model.AddCard, {"id": "card-0001", "kind": "strength", "text": "Calm", "prompt": 3, "about": BOB}
    )
    assert ("card-0001", "strength", "Calm", 3, BOB) == (
        parsed.id,
        parsed.kind,
        parsed.text,
        parsed.prompt,
        parsed.about,
    )


def test_a_card_may_have_several_lines():
    assert "one\ntwo\tthree" == model.parse(model.AddCard, {"kind": "drive", "text": "one\ntwo\tthree"}).text


def test_edit_card_parses():
    parsed = model.parse(model.EditCard, {"id": "card-0001", "text": "New words"})
    assert ("card-0001", "New words") == (parsed.id, parsed.text)


def test_by_id_parses():
    assert "card-0001" == model.parse(model.ById, {"id": "card-0001"}).id


def test_add_link_parses():
    parsed = model.parse(model.AddLink, {"card_id": "card-0001", "goal_id": "goal-0001"})
    assert (None, "card-0001", "goal-0001") == (parsed.id, parsed.card_id, parsed.goal_id)


def test_add_goal_parses_with_the_default_kind():
    parsed = model.parse(model.AddGoal, {"text": "Fewer meetings"})
    assert (None, "Fewer meetings", "goal") == (parsed.id, parsed.text, parsed.kind)


def test_edit_goal_parses_with_only_an_id():
    parsed = model.parse(model.EditGoal, {"id": "goal-0001"})
    assert ("goal-0001", None, None) == (parsed.id, parsed.text, parsed.kind)


def test_edit_goal_parses_text_and_kind():
    parsed = model.parse(model.EditGoal, {"id": "goal-0001", "text": "Launch", "kind": "activity"})
    assert ("Launch", "activity") == (parsed.text, parsed.kind)


@pytest.mark.parametrize("phase", model.PHASES)
def test_set_phase_parses_every_phase(phase):
    assert phase == model.parse(model.SetPhase, {"phase": phase}).phase


def test_delete_workshop_parses():
    assert "ABCDEF" == model.parse(model.DeleteWorkshop, {"code": "ABCDEF"}).code


@pytest.mark.parametrize("length", [8, 64])
def test_ids_at_the_length_limits_parse(length):
    assert "a" * length == model.parse(model.ById, {"id": "a" * length}).id


def test_text_at_the_limits_parses():
    assert 120 == len(model.parse(model.CreateWorkshop, {"title": "t" * 120}).title)
    assert 280 == len(model.parse(model.AddCard, {"kind": "drive", "text": "t" * 280}).text)
    assert 40 == len(model.parse(model.Join, {"name": "n" * 40}).name)


def test_a_parsed_payload_is_frozen():
    parsed = model.parse(model.Join, {"name": "Anna"})
    with pytest.raises(pydantic.ValidationError):
        parsed.name = "Bob"


# --- payloads: what is refused -------------------------------------------------------------------

VALID = {
    model.CreateWorkshop: {"title": "Team day", "language": "en", "goals": [{"text": "G", "kind": "goal"}]},
    model.GoalIn: {"text": "Grow", "kind": "project"},
    model.Join: {"name": "Anna"},
    model.AddCard: {"id": "card-0001", "kind": "strength", "text": "Calm", "prompt": 1, "about": BOB},
    model.EditCard: {"id": "card-0001", "text": "Calm"},
    model.ById: {"id": "card-0001"},
    model.AddLink: {"id": "link-0001", "card_id": "card-0001", "goal_id": "goal-0001"},
    model.AddGoal: {"id": "goal-0001", "text": "Grow", "kind": "goal"},
    model.EditGoal: {"id": "goal-0001", "text": "Grow", "kind": "goal"},
    model.SetPhase: {"phase": "drives"},
    model.DeleteWorkshop: {"code": "ABCDEF"},
    model.Empty: {},
}
SCHEMAS = list(VALID)


def with_field(schema, field, value) -> dict:
    return {**VALID[schema], field: value}


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.__name__)
def test_every_schema_parses_its_valid_payload(schema):
    assert isinstance(model.parse(schema, VALID[schema]), schema)


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.__name__)
def test_an_unknown_field_is_invalid(schema):
    assert "invalid" == refusal(schema, with_field(schema, "admin", True)).code


@pytest.mark.parametrize("payload", [[], "name", 42, ["name", "Anna"], True])
def test_a_payload_that_is_not_an_object_is_invalid(payload):
    assert "invalid" == refusal(model.Join, payload).code


def test_a_payload_that_is_not_an_object_is_invalid_even_for_empty():
    assert "invalid" == refusal(model.Empty, []).code


def test_an_invalid_payload_is_a_400():
    assert 400 == refusal(model.Join, {}).status


def test_the_refusal_names_the_bad_field():
    assert refusal(model.AddCard, {"kind": "drive", "text": 5}).message.startswith("text:")


def test_the_refusal_as_a_dict_has_code_and_message():
    error = refusal(model.Join, {})
    assert {"code": "invalid", "message": error.message} == error.as_dict()


@pytest.mark.parametrize(
    "schema, field",
    [
        (model.CreateWorkshop, "title"),
        (model.Join, "name"),
        (model.AddCard, "kind"),
        (model.AddCard, "text"),
        (model.EditCard, "id"),
        (model.ById, "id"),
        (model.AddLink, "card_id"),
        (model.AddLink, "goal_id"),
        (model.AddGoal, "text"),
        (model.EditGoal, "id"),
        (model.SetPhase, "phase"),
        (model.DeleteWorkshop, "code"),
    ],
)
def test_a_missing_required_field_is_invalid(schema, field):
    payload = {k: v for k, v in VALID[schema].items() if k != field}
    assert "invalid" == refusal(schema, payload).code


STRING_FIELDS = [
    (model.CreateWorkshop, "title"),
    (model.CreateWorkshop, "language"),
    (model.GoalIn, "text"),
    (model.GoalIn, "kind"),
    (model.Join, "name"),
    (model.AddCard, "id"),
    (model.AddCard, "kind"),
    (model.AddCard, "text"),
    (model.AddCard, "about"),
    (model.EditCard, "id"),
    (model.EditCard, "text"),
    (model.ById, "id"),
    (model.AddLink, "id"),
    (model.AddLink, "card_id"),
    (model.AddLink, "goal_id"),
    (model.AddGoal, "id"),
    (model.AddGoal, "text"),
    (model.AddGoal, "kind"),
    (model.EditGoal, "id"),
    (model.EditGoal, "text"),
    (model.EditGoal, "kind"),
    (model.SetPhase, "phase"),
    (model.DeleteWorkshop, "code"),
]


@pytest.mark.parametrize("schema, field", STRING_FIELDS, ids=lambda x: getattr(x, "__name__", x))
@pytest.mark.parametrize("wrong", [["Anna"], 12345678, True, {"text": "x"}], ids=["list", "int", "bool", "dict"])
def test_a_string_field_refuses_other_types(schema, field, wrong):
    assert "invalid" == refusal(schema, with_field(schema, field, wrong)).code


@pytest.mark.parametrize("wrong", ["1", True, 1.0, [1]], ids=["str", "bool", "float", "list"])
def test_the_prompt_refuses_anything_but_an_int(wrong):
    assert "invalid" == refusal(model.AddCard, with_field(model.AddCard, "prompt", wrong)).code


@pytest.mark.parametrize("prompt", [-1, 51])
def test_the_prompt_must_be_a_plausible_index(prompt):
    assert "invalid" == refusal(model.AddCard, with_field(model.AddCard, "prompt", prompt)).code


@pytest.mark.parametrize("goals", [{"text": "G"}, "G", ({"text": "G"},)], ids=["dict", "str", "tuple"])
def test_goals_must_be_a_list(goals):
    assert "invalid" == refusal(model.CreateWorkshop, {"title": "T", "goals": goals}).code


def test_a_goal_must_be_an_object():
    assert "invalid" == refusal(model.CreateWorkshop, {"title": "T", "goals": ["Grow"]}).code


def test_a_goal_with_an_unknown_field_is_invalid():
    payload = {"title": "T", "goals": [{"text": "Grow", "owner": "Anna"}]}
    assert "invalid" == refusal(model.CreateWorkshop, payload).code


def test_more_than_100_goals_is_invalid():
    goals = [{"text": f"Goal {n}"} for n in range(101)]
    assert "invalid" == refusal(model.CreateWorkshop, {"title": "T", "goals": goals}).code


@pytest.mark.parametrize(
    "schema, field, value",
    [
        (model.CreateWorkshop, "language", "de"),
        (model.GoalIn, "kind", "dream"),
        (model.AddCard, "kind", "talent"),
        (model.AddGoal, "kind", "task"),
        (model.EditGoal, "kind", "Goal"),
        (model.SetPhase, "phase", "open"),
    ],
)
def test_a_word_outside_its_list_is_invalid(schema, field, value):
    assert "invalid" == refusal(schema, with_field(schema, field, value)).code


TEXT_FIELDS = [
    (model.CreateWorkshop, "title"),
    (model.GoalIn, "text"),
    (model.Join, "name"),
    (model.AddCard, "text"),
    (model.EditCard, "text"),
    (model.AddGoal, "text"),
    (model.EditGoal, "text"),
]


@pytest.mark.parametrize("schema, field", TEXT_FIELDS, ids=lambda x: getattr(x, "__name__", x))
@pytest.mark.parametrize("blank", ["", " ", "   \n\t ", "\u3000"], ids=["empty", "space", "mixed", "ideographic"])
def test_empty_or_blank_text_is_invalid(schema, field, blank):
    assert "invalid" == refusal(schema, with_field(schema, field, blank)).code


@pytest.mark.parametrize("schema, field", TEXT_FIELDS, ids=lambda x: getattr(x, "__name__", x))
@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\r", "\x7f", "\x85"])
def test_control_characters_are_invalid(schema, field, control):
    assert "invalid" == refusal(schema, with_field(schema, field, f"Hello{control}world")).code


@pytest.mark.parametrize(
    "schema, field, limit",
    [
        (model.CreateWorkshop, "title", 120),
        (model.GoalIn, "text", 280),
        (model.Join, "name", 40),
        (model.AddCard, "text", 280),
        (model.EditCard, "text", 280),
        (model.AddGoal, "text", 280),
        (model.EditGoal, "text", 280),
    ],
)
def test_text_over_its_limit_is_invalid(schema, field, limit):
    assert "invalid" == refusal(schema, with_field(schema, field, "x" * (limit + 1))).code


def test_a_goal_in_a_new_workshop_over_the_limit_is_invalid():
    payload = {"title": "T", "goals": [{"text": "x" * 281}]}
    assert "invalid" == refusal(model.CreateWorkshop, payload).code


def test_the_name_limit_holds_for_the_name_as_stored():
    # 40 x U+0958 becomes 80 code points once normalised: over the limit as stored.
    assert "invalid" == refusal(model.Join, {"name": "\u0958" * 40}).code
    assert model.parse(model.Join, {"name": "\u0958" * 20}).name == "\u0915\u093c" * 20


@pytest.mark.parametrize("schema, field", [(model.CreateWorkshop, "title"), (model.Join, "name")])
@pytest.mark.parametrize("text", ["Anna\nBob", "Anna\tBob", "Anna\r\nBob"], ids=["newline", "tab", "crlf"])
def test_names_and_titles_are_one_line(schema, field, text):
    assert "invalid" == refusal(schema, with_field(schema, field, text)).code


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_a_name_with_a_unicode_line_separator_is_invalid(separator):
    assert "invalid" == refusal(model.Join, {"name": f"Anna{separator}Bob"}).code


@pytest.mark.parametrize(
    "schema, field",
    [
        (model.AddCard, "id"),
        (model.AddCard, "about"),
        (model.EditCard, "id"),
        (model.ById, "id"),
        (model.AddLink, "id"),
        (model.AddLink, "card_id"),
        (model.AddLink, "goal_id"),
        (model.AddGoal, "id"),
        (model.EditGoal, "id"),
    ],
    ids=lambda x: getattr(x, "__name__", x),
)
@pytest.mark.parametrize(
    "bad_id",
    ["short", "a" * 7, "a" * 65, "card 0001", "card/0001", "card.0001", "kaart-ë001", "card-0001\n", ""],
)
def test_an_id_outside_the_pattern_is_invalid(schema, field, bad_id):
    assert "invalid" == refusal(schema, with_field(schema, field, bad_id)).code


def test_a_delete_guard_code_over_16_characters_is_invalid():
    assert "invalid" == refusal(model.DeleteWorkshop, {"code": "A" * 17}).code


# --- pasted goal lists -------------------------------------------------------------------------


def test_parse_goal_lines_makes_one_goal_per_line():
    assert [{"text": "Grow", "kind": "goal"}, {"text": "Ship", "kind": "goal"}] == model.parse_goal_lines(
        "Grow\nShip", "goal"
    )


def test_parse_goal_lines_gives_every_goal_the_kind():
    assert ["project", "project"] == [g["kind"] for g in model.parse_goal_lines("A\nB", "project")]


def test_parse_goal_lines_drops_bullets():
    pasted = "- Grow\n* Ship\n• Learn\n· Teach"
    assert ["Grow", "Ship", "Learn", "Teach"] == [g["text"] for g in model.parse_goal_lines(pasted, "goal")]


def test_parse_goal_lines_drops_numbering():
    pasted = "1. Grow\n2) Ship\n10. Learn"
    assert ["Grow", "Ship", "Learn"] == [g["text"] for g in model.parse_goal_lines(pasted, "goal")]


def test_parse_goal_lines_drops_blank_lines_and_trims():
    pasted = "\n  Grow  \n\n   \n\tShip\r\n"
    assert ["Grow", "Ship"] == [g["text"] for g in model.parse_goal_lines(pasted, "goal")]


def test_parse_goal_lines_drops_indented_bullets():
    assert ["Grow"] == [g["text"] for g in model.parse_goal_lines("   -   Grow", "goal")]


def test_parse_goal_lines_keeps_a_number_that_is_part_of_the_goal():
    assert ["2025 targets"] == [g["text"] for g in model.parse_goal_lines("2025 targets", "goal")]


def test_parse_goal_lines_drops_a_line_that_is_only_a_bullet():
    assert [] == model.parse_goal_lines("-\n*\n3.", "goal")


@pytest.mark.parametrize("text", ["", None])
def test_parse_goal_lines_of_nothing_is_no_goals(text):
    assert [] == model.parse_goal_lines(text, "goal")


# --- who may write a card --------------------------------------------------------------------


def test_a_drive_is_about_its_author():
    assert ANNA == model.check_new_card(anna, "drive", None, TEAM.__contains__)


def test_a_drive_may_name_its_author_explicitly():
    assert ANNA == model.check_new_card(anna, "drive", ANNA, TEAM.__contains__)


def test_a_drive_about_a_colleague_is_forbidden():
    with pytest.raises(WorkshopError) as caught:
        model.check_new_card(anna, "drive", BOB, TEAM.__contains__)
    assert "forbidden" == caught.value.code


def test_a_strength_is_about_a_colleague():
    assert BOB == model.check_new_card(anna, "strength", BOB, TEAM.__contains__)


def test_a_strength_about_oneself_is_invalid():
    with pytest.raises(WorkshopError) as caught:
        model.check_new_card(anna, "strength", ANNA, TEAM.__contains__)
    assert "invalid" == caught.value.code


def test_a_strength_about_nobody_is_invalid():
    with pytest.raises(WorkshopError) as caught:
        model.check_new_card(anna, "strength", None, TEAM.__contains__)
    assert "invalid" == caught.value.code


def test_a_strength_about_an_unknown_colleague_is_not_found():
    with pytest.raises(WorkshopError) as caught:
        model.check_new_card(anna, "strength", "stranger-1", TEAM.__contains__)
    assert ("not_found", 404) == (caught.value.code, caught.value.status)


@pytest.mark.parametrize("kind, about", [("drive", None), ("strength", BOB)])
def test_the_facilitator_does_not_write_cards(kind, about):
    with pytest.raises(WorkshopError) as caught:
        model.check_new_card(facilitator, kind, about, TEAM.__contains__)
    assert ("forbidden", 403) == (caught.value.code, caught.value.status)


# --- who may change a card or a link -----------------------------------------------------------


def test_the_author_may_edit_a_card():
    assert model.can_edit_card(anna, card(author=ANNA))


def test_the_person_a_strength_is_about_may_not_edit_it():
    assert not model.can_edit_card(bob, card("strength", author=ANNA, about=BOB))


def test_a_colleague_may_not_edit_a_card():
    assert not model.can_edit_card(carol, card(author=ANNA))


def test_the_facilitator_may_not_edit_a_card():
    assert not model.can_edit_card(facilitator, card(author=ANNA))


def test_the_author_may_delete_a_card():
    assert model.can_delete_card(anna, card("strength", author=ANNA, about=BOB))


def test_the_person_a_card_is_about_may_delete_it():
    assert model.can_delete_card(bob, card("strength", author=ANNA, about=BOB))


def test_the_facilitator_may_delete_a_card():
    assert model.can_delete_card(facilitator, card(author=ANNA))


def test_a_bystander_may_not_delete_a_card():
    assert not model.can_delete_card(carol, card("strength", author=ANNA, about=BOB))


def test_a_participant_may_link_a_card_about_themself():
    assert model.can_link_card(bob, card("strength", author=ANNA, about=BOB))


def test_the_author_of_a_strength_may_not_link_it():
    assert not model.can_link_card(anna, card("strength", author=ANNA, about=BOB))


def test_a_bystander_may_not_link_a_card():
    assert not model.can_link_card(carol, card(author=ANNA, about=ANNA))


def test_the_facilitator_may_link_any_card():
    assert model.can_link_card(facilitator, card(author=ANNA, about=ANNA))


def test_the_facilitator_may_delete_a_link():
    assert model.can_delete_link(facilitator, link(created_by=ANNA), card())


def test_the_participant_who_made_a_link_may_delete_it():
    assert model.can_delete_link(carol, link(created_by=CAROL), card(author=ANNA, about=ANNA))


def test_the_person_whose_card_it_is_may_delete_its_link():
    assert model.can_delete_link(anna, link(created_by=None), card(author=ANNA, about=ANNA))


def test_a_bystander_may_not_delete_a_link():
    assert not model.can_delete_link(carol, link(created_by=BOB), card(author=ANNA, about=ANNA))


def test_a_bystander_may_not_delete_the_facilitators_link():
    assert not model.can_delete_link(carol, link(created_by=None), card(author=ANNA, about=ANNA))


# --- a closed workshop -------------------------------------------------------------------------


def test_a_participant_may_not_change_a_closed_workshop():
    with pytest.raises(WorkshopError) as caught:
        model.check_can_change(anna, "closed")
    assert ("closed", 409) == (caught.value.code, caught.value.status)


def test_the_facilitator_may_change_a_closed_workshop():
    assert model.check_can_change(facilitator, "closed") is None


@pytest.mark.parametrize("phase", [p for p in model.PHASES if p != "closed"])
def test_a_participant_may_change_an_open_workshop(phase):
    assert model.check_can_change(anna, phase) is None


def test_only_the_facilitator_passes_check_facilitator():
    assert model.check_facilitator(facilitator) is None
    with pytest.raises(WorkshopError) as caught:
        model.check_facilitator(anna)
    assert "forbidden" == caught.value.code


# --- what the team sees ------------------------------------------------------------------------


BOB_PHONE = model.Viewer("participant", BOB)
ANNA_PHONE = model.Viewer("participant", ANNA)
CAROL_PHONE = model.Viewer("participant", CAROL)
EVERYONE = (model.FACILITATOR, model.TEAM, ANNA_PHONE, BOB_PHONE, CAROL_PHONE)


def seen_by(item, viewers=EVERYONE):
    return [viewer for viewer in viewers if model.card_for(item, viewer) is not None]


def test_a_named_drive_is_seen_by_everyone_with_its_name():
    drive = card("drive")
    assert all(model.card_for(drive, v) == drive for v in EVERYONE)


def test_an_anonymous_drive_is_seen_by_everyone_but_only_its_person_and_the_facilitator_know_whose():
    drive = card("drive", visibility="anonymous")
    assert drive == model.card_for(drive, ANNA_PHONE) == model.card_for(drive, model.FACILITATOR)
    for viewer in (model.TEAM, BOB_PHONE):
        assert {**drive, "about": None, "author": None} == model.card_for(drive, viewer)


def test_a_facilitator_only_drive_reaches_only_its_person_and_the_facilitator():
    assert [model.FACILITATOR, ANNA_PHONE] == seen_by(card("drive", visibility="facilitator"))


def test_a_pending_strength_is_seen_by_its_author_its_person_and_the_facilitator_only():
    strength = card("strength", author=ANNA, about=BOB, status="pending")
    assert [model.FACILITATOR, ANNA_PHONE, BOB_PHONE] == seen_by(strength)


def test_an_accepted_strength_is_seen_by_everyone():
    assert list(EVERYONE) == seen_by(card("strength", author=ANNA, about=BOB))


def test_who_named_an_unsigned_strength_is_known_to_the_author_and_the_facilitator_only():
    strength = card("strength", author=ANNA, about=BOB)
    assert (
        ANNA == model.card_for(strength, ANNA_PHONE)["author"] == model.card_for(strength, model.FACILITATOR)["author"]
    )
    for viewer in (model.TEAM, BOB_PHONE, CAROL_PHONE):
        assert None is model.card_for(strength, viewer)["author"]


def test_a_signed_strength_shows_its_author_to_everyone():
    strength = card("strength", author=ANNA, about=BOB, signed=True)
    assert all(model.card_for(strength, v)["author"] == ANNA for v in EVERYONE)


def test_a_view_leaves_the_card_itself_alone():
    strength = card("strength", author=ANNA, about=BOB)
    model.card_for(strength, CAROL_PHONE)
    assert ANNA == strength["author"]


def test_a_link_is_seen_by_whoever_sees_its_card():
    private = card("drive", visibility="facilitator")
    assert None is model.link_for(link(created_by=ANNA), private, BOB_PHONE)
    assert link(created_by=ANNA) == model.link_for(link(created_by=ANNA), private, ANNA_PHONE)


def test_a_link_on_an_anonymous_card_does_not_tell_who_made_it():
    anonymous = card("drive", visibility="anonymous")
    assert None is model.link_for(link(created_by=ANNA), anonymous, model.TEAM)["created_by"]


def test_the_board_sees_what_the_team_sees_and_the_console_everything():
    assert model.TEAM == model.viewer_of(facilitator, "board")
    assert model.FACILITATOR == model.viewer_of(facilitator, "console")
    assert model.Viewer("participant", ANNA) == model.viewer_of(anna, "phone")


def test_a_pending_strength_cannot_be_linked_yet():
    assert False is model.can_link_card(facilitator, card("strength", author=ANNA, about=BOB, status="pending"))


def test_visibility_is_for_drives_and_signing_for_strengths():
    for kind, visibility, signed in (("strength", "anonymous", None), ("drive", None, True)):
        with pytest.raises(WorkshopError) as caught:
            model.check_card_fields(kind, visibility, signed)
        assert "invalid" == caught.value.code


def test_only_the_person_a_strength_is_about_may_answer_it():
    strength = card("strength", author=ANNA, about=BOB, status="pending")
    assert model.check_can_respond(Actor(WORKSHOP, "participant", BOB), strength) is None
    for actor in (anna, facilitator):
        with pytest.raises(WorkshopError) as caught:
            model.check_can_respond(actor, strength)
        assert "forbidden" == caught.value.code


# --- the method's questions --------------------------------------------------------------------


def test_dutch_and_english_have_the_same_number_of_prompts():
    assert len(model.default_prompts("nl")) == len(model.default_prompts("en"))


def test_there_are_eleven_prompts():
    # METHOD.md: seven questions for oneself, then the team's (the last two asked as one).
    assert 11 == len(model.default_prompts("nl"))


@pytest.mark.parametrize("language", model.LANGUAGES)
def test_every_prompt_is_a_question(language):
    prompts = model.default_prompts(language)
    assert all(p.strip() == p and p.endswith("?") and len(p) > 1 for p in prompts)


@pytest.mark.parametrize(
    "index, nl, en",
    [
        (0, "Wat bezielt jou?", "What moves you?"),
        (2, "Wat wil je nou écht?", "What do you really want?"),
        (7, "Wat inspireert je?", "What inspires you?"),
        (9, "Waar word je blij van?", "What makes you happy?"),
    ],
)
def test_the_prompts_are_the_methods_questions(index, nl, en):
    assert (nl, en) == (model.default_prompts("nl")[index], model.default_prompts("en")[index])


def test_the_dutch_and_english_prompts_differ():
    assert model.default_prompts("nl") != model.default_prompts("en")


def test_default_prompts_is_a_fresh_list_each_time():
    prompts = model.default_prompts("en")
    prompts.clear()
    assert 11 == len(model.default_prompts("en"))


# --- inbound JSON: its shape checked in one pass ----------------------------------------------


def nested(levels: int, inner: str = "1") -> str:
    return "[" * levels + inner + "]" * levels


@pytest.mark.parametrize(
    "text",
    [
        nested(model.JSON_DEPTH_MAX),  # exactly at the limit
        '{"a": ' + nested(model.JSON_DEPTH_MAX - 1) + "}",
        '["' + "[" * 40 + '"]',  # brackets inside a string do not nest
        '["' + "{" * 40 + '", "' + "]" * 40 + '"]',
        '["\\\\", ' + nested(model.JSON_DEPTH_MAX - 1) + "]",  # an escaped backslash ends nothing
        '["\\"[[[[[[[[[[[[[[[[[[[[[[[[\\""]',  # escaped quotes keep the string open
        '"' + "\\u005b" * 40 + '"',
        "]" * 40 + nested(model.JSON_DEPTH_MAX),  # stray closers never give depth back
    ],
    ids=[
        "at the limit",
        "object at the limit",
        "in a string",
        "both in strings",
        "escaped backslash",
        "escaped quotes",
        "unicode escapes",
        "stray closers",
    ],
)
def test_a_payload_within_the_depth_passes_the_shape_check(text):
    model.check_json_shape(text)


@pytest.mark.parametrize(
    "text",
    [
        nested(model.JSON_DEPTH_MAX + 1),
        '{"a": ' + nested(model.JSON_DEPTH_MAX) + "}",
        '["a\\\\"' + ", " + nested(model.JSON_DEPTH_MAX) + "]",  # the string ended at its quote
        '["\\"", ' + nested(model.JSON_DEPTH_MAX) + "]",  # an escaped quote, then a real one
        '["x"]' * 40 + nested(model.JSON_DEPTH_MAX + 1),
    ],
    ids=["one past the limit", "object past it", "after an escaped backslash", "after an escaped quote", "late"],
)
def test_a_payload_past_the_depth_is_invalid(text):
    with pytest.raises(WorkshopError, match="nests too deeply") as refused:
        model.check_json_shape(text)
    assert refused.value.code == "invalid"


def test_an_unterminated_string_counts_no_bracket_after_it_and_the_parser_refuses_it():
    text = '["add_card", "' + '\\"' * 20_000 + "[" * 100
    model.check_json_shape(text)  # all in the string: no depth
    with pytest.raises(WorkshopError) as refused:
        model.loads_json(text)
    assert (refused.value.code, refused.value.message) == ("invalid", "The body is not valid JSON.")


def test_a_payload_too_large_is_invalid_before_its_shape_is_looked_at():
    with pytest.raises(WorkshopError, match="too large"):
        model.check_json_shape(" " * (model.JSON_CHARS_MAX + 1))
    model.check_json_shape(" " * model.JSON_CHARS_MAX)
