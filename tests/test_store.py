"""The workshop database (workshop/store/) on a temporary SQLite file."""

from __future__ import annotations

import itertools
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workshop import model
from workshop.clock import FakeClock
from workshop.store import JOURNAL_SIZE_LIMIT, MIGRATIONS, TABLES, Store, TransactionClosed


@pytest.fixture
def clock() -> FakeClock:
    """A clock that moves one millisecond per reading, so "in the order it was made" is defined.

    The real clock often gives two quick writes the same millisecond; that case has its own tests.
    """
    return FakeClock(datetime(2025, 1, 1, 9, 0, tzinfo=UTC), tick=0.001)


@pytest.fixture
def db_path(tmp_path) -> str:
    return str(tmp_path / "w.sqlite3")


@pytest.fixture
def store(db_path, clock):
    opened = Store(db_path, clock=clock)
    yield opened
    opened.close()


GOALS = [
    {"text": "Grow the team", "kind": "goal"},
    {"text": "Ship v2", "kind": "project"},
    {"text": "Demo day", "kind": "activity"},
]


def new_workshop(store, title="Team day", language="en", goals=GOALS, token_hash=None) -> dict:
    with store.transaction() as tx:
        return tx.create_workshop(
            title,
            language,
            goals,
            token_hash or model.hash_token(model.new_token()),
            "named",
            prompts=model.default_prompts(language),
        )


def join(store, workshop, name, token_hash=None) -> dict | None:
    """As the service joins: with the next colour (model.color_for)."""
    with store.transaction() as tx:
        color = model.color_for(len(tx.participant_names(workshop["id"])))
        return tx.add_participant(workshop["id"], name, token_hash or model.hash_token(model.new_token()), color)


def write_card(store, workshop, card_id, author, about=None, kind="drive", text="Teaching", prompt=None) -> dict:
    card = {
        "id": card_id,
        "kind": kind,
        "author": author["id"],
        "about": (about or author)["id"],
        "text": text,
        "prompt": prompt,
        "visibility": "named",
        "status": "accepted",
        "signed": False,
    }
    with store.transaction() as tx:
        return tx.add_card(workshop["id"], card)


def link(store, workshop, link_id, card_id, goal_id, created_by=None) -> dict:
    with store.transaction() as tx:
        return tx.add_link(workshop["id"], link_id, card_id, goal_id, created_by)


def goal_ids(store, workshop) -> list[str]:
    return [g["id"] for g in store.snapshot(workshop["id"])["goals"]]


def rows_in(store, table, workshop_id) -> int:
    column = "id" if table == "workshops" else "workshop_id"
    return store.db.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (workshop_id,)).fetchone()[0]


@pytest.fixture
def team(store):
    """A workshop with three goals, Anna and Bob, and two cards: Anna's drive and Anna's strength for Bob."""
    workshop = new_workshop(store)
    anna = join(store, workshop, "Anna")
    bob = join(store, workshop, "Bob")
    drive = write_card(store, workshop, "drive-0001", anna)
    strength = write_card(store, workshop, "strength-01", anna, about=bob, kind="strength", text="Calm")
    return {
        "workshop": workshop,
        "anna": anna,
        "bob": bob,
        "drive": drive,
        "strength": strength,
        "goals": goal_ids(store, workshop),
    }


# --- schema ------------------------------------------------------------------------------------


def test_migrations_set_user_version_to_their_count(store):
    assert len(MIGRATIONS) == store.db.execute("PRAGMA user_version").fetchone()[0]


def test_migrate_returns_the_schema_version(store):
    assert len(MIGRATIONS) == store.migrate()


def test_migrating_again_is_a_no_op(store):
    workshop = new_workshop(store)
    store.migrate()
    assert len(MIGRATIONS) == store.db.execute("PRAGMA user_version").fetchone()[0]
    assert workshop == store.workshop(workshop["id"])


def test_the_schema_has_every_table(store):
    assert set(TABLES) <= set(store.db.table_names())


def test_wal_mode_is_on(store):
    assert "wal" == store.db.execute("PRAGMA journal_mode").fetchone()[0]


def test_foreign_keys_are_enforced(store):
    assert 1 == store.db.execute("PRAGMA foreign_keys").fetchone()[0]


def test_ping_answers(store):
    assert store.ping()


# --- workshops -------------------------------------------------------------------------------


def test_create_workshop_returns_the_workshop(store):
    workshop = new_workshop(store, title="Team day", language="nl")
    assert ("Team day", "nl", "join", 0) == (
        workshop["title"],
        workshop["language"],
        workshop["phase"],
        workshop["version"],
    )


def test_a_new_workshop_has_a_join_code(store):
    assert model.looks_like_code(new_workshop(store)["code"])


