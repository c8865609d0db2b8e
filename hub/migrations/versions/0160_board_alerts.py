"""The lead's board: open mandatory steps and banned phrases per seat, and a stored alert list.

Revision ID: 0160_board_alerts
Revises: 0150_calls_partitions_rollups
Create Date: 2026-12-08
"""

from alembic import op

revision = "0160_board_alerts"
down_revision = "0150_calls_partitions_rollups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE seat_state
            ADD COLUMN open_steps jsonb NOT NULL DEFAULT '[]',   -- titles of mandatory steps not done
            ADD COLUMN banned jsonb NOT NULL DEFAULT '[]',       -- [{phrase, via, at}] this call
            ADD COLUMN state_since timestamptz,                  -- when the seat entered its state
            ADD COLUMN call_started_at timestamptz;              -- the call in progress

        -- One row per thing a lead should look at; (seat, kind, key) makes a repeat a no-op.
        CREATE TABLE board_alerts (
            id        bigserial PRIMARY KEY,
            team_id   bigint NOT NULL REFERENCES teams(id),
            seat_id   bigint NOT NULL REFERENCES seats(id),
            kind      text NOT NULL CHECK (kind IN ('banned', 'over_target', 'mandatory_skipped', 'silent', 'help')),
            key       text NOT NULL CHECK (length(key) <= 400),
            detail    jsonb NOT NULL DEFAULT '{}',
            raised_at timestamptz NOT NULL DEFAULT now(),
            acked_at  timestamptz,
            acked_by  bigint REFERENCES leads(id),
            UNIQUE (seat_id, kind, key)
        );
        CREATE INDEX board_alerts_team_open ON board_alerts (team_id, raised_at DESC) WHERE acked_at IS NULL;
        CREATE INDEX board_alerts_team_at ON board_alerts (team_id, raised_at DESC);
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP TABLE board_alerts;"
        " ALTER TABLE seat_state DROP COLUMN open_steps, DROP COLUMN banned, DROP COLUMN state_since,"
        " DROP COLUMN call_started_at"
    )
