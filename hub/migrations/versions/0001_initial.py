"""The whole hub schema: teams, seats, leads, packs, calls, live state, audit.

Revision ID: 0001_initial
Revises:
Create Date: 2026-12-01
"""

from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = """
CREATE TABLE teams (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    -- Handle time the live board colours against (amber past it, red past twice).
    target_handle_s integer NOT NULL DEFAULT 300 CHECK (target_handle_s > 0),
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE seats (
    id           bigserial PRIMARY KEY,
    team_id      bigint NOT NULL REFERENCES teams(id),
    name         text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    -- SHA-256 of the bearer token (the token is 256 random bits; no slow hash needed).
    token_hash   bytea UNIQUE,
    enrolled_at  timestamptz,
    revoked_at   timestamptz,
    last_seen_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX seats_team ON seats (team_id);

CREATE TABLE enrolment_codes (
    id         bigserial PRIMARY KEY,
    seat_id    bigint NOT NULL REFERENCES seats(id),
    code_hash  bytea NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enrolment_codes_seat ON enrolment_codes (seat_id);

CREATE TABLE leads (
    id              bigserial PRIMARY KEY,
    team_id         bigint NOT NULL REFERENCES teams(id),
    name            text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    password_hash   text NOT NULL,          -- argon2id, encoded
    must_change     boolean NOT NULL DEFAULT true,
    failed_attempts integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    last_login_at   timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE lead_sessions (
    id           bigserial PRIMARY KEY,
    lead_id      bigint NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL UNIQUE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX lead_sessions_lead ON lead_sessions (lead_id);

-- Public halves of the centre's signing keys (the private key stays in a 0600 file).
CREATE TABLE signing_keys (
    fingerprint text PRIMARY KEY,
    public_key  bytea NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE packs (
    id              bigserial PRIMARY KEY,
    team_id         bigint NOT NULL REFERENCES teams(id),
    version         integer NOT NULL CHECK (version > 0),
    note            text NOT NULL DEFAULT '',
    bundle          bytea NOT NULL,         -- canonical JSON: the pack files and their metadata
    signature       bytea NOT NULL,         -- Ed25519 over bundle
    key_fingerprint text NOT NULL REFERENCES signing_keys(fingerprint),
    sha256          text NOT NULL,
    files           integer NOT NULL,
    scenarios       integer NOT NULL,
    published_by    text NOT NULL,
    -- A roll-back publishes an older content again as a new version.
    rolled_back_from integer,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (team_id, version)
);

CREATE TABLE seat_pack_versions (
    seat_id     bigint PRIMARY KEY REFERENCES seats(id),
    version     integer NOT NULL,
    reported_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (seat, call, revision): a call edited after it ended (a follow-up done)
-- arrives again with a higher revision; "latest" marks the one reports count.
CREATE TABLE calls (
    id              bigserial PRIMARY KEY,
    seat_id         bigint NOT NULL REFERENCES seats(id),
    team_id         bigint NOT NULL REFERENCES teams(id),
    call_uid        text NOT NULL,
    revision        integer NOT NULL CHECK (revision > 0),
    latest          boolean NOT NULL DEFAULT true,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    duration_s      real,
    wrapup_s        real,
    scenario_id     text NOT NULL DEFAULT '',
    scenario_name   text NOT NULL DEFAULT '',
    disposition     text NOT NULL DEFAULT '',
    end_reason      text NOT NULL DEFAULT '',
    customer_ref    text NOT NULL DEFAULT '',   -- masked
    notes           text NOT NULL DEFAULT '',   -- masked
    pack_version    integer,
    steps_done      integer NOT NULL DEFAULT 0,
    steps_total     integer NOT NULL DEFAULT 0,
    mandatory_done  integer NOT NULL DEFAULT 0,
    mandatory_total integer NOT NULL DEFAULT 0,
    banned_hits     integer NOT NULL DEFAULT 0,
    steps           jsonb NOT NULL DEFAULT '[]',  -- [{scenario_id, step_id, title, mandatory, ticked_at}]
    phrases         jsonb NOT NULL DEFAULT '[]',  -- [{scenario_id, step_id, phrase_id, text, used_at, via}]
    followups       jsonb NOT NULL DEFAULT '[]',  -- [{kind, text, due_at, done_at, created_at}]
    skipped         jsonb NOT NULL DEFAULT '[]',  -- mandatory steps not ticked: [{step_id, title, reason}]
    banned          jsonb NOT NULL DEFAULT '[]',  -- [{phrase, count}]
    received_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (seat_id, call_uid, revision)
);
CREATE INDEX calls_team_day ON calls (team_id, started_at) WHERE latest;
CREATE INDEX calls_seat_day ON calls (seat_id, started_at) WHERE latest;
-- Centre-wide ranges (exports across teams).
CREATE INDEX calls_day ON calls (started_at) WHERE latest;

-- The live board: the last heartbeat of each seat.
CREATE TABLE seat_state (
    seat_id         bigint PRIMARY KEY REFERENCES seats(id),
    team_id         bigint NOT NULL REFERENCES teams(id),
    state           text NOT NULL CHECK (state IN ('idle', 'in_call', 'after_call')),
    scenario_id     text NOT NULL DEFAULT '',
    scenario_name   text NOT NULL DEFAULT '',
    steps_done      integer NOT NULL DEFAULT 0,
    steps_total     integer NOT NULL DEFAULT 0,
    mandatory_done  integer NOT NULL DEFAULT 0,
    mandatory_total integer NOT NULL DEFAULT 0,
    elapsed_s       real NOT NULL DEFAULT 0,
    banned_count    integer NOT NULL DEFAULT 0,
    pack_version    integer,
    seq             bigint NOT NULL DEFAULT 0,
    sent_at         timestamptz,
    received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX seat_state_team ON seat_state (team_id);

CREATE TABLE audit_log (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    team_id bigint REFERENCES teams(id),
    actor   text NOT NULL,        -- "cli", "lead:<name>", "seat:<name>"
    action  text NOT NULL,        -- team.add, seat.add, seat.enrol, seat.revoke, lead.add, lead.login, ...
    detail  jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_team_at ON audit_log (team_id, at);
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute(
        "DROP TABLE audit_log, seat_state, calls, seat_pack_versions, packs, signing_keys,"
        " lead_sessions, leads, enrolment_codes, seats, teams"
    )
