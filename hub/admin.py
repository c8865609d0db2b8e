"""What the centre's administrator does from the command line, on one connection."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

from desktop.core.hubclient.hub_protocol import encode_bundle
from hub import audit
from hub.errors import HubError
from hub.live import PACKS_CHANNEL
from hub.security import hash_password, new_enrolment_code, new_password, token_hash
from hub.signing import create_key, fingerprint, load_key, public_raw

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ACTOR = "cli"


class DropsNotConfirmed(HubError):
    """Publishing would leave out scenarios that nobody confirmed removing."""

    def __init__(self, dropped: dict[str, str]):
        self.dropped = dropped
        names = ", ".join(f"{sid} ({name})" for sid, name in dropped.items())
        super().__init__(f"not published: this set leaves out {names}; confirm each with --drop ID "
                         "(or retire it with 'retired: true')")


def _name(value: str, what: str) -> str:
    value = value.strip()
    if not value or len(value) > 100 or any(ch in value for ch in "\r\n\t\x00"):
        raise HubError(f"a {what} name must be 1-100 characters on one line")
    return value


def team_id(conn: psycopg.Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM teams WHERE name = %s", (name,)).fetchone()
    if row is None:
        raise HubError(f"no team named '{name}' (add it with `seatside-hub team add`)")
    return int(row[0])


def add_team(conn: psycopg.Connection, name: str) -> int:
    name = _name(name, "team")
    with conn.transaction():
        row = conn.execute("INSERT INTO teams (name) VALUES (%s) ON CONFLICT (name) DO NOTHING RETURNING id",
                           (name,)).fetchone()
        if row is None:
            raise HubError(f"a team named '{name}' already exists")
        audit.record(conn, "team.add", actor=ACTOR, team_id=row[0], team=name)
    return int(row[0])


def add_seat(conn: psycopg.Connection, team: str, seat: str, *, hours: int) -> str:
    """Create the seat (or a fresh code for an existing one of the team); returns the one-time code."""
    seat = _name(seat, "seat")
    with conn.transaction():
        tid = team_id(conn, team)
        row = conn.execute("SELECT id, team_id FROM seats WHERE name = %s", (seat,)).fetchone()
        if row is not None and row[1] != tid:
            raise HubError(f"the seat '{seat}' belongs to another team")
        if row is None:
            row = conn.execute("INSERT INTO seats (team_id, name) VALUES (%s, %s) RETURNING id, team_id",
                               (tid, seat)).fetchone()
            assert row is not None
        seat_id = row[0]
        # Earlier unused codes stop working: only the newest one enrols.
        conn.execute("UPDATE enrolment_codes SET used_at = now() WHERE seat_id = %s AND used_at IS NULL", (seat_id,))
        code = new_enrolment_code()
        conn.execute("INSERT INTO enrolment_codes (seat_id, code_hash, expires_at) VALUES (%s, %s, %s)",
                     (seat_id, token_hash(code), datetime.now(timezone.utc) + timedelta(hours=hours)))
        audit.record(conn, "seat.add", actor=ACTOR, team_id=tid, seat=seat)
    return code


def revoke_seat(conn: psycopg.Connection, seat: str) -> None:
    with conn.transaction():
        row = conn.execute(
            "UPDATE seats SET revoked_at = now(), token_hash = NULL WHERE name = %s RETURNING id, team_id",
            (seat,),
        ).fetchone()
        if row is None:
            raise HubError(f"no seat named '{seat}'")
        conn.execute("UPDATE enrolment_codes SET used_at = now() WHERE seat_id = %s AND used_at IS NULL", (row[0],))
        audit.record(conn, "seat.revoke", actor=ACTOR, team_id=row[1], seat=seat)


def add_lead(conn: psycopg.Connection, team: str, lead: str) -> str:
    """Create the lead with a one-time password (changed at first sign-in); returns it."""
    lead = _name(lead, "lead")
    password = new_password()
    with conn.transaction():
        tid = team_id(conn, team)
        row = conn.execute(
            "INSERT INTO leads (team_id, name, password_hash) VALUES (%s, %s, %s) ON CONFLICT (name) DO NOTHING"
            " RETURNING id",
            (tid, lead, hash_password(password)),
        ).fetchone()
        if row is None:
            raise HubError(f"a lead named '{lead}' already exists")
        audit.record(conn, "lead.add", actor=ACTOR, team_id=tid, lead=lead)
    return password


def remove_lead(conn: psycopg.Connection, lead: str) -> None:
    """Delete the lead; their sessions go with them (and a trigger ends their open pages)."""
    with conn.transaction():
        row = conn.execute("DELETE FROM leads WHERE name = %s RETURNING team_id", (lead,)).fetchone()
        if row is None:
            raise HubError(f"no lead named '{lead}'")
        audit.record(conn, "lead.remove", actor=ACTOR, team_id=row[0], lead=lead)


def init_keys(conn: psycopg.Connection, path: Path) -> str:
    """Create the signing key file and register its public half; returns the fingerprint."""
    key = create_key(path)
    raw = public_raw(key)
    print_fp = fingerprint(raw)
    try:
        with conn.transaction():
            conn.execute("UPDATE signing_keys SET active = false WHERE active")
            conn.execute("INSERT INTO signing_keys (fingerprint, public_key) VALUES (%s, %s)", (print_fp, raw))
            audit.record(conn, "keys.init", actor=ACTOR, team_id=None, fingerprint=print_fp)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return print_fp


def registered_key(conn: psycopg.Connection, path: Path) -> tuple[Ed25519PrivateKey, str]:
    """The private key from its file, checked against the active public key in the database."""
    key = load_key(path)
    print_fp = fingerprint(public_raw(key))
    row = conn.execute("SELECT fingerprint FROM signing_keys WHERE active").fetchone()
    if row is None:
        with conn.transaction():
            conn.execute("INSERT INTO signing_keys (fingerprint, public_key) VALUES (%s, %s)",
                         (print_fp, public_raw(key)))
    elif row[0] != print_fp:
        raise HubError(f"the key in {path} ({print_fp}) is not the hub's active key ({row[0]})")
    return key, print_fp


@dataclass
class Published:
    version: int
    files: int
    scenarios: int
    fingerprint: str


def read_pack_folder(folder: Path) -> dict[str, str]:
    """The folder's pack files, checked with the same rules as `seatside packs check`."""
    from desktop.core.packs.banned import builtin_banned
    from desktop.core.packs.loader import load_packs, pack_files

    if not folder.is_dir():
        raise HubError(f"{folder} is not a folder of pack files")
    files = pack_files([folder])
    if not files:
        raise HubError(f"{folder} holds no .yaml pack files")
    result = load_packs([folder], banned=builtin_banned())
    if result.errors:
        first = result.errors[0]
        more = f" (and {len(result.errors) - 1} more errors; see `seatside packs check`)" if len(result.errors) > 1 else ""
        raise HubError(f"not published: {first}{more}")
    contents: dict[str, str] = {}
    for path in files:
        try:
            contents[path.name] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise HubError(f"cannot read {path}: {exc}") from exc
    return contents


