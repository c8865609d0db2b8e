"""The call log in SQLite: versioned schema, WAL, one transaction helper.

``CallStore`` is synchronous and not thread-safe; the GUI uses it through the
single database thread (``desktop.models.background``), the CLI directly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.base.clock import iso
from desktop.core.privacy.guard import MaskingConnection
from desktop.core.privacy.masking import MaskPolicy, mask_draft

if TYPE_CHECKING:  # sqlite_utils is imported only when a migration runs (start-up cost)
    import sqlite_utils

DB_FILENAME = "seatside.db"
# The hash is written with letters only, so no digit run of it looks like a number.
_LETTERS_FOR_HEX = str.maketrans("0123456789", "ghijklmnop")


class StorageError(Exception):
    """The database cannot be opened or is newer than this program."""


@dataclass
class TickedStep:
    scenario_id: str
    step_id: str
    title: str
    mandatory: bool
    ticked_at: str


@dataclass
class UsedPhrase:
    scenario_id: str
    step_id: str
    phrase_id: str
    text: str
    used_at: str
    via: str


@dataclass
class FollowUp:
    """Something promised on a call: a callback, a complaint deadline, a hand-over."""

    id: int
    call_id: int
    kind: str  # "callback", "complaint" or "continuity"
    text: str
    due_at: str | None
    done_at: str | None
    created_at: str

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def label(self, lang: str = "zh") -> str:
        """What the follow-up says in ``lang``: the text the seat or the pack gave, or
        for one the app made itself (stored as its kind alone), its standard wording."""
        if self.text:
            return self.text
        from desktop.core.records.texts import STANDARD_FOLLOWUPS, texts

        return texts(lang)(f"followup.standard.{self.kind}") if self.kind in STANDARD_FOLLOWUPS else self.kind


@dataclass
class PersonalPhrase:
    """A seat's own phrase, layered over the team packs; scenario_id "" = general."""

    id: int
    scenario_id: str
    step_id: str
    text: str
    favourite: bool
    updated_at: str

    @property
    def key(self) -> str:
        return f"personal/{self.id}"


@dataclass
class CallRecord:
    id: int
    started_at: str
    ended_at: str | None
    duration_s: float | None
    scenario_id: str
    scenario_name: str
    notes: str
    disposition: str
    status: str
    customer_ref: str = ""
    wrapup_s: float | None = None
    end_reason: str = ""
    banned_spoken: int = 0  # banned phrases said on the call (the live transcript's count)
    steps: list[TickedStep] = field(default_factory=list)
    phrases: list[UsedPhrase] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)


def _v1(db: sqlite_utils.Database) -> None:
    db["calls"].create(
        {
            "id": int,
            "started_at": str,
            "started_ts": float,
            "ended_at": str,
            "ended_ts": float,
            "duration_s": float,
            "scenario_id": str,
            "scenario_name": str,
            "notes": str,
            "notes_saved_at": str,
            "disposition": str,
            "status": str,
        },
        pk="id",
        not_null={"started_at", "started_ts", "status"},
        defaults={"notes": "", "scenario_id": "", "scenario_name": "", "disposition": ""},
    )
    db["calls"].create_index(["started_ts"])
    db["call_steps"].create(
        {
            "id": int,
            "call_id": int,
            "scenario_id": str,
            "step_id": str,
            "title": str,
            "mandatory": int,
            "ticked_at": str,
        },
        pk="id",
        foreign_keys=[("call_id", "calls", "id")],
    )
    db["call_steps"].create_index(["call_id", "scenario_id", "step_id"], unique=True)
    db["call_phrases"].create(
        {
            "id": int,
            "call_id": int,
            "scenario_id": str,
            "step_id": str,
            "phrase_id": str,
            "text": str,
            "used_at": str,
            "via": str,
        },
        pk="id",
        foreign_keys=[("call_id", "calls", "id")],
    )
    db["call_phrases"].create_index(["call_id"])


