"""The seat's side of the centre's hub: enrolment, the outbox of ended calls, packs.

The seat's own SQLite log stays the source of truth: the hub only ever receives a
copy. Ended calls enter the ``outbox`` table by triggers in the same transaction
as the change (``storage._v_outbox``); ``push`` sends them in batches whose
idempotency key is (call uid, revision), so a batch sent twice, by a seat killed
before it noted the answer or a hub killed before it answered, is stored once.
Packs are fetched with an ETag and long-poll, verified against the hub key
pinned at enrolment, never older than the installed ones, checked like
``seatside packs check``, and written into the seat's ``packs/`` folder, where
the panel's hot reload and "what changed" notice pick them up. A bad bundle
leaves the last good packs in place.

Qt-free: the CLI calls it directly, the panel through ``desktop.models.hub_sync``.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from desktop.core.base.atomic import atomic_write
from desktop.core.base.paths import HUB_CONFIG_FILE
from desktop.core.hubclient.net import is_loopback

if TYPE_CHECKING:
    import httpx


from desktop.core.hubclient.hub_protocol import (
    API,
    HUB_PACK_PREFIX,
    MAX_BATCH,
    MAX_SHORT,
    MAX_TEXT,
    BundleError,
    fingerprint,
    open_bundle,
    unb64,
)
from desktop.core.records.storage import CallRecord, CallStore

CONFIG_FILE = HUB_CONFIG_FILE
TOKEN_FILE = "hub-token"
PACKS_STATE_FILE = "hub-packs.json"
KEYRING_SERVICE = "Seatside Hub"
# Backoff after a failed upload: 2, 4, 8 … seconds, at most this, with jitter.
MAX_BACKOFF_S = 300.0
TIMEOUT_S = 30.0


class SyncError(Exception):
    """Something the seat should read in one line (hub unreachable, token revoked …)."""


class NotEnrolled(SyncError):
    pass


# -- files of the data folder ---------------------------------------------------
def _write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically into a 0600 file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text, mode=0o600)


def read_json(path: Path) -> dict[str, Any] | None:
    from desktop.core.base.bounded import read_regular

    try:
        value = json.loads(read_regular(path, 1024 * 1024).decode("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as exc:
        raise SyncError(f"cannot read {path.name}: {exc}") from exc
    return value if isinstance(value, dict) else None


@dataclass
class HubLink:
    """What enrolment left in the data folder: the hub, this seat, the pinned key."""

    url: str
    seat: str
    team: str
    public_key: bytes
    fingerprint: str
    ca_bundle: str = ""
    token_store: str = "file"
    enrolled_at: str = ""

    @classmethod
    def load(cls, data: Path) -> HubLink | None:
        raw = read_json(Path(data) / CONFIG_FILE)
        if raw is None:
            return None
        try:
            return cls(url=raw["url"], seat=raw["seat"], team=raw["team"], public_key=unb64(raw["public_key"]),
                       fingerprint=raw["fingerprint"], ca_bundle=raw.get("ca_bundle", ""),
                       token_store=raw.get("token_store", "file"), enrolled_at=raw.get("enrolled_at", ""))
        except (KeyError, TypeError, ValueError) as exc:
            raise SyncError(f"{CONFIG_FILE} is damaged ({exc}); enrol again") from exc

    def save(self, data: Path) -> None:
        from desktop.core.hubclient.hub_protocol import b64

        body = {"url": self.url, "seat": self.seat, "team": self.team, "public_key": b64(self.public_key),
                "fingerprint": self.fingerprint, "ca_bundle": self.ca_bundle, "token_store": self.token_store,
                "enrolled_at": self.enrolled_at}
        _write_private(Path(data) / CONFIG_FILE, json.dumps(body, ensure_ascii=False, indent=2))


def _keyring() -> Any:  # the keyring module, or None
    """The OS secret store when one is usable (python-keyring with a real backend)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - any backend failure means: no usable store
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return keyring


def save_token(data: Path, url: str, token: str) -> str:
    """Keep the token in the OS secret store, else in a 0600 file; returns which."""
    store = _keyring()
    if store is not None:
        try:
            store.set_password(KEYRING_SERVICE, url, token)
            (Path(data) / TOKEN_FILE).unlink(missing_ok=True)
            return "keyring"
        except Exception:  # noqa: BLE001 - no usable secret store: the 0600 file below
            pass
    _write_private(Path(data) / TOKEN_FILE, token)
    return "file"