def test_a_new_workshop_has_the_methods_prompts_in_its_language(store):
    assert model.default_prompts("nl") == new_workshop(store, language="nl")["prompts"]


def test_create_workshop_stores_goals_in_order(store):
    workshop = new_workshop(store)
    goals = store.snapshot(workshop["id"])["goals"]
    assert [("Grow the team", "goal", 0), ("Ship v2", "project", 1), ("Demo day", "activity", 2)] == [
        (g["text"], g["kind"], g["position"]) for g in goals
    ]


def test_create_workshop_without_goals(store):
    assert [] == store.snapshot(new_workshop(store, goals=[])["id"])["goals"]


def test_workshops_get_different_codes(store):
    assert 20 == len({new_workshop(store)["code"] for _ in range(20)})


def test_create_workshop_draws_again_when_the_code_is_taken(store, monkeypatch):
    taken = new_workshop(store)["code"]
    draws = iter([taken, taken, "ABCDEF"])
    monkeypatch.setattr(model, "new_code", lambda: next(draws))
    assert "ABCDEF" == new_workshop(store)["code"]


def test_a_workshop_is_found_by_code(store):
    workshop = new_workshop(store)
    assert workshop == store.workshop_by_code(workshop["code"])


def test_a_workshop_is_found_by_its_facilitator_token(store):
    token_hash = model.hash_token(model.new_token())
    workshop = new_workshop(store, goals=[], token_hash=token_hash)
    assert workshop == store.workshop_by_facilitator(token_hash)


def test_the_facilitator_token_is_stored_only_as_its_hash(store):
    token = model.new_token()
    new_workshop(store, goals=[], token_hash=model.hash_token(token))
    stored = store.db.execute("SELECT facilitator_token_hash FROM workshops").fetchone()[0]
    assert (model.hash_token(token), False) == (stored, token in stored)


def test_unknown_workshops_are_none(store):
    assert (None, None, None) == (
        store.workshop("nope-0000"),
        store.workshop_by_code("ZZZZZZ"),
        store.workshop_by_facilitator("x"),
    )


def test_bump_version_increments(store):
    workshop = new_workshop(store)
    with store.transaction() as tx:
        versions = [tx.bump_version(workshop["id"]) for _ in range(3)]
    assert ([1, 2, 3], 3) == (versions, store.workshop(workshop["id"])["version"])


def test_bump_version_counts_per_workshop(store):
    first, second = new_workshop(store), new_workshop(store)
    with store.transaction() as tx:
        tx.bump_version(first["id"])
        tx.bump_version(first["id"])
    with store.transaction() as tx:
        assert 1 == tx.bump_version(second["id"])


def test_a_failed_transaction_changes_nothing(store):
    workshop = new_workshop(store)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.bump_version(workshop["id"])
        tx.add_participant(workshop["id"], "Anna", "hash-anna", color=0)
        raise RuntimeError("refused half-way")
    assert (0, []) == (store.workshop(workshop["id"])["version"], store.snapshot(workshop["id"])["participants"])


def test_writes_exist_only_inside_a_transaction(store):
    """The store reads; a transaction writes, and only inside its ``with`` block."""
    workshop = new_workshop(store)
    assert not hasattr(store, "bump_version")
    with store.transaction() as tx:
        tx.bump_version(workshop["id"])
    with pytest.raises(TransactionClosed):
        tx.bump_version(workshop["id"])
    assert 1 == store.workshop(workshop["id"])["version"]


def test_transactions_do_not_nest(store):
    with store.transaction(), pytest.raises(RuntimeError), store.transaction():
        pass


@pytest.mark.parametrize(
    "change",
    [
        lambda tx, w: tx.update_workshop(w["id"], phase="closed"),
        lambda tx, w: tx.update_workshop(w["id"]),
        lambda tx, w: tx.update_goal(w["id"], "any-goal-1", position=0),
        lambda tx, w: tx.update_card(w["id"], "any-card-1", author="someone-1"),
        lambda tx, w: tx.update_agreement(w["id"], "any-agreement-1", link_id="other-1"),
    ],
)
def test_only_allowed_fields_change_even_under_python_O(store, change):
    workshop = new_workshop(store)
    with pytest.raises(ValueError), store.transaction() as tx:
        change(tx, workshop)


def test_set_phase(store):
    workshop = new_workshop(store)
    with store.transaction() as tx:
        tx.set_phase(workshop["id"], "drives")
    assert "drives" == store.workshop(workshop["id"])["phase"]


def test_recent_workshops_are_newest_first_and_limited(store, clock):
    for n in range(1, 4):
        clock.set(datetime(2025, 1, n, tzinfo=UTC))
        new_workshop(store, title=f"Day {n}")
    assert ["Day 3", "Day 2"] == [w["title"] for w in store.recent_workshops(limit=2)]