def set_scenarios(files: dict[str, str]) -> dict[str, str]:
    """Scenario id -> name of a team set's files, retirement markers included
    (files that do not load add nothing)."""
    import tempfile

    from desktop.core.packs.loader import load_pack_file

    found: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="seatside-set-") as folder:
        for name, text in sorted(files.items()):
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            for scenario in load_pack_file(path)[1]:
                found.setdefault(scenario.id, scenario.name)
    return found


def bundle_files(bundle: bytes) -> dict[str, str]:
    """The pack files of a stored bundle."""
    body = json.loads(bytes(bundle).decode("utf-8"))
    return dict(body.get("files", {}))


def dropped_scenarios(conn: psycopg.Connection, tid: int, files: dict[str, str]) -> dict[str, str]:
    """Scenarios (id -> name) of the team's newest version that ``files`` no longer hold."""
    row = conn.execute("SELECT bundle FROM packs WHERE team_id = %s ORDER BY version DESC LIMIT 1",
                       (tid,)).fetchone()
    if row is None:
        return {}
    before = set_scenarios(bundle_files(bytes(row[0])))
    after = set_scenarios(files)
    return {sid: name for sid, name in before.items() if sid not in after}


def publish_packs(conn: psycopg.Connection, folder: Path, team: str, note: str, key_file: Path,
                  *, actor: str = ACTOR, confirm_drops: Iterable[str] = ()) -> Published:
    """Validate, version and sign the folder's packs for the team.

    A set that leaves out scenarios of the newest version is refused unless every
    one of them is named in ``confirm_drops`` (nothing disappears by accident)."""
    from desktop.core.packs.banned import builtin_banned
    from desktop.core.packs.loader import load_packs

    files = read_pack_folder(folder)
    scenarios = len(load_packs([folder], banned=builtin_banned()).library)
    key, print_fp = registered_key(conn, key_file)
    with conn.transaction():
        tid = team_id(conn, team)
        conn.execute("SELECT pg_advisory_xact_lock(2, %s::int)", (tid,))
        dropped = dropped_scenarios(conn, tid, files)
        unconfirmed = sorted(set(dropped) - set(confirm_drops))
        if unconfirmed:
            raise DropsNotConfirmed({sid: dropped[sid] for sid in unconfirmed})
        row = conn.execute("SELECT coalesce(max(version), 0) + 1 FROM packs WHERE team_id = %s", (tid,)).fetchone()
        assert row is not None
        version = int(row[0])
        bundle = encode_bundle(team, version, files, note=note,
                               published_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        signature = key.sign(bundle)
        conn.execute(
            "INSERT INTO packs (team_id, version, note, bundle, signature, key_fingerprint, sha256, files, scenarios,"
            " published_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (tid, version, note, bundle, signature, print_fp, hashlib.sha256(bundle).hexdigest(), len(files),
             scenarios, actor),
        )
        audit.record(conn, "packs.publish", actor=actor, team_id=tid, version=version, files=sorted(files), note=note,
                     dropped=sorted(dropped))
        conn.execute("SELECT pg_notify(%s, %s)", (PACKS_CHANNEL, json.dumps({"team_id": tid, "version": version})))
    return Published(version, len(files), scenarios, print_fp)
