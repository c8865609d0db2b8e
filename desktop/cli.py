"""Command line: run the panel, self-test, export a shift, check packs."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from desktop import __version__

# Control characters as escapes, so a message stays on one line.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F)} | {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


def one_line(text: str) -> str:
    """``text`` with control characters (a newline in a file name, say) escaped."""
    return text.translate(_CONTROL)


def _err(message: str) -> None:
    """An error line on stderr: always exactly one line."""
    print(one_line(message), file=sys.stderr)


class _OneLinePerWrite:
    """A stderr that keeps each printed message on one line (for reports written by print)."""

    def write(self, text: str) -> int:
        body, end = (text[:-1], "\n") if text.endswith("\n") else (text, "")
        return sys.stderr.write(one_line(body) + end)

    def flush(self) -> None:
        sys.stderr.flush()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        super().error(one_line(message))


def _global_options(p: argparse.ArgumentParser, *, top: bool) -> None:
    """The options every command takes, before or after the command's name
    (``seatside --data-dir D enroll …`` and ``seatside enroll … --data-dir D``)."""
    # Below the top level a default would overwrite the value given before the command.
    unset: Any = None if top else argparse.SUPPRESS
    p.add_argument("--data-dir", default=unset, help="folder for the database and settings (default: the per-user "
                   "data folder; $SEATSIDE_DATA_DIR works too)")
    p.add_argument("--packs", action="append", type=Path, metavar="DIR", dest="packs" if top else "packs_after",
                   default=[] if top else argparse.SUPPRESS,
                   help="extra scenario pack folder or file, loaded after the built-in ones (repeatable)")
    p.add_argument("--no-builtin", action="store_true", default=False if top else argparse.SUPPRESS,
                   help="do not load the built-in scenarios")


class _GlobalOptionsParser(_Parser):
    """A sub-command's parser: takes the global options too."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # argparse's own keyword arguments
        _global_options(self, top=False)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="seatside", description="坐席助手 Seatside: a companion panel for call-centre seats.")
    p.add_argument("--version", action="store_true",
                   help="print the program's version and the packs version this data folder runs, and exit")
    _global_options(p, top=True)
    p.add_argument("--scenario", metavar="ID", help="preselect this scenario at start")
    p.add_argument("--insert-mode", choices=["copy", "paste", "type"],
                   help="how hotkeys insert phrases during this run (overrides the setting)")
    p.add_argument("--self-test", action="store_true",
                   help="build the whole app offscreen with a temporary data folder, print a summary and exit; "
                   "with --data-dir also check that folder, read-only (database integrity, schema, packs)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_GlobalOptionsParser)

    export = sub.add_parser("export", help="export a shift's calls")
    export.add_argument("--shift", default="today", help="today, yesterday or YYYY-MM-DD (default: today)")
    export.add_argument("--format", default="csv", choices=["csv", "xlsx", "md"], help="file format (default: csv)")
    export.add_argument("--lang", default="zh", choices=["zh", "en"], help="language of the column names")
    export.add_argument("-o", "--output", required=True, type=Path, help="file to write")

    demo = sub.add_parser("seed-demo", help="fill the data folder with realistic synthetic calls to try things out")
    demo.add_argument("--calls", type=int, required=True, help="how many calls")
    demo.add_argument("--days", type=int, default=1, help="spread over the last D days (default 1)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (same seed, same calls)")

    search = sub.add_parser("search", help="search the phrase library as the palette does")
    search.add_argument("query", help="Chinese, pinyin, initials; several terms must all match")
    search.add_argument("--scenario", metavar="ID", help="rank this scenario's phrases first")
    search.add_argument("--limit", type=int, default=10, help="how many results (default 10)")

    packs = sub.add_parser("packs", help="work with scenario packs")
    packs_sub = packs.add_subparsers(dest="packs_command", metavar="ACTION", required=True,
                                     parser_class=_GlobalOptionsParser)
    check = packs_sub.add_parser("check", help="check pack files and print file:line: message for each problem")
    check.add_argument("paths", nargs="*", type=Path, metavar="DIR", help="folders or files (default: built-in packs)")
    check.add_argument("--strict", action="store_true", help="also fail on warnings")
    check.add_argument("--review", action="store_true",
                       help="also list every fact without a source, marked 'review: true' or past its"
                       " 'expires' date, as file:line")
    imp = packs_sub.add_parser("import", help="turn an Excel (.xlsx) or CSV phrase library into a pack")
    imp.add_argument("file", type=Path, help="the .xlsx or .csv file (UTF-8, UTF-8 with BOM or GBK)")
    imp.add_argument("-o", "--output", required=True, type=Path, metavar="DIR", help="folder to write the pack into")
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows and report the skipped ones")
    imp.add_argument("--overwrite", action="store_true", help="replace pack files that already exist")

    check_text = sub.add_parser("check-text", help="find banned phrases (服务禁语) in a text, with softer wordings")
    check_text.add_argument("text", help="the text to check, or - to read it from standard input")
    check_text.add_argument(
        "--speech", action="store_true", help="the text is speech-to-text output: the bare 你 is noted, not alerted"
    )

    suggest = sub.add_parser("suggest", help="rank the scenarios that call notes point to, with scores")
    suggest.add_argument("text", help="the notes, or - to read them from standard input")
    suggest.add_argument("--limit", type=int, default=5, help="how many scenarios (default 5)")

    backup = sub.add_parser("backup", help="list or restore the database backups kept in the data folder")
    backup_sub = backup.add_subparsers(dest="backup_command", metavar="ACTION", required=True,
                                       parser_class=_GlobalOptionsParser)
    backup_sub.add_parser("list", help="the backups, newest first, numbered from 1")
    restore = backup_sub.add_parser("restore", help="put backup N in place of the database (the panel must be closed)")
    restore.add_argument("number", type=int, metavar="N", help="the backup's number in 'seatside backup list'")
    event = sub.add_parser("event", help="send one live call event to the running panel (for CTI scripts)",
                           description="Fields are given as --name value, e.g. --call-id c1 --caller 13800138000; "
                           "transcript events take --speaker customer|agent --text … [--final true|false].")
    event.add_argument("type", choices=["call.ringing", "call.answered", "call.ended", "transcript"])
    replay = sub.add_parser("replay", help="play a recorded call (JSON lines) to the running panel with its timing")
    replay.add_argument("file", type=Path, help="e.g. resources/demo/card-retained-atm.jsonl")
    replay.add_argument("--speed", type=float, default=1.0, help="faster (2 = twice as fast) or slower (0.5)")
    cec = sub.add_parser("cec", help="follow a Huawei CEC agent gateway and feed the seat's calls and speech to the "
                         "running panel; the password is read from $SEATSIDE_CEC_PASSWORD")
    cec.add_argument("--gateway", required=True, help="https://host:8043 of the CC-Gateway")
    cec.add_argument("--agent-id", required=True, help="the seat's agent (work) number")
    cec.add_argument("--account", default="", help="integration (configuration or VDN) account of the read-only "
                     "subscription: what a bank runs, beside the seat's toolbar")
    cec.add_argument("--callback-url", default="", help="the address the gateway pushes to (default: the listening one)")
    cec.add_argument("--listen", default="127.0.0.1:0", metavar="HOST:PORT", help="where the push callback listens")
    cec.add_argument("--callback-cert", type=Path, help="certificate (PEM) to serve the callback over HTTPS")
    cec.add_argument("--callback-key", type=Path, help="its private key (PEM)")
    cec.add_argument("--access-number", action="append", default=[], help="the bank's hotline number, never the "
                     "customer (repeatable)")
    cec.add_argument("--phone", default="", help="the seat's softphone number (never the customer)")
    cec.add_argument("--guid", default="", help="test set-ups only: poll with a Guid the toolbar holds")
    cec.add_argument("--ca", type=Path, help="CA certificate (PEM) that signed the gateway's certificate")

    enroll = sub.add_parser("enroll", help="enrol this seat with the centre's hub (once, with a one-time code)")
    enroll.add_argument("url", help="the hub's address, e.g. https://seatside-hub.bank.example")
    enroll.add_argument("code", help="the one-time code from `seatside-hub seat add`")
    enroll.add_argument("--ca-bundle", default="", metavar="FILE", help="CA certificates to verify the hub with")
    sync = sub.add_parser("sync", help="send ended calls to the hub and fetch new packs now")
    sync.add_argument("--status", action="store_true", help="show the link to the hub and the outbox, send nothing")
    return p


# A call's notes or a transcript are a few kilobytes; standard input is read up to this.
MAX_STDIN_BYTES = 1024 * 1024


def _text_argument(value: str, command: str) -> str | None:
    """The text itself, or standard input for '-'; None (after a one-line error) if unreadable."""
    from desktop.core.base.bounded import InputRefused, read_stream

    if value != "-":
        return value
    try:
        return read_stream(sys.stdin.buffer, MAX_STDIN_BYTES, "standard input").decode("utf-8-sig")
    except InputRefused as exc:
        print(f"seatside {command}: {exc}; pass a shorter text", file=sys.stderr)
    except UnicodeDecodeError:
        print(f"seatside {command}: standard input is not UTF-8 text", file=sys.stderr)
    except OSError as exc:
        print(f"seatside {command}: cannot read standard input: {exc.strerror or exc}", file=sys.stderr)
    return None


def cmd_check_text(args: argparse.Namespace) -> int:
    from desktop.core.packs.banned import builtin_banned, find_banned

    text = _text_argument(args.text, "check-text")
    if text is None:
        return 1
    hits = find_banned(text, builtin_banned(), speech=args.speech)
    for hit in hits:
        noted = "" if hit.alert else " (noted, not counted)"
        print(f"{hit.start}-{hit.end}: {hit.text} → {hit.entry.suggestion}{noted}")
    return 1 if any(hit.alert for hit in hits) else 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from desktop.core.base.paths import data_dir, pack_dirs
    from desktop.core.packs.banned import builtin_banned
    from desktop.core.packs.loader import load_packs
    from desktop.core.search.suggest import rank_scenarios

    if args.limit < 1:
        print("seatside suggest: --limit must be at least 1", file=sys.stderr)
        return 2
    text = _text_argument(args.text, "suggest")
    if text is None:
        return 1
    dirs = pack_dirs(data_dir(args.data_dir), args.packs, builtin=not args.no_builtin)
    library = load_packs([d for d in dirs if d.exists()], banned=builtin_banned()).library
    ranked = rank_scenarios(text, library)[: args.limit]
    for suggestion in ranked:
        print(f"{suggestion.scenario_id}\t{suggestion.score:.1f}\t{suggestion.explanation}")
    if not ranked:
        print("no scenario matches", file=sys.stderr)
        return 1
    return 0


def _open_store(args: argparse.Namespace, command: str):
    from desktop.core.base.paths import data_dir
    from desktop.core.records.storage import DB_FILENAME, CallStore, StorageError

    if command in READ_ONLY_COMMANDS and not (data_dir(args.data_dir) / DB_FILENAME).is_file():
        _err(f"seatside {command}: no Seatside data in {data_dir(args.data_dir)}")
        return None
    problem = _unusable_database(data_dir(args.data_dir))
    if problem:
        _err(f"seatside {command}: {problem}")
        return None
    try:
        return CallStore(data_dir(args.data_dir) / DB_FILENAME)
    except StorageError as exc:
        _err(f"seatside {command}: {exc}")
        return None


def _unusable_database(folder: Path) -> str:
    """Why the database must not be opened by a command (which would start it afresh), or ''."""
    from desktop.core.records import integrity
    from desktop.core.records.backup import list_backups
    from desktop.core.records.storage import DB_FILENAME

    db = folder / DB_FILENAME
    health = integrity.check(db, full=False)  # header and size only: cheap
    if not health.ok:
        return f"the database {db} is damaged ({health.reason}); start Seatside to recover it"
    if health.empty and db.exists() and list_backups(folder):
        return f"the database {db} is empty; start Seatside to restore the newest backup, or see 'seatside backup list'"
    return ""


def _settings(args: argparse.Namespace):
    from desktop.core.base.paths import data_dir
    from desktop.core.seat.settings import Settings

    return Settings(data_dir(args.data_dir) / "settings.json", set_aside=False)


def cmd_export(args: argparse.Namespace) -> int:
    from desktop.core.base import clock
    from desktop.core.records.dispositions import dispositions_from
    from desktop.core.records.export import ExportError, export_file

    settings = _settings(args)
    try:
        start, end = clock.shift_range(args.shift, start=settings.get("shift_start"), end=settings.get("shift_end"))
    except OverflowError:
        _err(f"seatside export: the shift {args.shift} is out of the range of dates")
        return 2
    except ValueError as exc:
        _err(f"seatside export: {exc}")
        return 2
    store = _open_store(args, "export")
    if store is None:
        return 1
    try:
        count = export_file(
            store.calls_between(start, end), args.output, args.format, lang=args.lang,
            open_followups=store.open_followups(), dispositions=dispositions_from(settings.get("dispositions")),
        )
    except ExportError as exc:
        _err(f"seatside export: {exc}")
        return 1
    finally:
        store.close()
    print(f"exported {count} calls of the shift {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} to {args.output}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from desktop.core.base.paths import builtin_packs_dir
    from desktop.core.calls.demo import seed_demo
    from desktop.core.packs.banned import builtin_banned
    from desktop.core.packs.loader import load_packs

    if args.calls < 1 or args.days < 1:
        _err("seatside seed-demo: --calls and --days must be at least 1")
        return 2
    library = load_packs([builtin_packs_dir()], banned=builtin_banned()).library
    store = _open_store(args, "seed-demo")
    if store is None:
        return 1
    try:
        written = seed_demo(store, library, args.calls, args.days, seed=args.seed)
    finally:
        store.close()
    print(f"added {written} demo calls over {args.days} day(s)")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from desktop.core.base.paths import data_dir, pack_dirs
    from desktop.core.packs.banned import builtin_banned
    from desktop.core.packs.loader import load_packs
    from desktop.core.search import SearchIndex

    if args.data_dir and not data_dir(args.data_dir).is_dir():
        _err(f"seatside search: no Seatside data in {data_dir(args.data_dir)}")
        return 1
    dirs = pack_dirs(data_dir(args.data_dir), args.packs, builtin=not args.no_builtin)
    library = load_packs([d for d in dirs if d.exists()], banned=builtin_banned()).library
    if args.scenario and library.get(args.scenario) is None:
        _err(f"seatside search: unknown scenario '{args.scenario}'")
        return 2
    index = SearchIndex.from_library(library)
    hits = index.search(args.query, scenario_id=args.scenario, limit=args.limit)
    for rank, hit in enumerate(hits, start=1):
        entry = hit.entry
        print(f"{rank}\t{entry.key}\t{entry.scenario_id}\t{hit.match}\t{entry.text}")
    if not hits:
        _err("seatside search: no phrase matches")
        return 1
    return 0


def cmd_packs_check(args: argparse.Namespace) -> int:
    from desktop.core.base.paths import builtin_packs_dir
    from desktop.core.packs.banned import builtin_banned
    from desktop.core.packs.loader import load_packs

    paths = args.paths or [builtin_packs_dir()]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"{path}:1: no such file or folder")
    result = load_packs([p for p in paths if p.exists()], banned=builtin_banned())
    for problem in result.problems:
        print(problem)
    errors = len(result.errors) + len(missing)
    warnings = len(result.problems) - len(result.errors)
    if args.review:
        today = date.today()
        to_review = 0
        for scenario in result.library.scenarios:
            for step in scenario.steps:
                for fact in step.fact_items:
                    expired = fact.expired(today)
                    if fact.needs_review or expired:
                        to_review += 1
                        why = "marked for review" if fact.review else "no source" if not fact.source else ""
                        if expired:
                            why = f"{why}; expired on {fact.expires}" if why else f"expired on {fact.expires}"
                        print(f"{scenario.source}:{fact.line}: review: {scenario.id}/{step.id}: {fact} ({why})")
        print(f"{to_review} facts to review", file=sys.stderr)
    _err(f"{len(result.library)} scenarios loaded, {errors} errors, {warnings} warnings")
    return 1 if errors or (args.strict and warnings) else 0


def cmd_packs_import(args: argparse.Namespace) -> int:
    from desktop.core.packs.importer import run_import

    return run_import(
        args.file, args.output, skip_invalid=args.skip_invalid, overwrite=args.overwrite, out=sys.stdout,
        err=_OneLinePerWrite(),
    )


# Commands that only read the data folder: they never create it or a database.
READ_ONLY_COMMANDS = ("export", "backup list")


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop.core.base.paths import data_dir
    from desktop.core.records.backup import BackupError, list_backups, restore
    from desktop.core.records.storage import DB_FILENAME
    from desktop.core.seat.instance_lock import InstanceLock

    folder = data_dir(args.data_dir)
    command = f"backup {args.backup_command}"
    if not folder.is_dir():
        _err(f"seatside {command}: no Seatside data in {folder}")
        return 1
    if args.backup_command == "list":
        backups = list_backups(folder)
        if not backups:
            _err(f"seatside backup list: no backups in {folder / 'backups'}")
            return 1
        for backup in backups:
            calls = backup.calls()
            print(f"{backup.number}\t{backup.taken:%Y-%m-%d %H:%M:%S}\t{backup.size} bytes\t"
                  f"{'unreadable' if calls is None else f'{calls} calls'}\t{backup.path.name}")
        return 0
    lock = InstanceLock(folder)
    if not lock.acquire():
        _err(f"seatside {command}: Seatside is running on {folder}; quit it first")
        return 1
    try:
        done = restore(folder, args.number, DB_FILENAME)
    except BackupError as exc:
        _err(f"seatside {command}: {exc}")
        return 1
    finally:
        lock.release()
    kept = f"; the previous file is kept as {done.set_aside.name}" if done.set_aside else ""
    print(f"restored backup {done.backup.number} taken {done.backup.taken:%Y-%m-%d %H:%M:%S}: "
          f"{done.kept} calls kept from the current database, {done.added} added from the backup, none dropped{kept}")
    return 0


def _command_name(args: argparse.Namespace) -> str:
    name = args.command or ""
    sub = getattr(args, "packs_command", None) or getattr(args, "backup_command", None)
    return f"seatside {name} {sub}" if sub else f"seatside {name}".rstrip()


def _event_fields(extra: list[str]) -> dict[str, str] | str:
    """``--call-id c1 --text 好的`` -> {"call_id": "c1", "text": "好的"}; a message on a usage error."""
    fields: dict[str, str] = {}
    if len(extra) % 2:
        return "fields come as --name value pairs"
    for name, value in zip(extra[::2], extra[1::2]):
        if not name.startswith("--") or len(name) < 3:
            return f"expected --name before '{name}'"
        fields[name[2:].replace("-", "_")] = value
    return fields


def cmd_event(args: argparse.Namespace, extra: list[str]) -> int:
    from desktop.core.base.paths import data_dir
    from desktop.core.live.client import ClientError, Poster, event_from_fields, read_endpoint
    from desktop.core.live.events import EventError, to_json

    fields = _event_fields(extra)
    if isinstance(fields, str):
        print(f"seatside event: {fields}", file=sys.stderr)
        return 2
    try:
        event = event_from_fields(args.type, fields)
    except EventError as exc:
        print(f"seatside event: {exc}", file=sys.stderr)
        return 2
    try:
        poster = Poster(read_endpoint(data_dir(args.data_dir)))
        try:
            poster.post([to_json(event)], retries_on_429=2)
        finally:
            poster.close()
    except ClientError as exc:
        print(f"seatside event: {exc}", file=sys.stderr)
        return 1
    print(f"sent {event.type} for call {event.call_id}")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from desktop.core.base.paths import data_dir
    from desktop.core.live.client import ClientError, Poster, read_endpoint, read_replay, replay

    if not 0.1 <= args.speed <= 1000:
        print("seatside replay: --speed must be between 0.1 and 1000", file=sys.stderr)
        return 2
    try:
        lines = read_replay(args.file)
        poster = Poster(read_endpoint(data_dir(args.data_dir)))
        try:
            sent = replay(lines, poster.post, speed=args.speed)
        finally:
            poster.close()
    except ClientError as exc:
        print(f"seatside replay: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("seatside replay: interrupted", file=sys.stderr)
        return 1
    print(f"replayed {sent} events from {args.file}")
    return 0


def cmd_cec(args: argparse.Namespace) -> int:
    import os

    from desktop.core.base.paths import data_dir
    from desktop.core.live.client import ClientError, Poster, read_endpoint
    from desktop.platform.cec_adapter import CecAdapter, CecError, CecSubscriber

    host, _, port = args.listen.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        print("seatside cec: --listen must be HOST:PORT", file=sys.stderr)
        return 2
    if (args.callback_cert is None) != (args.callback_key is None):
        print("seatside cec: --callback-cert and --callback-key go together", file=sys.stderr)
        return 2
    password = os.environ.get("SEATSIDE_CEC_PASSWORD", "")
    adapter: CecAdapter | CecSubscriber
    try:
        poster = Poster(read_endpoint(data_dir(args.data_dir)))
        if args.account:
            adapter = CecSubscriber(
                args.gateway, args.agent_id, account=args.account, password=password,
                callback_url=args.callback_url, listen=(host, int(port)),
                callback_tls=(args.callback_cert, args.callback_key) if args.callback_cert else None,
                ca_file=args.ca, access_numbers=args.access_number, phone=args.phone,
            )
        else:
            adapter = CecAdapter(args.gateway, args.agent_id, phone=args.phone, password=password,
                                 guid=args.guid, ca_file=args.ca)
            adapter.translator.access_numbers = frozenset(args.access_number)
        try:
            adapter.run(poster.post)
        finally:
            poster.close()
    except (ClientError, CecError, OSError) as exc:
        print(f"seatside cec: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    from desktop.core.base.paths import data_dir
    from desktop.core.hubclient.sync import SyncError, enroll

    try:
        link = enroll(data_dir(args.data_dir), args.url, args.code, args.ca_bundle)
    except SyncError as exc:
        print(f"seatside enroll: {exc}", file=sys.stderr)
        return 1
    print(f"enrolled as seat '{link.seat}' of team '{link.team}' at {link.url}; hub key {link.fingerprint}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from desktop.hub_sync_cli import run_sync

    return run_sync(args)


def _run_command(args: argparse.Namespace) -> int | None:
    if args.command == "enroll":
        return cmd_enroll(args)
    if args.command == "sync":
        return cmd_sync(args)
    if args.command == "replay":
        return cmd_replay(args)
    if args.command == "cec":
        return cmd_cec(args)
    if args.command == "export":
        return cmd_export(args)
    if args.command == "seed-demo":
        return cmd_seed_demo(args)
    if args.command == "search":
        return cmd_search(args)
    if args.command == "check-text":
        return cmd_check_text(args)
    if args.command == "suggest":
        return cmd_suggest(args)
    if args.command == "packs":
        return cmd_packs_import(args) if args.packs_command == "import" else cmd_packs_check(args)
    if args.command == "backup":
        return cmd_backup(args)
    return None


def print_version(args: argparse.Namespace) -> int:
    """``seatside --version``: the program, and which packs this data folder runs."""
    from desktop.core.base.paths import data_dir
    from desktop.core.hubclient.sync import pack_version_line

    print(f"seatside {__version__}")
    print(pack_version_line(data_dir(args.data_dir)))
    return 0


def main(argv: list[str] | None = None) -> int:
    from desktop.core.base.permissions import restrict_umask
    from desktop.core.privacy.guard import mask_logs
    from desktop.core.privacy.logfile import ensure_std_streams

    ensure_std_streams()  # the windowed build has none
    restrict_umask()  # exports, the database and settings: readable by this account only
    mask_logs()  # no full number in a log line either
    command_line = parser()
    args, extra = command_line.parse_known_args(argv)
    args.packs = list(args.packs) + list(getattr(args, "packs_after", None) or [])
    if args.version:
        return print_version(args)
    if args.command == "event":
        return cmd_event(args, extra)
    if extra:
        command_line.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command is not None:
        import sqlite3

        # Whatever goes wrong, a command ends with one line on stderr, never a traceback.
        try:
            code = _run_command(args)
        except sqlite3.DatabaseError as exc:
            _err(f"{_command_name(args)}: the database is damaged or unreadable ({exc}); "
                 "start Seatside to recover it, or see 'seatside backup list'")
            return 1
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            _err(f"{_command_name(args)}: {where}{exc.strerror or exc}")
            return 1
        except (MemoryError, RecursionError, Exception) as exc:  # noqa: BLE001 - the last line of defence
            _err(f"{_command_name(args)}: failed: {type(exc).__name__}: {exc}")
            return 1
        assert code is not None
        return code

    from desktop import app
    from desktop.core.records.storage import StorageError

    try:
        if args.self_test:
            return app.self_test(args.packs, data=args.data_dir)
        return app.run(
            args.data_dir, args.packs, builtin=not args.no_builtin, scenario=args.scenario,
            insert_mode=args.insert_mode,
        )
    except (StorageError, ValueError) as exc:
        _err(f"seatside: {exc}")
        return 1