# --- participants ------------------------------------------------------------------------------


def test_add_participant_returns_the_participant(store):
    anna = join(store, new_workshop(store), "Anna")
    assert ("Anna", 0) == (anna["name"], anna["color"])


@pytest.mark.parametrize("again", ["Anna", "anna", "ANNA", "aNNa", "ＡＮＮＡ"])
def test_add_participant_refuses_a_taken_name_whatever_its_case(store, again):
    workshop = new_workshop(store)
    join(store, workshop, "Anna")
    assert None is join(store, workshop, again)


def test_a_refused_name_adds_nobody(store):
    workshop = new_workshop(store)
    join(store, workshop, "Anna")
    join(store, workshop, "ANNA")
    assert ["Anna"] == [p["name"] for p in store.snapshot(workshop["id"])["participants"]]


def test_the_same_name_may_join_another_workshop(store):
    join(store, new_workshop(store), "Anna")
    assert "Anna" == join(store, new_workshop(store), "Anna")["name"]


def test_participants_get_colours_zero_to_seven_cyclically(store):
    workshop = new_workshop(store)
    colours = [join(store, workshop, f"Person {n}")["color"] for n in range(10)]
    assert [0, 1, 2, 3, 4, 5, 6, 7, 0, 1] == colours


def test_a_participant_is_found_by_token(store):
    workshop = new_workshop(store)
    token = model.new_token()
    anna = join(store, workshop, "Anna", model.hash_token(token))
    assert (anna, workshop) == store.participant_by_token(model.hash_token(token))


def test_an_unknown_participant_token_is_none(store):
    assert None is store.participant_by_token(model.hash_token("nobody"))


def test_a_participant_is_found_only_in_their_workshop(store):
    workshop, other = new_workshop(store), new_workshop(store)
    anna = join(store, workshop, "Anna")
    assert (anna, None) == (store.participant(workshop["id"], anna["id"]), store.participant(other["id"], anna["id"]))


def test_participant_ids_in_joining_order(store):
    workshop = new_workshop(store)
    anna, bob = join(store, workshop, "Anna"), join(store, workshop, "Bob")
    join(store, new_workshop(store), "Carol")
    assert [anna["id"], bob["id"]] == store.participant_ids_in_order(workshop["id"])


# --- goals -------------------------------------------------------------------------------------


def test_add_goal_goes_last(store):
    workshop = new_workshop(store)
    with store.transaction() as tx:
        goal = tx.add_goal(workshop["id"], "goal-new-1", "Hire two", "project")
    assert {"id": "goal-new-1", "kind": "project", "text": "Hire two", "position": 3, "ask": None} == goal


def test_count_goals(store):
    workshop = new_workshop(store)
    assert (3, 0) == (store.count_goals(workshop["id"]), store.count_goals(new_workshop(store, goals=[])["id"]))


def test_update_goal(store):
    workshop = new_workshop(store)
    first = goal_ids(store, workshop)[0]
    with store.transaction() as tx:
        goal = tx.update_goal(workshop["id"], first, text="Grow the team to ten", kind="project")
    assert ("Grow the team to ten", "project", 0) == (goal["text"], goal["kind"], goal["position"])


def test_id_taken(store, team):
    first = goal_ids(store, team["workshop"])[0]
    assert (True, False) == (store.id_taken("goals", first), store.id_taken("goals", "free-0001"))
    assert (True, False) == (store.id_taken("cards", "drive-0001"), store.id_taken("links", "drive-0001"))


def test_id_taken_knows_only_tables_of_client_chosen_ids(store):
    with pytest.raises(ValueError):
        store.id_taken("participants", "anyone-001")


def test_a_goal_is_found_only_in_its_workshop(store):
    workshop, other = new_workshop(store), new_workshop(store)
    first = goal_ids(store, workshop)[0]
    assert ("Grow the team", None) == (store.goal(workshop["id"], first)["text"], store.goal(other["id"], first))


def test_delete_goal_returns_its_link_ids(store, team):
    workshop, goal = team["workshop"], team["goals"][0]
    link(store, workshop, "link-b-001", team["drive"]["id"], goal)
    link(store, workshop, "link-a-001", team["strength"]["id"], goal)
    with store.transaction() as tx:
        assert ["link-a-001", "link-b-001"] == tx.delete_goal(workshop["id"], goal)


