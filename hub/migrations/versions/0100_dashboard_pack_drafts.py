"""The dashboard's pack uploads waiting to be published (drafts), kept in the database
so any serve process can show and publish them.

Revision ID: 0100_dashboard_pack_drafts
Revises: 0001_initial
Create Date: 2026-12-01
"""

from alembic import op

revision = "0100_dashboard_pack_drafts"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE pack_drafts (
            id         bigserial PRIMARY KEY,
            team_id    bigint NOT NULL REFERENCES teams(id),
            lead_id    bigint NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
            source     text NOT NULL DEFAULT '',
            files      jsonb NOT NULL DEFAULT '{}',   -- file name -> YAML text
            report     jsonb NOT NULL DEFAULT '{}',   -- import rows, check errors and warnings
            ok         boolean NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX pack_drafts_team ON pack_drafts (team_id, created_at);
        CREATE INDEX audit_log_team_action ON audit_log (team_id, action, id);
        """
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS audit_log_team_action; DROP TABLE IF EXISTS pack_drafts")
