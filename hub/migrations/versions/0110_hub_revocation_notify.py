"""Revocation bites at once: triggers NOTIFY every serve process when a seat's token
stops working (revoked, re-enrolled, deleted) or a lead's session ends (sign-out,
password change, the lead removed), in the transaction that does it, whoever does it.

Revision ID: 0110_hub_revocation_notify
Revises: 0101_dashboard_followups_index
Create Date: 2026-12-07
"""

from alembic import op

revision = "0110_hub_revocation_notify"
down_revision = "0102_packs_seat_sync"
branch_labels = None
depends_on = None

#: Must match hub.live.REVOKED_CHANNEL.
CHANNEL = "seatside_revoked"


def upgrade() -> None:
    op.execute(f"""
CREATE FUNCTION seatside_seat_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', json_build_object('seat_id', OLD.id)::text);
    RETURN NULL;
END $$;

CREATE TRIGGER seats_revoked AFTER UPDATE OF token_hash, revoked_at ON seats FOR EACH ROW
    WHEN (OLD.token_hash IS DISTINCT FROM NEW.token_hash OR (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL))
    EXECUTE FUNCTION seatside_seat_revoked();
CREATE TRIGGER seats_deleted AFTER DELETE ON seats FOR EACH ROW EXECUTE FUNCTION seatside_seat_revoked();

CREATE FUNCTION seatside_session_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', json_build_object('session_id', OLD.id, 'lead_id', OLD.lead_id)::text);
    RETURN NULL;
END $$;

CREATE TRIGGER lead_sessions_ended AFTER DELETE ON lead_sessions FOR EACH ROW
    EXECUTE FUNCTION seatside_session_ended();
""")


def downgrade() -> None:
    op.execute("DROP TRIGGER lead_sessions_ended ON lead_sessions; DROP FUNCTION seatside_session_ended();"
               " DROP TRIGGER seats_deleted ON seats; DROP TRIGGER seats_revoked ON seats;"
               " DROP FUNCTION seatside_seat_revoked();")
