"""Help on request: a seat raises its hand, the lead answers or comes over.

Revision ID: 0111_help_requests
Revises: 0110_hub_revocation_notify
Create Date: 2026-12-07
"""

from alembic import op

revision = "0111_help_requests"
down_revision = "0110_hub_revocation_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE help_requests (
            id           bigserial PRIMARY KEY,
            seat_id      bigint NOT NULL REFERENCES seats(id),
            team_id      bigint NOT NULL REFERENCES teams(id),
            scenario     text NOT NULL DEFAULT '' CHECK (length(scenario) <= 200),
            step         text NOT NULL DEFAULT '' CHECK (length(step) <= 200),
            asked_at     timestamptz NOT NULL DEFAULT now(),
            status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'coming')),
            reply        text NOT NULL DEFAULT '' CHECK (length(reply) <= 500),
            answered_at  timestamptz,
            answered_by  bigint REFERENCES leads(id)
        );
        CREATE INDEX help_requests_seat ON help_requests (seat_id, id DESC);
        CREATE INDEX help_requests_team_open ON help_requests (team_id) WHERE status = 'open';
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE help_requests")