def load_token(data: Path, link: HubLink) -> str:
    if link.token_store == "keyring":
        store = _keyring()
        token = store.get_password(KEYRING_SERVICE, link.url) if store is not None else None
        if token:
            return str(token)
        raise SyncError("the hub token is missing from the OS secret store; enrol again")
    try:
        return (Path(data) / TOKEN_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        raise SyncError("the hub token file is missing; enrol again") from None


@dataclass(frozen=True)
class PacksStatus:
    """Which team packs a data folder runs (for ``seatside --version`` and the panel's About)."""

    enrolled: bool
    team: str = ""
    hub: str = ""
    version: int = 0
    installed_at: str = ""
    error: str = ""


def packs_status(data: Path) -> PacksStatus:
    """Never raises: a damaged file is reported in ``error``."""
    try:
        link = HubLink.load(Path(data))
        state = read_json(Path(data) / PACKS_STATE_FILE) or {}
    except SyncError as exc:
        return PacksStatus(False, error=str(exc))
    if link is None:
        return PacksStatus(False)
    version = state.get("version", 0)
    return PacksStatus(True, link.team, link.url, version if isinstance(version, int) else 0,
                       str(state.get("installed_at", "")))


def pack_version_line(data: Path) -> str:
    status = packs_status(data)
    if status.error:
        return f"packs: unknown ({status.error})"
    if not status.enrolled:
        return "packs: built-in and the seat's own (not enrolled with a hub)"
    if not status.version:
        return f"packs: built-in; team '{status.team}' has sent none yet ({status.hub})"
    return (f"packs: team '{status.team}' version {status.version} from {status.hub}"
            f" (installed {status.installed_at}), over the built-in ones")


# -- HTTP -------------------------------------------------------------------------
def check_url(url: str) -> str:
    """The hub's base URL; plain HTTP only to a loopback address."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(f"not a hub address: {url!r} (expected https://host[:port])")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise SyncError("plain http:// is only for a hub on this computer; use https://")
    return f"{parts.scheme}://{parts.netloc}"




def _client(url: str, ca_bundle: str = "", token: str = "", timeout: float = TIMEOUT_S) -> httpx.Client:
    import httpx

    verify: Any = True
    if ca_bundle:
        import ssl

        try:
            verify = ssl.create_default_context(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise SyncError(f"cannot read the CA bundle {ca_bundle}: {exc}") from exc
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=url + API, verify=verify, headers=headers, timeout=timeout)


def _detail(response: Any) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    return str(detail) if detail else f"HTTP {response.status_code}"


def _unreachable(exc: Exception) -> SyncError:
    return SyncError(f"the hub cannot be reached: {str(exc) or type(exc).__name__}")


def enroll(data: Path, url: str, code: str, ca_bundle: str = "") -> HubLink:
    """Trade the one-time code for this seat's token; pin the hub's public key."""
    import httpx

    base = check_url(url)
    if ca_bundle and not Path(ca_bundle).is_file():
        raise SyncError(f"no such CA bundle: {ca_bundle}")
    try:
        with _client(base, ca_bundle) as client:
            response = client.post("/enrol", json={"code": code.strip()[:64]})
    except httpx.HTTPError as exc:
        raise _unreachable(exc) from exc
    if response.status_code != 200:
        raise SyncError(f"enrolment refused: {_detail(response)}")
    try:
        body = response.json()
        public = unb64(body["public_key"])
        token = str(body["token"])
        seat, team, claimed = str(body["seat"]), str(body["team"]), str(body["fingerprint"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SyncError("the hub's answer to the enrolment is not understood") from exc
    if fingerprint(public) != claimed or len(public) != 32:
        raise SyncError("the hub's key does not match its fingerprint; not enrolled")
    data = Path(data)
    data.mkdir(parents=True, exist_ok=True)
    store = save_token(data, base, token)
    link = HubLink(base, seat, team, public, claimed, str(Path(ca_bundle).resolve()) if ca_bundle else "", store,
                   datetime.now().astimezone().isoformat(timespec="seconds"))
    link.save(data)
    return link


# -- what a call looks like on the wire -------------------------------------------
def install_id(store: CallStore) -> str:
    """This database's prefix of call uids ("s" + random hex: a letter, so that no uid
    can ever read as a number to mask)."""
    row = store.conn.execute("SELECT value FROM meta WHERE name = 'install_id'").fetchone()
    return "s" + (row[0] if row else "0")


_DIGITS_AS_LETTERS = str.maketrans("0123456789", "ghijkmnpqr")


def wire_uid(prefix: str, call_id: int) -> str:
    """The call's uid on the wire: ``<prefix>-<id>``, unless that would read as a card, ID
    or mobile number (the random prefix's last digits joined to the id: the masker would hide
    it and the hub refuse it). Then the prefix's digits become letters and the id gets a
    letter in front, so no digits join. Stable for a call either way, and unchanged for
    every uid a hub can already hold (one that reads as a number was never accepted)."""
    from desktop.core.privacy.masking import find_pii

    uid = f"{prefix}-{call_id}"
    if not find_pii(uid):
        return uid
    return f"{prefix.translate(_DIGITS_AS_LETTERS)}-c{call_id}"


def call_payload(record: CallRecord, uid: str, revision: int, library: Any = None,
                 pack_version: int | None = None) -> dict[str, Any]:
    """The record as the hub takes it (already masked on the seat; the hub checks again)."""
    from desktop.core.packs.banned import typed_banned

    scenario = library.get(record.scenario_id) if library is not None and record.scenario_id else None
    ticked = {(s.scenario_id, s.step_id) for s in record.steps}
    skipped = []
    if scenario is not None:
        for step in scenario.steps:
            if step.mandatory and (scenario.id, step.id) not in ticked:
                skipped.append({"step_id": step.id, "title": step.title[:MAX_SHORT],
                                "reason": record.end_reason[:MAX_TEXT]})
    banned = typed_banned(record.notes)
    # Sent only when there is something to count: a hub from before the field refuses unknown
    # fields, so calls without a banned phrase said still reach it (upgrade the hub first).
    spoken = {"banned_spoken": record.banned_spoken} if record.banned_spoken else {}
    return _masked({
        "uid": uid,
        "revision": revision,
        "started_at": record.started_at,
        "ended_at": record.ended_at,
        "duration_s": record.duration_s,
        "wrapup_s": record.wrapup_s,
        "scenario_id": record.scenario_id,
        "scenario_name": record.scenario_name,
        "disposition": record.disposition,
        "end_reason": record.end_reason[:MAX_SHORT],
        "customer_ref": record.customer_ref,
        "notes": record.notes,
        "pack_version": pack_version,
        "steps_total": len(scenario.steps) if scenario is not None else len(record.steps),
        "mandatory_total": (sum(1 for s in scenario.steps if s.mandatory) if scenario is not None
                            else sum(1 for s in record.steps if s.mandatory)),
        "steps": [{"scenario_id": s.scenario_id, "step_id": s.step_id, "title": s.title, "mandatory": s.mandatory,
                   "ticked_at": s.ticked_at} for s in record.steps],
        "phrases": [{"scenario_id": p.scenario_id, "step_id": p.step_id, "phrase_id": p.phrase_id, "text": p.text,
                     "used_at": p.used_at, "via": p.via} for p in record.phrases],
        "followups": [{"kind": f.kind, "text": f.label("zh"), "due_at": f.due_at, "done_at": f.done_at,
                       "created_at": f.created_at} for f in record.followups],
        "skipped": skipped,
        "banned": [{"phrase": phrase, "count": count} for phrase, count in sorted(banned.items())],
        **spoken,
    })


def _masked(payload: dict[str, Any]) -> dict[str, Any]:
    """Every text of a request masked once more at the network boundary (the stored
    record already is; a heartbeat's scenario name comes from memory)."""
    from desktop.core.privacy.guard import mask_json

    masked: dict[str, Any] = mask_json(payload)
    return masked


# -- outbox -----------------------------------------------------------------------
@dataclass
class PushReport:
    sent: int = 0
    duplicates: int = 0
    refused: list[str] = field(default_factory=list)
    pending: int = 0
    error: str = ""


@dataclass
class PullReport:
    installed: int | None = None  # the version installed by this pull
    current: int = 0  # the version the seat runs now
    note: str = ""
    refused: str = ""  # why a bundle was refused (the last good packs stay)


@dataclass
class OutboxStatus:
    pending: int
    sent: int
    refused: list[tuple[int, str]]
    last_error: str
    next_try_ts: float | None


def outbox_status(store: CallStore) -> OutboxStatus:
    counts = dict(store.conn.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
    refused = store.conn.execute(
        "SELECT call_id, last_error FROM outbox WHERE status = 'refused' ORDER BY id").fetchall()
    row = store.conn.execute(
        "SELECT last_error, next_try_ts FROM outbox WHERE status = 'pending' AND attempts > 0"
        " ORDER BY next_try_ts LIMIT 1").fetchone()
    return OutboxStatus(counts.get("pending", 0), counts.get("sent", 0), [(r[0], r[1]) for r in refused],
                        row[0] if row else "", row[1] if row else None)


def backoff_s(attempts: int) -> float:
    return min(MAX_BACKOFF_S, 2.0 ** max(1, attempts)) * random.uniform(0.8, 1.2)


class SeatSync:
    """Push the outbox, pull packs, send heartbeats: one seat's link to its hub."""

    def __init__(self, data: Path, store: CallStore, *, library: Any = None, batch: int = 100):
        self.data = Path(data)
        link = HubLink.load(self.data)
        if link is None:
            raise NotEnrolled("this seat is not enrolled with a hub (seatside enroll URL CODE)")
        self.link = link
        self.token = load_token(self.data, link)
        self.store = store
        self.library = library
        self.batch = max(1, min(batch, MAX_BATCH))
        self._client: httpx.Client | None = None

    # -- plumbing
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = _client(self.link.url, self.link.ca_bundle, self.token)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _check_auth(self, response: Any) -> None:
        if response.status_code == 401:
            raise SyncError(f"the hub refused this seat's token ({_detail(response)})")

    # -- packs state
    def packs_state(self) -> dict[str, Any]:
        return read_json(self.data / PACKS_STATE_FILE) or {}

    def pack_version(self) -> int:
        value = self.packs_state().get("version", 0)
        return value if isinstance(value, int) else 0

    # -- outbox
    def push(self, *, force: bool = True, max_batches: int | None = None) -> PushReport:
        """Send what waits in the outbox (``force``: ignore the backoff). Stops at the
        first network failure (rows keep their place and back off)."""
        import httpx

        from desktop.core.hubclient.hub_records import call_problem

        report = PushReport()
        prefix = install_id(self.store)
        batches = 0
        while max_batches is None or batches < max_batches:
            now = time.time()
            rows = self.store.conn.execute(
                "SELECT id, call_id, revision, changes, attempts, pack_version FROM outbox WHERE status = 'pending'"
                + ("" if force else " AND next_try_ts <= ?") + " ORDER BY id LIMIT ?",
                (self.batch,) if force else (now, self.batch),
            ).fetchall()
            if not rows:
                break
            batches += 1
            payloads = []
            for row in rows:
                _row_id, call_id, revision, _changes, _attempts, pack_version = row
                try:
                    record = self.store.get_call(call_id)
                except KeyError:
                    continue
                payload = call_payload(record, wire_uid(prefix, call_id), revision, self.library, pack_version)
                # The hub's own model (the shared protocol): a record it would refuse is set aside here.
                problem = call_problem(payload)
                if problem is not None:
                    self._mark_refused([row], {(payload["uid"], revision)}, problem)
                    report.refused.append(f"call {call_id}: {problem}")
                    continue
                payloads.append(payload)
            if not payloads:
                self._mark_sent(rows)  # only the records gone meanwhile: nothing left to send
                continue
            try:
                response = self.client().post("/calls", json={"calls": payloads})
            except httpx.HTTPError as exc:
                self._back_off(rows, str(exc) or type(exc).__name__)
                report.error = str(_unreachable(exc))
                break
            self._check_auth(response)
            if response.status_code == 422:
                refused = self._refused(response)
                if refused:
                    self._mark_refused(rows, refused, _detail(response))
                    report.refused.extend(f"call {cid}: {msg}" for cid, msg in self._refused_messages(rows, refused,
                                                                                                   _detail(response)))
                    continue
                if len(rows) > 1:  # find the record the hub cannot read: one at a time
                    self.batch, saved = 1, self.batch
                    try:
                        sub = self.push(force=force, max_batches=len(rows))
                    finally:
                        self.batch = saved
                    report.sent += sub.sent
                    report.duplicates += sub.duplicates
                    report.refused.extend(sub.refused)
                    if sub.error:
                        report.error = sub.error
                        break
                    continue
                self._mark_refused(rows, {(wire_uid(prefix, rows[0][1]), rows[0][2])}, _detail(response))
                report.refused.append(f"call {rows[0][1]}: {_detail(response)}")
                continue
            if response.status_code != 200:
                self._back_off(rows, _detail(response))
                report.error = f"the hub did not take the calls: {_detail(response)}"
                break
            body = response.json()
            report.sent += int(body.get("stored", 0))
            report.duplicates += int(body.get("duplicates", 0))
            self._mark_sent(rows)
        report.pending = self.store.conn.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
        return report

    @staticmethod
    def _refused(response: Any) -> set[tuple[str, int]]:
        try:
            return {(str(r["uid"]), int(r["revision"])) for r in response.json().get("refused", [])}
        except (ValueError, KeyError, TypeError, AttributeError):
            return set()

    def _refused_messages(self, rows: list[Any], refused: set[tuple[str, int]], detail: str) -> list[tuple[int, str]]:
        prefix = install_id(self.store)
        return [(row[1], detail) for row in rows if (wire_uid(prefix, row[1]), row[2]) in refused]

    def _mark_refused(self, rows: list[Any], refused: set[tuple[str, int]], detail: str) -> None:
        prefix = install_id(self.store)
        with self.store.transaction():
            for row_id, call_id, revision, *_ in rows:
                if (wire_uid(prefix, call_id), revision) in refused:
                    self.store.conn.execute("UPDATE outbox SET status = 'refused', last_error = ? WHERE id = ?",
                                            (detail[:500], row_id))

    def _mark_sent(self, rows: list[Any]) -> None:
        now = time.time()
        with self.store.transaction():
            for row_id, call_id, _revision, changes, *_ in rows:
                current = self.store.conn.execute("SELECT changes FROM outbox WHERE id = ?", (row_id,)).fetchone()
                self.store.conn.execute(
                    "UPDATE outbox SET status = 'sent', sent_ts = ?, last_error = '' WHERE id = ? AND status = 'pending'",
                    (now, row_id),
                )
                if current is not None and current[0] != changes:
                    # Changed while on the way: the change goes as the next revision.
                    self.store.conn.execute(
                        "INSERT INTO outbox (call_id, revision, created_ts, pack_version)"
                        " SELECT ?, max(revision) + 1, ?, max(pack_version) FROM outbox WHERE call_id = ?",
                        (call_id, now, call_id),
                    )

    def _back_off(self, rows: list[Any], error: str) -> None:
        now = time.time()
        with self.store.transaction():
            for row_id, _call_id, _revision, _changes, attempts, _pack in rows:
                self.store.conn.execute(
                    "UPDATE outbox SET attempts = ?, next_try_ts = ?, last_error = ? WHERE id = ?",
                    (attempts + 1, now + backoff_s(attempts + 1), error[:500], row_id),
                )

    # -- packs
    def pull(self, wait: float = 0.0) -> PullReport:
        """Fetch and install a newer signed bundle of the team's packs, if any."""
        import httpx

        current = self.pack_version()
        report = PullReport(current=current)
        state = self.packs_state()
        headers = {"If-None-Match": state["etag"]} if state.get("etag") else {}
        try:
            response = self.client().get("/packs/latest", params={"have": current, "wait": wait}, headers=headers,
                                         timeout=TIMEOUT_S + wait)
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from exc
        self._check_auth(response)
        if response.status_code == 304:
            return report
        if response.status_code != 200:
            raise SyncError(f"the hub did not send packs: {_detail(response)}")
        body: Any = {}
        try:
            body = response.json()
            bundle, signature = unb64(body["bundle"]), unb64(body["signature"])
            opened = open_bundle(self.link.public_key, bundle, signature)
            if opened.team != self.link.team:
                raise BundleError(f"the bundle is for team '{opened.team}', not '{self.link.team}'", "team")
            if opened.version <= current:
                raise BundleError(f"version {opened.version} is not newer than the installed {current}", "older")
            if opened.version != body.get("version"):
                raise BundleError("the bundle's version differs from the one announced")
            self._install(opened.files, opened.version, response.headers.get("etag", ""))
        except BundleError as exc:
            report.refused = str(exc)
            self.report_refused(body, exc.kind, str(exc))
            return report
        except (ValueError, KeyError, TypeError) as exc:
            report.refused = f"the hub's pack answer is not understood ({exc})"
            self.report_refused(body, "bundle", report.refused)
            return report
        report.installed = report.current = opened.version
        report.note = opened.note
        self.report_installed(opened.version)
        return report

    def _install(self, files: dict[str, str], version: int, etag: str) -> None:
        """Check the files as `seatside packs check` does, then swap them in."""
        from desktop.core.packs.banned import builtin_banned
        from desktop.core.packs.loader import Problem, load_packs

        packs = self.data / "packs"
        packs.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.data, prefix=".hub-packs-") as staging:
            for name, text in files.items():
                (Path(staging) / name).write_text(text, encoding="utf-8")
            result = load_packs([Path(staging)], banned=builtin_banned())
            result.problems[:] = [Problem(p.file.replace(staging + "/", ""), p.line, p.message, p.severity)
                                  for p in result.problems]
            if result.errors:
                raise BundleError(f"version {version} does not pass the pack checks: {result.errors[0]}", "check")
            wanted = {HUB_PACK_PREFIX + name for name in files}
            for name, text in files.items():
                _write_private(packs / (HUB_PACK_PREFIX + name), text)
            for old in packs.glob(HUB_PACK_PREFIX + "*"):
                if old.name not in wanted and old.suffix in (".yaml", ".yml"):
                    old.unlink(missing_ok=True)
        _write_private(self.data / PACKS_STATE_FILE, json.dumps(
            {"version": version, "etag": etag, "files": sorted(files),
             "installed_at": datetime.now().astimezone().isoformat(timespec="seconds")}))
        # Calls that end from now on note the version they ran with.
        with self.store.transaction():
            self.store.conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('hub_pack_version', ?)",
                                    (str(version),))

    def report_refused(self, body: Any, kind: str, reason: str) -> None:
        """Tell the hub which version was refused and why (masked; best effort)."""
        import httpx

        from desktop.core.privacy.masking import mask_pii

        announced = body.get("version") if isinstance(body, dict) else None
        if not isinstance(announced, int) or isinstance(announced, bool) or announced < 1:
            return
        try:
            self.client().put("/packs/refused", json={"version": announced, "kind": kind,
                                                      "reason": mask_pii(reason)[:500]})
        except httpx.HTTPError:
            pass  # the seat shows it; the next pull reports it again

    def report_installed(self, version: int) -> None:
        import httpx

        try:
            self.client().put("/packs/installed", json={"version": version})
        except httpx.HTTPError:
            pass  # the next heartbeat carries it too

    # -- live state
    def heartbeat(self, state: dict[str, Any]) -> None:
        import httpx
        from pydantic import ValidationError

        from desktop.core.hubclient.hub_records import HeartbeatIn

        beat = _masked(state | {"pack_version": self.pack_version() or None})
        try:
            HeartbeatIn.model_validate(beat)  # the hub's own model: a beat it would refuse is not sent
        except ValidationError as exc:
            raise SyncError(f"the heartbeat does not fit the hub's protocol: {exc.errors()[0]['msg']}") from exc
        try:
            response = self.client().post("/heartbeat", json=beat, timeout=10.0)
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from exc
        self._check_auth(response)
        if response.status_code != 204:
            raise SyncError(f"the hub did not take the heartbeat: {_detail(response)}")

    # -- help on request
    def ask_help(self, scenario: str, step: str) -> int:
        """Raise the seat's hand at the hub (masked); returns the request's id."""
        import httpx

        from desktop.core.privacy.masking import mask_pii

        try:
            response = self.client().post("/help", json={"scenario": mask_pii(scenario)[:200],
                                                         "step": mask_pii(step)[:200]}, timeout=10.0)
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from exc
        self._check_auth(response)
        if response.status_code != 201:
            raise SyncError(f"the hub did not take the help request: {_detail(response)}")
        request_id = response.json().get("id")
        if not isinstance(request_id, int) or isinstance(request_id, bool):
            raise SyncError("the hub answered the help request without an id")
        return request_id

    def help_answer(self, request_id: int, wait: float = 0.0) -> dict[str, Any] | None:
        """The lead's answer ({"status": "answered"|"coming", "reply"}), or None if none came within ``wait`` s."""
        import httpx

        try:
            response = self.client().get(f"/help/{int(request_id)}", params={"wait": wait}, timeout=wait + 10.0)
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from exc
        self._check_auth(response)
        if response.status_code == 304:
            return None
        if response.status_code != 200:
            raise SyncError(f"the hub could not give the lead's answer: {_detail(response)}")
        body = response.json()
        if not isinstance(body, dict) or body.get("status") not in ("answered", "coming"):
            raise SyncError("the hub's answer to the help request is not well-formed")
        return {"status": body["status"], "reply": str(body.get("reply", ""))[:500]}
