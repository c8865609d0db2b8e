"""Calls partitioned by month, and per seat-day rollups kept by triggers.

``calls`` becomes a declaratively partitioned table (RANGE on ``started_at``, one
partition per month of the centre's time zone, plus a default partition for
anything outside them). The rows are copied across in this migration's
transaction, so a failure leaves the old table as it was.

Six rollup tables hold the reports' sums per seat and day (in the centre's time
zone, ``rollup_zone``): calls, handle and after-call work, mandatory steps and
banned phrases per scenario; calls per hour; skipped steps; banned phrases;
phrases used. Statement triggers with transition tables add a row's
contribution while it is the latest revision and take it away when a newer
revision replaces it (or it is deleted), in the transaction that writes the
call. Everything is keyed by seat: two seats' uploads never wait on the same
rollup row.

Revision ID: 0150_calls_partitions_rollups
Revises: 0120_team_settings
Create Date: 2026-12-08
"""

from alembic import op

revision = "0150_calls_partitions_rollups"
down_revision = "0120_team_settings"
branch_labels = None
depends_on = None

ROLLUPS = """
CREATE TABLE rollup_zone (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    zone     text NOT NULL
);
INSERT INTO rollup_zone (zone) VALUES ('Asia/Shanghai');

CREATE TABLE rollup_calls (
    seat_id       bigint NOT NULL,
    day           date NOT NULL,
    scenario_id   text NOT NULL,
    scenario_name text NOT NULL,
    team_id       bigint NOT NULL,
    calls         integer NOT NULL,
    handle_sum    double precision NOT NULL,
    handle_n      integer NOT NULL,
    acw_sum       double precision NOT NULL,
    acw_n         integer NOT NULL,
    md            bigint NOT NULL,
    mt            bigint NOT NULL,
    banned        bigint NOT NULL,
    PRIMARY KEY (seat_id, day, scenario_id, scenario_name)
);
CREATE INDEX rollup_calls_team_day ON rollup_calls (team_id, day);

CREATE TABLE rollup_hours (
    seat_id bigint NOT NULL,
    day     date NOT NULL,
    hour    smallint NOT NULL,
    team_id bigint NOT NULL,
    calls   integer NOT NULL,
    PRIMARY KEY (seat_id, day, hour)
);
CREATE INDEX rollup_hours_team_day ON rollup_hours (team_id, day);

CREATE TABLE rollup_skips (
    seat_id  bigint NOT NULL,
    day      date NOT NULL,
    scenario text NOT NULL,
    title    text NOT NULL,
    reason   text NOT NULL,
    team_id  bigint NOT NULL,
    times    integer NOT NULL,
    PRIMARY KEY (seat_id, day, scenario, title, reason)
);
CREATE INDEX rollup_skips_team_day ON rollup_skips (team_id, day);

CREATE TABLE rollup_banned (
    seat_id bigint NOT NULL,
    day     date NOT NULL,
    phrase  text NOT NULL,
    team_id bigint NOT NULL,
    hits    integer NOT NULL,
    PRIMARY KEY (seat_id, day, phrase)
);
CREATE INDEX rollup_banned_team_day ON rollup_banned (team_id, day);

-- pack_version 0: none (published versions start at 1).
CREATE TABLE rollup_phrases (
    seat_id      bigint NOT NULL,
    day          date NOT NULL,
    pack_version integer NOT NULL,
    scenario_id  text NOT NULL,
    phrase_id    text NOT NULL,
    text         text NOT NULL,
    team_id      bigint NOT NULL,
    uses         integer NOT NULL,
    PRIMARY KEY (seat_id, day, pack_version, scenario_id, phrase_id, text)
);
CREATE INDEX rollup_phrases_team_day ON rollup_phrases (team_id, day);
"""