def _v2(db: sqlite_utils.Database) -> None:
    """Wrap-up, caller reference, follow-ups, personal phrases, phrase use, notes search."""
    db["calls"].add_column("customer_ref", str, not_null_default="")
    # A keyed hash of the full reference: masked references collide (*******1234 is one
    # in 10,000), the key tells callers apart without storing their number.
    db["calls"].add_column("customer_key", str, not_null_default="")
    db["calls"].add_column("wrapup_s", float)
    db["calls"].add_column("end_reason", str, not_null_default="")
    db["calls"].create_index(["customer_ref", "started_ts"])
    db["calls"].create_index(["customer_key", "started_ts"])
    db["meta"].create({"name": str, "value": str}, pk="name")
    import secrets  # only here and in _v_outbox: hashlib/hmac/secrets load OpenSSL (about 3 MiB)

    db["meta"].insert({"name": "customer_key_secret", "value": secrets.token_hex(32)})
    db["calls"].create_index(["status"])
    db["followups"].create(
        {
            "id": int,
            "call_id": int,
            "kind": str,
            "text": str,
            "due_at": str,
            "due_ts": float,
            "done_at": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("call_id", "calls", "id")],
        not_null={"call_id", "kind", "text", "created_at"},
    )
    db["followups"].create_index(["call_id"])
    db["followups"].create_index(["done_at", "due_ts"])
    db["personal_phrases"].create(
        {
            "id": int,
            "scenario_id": str,
            "step_id": str,
            "text": str,
            "favourite": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"text"},
        defaults={"scenario_id": "", "step_id": "", "favourite": 0},
    )
    db["favourites"].create({"phrase_key": str, "created_at": str}, pk="phrase_key")
    db["phrase_uses"].create({"id": int, "phrase_key": str, "used_ts": float}, pk="id")
    db["phrase_uses"].create_index(["phrase_key"])
    # Notes search: FTS5 trigram index over the notes of ended calls, kept in step by
    # triggers. Calls in progress are left out, so the autosave while the seat types
    # stays a plain one-row UPDATE.
    db.execute(
        "CREATE VIRTUAL TABLE calls_fts USING fts5(notes, content='calls', content_rowid='id', tokenize='trigram')"
    )
    db.execute("INSERT INTO calls_fts(rowid, notes) SELECT id, notes FROM calls WHERE status = 'ended'")
    db.execute(
        "CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls WHEN new.status = 'ended' BEGIN"
        " INSERT INTO calls_fts(rowid, notes) VALUES (new.id, new.notes); END"
    )
    db.execute(
        "CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls WHEN old.status = 'ended' BEGIN"
        " INSERT INTO calls_fts(calls_fts, rowid, notes) VALUES ('delete', old.id, old.notes); END"
    )
    db.execute(
        "CREATE TRIGGER calls_fts_update AFTER UPDATE OF notes, status ON calls"
        " WHEN (old.status = 'ended' OR new.status = 'ended')"
        " AND (old.status != new.status OR old.notes != new.notes) BEGIN"
        " INSERT INTO calls_fts(calls_fts, rowid, notes) SELECT 'delete', old.id, old.notes"
        " WHERE old.status = 'ended';"
        " INSERT INTO calls_fts(rowid, notes) SELECT new.id, new.notes WHERE new.status = 'ended'; END"
    )


def _v_privacy(db: sqlite_utils.Database) -> None:
    """No reversible customer code, every stored text masked by today's masker."""
    from desktop.core.privacy.masking import remask_stored

    # The old history key sat in this file beside the hashes it keyed: both go.
    db.execute("DELETE FROM meta WHERE name = 'customer_key_secret'")
    db.execute("UPDATE calls SET customer_key = '' WHERE customer_key != ''")
    for table, columns in _TEXT_COLUMNS.items():
        for column in columns:
            rows = db.execute(f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
            for rowid, value in rows:
                masked = remask_stored(value)
                if masked != value:
                    db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (masked, rowid))
    db.execute("INSERT INTO calls_fts(calls_fts) VALUES ('rebuild')")
    # Earlier deletes left clear text in free pages: rebuild the file once, after the migration.
    db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('vacuum_pending', '1')")


def _v_live(db: sqlite_utils.Database) -> None:
    """Live call events: which steps the seat's speech ticked, banned phrases said, and
    (only when the seat's settings allow it) the masked transcript."""
    if "by_speech" not in db["call_steps"].columns_dict:
        db["call_steps"].add_column("by_speech", int, not_null_default=0)
    if "banned_count" not in db["calls"].columns_dict:
        db["calls"].add_column("banned_count", int, not_null_default=0)
    db.execute(
        "CREATE TABLE IF NOT EXISTS call_transcripts (id INTEGER PRIMARY KEY, call_id INTEGER NOT NULL"
        " REFERENCES calls(id) ON DELETE CASCADE, speaker TEXT NOT NULL, text TEXT NOT NULL, at TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS call_transcripts_call ON call_transcripts (call_id)")