def test_delete_goal_removes_the_goal_and_its_links(store, team):
    workshop, goal, kept = team["workshop"], team["goals"][0], team["goals"][1]
    link(store, workshop, "link-gone-1", team["drive"]["id"], goal)
    link(store, workshop, "link-kept-1", team["drive"]["id"], kept)
    with store.transaction() as tx:
        tx.delete_goal(workshop["id"], goal)
    snapshot = store.snapshot(workshop["id"])
    assert (None, None) == (store.goal(workshop["id"], goal), store.link(workshop["id"], "link-gone-1"))
    assert ["link-kept-1"] == [l["id"] for l in snapshot["links"]]


def test_delete_goal_keeps_the_cards(store, team):
    workshop, goal = team["workshop"], team["goals"][0]
    link(store, workshop, "link-gone-1", team["drive"]["id"], goal)
    with store.transaction() as tx:
        tx.delete_goal(workshop["id"], goal)
    assert [team["drive"], team["strength"]] == store.snapshot(workshop["id"])["cards"]


# --- cards -------------------------------------------------------------------------------------


def test_add_card_returns_the_card(store, team):
    assert {
        "kind": "strength",
        "about": team["bob"]["id"],
        "author": team["anna"]["id"],
        "text": "Calm",
        "prompt": None,
        "id": "strength-01",
        "visibility": "named",
        "status": "accepted",
        "signed": False,
        "reworded": False,
        "hidden": False,
        "theme_id": None,
        "offered": False,
    } == {k: v for k, v in team["strength"].items() if k != "created_at"}


def test_add_card_keeps_the_prompt(store, team):
    card = write_card(store, team["workshop"], "drive-0002", team["bob"], prompt=4)
    assert 4 == card["prompt"]


def test_a_card_is_found_only_in_its_workshop(store, team):
    other = new_workshop(store)
    assert (team["drive"], None) == (
        store.card(team["workshop"]["id"], "drive-0001"),
        store.card(other["id"], "drive-0001"),
    )


def test_an_unknown_card_is_none(store, team):
    assert None is store.card(team["workshop"]["id"], "nope-0000")


def test_a_card_id_is_used_once(store, team):
    with pytest.raises(sqlite3.IntegrityError):
        write_card(store, team["workshop"], "drive-0001", team["bob"])


def test_a_card_must_be_about_a_participant(store, team):
    with pytest.raises(sqlite3.IntegrityError):
        write_card(store, team["workshop"], "drive-0002", {"id": "ghost-0001"})


def test_update_card_text(store, team):
    with store.transaction() as tx:
        card = tx.update_card(team["workshop"]["id"], "drive-0001", text="Teaching and coaching")
    assert {**team["drive"], "text": "Teaching and coaching"} == card


def test_delete_card_removes_it(store, team):
    with store.transaction() as tx:
        tx.delete_card(team["workshop"]["id"], "drive-0001")
    assert (None, [team["strength"]]) == (
        store.card(team["workshop"]["id"], "drive-0001"),
        store.snapshot(team["workshop"]["id"])["cards"],
    )


def test_delete_card_returns_its_link_ids(store, team):
    workshop, goals = team["workshop"], team["goals"]
    link(store, workshop, "link-b-001", "drive-0001", goals[0])
    link(store, workshop, "link-a-001", "drive-0001", goals[1])
    link(store, workshop, "link-other", "strength-01", goals[0])
    with store.transaction() as tx:
        assert ["link-a-001", "link-b-001"] == tx.delete_card(team["workshop"]["id"], "drive-0001")


def test_delete_card_removes_its_links(store, team):
    workshop, goals = team["workshop"], team["goals"]
    link(store, workshop, "link-gone-1", "drive-0001", goals[0])
    link(store, workshop, "link-kept-1", "strength-01", goals[0])
    with store.transaction() as tx:
        tx.delete_card(team["workshop"]["id"], "drive-0001")
    assert None is store.link(workshop["id"], "link-gone-1")
    assert ["link-kept-1"] == [l["id"] for l in store.snapshot(workshop["id"])["links"]]


def test_delete_card_without_links_returns_no_ids(store, team):
    with store.transaction() as tx:
        assert [] == tx.delete_card(team["workshop"]["id"], "drive-0001")


def test_deleting_a_card_again_is_harmless(store, team):
    with store.transaction() as tx:
        tx.delete_card(team["workshop"]["id"], "drive-0001")
        assert [] == tx.delete_card(team["workshop"]["id"], "drive-0001")


# --- links -------------------------------------------------------------------------------------


def test_add_link_returns_the_link(store, team):
    saved = link(store, team["workshop"], "link-0001", "drive-0001", team["goals"][0], team["anna"]["id"])
    assert {
        "id": "link-0001",
        "card_id": "drive-0001",
        "goal_id": team["goals"][0],
        "type": "energises",
        "endorsements": [],
        "created_by": team["anna"]["id"],
    } == {k: v for k, v in saved.items() if k != "created_at"}


