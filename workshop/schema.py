"""The summary's JSON shape as pydantic models: the source of docs/summary.schema.json, and the
check (in the tests) that the summary JSON keeps its documented shape."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkshopInfo(Shape):
    code: str | None = None  # the facilitator's summary only: the join code never leaves the room
    title: str
    language: str
    phase: str
    created_at: str


class Totals(Shape):
    goals: int
    goals_with_energy: int
    open_goals: int
    people: int
    drives: int
    strengths: int
    links: int
    unlinked_drives: int


class CardRef(Shape):
    id: str
    kind: str
    text: str
    visibility: str
    hidden: bool


class PersonRef(Shape):
    id: str | None
    name: str | None


class GoalLink(Shape):
    card: CardRef
    person: PersonRef
    linked_by: str | None
    type: str
    endorsements: int


class GoalRow(Shape):
    id: str
    kind: str
    text: str
    links: list[GoalLink]
    people: list[str]


class CardRow(Shape):
    id: str
    text: str
    visibility: str
    hidden: bool
    goals: list[str]
    theme: str | None  # the name of the theme it is in (drives)


class AnonymousCard(CardRow):
    kind: str


class ThemeGoal(Shape):
    id: str
    text: str
    links: int  # links from the theme's drives to this goal


class ThemeRow(Shape):
    """Drives the facilitator grouped: counted over the cards the summary's reader may see."""

    id: str
    name: str
    drives: int
    people: list[str]  # whose named drives are in it: sorted, once each
    anonymous: int  # drives in it shared without a name
    goals: list[ThemeGoal]


class PersonRow(Shape):
    id: str
    name: str
    drives: list[CardRow]
    strengths: list[CardRow]
    goals: list[str]


class OpenGoal(Shape):
    id: str
    kind: str
    text: str


class UnlinkedDrive(Shape):
    id: str
    text: str
    person: str | None
    visibility: str
    hidden: bool


class Agreement(Shape):
    id: str
    text: str
    owner: str | None
    due: str | None
    done: bool
    goal: str
    card: str
    person: str | None
    visibility: str
    hidden: bool


class LinkChange(Shape):
    goal: str
    card: str
    kind: str
    person: str | None


class AgreementChange(Shape):
    text: str
    due: str | None
    done: bool
    still_open: bool


class Changes(Shape):
    new_links: list[LinkChange]
    dropped_links: list[LinkChange]
    agreements: list[AgreementChange]


class Rating(Shape):
    rating: int
    comment: str | None


class CheckinRow(Shape):
    goal: str
    card: str
    person: str | None
    ratings: list[Rating | None]


class Market(Shape):
    """What the marketplace produced: counts only, no names."""

    until: str | None  # its last day (ISO date), or None when it is not open
    proposals: int
    accepted: int
    declined: int
    withdrawn: int
    waiting: int
    median_hours_to_match: float | None  # from a proposal to its acceptance


class Match(Shape):
    """A cross-team proposal accepted (workshop/org.py): the goal, the other team, the card's text
    and its person's first name where the card is named; ``ours``: which side is this team's."""

    goal: str
    team: str
    card: str
    person: str | None
    ours: Literal["goal", "card"]


class Summary(Shape):
    """GET /api/workshops/<code>/summary.json (and the team link's summary.json)."""

    workshop: WorkshopInfo
    totals: Totals
    goals: list[GoalRow]
    themes: list[ThemeRow]
    people: list[PersonRow]
    open_goals: list[OpenGoal]
    unlinked_drives: list[UnlinkedDrive]
    anonymous: list[AnonymousCard]
    agreements: list[Agreement]
    changes: Changes | None
    checkins: list[CheckinRow]
    market: Market
    matches: list[Match]  # with other teams of the workshop's organisation


def summary_json_schema() -> dict:
    return Summary.model_json_schema()
