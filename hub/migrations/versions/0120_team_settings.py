"""Team settings: alert thresholds and call-score weights, beside the target handle time.

Revision ID: 0120_team_settings
Revises: 0111_help_requests
Create Date: 2026-12-08
"""

from alembic import op

revision = "0120_team_settings"
down_revision = "0111_help_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Validated by hub.team_settings.TeamSettings; '{}' means every default.
    op.execute("ALTER TABLE teams ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'")


def downgrade() -> None:
    op.execute("ALTER TABLE teams DROP COLUMN settings")