def test_a_link_made_by_the_facilitator_has_no_creator(store, team):
    assert None is link(store, team["workshop"], "link-0001", "drive-0001", team["goals"][0])["created_by"]


def test_a_link_is_found_only_in_its_workshop(store, team):
    saved = link(store, team["workshop"], "link-0001", "drive-0001", team["goals"][0])
    other = new_workshop(store)
    assert (saved, None) == (store.link(team["workshop"]["id"], "link-0001"), store.link(other["id"], "link-0001"))


def test_link_between_finds_the_pair(store, team):
    saved = link(store, team["workshop"], "link-0001", "drive-0001", team["goals"][0])
    assert (saved, None) == (
        store.link_between("drive-0001", team["goals"][0]),
        store.link_between("drive-0001", team["goals"][1]),
    )


def test_a_card_links_to_a_goal_once(store, team):
    link(store, team["workshop"], "link-0001", "drive-0001", team["goals"][0])
    with pytest.raises(sqlite3.IntegrityError):
        link(store, team["workshop"], "link-0002", "drive-0001", team["goals"][0])


def test_a_link_needs_an_existing_goal(store, team):
    with pytest.raises(sqlite3.IntegrityError):
        link(store, team["workshop"], "link-0001", "drive-0001", "ghost-goal")


def test_delete_link(store, team):
    link(store, team["workshop"], "link-0001", "drive-0001", team["goals"][0])
    with store.transaction() as tx:
        tx.delete_link(team["workshop"]["id"], "link-0001")
    assert (None, []) == (
        store.link(team["workshop"]["id"], "link-0001"),
        store.snapshot(team["workshop"]["id"])["links"],
    )


# --- the whole workshop ----------------------------------------------------------------------


def test_snapshot_returns_everything(store, team):
    workshop = team["workshop"]
    saved = link(store, workshop, "link-0001", "drive-0001", team["goals"][2], team["anna"]["id"])
    snapshot = store.snapshot(workshop["id"])
    assert workshop == snapshot["workshop"]
    assert team["goals"] == [g["id"] for g in snapshot["goals"]]
    assert [team["anna"], team["bob"]] == snapshot["participants"]
    assert [team["drive"], team["strength"]] == snapshot["cards"]
    assert [saved] == snapshot["links"]


def test_snapshot_carries_the_current_version(store, team):
    with store.transaction() as tx:
        tx.bump_version(team["workshop"]["id"])
    assert 1 == store.snapshot(team["workshop"]["id"])["workshop"]["version"]


def test_snapshot_orders_goals_by_position(store):
    workshop = new_workshop(store, goals=[])
    with store.transaction() as tx:
        for n, goal_id in enumerate(["goal-zzz-1", "goal-aaa-1", "goal-mmm-1"]):
            tx.add_goal(workshop["id"], goal_id, f"Goal {n}", "goal")
    assert ["goal-zzz-1", "goal-aaa-1", "goal-mmm-1"] == goal_ids(store, workshop)


def test_snapshot_orders_everything_in_the_order_it_was_made(store):
    workshop = new_workshop(store)
    people = [join(store, workshop, name)["id"] for name in ("Anna", "Bob", "Carol")]
    ids = ["card-ccc-1", "card-aaa-1", "card-bbb-1"]
    for card_id in ids:
        write_card(store, workshop, card_id, {"id": people[0]})
    goal = goal_ids(store, workshop)[0]
    links = ["link-ccc-1", "link-aaa-1", "link-bbb-1"]
    for link_id, card_id in zip(links, ids):
        link(store, workshop, link_id, card_id, goal)
    snapshot = store.snapshot(workshop["id"])
    assert (people, ids, links) == (
        [p["id"] for p in snapshot["participants"]],
        [c["id"] for c in snapshot["cards"]],
        [l["id"] for l in snapshot["links"]],
    )


@pytest.fixture
def same_millisecond(db_path):
    """Everything happens within one millisecond, as when many phones write at once."""
    opened = Store(db_path, clock=FakeClock(datetime(2025, 1, 1, 10, 0, tzinfo=UTC)))
    yield opened
    opened.close()


def test_snapshot_keeps_cards_made_in_the_same_millisecond_in_order(same_millisecond):
    store = same_millisecond
    workshop = new_workshop(store)
    anna = join(store, workshop, "Anna")
    ids = ["card-ccc-1", "card-bbb-1", "card-aaa-1"]
    for card_id in ids:
        write_card(store, workshop, card_id, anna)
    assert ids == [c["id"] for c in store.snapshot(workshop["id"])["cards"]]


