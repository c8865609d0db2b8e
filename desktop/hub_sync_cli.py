"""``seatside sync`` and ``seatside sync --status``: the outbox and packs, from the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.core.packs.scenarios import Library
    from desktop.core.records.storage import CallStore


def _library(data: Path) -> Library:
    from desktop.core.base.paths import pack_dirs
    from desktop.core.packs.banned import builtin_banned
    from desktop.core.packs.loader import load_packs

    return load_packs([d for d in pack_dirs(data) if d.exists()], banned=builtin_banned()).library


def run_sync(args: argparse.Namespace) -> int:
    from desktop.core.base.paths import data_dir
    from desktop.core.hubclient.sync import SeatSync, SyncError
    from desktop.core.records.storage import DB_FILENAME, CallStore, StorageError

    data = data_dir(args.data_dir)
    try:
        store = CallStore(data / DB_FILENAME)
    except StorageError as exc:
        print(f"seatside sync: {exc}", file=sys.stderr)
        return 1
    try:
        if args.status:
            return _status(data, store)
        sync = SeatSync(data, store, library=_library(data))
        try:
            pushed = sync.push(force=True)
            pulled = None
            pull_error = ""
            try:
                pulled = sync.pull(wait=0)
            except SyncError as exc:
                pull_error = str(exc)
        finally:
            sync.close()
    except SyncError as exc:
        print(f"seatside sync: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"calls: {pushed.sent} sent, {pushed.duplicates} already on the hub, {len(pushed.refused)} refused,"
          f" {pushed.pending} waiting")
    for line in pushed.refused:
        print(f"refused by the hub: {line}")
    if pulled is not None:
        if pulled.installed is not None:
            print(f"packs: version {pulled.installed} installed" + (f" ({pulled.note})" if pulled.note else ""))
        elif pulled.refused:
            print(f"packs: refused a bundle, keeping version {pulled.current}: {pulled.refused}")
        else:
            print(f"packs: up to date (version {pulled.current})")
    error = pushed.error or pull_error
    if error:
        print(f"seatside sync: {error}", file=sys.stderr)
        return 1
    return 1 if pushed.refused or (pulled is not None and pulled.refused) else 0


def _status(data: Path, store: CallStore) -> int:
    from desktop.core.hubclient.sync import HubLink, SyncError, outbox_status

    try:
        link = HubLink.load(data)
    except SyncError as exc:
        print(f"seatside sync: {exc}", file=sys.stderr)
        return 1
    if link is None:
        print("seatside sync: this seat is not enrolled with a hub (seatside enroll URL CODE)", file=sys.stderr)
        return 1
    from desktop.core.hubclient.sync import PACKS_STATE_FILE, _read_json

    packs = _read_json(data / PACKS_STATE_FILE) or {}
    status = outbox_status(store)
    print(f"hub: {link.url}")
    print(f"seat: {link.seat} (team {link.team}), hub key {link.fingerprint}, token in {link.token_store}")
    print(f"packs: version {packs.get('version', 0)}" + (f", installed {packs['installed_at']}" if packs.get("installed_at") else ""))
    print(f"outbox: {status.pending} waiting, {status.sent} sent, {len(status.refused)} refused")
    if status.last_error:
        retry = datetime.fromtimestamp(status.next_try_ts).astimezone().isoformat(timespec="seconds") if status.next_try_ts else ""
        print(f"last error: {status.last_error}" + (f" (next try {retry})" if retry else ""))
    for call_id, message in status.refused:
        print(f"refused: call {call_id}: {message}")
    return 0
