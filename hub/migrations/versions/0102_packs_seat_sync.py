"""Per seat: when it last asked for packs, and the last bundle it refused with the reason.

Revision ID: 0102_packs_seat_sync
Revises: 0101_dashboard_followups_index
Create Date: 2026-12-07
"""

from alembic import op

revision = "0102_packs_seat_sync"
down_revision = "0101_dashboard_followups_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE seat_pack_versions
            ADD COLUMN synced_at       timestamptz,
            ADD COLUMN refused_version integer,
            ADD COLUMN refused_kind    text,
            ADD COLUMN refused_reason  text NOT NULL DEFAULT '',
            ADD COLUMN refused_at      timestamptz;
        """
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE seat_pack_versions DROP COLUMN synced_at, DROP COLUMN refused_version,"
        " DROP COLUMN refused_kind, DROP COLUMN refused_reason, DROP COLUMN refused_at"
    )