def test_snapshot_keeps_people_who_join_in_the_same_millisecond_in_order(same_millisecond, monkeypatch):
    store = same_millisecond
    descending = (f"person-{n:04d}" for n in itertools.count(9999, -1))
    monkeypatch.setattr(model, "new_id", lambda: next(descending))
    workshop = new_workshop(store)
    for name in ("Anna", "Bob", "Carol"):
        join(store, workshop, name)
    assert [0, 1, 2] == [p["color"] for p in store.snapshot(workshop["id"])["participants"]]


def test_snapshot_of_an_unknown_workshop_is_none(store):
    assert None is store.snapshot("nope-0000")


def test_snapshot_shows_only_its_own_workshop(store, team):
    other = new_workshop(store, goals=[{"text": "Elsewhere", "kind": "goal"}])
    join(store, other, "Zed")
    snapshot = store.snapshot(team["workshop"]["id"])
    assert (["Anna", "Bob"], ["Grow the team", "Ship v2", "Demo day"]) == (
        [p["name"] for p in snapshot["participants"]],
        [g["text"] for g in snapshot["goals"]],
    )


# --- erasing a workshop ------------------------------------------------------------------------


@pytest.fixture
def two_workshops(store, team):
    """The team's workshop with a link, and another workshop with its own people, cards and links."""
    link(store, team["workshop"], "link-0001", "drive-0001", team["goals"][0], team["anna"]["id"])
    other = new_workshop(store, title="Other")
    zed = join(store, other, "Zed")
    yan = join(store, other, "Yan")
    write_card(store, other, "zed-drive-1", zed)
    write_card(store, other, "yan-strong1", yan, about=zed, kind="strength")
    link(store, other, "zed-link-01", "zed-drive-1", goal_ids(store, other)[0], zed["id"])
    return team["workshop"], other


def test_count_rows_counts_every_row_of_a_workshop(store, two_workshops):
    workshop, _ = two_workshops
    # 1 workshop + 3 goals + 2 participants + 2 cards + 1 link
    assert 9 == store.count_rows(workshop["id"])


def test_delete_workshop_leaves_no_rows(store, two_workshops):
    workshop, _ = two_workshops
    erase(store, workshop)
    assert 0 == store.count_rows(workshop["id"])


@pytest.mark.parametrize("table", TABLES)
def test_delete_workshop_empties_every_table_of_it(store, two_workshops, table):
    workshop, _ = two_workshops
    erase(store, workshop)
    assert 0 == rows_in(store, table, workshop["id"])


def test_delete_workshop_leaves_another_workshop_intact(store, two_workshops):
    workshop, other = two_workshops
    before = store.snapshot(other["id"])
    erase(store, workshop)
    assert (before, 9) == (store.snapshot(other["id"]), store.count_rows(other["id"]))


def test_a_deleted_workshop_is_not_found(store, two_workshops):
    workshop, _ = two_workshops
    erase(store, workshop)
    assert (None, None) == (store.workshop_by_code(workshop["code"]), store.snapshot(workshop["id"]))


def erase(store, workshop) -> None:
    with store.transaction(erasing=True) as tx:
        tx.delete_workshop(workshop["id"])


# --- durability --------------------------------------------------------------------------------


def test_data_survives_closing_and_reopening(db_path):
    first = Store(db_path)
    workshop = new_workshop(first)
    anna = join(first, workshop, "Anna")
    write_card(first, workshop, "drive-0001", anna)
    link(first, workshop, "link-0001", "drive-0001", goal_ids(first, workshop)[0])
    with first.transaction() as tx:
        tx.bump_version(workshop["id"])
    before = first.snapshot(workshop["id"])
    first.close()

    reopened = Store(db_path)
    try:
        assert before == reopened.snapshot(workshop["id"])
    finally:
        reopened.close()


def test_reopening_does_not_migrate_again(db_path):
    Store(db_path).close()
    reopened = Store(db_path)
    try:
        assert len(MIGRATIONS) == reopened.db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        reopened.close()


def test_a_new_store_makes_its_folder(tmp_path):
    opened = Store(str(tmp_path / "nested" / "deeper" / "w.sqlite3"))
    try:
        assert opened.ping() and (tmp_path / "nested" / "deeper" / "w.sqlite3").exists()
    finally:
        opened.close()


# --- erasure and retention (issue 10) -----------------------------------------------------------


def test_erasure_is_set_up_explicitly_whatever_sqlite_was_built_with(store):
    """secure_delete is on by default only where SQLite was built that way: the store says so itself."""
    assert store.db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert store.db.execute("PRAGMA journal_size_limit").fetchone()[0] == JOURNAL_SIZE_LIMIT


def test_erasing_truncates_the_write_ahead_log(store, db_path):
    workshop = new_workshop(store)
    anna = join(store, workshop, "Anna")
    write_card(store, workshop, "drive-0001", anna, text="Kept in the log")
    wal = Path(db_path + "-wal")
    assert b"Kept in the log" in wal.read_bytes()
    with store.transaction(erasing=True) as tx:
        tx.delete_card(workshop["id"], "drive-0001")
    assert wal.read_bytes() == b""


