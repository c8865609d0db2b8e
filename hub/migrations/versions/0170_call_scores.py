"""Every call scored: a quality score per call and the lead's own mark on it.

Keyed by the call (seat, uid), not by ``calls.id``: ``calls`` may be partitioned by
month, and a new revision of a call replaces its score.

Revision ID: 0170_call_scores
Revises: 0160_board_alerts
Create Date: 2026-12-08
"""

from alembic import op

revision = "0170_call_scores"
down_revision = "0160_board_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE call_scores (
            seat_id     bigint NOT NULL REFERENCES seats(id),
            call_uid    text NOT NULL,
            revision    int NOT NULL,
            team_id     bigint NOT NULL REFERENCES teams(id),
            started_at  timestamptz NOT NULL,
            score       smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
            reasons     jsonb NOT NULL DEFAULT '[]',
            scored_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (seat_id, call_uid)
        );
        CREATE INDEX call_scores_team_range ON call_scores (team_id, started_at, score);
        CREATE TABLE call_reviews (
            seat_id     bigint NOT NULL REFERENCES seats(id),
            call_uid    text NOT NULL,
            team_id     bigint NOT NULL REFERENCES teams(id),
            revision    int NOT NULL,
            started_at  timestamptz NOT NULL,
            auto_score  smallint NOT NULL CHECK (auto_score BETWEEN 0 AND 100),
            mark        text NOT NULL CHECK (mark IN ('agree', 'override')),
            score       smallint CHECK (score BETWEEN 0 AND 100),
            reason      text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
            lead_id     bigint REFERENCES leads(id),
            marked_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (seat_id, call_uid),
            CHECK (mark = 'agree' OR (score IS NOT NULL AND reason <> ''))
        );
        CREATE INDEX call_reviews_team_range ON call_reviews (team_id, started_at);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE call_reviews; DROP TABLE call_scores")
