"""An index of the calls that carry follow-ups, for the dashboard's due and overdue list.

Revision ID: 0101_dashboard_followups_index
Revises: 0100_dashboard_pack_drafts
Create Date: 2026-12-01
"""

from alembic import op

revision = "0101_dashboard_followups_index"
down_revision = "0100_dashboard_pack_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX IF NOT EXISTS calls_team_followups ON calls (team_id, started_at)"
               " WHERE latest AND followups <> '[]'::jsonb")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS calls_team_followups")