def close(store, workshop) -> None:
    with store.transaction() as tx:
        tx.set_phase(workshop["id"], "closed")


def follow_up(store, workshop) -> dict:
    """As the service starts a follow-up: a new workshop, and what model.carried_over keeps."""
    with store.transaction() as tx:
        new = tx.create_workshop(
            "Again", "en", [], model.hash_token(model.new_token()), "named", [], previous_id=workshop["id"]
        )
        tx.copy_into(new["id"], model.carried_over(tx.snapshot(workshop["id"])))
        return new


def test_a_chain_expires_only_when_every_workshop_in_it_has(store):
    original = new_workshop(store)
    close(store, original)
    later = follow_up(store, original)
    idle = new_workshop(store)
    cutoff = store.clock.stamp()
    assert store.expired_chains(cutoff) == [[later["id"], original["id"]], [idle["id"]]]
    with store.transaction() as tx:
        tx.bump_version(later["id"])  # the follow-up is in use again: its original stays too
    assert store.expired_chains(cutoff) == [[idle["id"]]]
    assert store.expired_chains(store.clock.stamp()) == [[later["id"], original["id"]], [idle["id"]]]


def test_a_person_has_a_seat_in_every_workshop_of_the_chain(store):
    original = new_workshop(store)
    anna, _ = join(store, original, "Anna"), join(store, original, "Bram")
    close(store, original)
    first = follow_up(store, original)
    close(store, first)
    second, sibling = follow_up(store, first), follow_up(store, original)
    seats = store.seats_of(anna["id"], earlier=False)
    assert sorted(w for w, _ in seats) == sorted([first["id"], second["id"], sibling["id"]])
    first_seat = next(p for w, p in seats if w == first["id"])
    assert sorted(w for w, _ in store.seats_of(first_seat, earlier=False)) == [second["id"]]
    everywhere = store.seats_of(first_seat, earlier=True)
    assert sorted(w for w, _ in everywhere) == sorted([original["id"], second["id"], sibling["id"]])
    assert all(p != first_seat for _, p in everywhere)


# --- the one clock ---------------------------------------------------------------------------------


def test_a_timer_runs_on_the_stores_clock(store, clock):
    """No sleeping: the workshop's time is the store's clock, and the test moves it."""
    from workshop import service
    from workshop.model import Actor

    workshop = new_workshop(store)
    anna = join(store, workshop, "Anna")
    facilitator, participant = Actor(workshop["id"], "facilitator"), Actor(workshop["id"], "participant", anna["id"])
    service.set_phase(store, facilitator, model.SetPhase(phase="drives"))
    timer = service.set_timer(store, facilitator, model.SetTimer(seconds=60, lock=True))
    assert timer.data["timer_ends_at"] > timer.data["server_time"]
    service.add_card(store, participant, model.AddCard(kind="drive", text="Just in time"))
    clock.advance(61)
    with pytest.raises(model.WorkshopError) as refused:
        service.add_card(store, participant, model.AddCard(kind="drive", text="Too late"))
    assert refused.value.code == "locked"


def test_an_erasure_that_committed_succeeds_while_a_reader_holds_up_the_scrub(db_path, caplog):
    """Another process reads across the erasure, so the log cannot be checkpointed: the erasure
    still returns (it committed; its rooms get closed), and the scrub finishes in the
    background once the reader is done."""
    store = Store(db_path, busy_deadline=0.3)
    reader = Store(db_path)
    try:
        workshop = new_workshop(store)
        anna = join(store, workshop, "Anna")
        write_card(store, workshop, "drive-0001", anna, text="Kept in the log")
        wal = Path(db_path + "-wal")
        reader.db.conn.execute("BEGIN")
        reader.db.conn.execute("SELECT count(*) FROM cards").fetchone()  # a snapshot from before

        with store.transaction(erasing=True) as tx:  # no StoreBusy: it committed
            tx.delete_card(workshop["id"], "drive-0001")

        assert store.snapshot(workshop["id"])["cards"] == []
        assert b"Kept in the log" in wal.read_bytes()  # not yet: the reader still needs it
        time.sleep(1.0)
        assert wal.stat().st_size > 0  # tried again meanwhile, still held up

        reader.db.conn.execute("COMMIT")
        deadline = time.monotonic() + 10
        while wal.stat().st_size > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert wal.read_bytes() == b""  # scrubbed in the background
        assert not on_disk_anywhere(db_path, b"Kept in the log")
        lines = [r.getMessage() for r in caplog.records if r.name == "workshop.store"]
        assert any("background" in line for line in lines)
        assert not [line for line in lines if "Kept" in line or workshop["code"] in line]  # counts only
    finally:
        reader.close()
        store.close()