#: The rollups' upserts over a delta ``d``: rows of calls with a ``sign`` (+1 added, -1 taken away).
#: Rows are upserted in key order, so concurrent writers lock them in one order.
APPLY = """
    INSERT INTO rollup_calls AS r (seat_id, day, scenario_id, scenario_name, team_id, calls, handle_sum, handle_n,
                                   acw_sum, acw_n, md, mt, banned)
    SELECT d.seat_id, (d.started_at AT TIME ZONE z)::date, d.scenario_id, d.scenario_name, max(d.team_id),
           sum(d.sign), coalesce(sum(d.sign * d.duration_s::float8), 0),
           coalesce(sum(d.sign) FILTER (WHERE d.duration_s IS NOT NULL), 0),
           coalesce(sum(d.sign * d.wrapup_s::float8), 0),
           coalesce(sum(d.sign) FILTER (WHERE d.wrapup_s IS NOT NULL), 0),
           sum(d.sign * d.mandatory_done), sum(d.sign * d.mandatory_total), sum(d.sign * d.banned_hits)
      FROM ({delta}) d GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (seat_id, day, scenario_id, scenario_name) DO UPDATE SET
        calls = r.calls + excluded.calls, handle_sum = r.handle_sum + excluded.handle_sum,
        handle_n = r.handle_n + excluded.handle_n, acw_sum = r.acw_sum + excluded.acw_sum,
        acw_n = r.acw_n + excluded.acw_n, md = r.md + excluded.md, mt = r.mt + excluded.mt,
        banned = r.banned + excluded.banned;

    INSERT INTO rollup_hours AS r (seat_id, day, hour, team_id, calls)
    SELECT d.seat_id, (d.started_at AT TIME ZONE z)::date, extract(hour FROM d.started_at AT TIME ZONE z)::smallint,
           max(d.team_id), sum(d.sign)
      FROM ({delta}) d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (seat_id, day, hour) DO UPDATE SET calls = r.calls + excluded.calls;

    INSERT INTO rollup_skips AS r (seat_id, day, scenario, title, reason, team_id, times)
    SELECT d.seat_id, (d.started_at AT TIME ZONE z)::date, coalesce(nullif(d.scenario_name, ''), d.scenario_id),
           coalesce(s->>'title', ''), coalesce(s->>'reason', ''), max(d.team_id), sum(d.sign)
      FROM ({delta}) d CROSS JOIN LATERAL jsonb_array_elements(d.skipped) s
     GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (seat_id, day, scenario, title, reason) DO UPDATE SET times = r.times + excluded.times;

    INSERT INTO rollup_banned AS r (seat_id, day, phrase, team_id, hits)
    SELECT d.seat_id, (d.started_at AT TIME ZONE z)::date, coalesce(b->>'phrase', ''), max(d.team_id),
           sum(d.sign * coalesce((b->>'count')::int, 1))
      FROM ({delta}) d CROSS JOIN LATERAL jsonb_array_elements(d.banned) b
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (seat_id, day, phrase) DO UPDATE SET hits = r.hits + excluded.hits;

    INSERT INTO rollup_phrases AS r (seat_id, day, pack_version, scenario_id, phrase_id, text, team_id, uses)
    SELECT d.seat_id, (d.started_at AT TIME ZONE z)::date, coalesce(d.pack_version, 0),
           coalesce(p->>'scenario_id', ''), coalesce(p->>'phrase_id', ''), coalesce(p->>'text', ''),
           max(d.team_id), sum(d.sign)
      FROM ({delta}) d CROSS JOIN LATERAL jsonb_array_elements(d.phrases) p
     GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (seat_id, day, pack_version, scenario_id, phrase_id, text) DO UPDATE SET uses = r.uses + excluded.uses;
"""

ADDED = "SELECT 1 AS sign, n.* FROM new_rows n WHERE n.latest"
REMOVED = "SELECT -1 AS sign, o.* FROM old_rows o WHERE o.latest"