def _v_outbox(db: sqlite_utils.Database) -> None:
    """The outbox of ended calls for the centre's hub, filled by triggers in the same
    transaction as the change: (call, revision) is the upload's idempotency key, and
    a call changed after it ended (a follow-up added or done) gets a new revision."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
        " revision INTEGER NOT NULL, created_ts REAL NOT NULL, changes INTEGER NOT NULL DEFAULT 0,"
        " status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,"
        " next_try_ts REAL NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', sent_ts REAL,"
        " pack_version INTEGER, UNIQUE (call_id, revision))"
    )
    db.execute("CREATE INDEX IF NOT EXISTS outbox_status ON outbox (status, next_try_ts)")
    import secrets

    db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('install_id', ?)", (secrets.token_hex(8),))
    now = "((julianday('now') - 2440587.5) * 86400.0)"

    def enqueue(call: str) -> str:
        # The hub packs the seat runs are noted at the time (meta 'hub_pack_version').
        # A pending row covers any later change (the record is read when it is sent);
        # "changes" tells the sender that it changed while it was on the way.
        return (
            f"UPDATE outbox SET changes = changes + 1 WHERE call_id = {call} AND status = 'pending';"
            f" INSERT INTO outbox (call_id, revision, created_ts, pack_version)"
            f" SELECT {call}, coalesce((SELECT max(revision) FROM outbox WHERE call_id = {call}), 0) + 1, {now},"
            f" (SELECT CAST(value AS INTEGER) FROM meta WHERE name = 'hub_pack_version')"
            f" WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE call_id = {call} AND status = 'pending');"
        )

    triggers = {
        "outbox_call_ended": "AFTER UPDATE OF status ON calls WHEN new.status = 'ended' AND old.status != 'ended'",
        "outbox_call_changed": "AFTER UPDATE OF notes, disposition, customer_ref, wrapup_s, end_reason ON calls"
                               " WHEN old.status = 'ended' AND new.status = 'ended'",
    }
    for name, when in triggers.items():
        db.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN {enqueue('new.id')} END")
    ended = "(SELECT status FROM calls WHERE id = new.call_id) = 'ended'"
    db.execute(f"CREATE TRIGGER IF NOT EXISTS outbox_followup_added AFTER INSERT ON followups WHEN {ended}"
               f" BEGIN {enqueue('new.call_id')} END")
    db.execute(f"CREATE TRIGGER IF NOT EXISTS outbox_followup_changed AFTER UPDATE OF done_at ON followups"
               f" WHEN {ended} BEGIN {enqueue('new.call_id')} END")


# Every text column that can hold what a seat typed or a caller said.
_TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "calls": ("notes", "customer_ref", "end_reason", "scenario_name"),
    "call_steps": ("title",),
    "call_phrases": ("text",),
    "followups": ("text",),
    "personal_phrases": ("text",),
}


# Migration N takes the schema from user_version N to N+1. Only ever append.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v_privacy, _v_live, _v_outbox]
SCHEMA_VERSION = len(MIGRATIONS)


class CallStore:
    """All reads and writes of calls, steps, phrases and notes."""

    def __init__(self, path: Path | str, policy: MaskPolicy | None = None):
        from desktop.core.base.permissions import secure_file

        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            secure_file(self.path)  # 0600 before SQLite opens it; its -wal and -shm follow its mode
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=5.0, factory=MaskingConnection)
            conn.execute("PRAGMA secure_delete = ON")  # deleted and overwritten text is zeroed in the file
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"cannot open the database {self.path}: {exc}") from exc
        self.conn = conn
        if policy is not None:
            conn.policy = policy
        self._history_key: bytes | bool | None = False  # False: not asked yet
        self._checkpoint_due = False
        try:
            self._migrate()
            self._vacuum_if_pending()
        except sqlite3.Error as exc:  # a damaged or foreign file: one clear line, nothing half-done
            conn.close()
            raise StorageError(f"cannot update the database {self.path}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        self._secure_side_files()

    @property
    def policy(self) -> MaskPolicy:
        """How every text written is masked (capped by ``MaskPolicy``)."""
        return self.conn.policy

    @policy.setter
    def policy(self, policy: MaskPolicy) -> None:
        self.conn.policy = policy

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database and truncate it to nothing."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        self._secure_side_files()

    def _secure_side_files(self) -> None:
        from desktop.core.base.permissions import FILE_MODE

        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            try:
                if side.stat().st_mode & 0o777 != FILE_MODE:
                    side.chmod(FILE_MODE)
            except FileNotFoundError:
                pass

    def _vacuum_if_pending(self) -> None:
        row = self.conn.execute("SELECT value FROM meta WHERE name = 'vacuum_pending'").fetchone()
        if row is None:
            return
        try:
            self.conn.execute("VACUUM")
        except sqlite3.OperationalError as exc:  # e.g. the disk is full: try again at the next start
            raise StorageError(f"cannot rewrite the database {self.path} after the privacy update: {exc}") from exc
        self.conn.execute("DELETE FROM meta WHERE name = 'vacuum_pending'")
        self.checkpoint()

    # -- plumbing ------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one IMMEDIATE transaction; roll back on any error."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
            if self._checkpoint_due:  # a call ended: its drafts leave the write-ahead log
                self._checkpoint_due = False
                self.checkpoint()

    @property
    def user_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.user_version
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"the database {self.path} has schema version {version}, newer than this "
                f"program understands ({SCHEMA_VERSION}); please update Seatside"
            )
        if version == SCHEMA_VERSION:
            return
        import sqlite_utils

        db = sqlite_utils.Database(self.conn)
        # Each step in one write-locked (IMMEDIATE) transaction that reads the version
        # again inside the lock: processes opening a new folder at once never run a
        # step twice, and a failed step leaves the earlier ones in place.
        while version < SCHEMA_VERSION:
            with self.transaction():
                version = self.user_version
                if version < SCHEMA_VERSION:
                    MIGRATIONS[version](db)
                    version += 1
                    self.conn.execute(f"PRAGMA user_version = {version}")

    def close(self) -> None:
        self.conn.close()

    # -- writes --------------------------------------------------------------
    def start_call(self, started: datetime) -> int:
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO calls (started_at, started_ts, status) VALUES (?, ?, 'active')",
                (iso(started), started.timestamp()),
            )
            return int(cursor.lastrowid or 0)

    def set_scenario(self, call_id: int, scenario_id: str, scenario_name: str) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE calls SET scenario_id = ?, scenario_name = ? WHERE id = ?", (scenario_id, scenario_name, call_id)
            )

    def tick_step(self, call_id: int, scenario_id: str, step_id: str, title: str, mandatory: bool, at: datetime) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO call_steps (call_id, scenario_id, step_id, title, mandatory, ticked_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (call_id, scenario_id, step_id, title, int(mandatory), iso(at)),
            )

    def untick_step(self, call_id: int, scenario_id: str, step_id: str) -> None:
        with self.transaction():
            self.conn.execute(
                "DELETE FROM call_steps WHERE call_id = ? AND scenario_id = ? AND step_id = ?",
                (call_id, scenario_id, step_id),
            )

    def record_phrase(self, call_id: int, phrase: UsedPhrase) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO call_phrases (call_id, scenario_id, step_id, phrase_id, text, used_at, via)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (call_id, phrase.scenario_id, phrase.step_id, phrase.phrase_id, phrase.text, phrase.used_at, phrase.via),
            )

    def save_notes(self, call_id: int, notes: str, at: datetime, *, cursor: int | None = None) -> None:
        """Save a draft of the notes of a call in progress, masked as the final record
        will be, with the digit run at ``cursor`` (None: the end) hidden when it may be a
        number still being typed (``mask_draft``); the final notes come with ``end_call``."""
        with self.transaction():
            self.conn.execute(
                "UPDATE calls SET notes = ?, notes_saved_at = ? WHERE id = ?",
                (mask_draft(notes, self.policy, cursor), iso(at), call_id),
            )

    def end_call(
        self,
        call_id: int,
        ended: datetime,
        disposition: str,
        notes: str,
        *,
        wrapup_s: float | None = None,
        end_reason: str = "",
    ) -> None:
        """Close the call; ``ended`` is when the conversation ended, ``wrapup_s`` the
        after-call work that followed it."""
        with self.transaction():
            row = self.conn.execute("SELECT started_ts FROM calls WHERE id = ?", (call_id,)).fetchone()
            if row is None:
                raise KeyError(call_id)
            self._checkpoint_due = True
            self.conn.execute(
                "UPDATE calls SET ended_at = ?, ended_ts = ?, duration_s = ?, disposition = ?, notes = ?,"
                " notes_saved_at = ?, status = 'ended', wrapup_s = ?, end_reason = ? WHERE id = ?",
                (
                    iso(ended),
                    ended.timestamp(),
                    round(max(0.0, ended.timestamp() - row[0]), 1),
                    disposition,
                    notes,
                    iso(ended),
                    None if wrapup_s is None else round(wrapup_s, 1),
                    end_reason,
                    call_id,
                ),
            )

    def customer_key(self, reference: str) -> str:
        """A keyed hash of the full (unmasked, normalised) reference, written without
        digits; '' for '' and when there is no history key (see ``history_exact``)."""
        key = self.history_key
        if not reference.strip() or key is None:
            return ""
        import hashlib  # when a caller is looked up, not at start (OpenSSL: about 3 MiB)
        import hmac

        digest = hmac.new(key, reference.strip().encode("utf-8"), hashlib.sha256).hexdigest()[:32]
        return digest.translate(_LETTERS_FOR_HEX)

    @property
    def history_key(self) -> bytes | None:
        """The caller-history key from the OS secret store (never stored in this folder)."""
        if self._history_key is False:
            from desktop.core.privacy.keystore import history_key

            self._history_key = history_key(self.path.parent)
        key = self._history_key
        return key if isinstance(key, bytes) else None

    @history_key.setter
    def history_key(self, key: bytes | None) -> None:
        self._history_key = key

    @property
    def history_exact(self) -> bool:
        """Whether callers are told apart by a key, or only by their masked tail."""
        return self.history_key is not None

    def set_customer_ref(self, call_id: int, customer_ref: str, customer_key: str = "") -> None:
        """Store the masked reference to show, and the key to find the caller's calls by."""
        with self.transaction():
            self.conn.execute(
                "UPDATE calls SET customer_ref = ?, customer_key = ? WHERE id = ?", (customer_ref, customer_key, call_id)
            )

    def add_followup(self, call_id: int, kind: str, text: str, due: datetime | None, created: datetime) -> int:
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO followups (call_id, kind, text, due_at, due_ts, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (call_id, kind, text, iso(due) if due else None, due.timestamp() if due else None, iso(created)),
            )
            return int(cursor.lastrowid or 0)

    def set_followup_done(self, followup_id: int, done: datetime | None) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE followups SET done_at = ? WHERE id = ?", (iso(done) if done else None, followup_id)
            )

    def record_use(self, phrase_key: str, at: datetime) -> None:
        """Count one use of a phrase (team or personal) for frecency ranking."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO phrase_uses (phrase_key, used_ts) VALUES (?, ?)", (phrase_key, at.timestamp())
            )

    def set_favourite(self, phrase_key: str, favourite: bool, at: datetime) -> None:
        with self.transaction():
            if favourite:
                self.conn.execute(
                    "INSERT OR IGNORE INTO favourites (phrase_key, created_at) VALUES (?, ?)", (phrase_key, iso(at))
                )
            else:
                self.conn.execute("DELETE FROM favourites WHERE phrase_key = ?", (phrase_key,))

    def add_personal_phrase(self, scenario_id: str, step_id: str, text: str, at: datetime) -> int:
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO personal_phrases (scenario_id, step_id, text, favourite, created_at, updated_at)"
                " VALUES (?, ?, ?, 0, ?, ?)",
                (scenario_id, step_id, text, iso(at), iso(at)),
            )
            return int(cursor.lastrowid or 0)

    def update_personal_phrase(self, phrase_id: int, scenario_id: str, step_id: str, text: str, at: datetime) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE personal_phrases SET scenario_id = ?, step_id = ?, text = ?, updated_at = ? WHERE id = ?",
                (scenario_id, step_id, text, iso(at), phrase_id),
            )

    def delete_personal_phrase(self, phrase_id: int) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM personal_phrases WHERE id = ?", (phrase_id,))
            self.conn.execute("DELETE FROM favourites WHERE phrase_key = ?", (f"personal/{phrase_id}",))

    # -- reads ---------------------------------------------------------------
    def personal_phrases(self) -> list[PersonalPhrase]:
        rows = self.conn.execute(
            "SELECT p.id, p.scenario_id, p.step_id, p.text, f.phrase_key IS NOT NULL, p.updated_at"
            " FROM personal_phrases p LEFT JOIN favourites f ON f.phrase_key = 'personal/' || p.id ORDER BY p.id"
        ).fetchall()
        return [PersonalPhrase(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]

    def favourites(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT phrase_key FROM favourites")}

    def phrase_usage(self, since: datetime | None = None) -> dict[str, list[float]]:
        """Use timestamps per phrase key (for frecency)."""
        usage: dict[str, list[float]] = {}
        floor = since.timestamp() if since else 0.0
        for key, ts in self.conn.execute("SELECT phrase_key, used_ts FROM phrase_uses WHERE used_ts >= ?", (floor,)):
            usage.setdefault(key, []).append(ts)
        return usage

    def open_followups(self) -> list[FollowUp]:
        """Follow-ups not done yet, the soonest due first (no due time last)."""
        return self._followups(
            "WHERE done_at IS NULL ORDER BY due_ts IS NULL, due_ts, id", ()
        )

    def calls_by_customer(
        self, customer_ref: str, exclude_call: int | None = None, limit: int = 20, *, key: str = ""
    ) -> list[CallRecord]:
        """Earlier calls of the same customer, newest first: by ``key`` when given (exact
        caller), else by the masked reference. Steps and phrases are not loaded."""
        column, value = ("customer_key", key) if key else ("customer_ref", customer_ref.strip())
        if not value:
            return []
        return self._calls(
            f"WHERE {column} = ? AND id != ? ORDER BY started_ts DESC, id DESC LIMIT ?",
            (value, exclude_call or -1, limit),
            details=False,
        )

    # Short (LIKE) searches read at most this many of the newest calls.
    LIKE_SCAN_CALLS = 100_000

    def search_notes(self, query: str, limit: int = 50) -> list[CallRecord]:
        """Newest calls whose notes contain ``query``: FTS5 trigram for 3+ characters,
        LIKE over the newest ``LIKE_SCAN_CALLS`` calls below that."""
        query = query.strip()
        if not query:
            return []
        if len(query) >= 3:
            phrase = '"' + query.replace('"', '""') + '"'
            return self._calls(
                "WHERE id IN (SELECT rowid FROM calls_fts WHERE calls_fts MATCH ? ORDER BY rowid DESC LIMIT ?)"
                " ORDER BY started_ts DESC, id DESC",
                (phrase, limit),
                details=False,
            )
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self._calls(
            "WHERE id > (SELECT coalesce(max(id), 0) FROM calls) - ? AND notes LIKE ? ESCAPE '\\'"
            " ORDER BY id DESC LIMIT ?",
            (self.LIKE_SCAN_CALLS, pattern, limit),
            details=False,
        )

    def _followups(self, where: str, params: tuple[object, ...]) -> list[FollowUp]:
        rows = self.conn.execute(
            f"SELECT id, call_id, kind, text, due_at, done_at, created_at FROM followups {where}", params
        ).fetchall()
        return [FollowUp(*row) for row in rows]

    def get_call(self, call_id: int) -> CallRecord:
        records = self._calls("WHERE id = ?", (call_id,))
        if not records:
            raise KeyError(call_id)
        return records[0]

    def calls_between(self, start: datetime, end: datetime) -> list[CallRecord]:
        """Calls that started in [start, end), oldest first."""
        return self._calls(
            "WHERE started_ts >= ? AND started_ts < ? ORDER BY started_ts, id",
            (start.timestamp(), end.timestamp()),
        )

    def active_calls(self) -> list[CallRecord]:
        return self._calls("WHERE status = 'active' ORDER BY id", ())

    def count_calls(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM calls").fetchone()[0])

    def _calls(self, where: str, params: tuple[object, ...], *, details: bool = True) -> list[CallRecord]:
        """Calls with their follow-ups, and with ``details`` their ticked steps and phrases."""
        rows = self.conn.execute(
            "SELECT id, started_at, ended_at, duration_s, scenario_id, scenario_name, notes,"
            f" disposition, status, customer_ref, wrapup_s, end_reason, banned_count FROM calls {where}",
            params,
        ).fetchall()
        records = {row[0]: CallRecord(*row) for row in rows}
        if not records:
            return []
        ids = list(records)
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for followup in self._followups(f"WHERE call_id IN ({marks}) ORDER BY id", tuple(chunk)):
                records[followup.call_id].followups.append(followup)
            if not details:
                continue
            for call_id, *rest in self.conn.execute(
                "SELECT call_id, scenario_id, step_id, title, mandatory, ticked_at FROM call_steps"
                f" WHERE call_id IN ({marks}) ORDER BY ticked_at, id",
                chunk,
            ):
                rest[3] = bool(rest[3])
                records[call_id].steps.append(TickedStep(*rest))
            for call_id, *rest in self.conn.execute(
                "SELECT call_id, scenario_id, step_id, phrase_id, text, used_at, via FROM call_phrases"
                f" WHERE call_id IN ({marks}) ORDER BY used_at, id",
                chunk,
            ):
                records[call_id].phrases.append(UsedPhrase(*rest))
        return list(records.values())
