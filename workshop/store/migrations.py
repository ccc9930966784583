"""The schema: each migration runs once, in order; ``PRAGMA user_version`` records how many have.

A new column or table is a new step at the end; a step never changes once it has shipped.
"""

from __future__ import annotations

# Each step runs once, in order; PRAGMA user_version records how many have run.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE workshops (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        language TEXT NOT NULL,
        phase TEXT NOT NULL DEFAULT 'join',
        version INTEGER NOT NULL DEFAULT 0,
        prompts TEXT NOT NULL,
        facilitator_token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE goals (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        position INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX goals_workshop ON goals(workshop_id, position);
    CREATE TABLE participants (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        color INTEGER NOT NULL,
        joined_at TEXT NOT NULL,
        UNIQUE (workshop_id, name_key)
    );
    CREATE TABLE cards (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        about TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        author TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        prompt INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX cards_workshop ON cards(workshop_id, created_at);
    CREATE TABLE links (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        goal_id TEXT NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        created_by TEXT REFERENCES participants(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        UNIQUE (card_id, goal_id)
    );
    CREATE INDEX links_workshop ON links(workshop_id, created_at);
    """,
    # Privacy: each drive's visibility, each strength's consent and signature.
    """
    ALTER TABLE workshops ADD COLUMN default_visibility TEXT NOT NULL DEFAULT 'named';
    ALTER TABLE cards ADD COLUMN visibility TEXT NOT NULL DEFAULT 'named';
    ALTER TABLE cards ADD COLUMN status TEXT NOT NULL DEFAULT 'accepted';
    ALTER TABLE cards ADD COLUMN signed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX cards_about ON cards(about);
    CREATE INDEX cards_author ON cards(author);
    """,
    # Running the room: timer, reveal, joining lock, moderation, "done", link types,
    # endorsements, the strength round's assignments, and agreements on links.
    """
    ALTER TABLE workshops ADD COLUMN timer_ends_at TEXT;
    ALTER TABLE workshops ADD COLUMN timer_seconds INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE workshops ADD COLUMN timer_lock INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE workshops ADD COLUMN revealed INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE workshops ADD COLUMN joining_locked INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cards ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE participants ADD COLUMN done TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE links ADD COLUMN type TEXT NOT NULL DEFAULT 'energises';
    CREATE TABLE endorsements (
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        link_id TEXT NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (link_id, participant_id)
    );
    CREATE INDEX endorsements_workshop ON endorsements(workshop_id);
    CREATE TABLE assignments (
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        giver TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        receiver TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (workshop_id, giver, receiver)
    );
    CREATE TABLE agreements (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        link_id TEXT NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        owner TEXT REFERENCES participants(id) ON DELETE SET NULL,
        due TEXT,
        done INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX agreements_workshop ON agreements(workshop_id, created_at);
    """,
    # Afterwards: the team's read-only link, follow-ups that start from the last
    # workshop (origin ids point at the rows they were copied from), check-ins, retention.
    """
    ALTER TABLE workshops ADD COLUMN team_token_hash TEXT;
    ALTER TABLE workshops ADD COLUMN previous_id TEXT REFERENCES workshops(id) ON DELETE SET NULL;
    ALTER TABLE workshops ADD COLUMN closed_at TEXT;
    ALTER TABLE goals ADD COLUMN origin_id TEXT;
    ALTER TABLE participants ADD COLUMN origin_id TEXT;
    ALTER TABLE cards ADD COLUMN origin_id TEXT;
    ALTER TABLE links ADD COLUMN origin_id TEXT;
    ALTER TABLE agreements ADD COLUMN origin_id TEXT;
    CREATE INDEX workshops_team_token ON workshops(team_token_hash);
    CREATE INDEX workshops_previous ON workshops(previous_id);
    CREATE INDEX participants_origin ON participants(origin_id);
    CREATE TABLE checkins (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        opened_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE TABLE checkin_answers (
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        checkin_id TEXT NOT NULL REFERENCES checkins(id) ON DELETE CASCADE,
        link_id TEXT NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        rating INTEGER NOT NULL,
        comment TEXT,
        answered_at TEXT NOT NULL,
        PRIMARY KEY (checkin_id, link_id, participant_id)
    );
    """,
    # Ids of deleted cards and links, so a late replay of their creation (a phone that resends
    # after someone else deleted it) cannot bring them back.
    """
    CREATE TABLE tombstones (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE
    );
    CREATE INDEX tombstones_workshop ON tombstones(workshop_id);
    """,
    # Privacy against an insider: retention counts from the last activity (a workshop
    # never closed expires too); a read-only board credential for the projector; a one-time
    # sign-in code for the facilitator's secret link; a strength reworded by its person is no
    # longer signed by its author.
    """
    ALTER TABLE workshops ADD COLUMN last_active_at TEXT;
    UPDATE workshops SET last_active_at = coalesce(closed_at, created_at);
    ALTER TABLE workshops ADD COLUMN board_token_hash TEXT;
    ALTER TABLE workshops ADD COLUMN signin_hash TEXT;
    CREATE INDEX workshops_board_token ON workshops(board_token_hash);
    CREATE INDEX workshops_signin ON workshops(signin_hash);
    ALTER TABLE cards ADD COLUMN reworded INTEGER NOT NULL DEFAULT 0;
    """,
    # Themes: the facilitator groups similar drives under a name of their own. Membership is a
    # column of the card, so it goes wherever the card goes (erasure included).
    """
    CREATE TABLE themes (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX themes_workshop ON themes(workshop_id, created_at);
    ALTER TABLE cards ADD COLUMN theme_id TEXT REFERENCES themes(id) ON DELETE SET NULL;
    CREATE INDEX cards_theme ON cards(theme_id);
    """,
    # A person's seat on more devices: the personal link (one pending per person, only its hash,
    # who made it and when) and the devices it let in, each with a token of its own. A device
    # goes with its person (leaving, removal, erasure) through the foreign key.
    """
    ALTER TABLE participants ADD COLUMN seat_link_hash TEXT;
    ALTER TABLE participants ADD COLUMN seat_link_by TEXT;
    ALTER TABLE participants ADD COLUMN seat_link_at TEXT;
    CREATE UNIQUE INDEX participants_seat_link ON participants(seat_link_hash);
    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        came_by TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX devices_participant ON devices(participant_id);
    """,
    # The marketplace: the workshop open as a market until a day; asks on goals (what
    # is asked, the effort, an owner who goes with their person); offers (a card's person opts a
    # card in); proposals between an ask and a card, each going with its goal, its card and the
    # person who made it; a read-only key for an intranet page; the weekly digest's addresses
    # (each person's own, gone with them) and when it was last sent.
    """
    ALTER TABLE workshops ADD COLUMN market_until TEXT;
    ALTER TABLE workshops ADD COLUMN market_key_hash TEXT;
    ALTER TABLE workshops ADD COLUMN digest_email TEXT;
    ALTER TABLE workshops ADD COLUMN digest_sent_at TEXT;
    CREATE INDEX workshops_market_key ON workshops(market_key_hash);
    ALTER TABLE goals ADD COLUMN ask_open INTEGER;
    ALTER TABLE goals ADD COLUMN ask_text TEXT;
    ALTER TABLE goals ADD COLUMN ask_effort TEXT;
    ALTER TABLE goals ADD COLUMN ask_owner TEXT REFERENCES participants(id) ON DELETE SET NULL;
    ALTER TABLE cards ADD COLUMN offered INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE participants ADD COLUMN digest_email TEXT;
    ALTER TABLE participants ADD COLUMN digest_sent_at TEXT;
    CREATE TABLE proposals (
        id TEXT PRIMARY KEY,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        goal_id TEXT NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        type TEXT NOT NULL,
        note TEXT,
        made_by TEXT REFERENCES participants(id) ON DELETE CASCADE,
        status TEXT NOT NULL DEFAULT 'waiting',
        decided_by TEXT,
        created_at TEXT NOT NULL,
        decided_at TEXT,
        link_id TEXT REFERENCES links(id) ON DELETE SET NULL
    );
    CREATE INDEX proposals_workshop ON proposals(workshop_id, created_at);
    CREATE INDEX proposals_card ON proposals(card_id);
    CREATE INDEX proposals_goal ON proposals(goal_id);
    CREATE INDEX proposals_made_by ON proposals(made_by);
    CREATE INDEX proposals_link ON proposals(link_id);
    """,
    # Several teams, one marketplace: an organisation (its organiser's key and one-time sign-in
    # link by their hashes, the join code it hands to facilitators), the workshops that joined
    # it (each under a handle of its own, never its join code), and cross-team proposals
    # between an ask of one member and a card of another: each goes with either workshop, its
    # goal and its card; its maker's words go with them (the row stays, as a match, unnamed).
    """
    CREATE TABLE organisations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        signin TEXT,
        join_code TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    ALTER TABLE workshops ADD COLUMN organisation_id TEXT REFERENCES organisations(id) ON DELETE SET NULL;
    ALTER TABLE workshops ADD COLUMN org_team TEXT;
    ALTER TABLE workshops ADD COLUMN org_team_at TEXT;
    CREATE INDEX workshops_organisation ON workshops(organisation_id);
    CREATE UNIQUE INDEX workshops_org_team ON workshops(org_team);
    CREATE TABLE crossings (
        id TEXT PRIMARY KEY,
        organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        goal_id TEXT NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        card_workshop TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        type TEXT NOT NULL,
        note TEXT,
        made_in TEXT REFERENCES workshops(id) ON DELETE SET NULL,
        made_by TEXT REFERENCES participants(id) ON DELETE SET NULL,
        status TEXT NOT NULL DEFAULT 'waiting',
        decided_by TEXT,
        created_at TEXT NOT NULL,
        decided_at TEXT
    );
    CREATE INDEX crossings_organisation ON crossings(organisation_id, created_at);
    CREATE INDEX crossings_workshop ON crossings(workshop_id);
    CREATE INDEX crossings_card_workshop ON crossings(card_workshop);
    CREATE INDEX crossings_goal ON crossings(goal_id);
    CREATE INDEX crossings_card ON crossings(card_id);
    CREATE INDEX crossings_made_in ON crossings(made_in);
    CREATE INDEX crossings_made_by ON crossings(made_by);
    """,
    # The matches the facilitator's last digest told of ("goal card" id pairs, JSON), so the next
    # tells only new ones.
    """
    ALTER TABLE workshops ADD COLUMN digest_told TEXT;
    """,
]

#: Bytes the write-ahead log may keep after a checkpoint (it is truncated to this size).
JOURNAL_SIZE_LIMIT = 1024 * 1024

TABLES = (
    "workshops",
    "goals",
    "participants",
    "cards",
    "links",
    "endorsements",
    "assignments",
    "agreements",
    "checkins",
    "checkin_answers",
    "tombstones",
    "themes",
    "devices",
    "proposals",
    "crossings",
)
# Rows copied into a follow-up remember where they came from; erasing the original forgets that.
ORIGIN_TABLES = ("goals", "participants", "cards", "links", "agreements")