FUNCTIONS = f"""
CREATE FUNCTION calls_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE z text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM new_rows WHERE latest) THEN RETURN NULL; END IF;
    SELECT zone INTO z FROM rollup_zone;
    {APPLY.format(delta=ADDED)}
    RETURN NULL;
END $$;

CREATE FUNCTION calls_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE z text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM old_rows) THEN RETURN NULL; END IF;
    SELECT zone INTO z FROM rollup_zone;
    {APPLY.format(delta=ADDED + " UNION ALL " + REMOVED)}
    RETURN NULL;
END $$;

CREATE FUNCTION calls_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE z text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM old_rows WHERE latest) THEN RETURN NULL; END IF;
    SELECT zone INTO z FROM rollup_zone;
    {APPLY.format(delta=REMOVED)}
    RETURN NULL;
END $$;

-- Every rollup again from the latest revisions, days in ``new_zone`` (the hub's time zone changed).
CREATE FUNCTION rollups_rebuild(new_zone text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE z text := new_zone;
BEGIN
    PERFORM now() AT TIME ZONE new_zone;  -- an unknown zone fails here, before anything changes
    UPDATE rollup_zone SET zone = new_zone;
    TRUNCATE rollup_calls, rollup_hours, rollup_skips, rollup_banned, rollup_phrases;
    {APPLY.format(delta="SELECT 1 AS sign, c.* FROM calls c WHERE c.latest")}
END $$;

-- The month partition holding ``month`` (bounds at midnight in the rollup zone); rows of that
-- month waiting in the default partition move into it. Returns false when it was there already.
CREATE FUNCTION calls_add_month(month date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    z text;
    first date := date_trunc('month', month)::date;
    name text := 'calls_p' || to_char(month, 'YYYYMM');
    lo timestamptz;
    hi timestamptz;
BEGIN
    IF to_regclass(name) IS NOT NULL THEN RETURN false; END IF;
    SELECT zone INTO z FROM rollup_zone;
    lo := first::timestamp AT TIME ZONE z;
    hi := (first + interval '1 month')::timestamp AT TIME ZONE z;
    EXECUTE format('CREATE TABLE %I (LIKE calls INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
    EXECUTE format('WITH moved AS (DELETE FROM calls_default WHERE started_at >= %L AND started_at < %L RETURNING *)'
                   ' INSERT INTO %I SELECT * FROM moved', lo, hi, name);
    EXECUTE format('ALTER TABLE calls ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
    RETURN true;
END $$;

-- Partitions from a month before now to ``ahead`` months after it; returns how many were added.
CREATE FUNCTION calls_ensure_partitions(ahead integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    z text;
    this_month date;
    added integer := 0;
BEGIN
    SELECT zone INTO z FROM rollup_zone;
    this_month := date_trunc('month', now() AT TIME ZONE z)::date;
    FOR i IN -1..ahead LOOP
        IF calls_add_month((this_month + make_interval(months => i))::date) THEN added := added + 1; END IF;
    END LOOP;
    RETURN added;
END $$;

-- Retention: drops every month partition that ends at or before ``cutoff`` (midnight in the rollup
-- zone), deletes older calls left in the default partition and the rollups of the days dropped.
-- Returns the partitions dropped.
CREATE FUNCTION calls_drop_before(cutoff date) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    z text;
    edge timestamptz;
    part record;
BEGIN
    SELECT zone INTO z FROM rollup_zone;
    edge := cutoff::timestamp AT TIME ZONE z;
    DELETE FROM calls WHERE started_at < edge AND tableoid = 'calls_default'::regclass;
    FOR part IN
        SELECT c.relname AS name,
               substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)')::timestamptz AS upper_bound
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'calls'::regclass AND c.relname <> 'calls_default'
         ORDER BY 2
    LOOP
        IF part.upper_bound <= edge THEN
            EXECUTE format('DROP TABLE %I', part.name);
            RETURN NEXT part.name;
        END IF;
    END LOOP;
    DELETE FROM rollup_calls WHERE day < cutoff;
    DELETE FROM rollup_hours WHERE day < cutoff;
    DELETE FROM rollup_skips WHERE day < cutoff;
    DELETE FROM rollup_banned WHERE day < cutoff;
    DELETE FROM rollup_phrases WHERE day < cutoff;
END $$;
"""