def on_disk_anywhere(db_path: str, text: bytes) -> bool:
    return any(text in Path(path).read_bytes() for path in (db_path, db_path + "-wal") if Path(path).exists())


# --- the marketplace ---------------------------------------------------------------------------


def test_an_ask_is_stored_on_its_goal_and_its_owner_goes_with_their_person(store, team):
    workshop, anna = team["workshop"], team["anna"]
    goal_id = store.snapshot(workshop["id"])["goals"][0]["id"]
    with store.transaction() as tx:
        goal = tx.set_ask(workshop["id"], goal_id, True, "Who helps?", "Q3", anna["id"])
    assert goal["ask"] == {"open": True, "text": "Who helps?", "effort": "Q3", "owner_id": anna["id"]}
    with store.transaction() as tx:
        tx.delete_participant(workshop["id"], anna["id"])
    assert store.goal(workshop["id"], goal_id)["ask"]["owner_id"] is None


def test_a_proposal_is_stored_decided_and_goes_with_its_card_or_maker(store, team):
    workshop, anna, bob = team["workshop"], team["anna"], team["bob"]
    goal_id = store.snapshot(workshop["id"])["goals"][0]["id"]
    new = {"goal_id": goal_id, "card_id": team["drive"]["id"], "kind": "answer", "type": "grow", "note": "Yes"}
    with store.transaction() as tx:
        made = tx.add_proposal(workshop["id"], {"id": "prop-0001", **new, "made_by": anna["id"]})
        by_bob = tx.add_proposal(workshop["id"], {"id": "prop-0002", **new, "made_by": bob["id"]})
    assert (made["status"], made["decider"], made["decided_at"]) == ("waiting", None, None)
    assert store.waiting_proposal_between(team["drive"]["id"], goal_id)["id"] == "prop-0001"
    with store.transaction() as tx:
        decided = tx.decide_proposal(workshop["id"], "prop-0001", "declined", "owner")
    assert (decided["status"], decided["decider"]) == ("declined", "owner") and decided["decided_at"]
    with pytest.raises(ValueError), store.transaction() as tx:
        tx.decide_proposal(workshop["id"], "prop-0001", "waiting", None)
    with store.transaction() as tx:
        tx.delete_participant(workshop["id"], bob["id"])
    assert [p["id"] for p in store.proposals(workshop["id"])] == ["prop-0001"]
    assert by_bob["id"] not in {p["id"] for p in store.snapshot(workshop["id"])["proposals"]}
    with store.transaction() as tx:
        tx.delete_card(workshop["id"], team["drive"]["id"])
    assert store.proposals(workshop["id"]) == []


def test_the_digest_reads_subscribers_of_open_markets_and_marks_them_sent(store, team):
    workshop, anna = team["workshop"], team["anna"]
    assert store.open_markets("2025-01-01") == []
    with store.transaction() as tx:
        tx.set_market(workshop["id"], "2025-01-08")
        tx.set_digest_email(workshop["id"], anna["id"], "anna@example.org")
        tx.set_digest_email(workshop["id"], None, "lead@example.org")
    assert [w["id"] for w in store.open_markets("2025-01-08")] == [workshop["id"]]
    assert store.open_markets("2025-01-09") == []
    subscribers = store.digest_subscribers(workshop["id"])
    assert [(s["participant_id"], s["name"], s["email"], s["sent_at"]) for s in subscribers] == [
        (None, None, "lead@example.org", None),
        (anna["id"], "Anna", "anna@example.org", None),
    ]
    with store.transaction() as tx:
        tx.mark_digest_sent(workshop["id"], anna["id"], "2025-01-02T09:00:00.000+00:00")
        tx.mark_digest_sent(workshop["id"], None, "2025-01-02T09:00:00.000+00:00")
    assert {s["sent_at"] for s in store.digest_subscribers(workshop["id"])} == {"2025-01-02T09:00:00.000+00:00"}
    assert store.digest_email_of(workshop["id"], anna["id"]) == "anna@example.org"
    # The address is in no shape the rest of the app reads.
    assert "anna@example.org" not in str(store.snapshot(workshop["id"]))


def test_a_market_key_is_found_by_its_hash_only(store, team):
    workshop = team["workshop"]
    with store.transaction() as tx:
        tx.set_market_key(workshop["id"], "a" * 64)
    assert store.workshop_by_market_key("a" * 64)["id"] == workshop["id"]
    assert store.workshop(workshop["id"])["market_key"] is True
    assert "a" * 64 not in str(store.workshop(workshop["id"]))