CONVERT = """
ALTER TABLE calls RENAME TO calls_unpartitioned;
CREATE TABLE calls (LIKE calls_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE (started_at);
CREATE TABLE calls_default PARTITION OF calls DEFAULT;
ALTER SEQUENCE calls_id_seq OWNED BY calls.id;
ALTER TABLE calls_unpartitioned ALTER COLUMN id DROP DEFAULT;
SELECT calls_add_month(m::date)
  FROM generate_series(
         (SELECT date_trunc('month', min(started_at AT TIME ZONE z.zone)) FROM calls_unpartitioned, rollup_zone z),
         (SELECT date_trunc('month', max(started_at AT TIME ZONE z.zone)) FROM calls_unpartitioned, rollup_zone z),
         interval '1 month') m;
SELECT calls_ensure_partitions(3);
INSERT INTO calls SELECT * FROM calls_unpartitioned;
DROP TABLE calls_unpartitioned;
-- The partition key is part of every unique key: a call's revisions share its start.
ALTER TABLE calls ADD PRIMARY KEY (id, started_at);
ALTER TABLE calls ADD CONSTRAINT calls_seat_call_revision UNIQUE (seat_id, call_uid, revision, started_at);
ALTER TABLE calls ADD FOREIGN KEY (seat_id) REFERENCES seats(id);
ALTER TABLE calls ADD FOREIGN KEY (team_id) REFERENCES teams(id);
CREATE INDEX calls_team_day ON calls (team_id, started_at) WHERE latest;
CREATE INDEX calls_seat_day ON calls (seat_id, started_at) WHERE latest;
CREATE INDEX calls_day ON calls (started_at) WHERE latest;
CREATE INDEX calls_team_followups ON calls (team_id, started_at) WHERE latest AND followups <> '[]'::jsonb;
CREATE INDEX calls_id ON calls (id);
CREATE TRIGGER calls_rollup_insert AFTER INSERT ON calls REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION calls_rollup_insert();
CREATE TRIGGER calls_rollup_update AFTER UPDATE ON calls REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION calls_rollup_update();
CREATE TRIGGER calls_rollup_delete AFTER DELETE ON calls REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION calls_rollup_delete();
SELECT rollups_rebuild(zone) FROM rollup_zone;
ANALYZE calls;
"""


def upgrade() -> None:
    op.execute(ROLLUPS)
    op.execute(FUNCTIONS)
    op.execute(CONVERT)


def downgrade() -> None:
    op.execute("""
    ALTER TABLE calls RENAME TO calls_partitioned;
    CREATE TABLE calls (LIKE calls_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE);
    ALTER SEQUENCE calls_id_seq OWNED BY calls.id;
    ALTER TABLE calls_partitioned ALTER COLUMN id DROP DEFAULT;
    INSERT INTO calls SELECT * FROM calls_partitioned;
    DROP TABLE calls_partitioned;
    ALTER TABLE calls ADD PRIMARY KEY (id);
    ALTER TABLE calls ADD UNIQUE (seat_id, call_uid, revision);
    ALTER TABLE calls ADD FOREIGN KEY (seat_id) REFERENCES seats(id);
    ALTER TABLE calls ADD FOREIGN KEY (team_id) REFERENCES teams(id);
    CREATE INDEX calls_team_day ON calls (team_id, started_at) WHERE latest;
    CREATE INDEX calls_seat_day ON calls (seat_id, started_at) WHERE latest;
    CREATE INDEX calls_day ON calls (started_at) WHERE latest;
    CREATE INDEX calls_team_followups ON calls (team_id, started_at) WHERE latest AND followups <> '[]'::jsonb;
    DROP FUNCTION calls_rollup_insert, calls_rollup_update, calls_rollup_delete, rollups_rebuild, calls_add_month,
                  calls_ensure_partitions, calls_drop_before;
    DROP TABLE rollup_zone, rollup_calls, rollup_hours, rollup_skips, rollup_banned, rollup_phrases;
    """)
