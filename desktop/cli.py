"""Command line: run the panel, self-test, export a shift, check packs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop import __version__


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="seatside", description="坐席助手 Seatside: a companion panel for call-centre seats.")
    p.add_argument("--version", action="version", version=f"seatside {__version__}")
    p.add_argument("--data-dir", help="folder for the database and settings (default: the per-user data folder; "
                   "$SEATSIDE_DATA_DIR works too)")
    p.add_argument("--packs", action="append", default=[], type=Path, metavar="DIR",
                   help="extra scenario pack folder or file, loaded after the built-in ones (repeatable)")
    p.add_argument("--no-builtin", action="store_true", help="do not load the built-in scenarios")
    p.add_argument("--scenario", metavar="ID", help="preselect this scenario at start")
    p.add_argument("--insert-mode", choices=["copy", "paste", "type"],
                   help="how hotkeys insert phrases during this run (overrides the setting)")
    p.add_argument("--self-test", action="store_true",
                   help="build the whole app offscreen with a temporary data folder, print a summary and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

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
    packs_sub = packs.add_subparsers(dest="packs_command", metavar="ACTION", required=True)
    check = packs_sub.add_parser("check", help="check pack files and print file:line: message for each problem")
    check.add_argument("paths", nargs="*", type=Path, metavar="DIR", help="folders or files (default: built-in packs)")
    check.add_argument("--strict", action="store_true", help="also fail on warnings")
    imp = packs_sub.add_parser("import", help="turn an Excel (.xlsx) or CSV phrase library into a pack")
    imp.add_argument("file", type=Path, help="the .xlsx or .csv file (UTF-8, UTF-8 with BOM or GBK)")
    imp.add_argument("-o", "--output", required=True, type=Path, metavar="DIR", help="folder to write the pack into")
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows and report the skipped ones")
    imp.add_argument("--overwrite", action="store_true", help="replace pack files that already exist")

    enroll = sub.add_parser("enroll", help="enrol this seat with the centre's hub (once, with a one-time code)")
    enroll.add_argument("url", help="the hub's address, e.g. https://seatside-hub.bank.example")
    enroll.add_argument("code", help="the one-time code from `seatside-hub seat add`")
    enroll.add_argument("--ca-bundle", default="", metavar="FILE", help="CA certificates to verify the hub with")
    sync = sub.add_parser("sync", help="send ended calls to the hub and fetch new packs now")
    sync.add_argument("--status", action="store_true", help="show the link to the hub and the outbox, send nothing")
    return p


def _open_store(args: argparse.Namespace, command: str):
    from desktop.core.paths import data_dir
    from desktop.core.storage import DB_FILENAME, CallStore, StorageError

    try:
        return CallStore(data_dir(args.data_dir) / DB_FILENAME)
    except StorageError as exc:
        print(f"seatside {command}: {exc}", file=sys.stderr)
        return None


def _settings(args: argparse.Namespace):
    from desktop.core.paths import data_dir
    from desktop.core.settings import Settings

    return Settings(data_dir(args.data_dir) / "settings.json")


def cmd_export(args: argparse.Namespace) -> int:
    from desktop.core import clock
    from desktop.core.dispositions import dispositions_from
    from desktop.core.export import ExportError, export_file

    settings = _settings(args)
    try:
        start, end = clock.shift_range(args.shift, start=settings.get("shift_start"), end=settings.get("shift_end"))
    except ValueError as exc:
        print(f"seatside export: {exc}", file=sys.stderr)
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
        print(f"seatside export: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"exported {count} calls of the shift {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} to {args.output}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from desktop.core.banned import builtin_banned
    from desktop.core.demo import seed_demo
    from desktop.core.packs import load_packs
    from desktop.core.paths import builtin_packs_dir

    if args.calls < 1 or args.days < 1:
        print("seatside seed-demo: --calls and --days must be at least 1", file=sys.stderr)
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
    from desktop.core.banned import builtin_banned
    from desktop.core.packs import load_packs
    from desktop.core.paths import data_dir, pack_dirs
    from desktop.core.search import SearchIndex

    dirs = pack_dirs(data_dir(args.data_dir), args.packs, builtin=not args.no_builtin)
    library = load_packs([d for d in dirs if d.exists()], banned=builtin_banned()).library
    if args.scenario and library.get(args.scenario) is None:
        print(f"seatside search: unknown scenario '{args.scenario}'", file=sys.stderr)
        return 2
    index = SearchIndex.from_library(library)
    hits = index.search(args.query, scenario_id=args.scenario, limit=args.limit)
    for rank, hit in enumerate(hits, start=1):
        entry = hit.entry
        print(f"{rank}\t{entry.key}\t{entry.scenario_id}\t{hit.match}\t{entry.text}")
    if not hits:
        print("no phrase matches", file=sys.stderr)
        return 1
    return 0


def cmd_packs_check(args: argparse.Namespace) -> int:
    from desktop.core.banned import builtin_banned
    from desktop.core.packs import load_packs
    from desktop.core.paths import builtin_packs_dir

    paths = args.paths or [builtin_packs_dir()]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"{path}:1: no such file or folder")
    result = load_packs([p for p in paths if p.exists()], banned=builtin_banned())
    for problem in result.problems:
        print(problem)
    errors = len(result.errors) + len(missing)
    warnings = len(result.problems) - len(result.errors)
    print(f"{len(result.library)} scenarios loaded, {errors} errors, {warnings} warnings", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def cmd_packs_import(args: argparse.Namespace) -> int:
    from desktop.core.importer import run_import

    return run_import(args.file, args.output, skip_invalid=args.skip_invalid, overwrite=args.overwrite, out=sys.stdout)


def cmd_enroll(args: argparse.Namespace) -> int:
    from desktop.core.paths import data_dir
    from desktop.core.sync import SyncError, enroll

    try:
        link = enroll(data_dir(args.data_dir), args.url, args.code, args.ca_bundle)
    except SyncError as exc:
        print(f"seatside enroll: {exc}", file=sys.stderr)
        return 1
    print(f"enrolled as seat '{link.seat}' of team '{link.team}' at {link.url}; hub key {link.fingerprint}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from desktop.core.hub_sync_cli import run_sync

    return run_sync(args)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "enroll":
        return cmd_enroll(args)
    if args.command == "sync":
        return cmd_sync(args)
    if args.command == "export":
        return cmd_export(args)
    if args.command == "seed-demo":
        return cmd_seed_demo(args)
    if args.command == "search":
        return cmd_search(args)
    if args.command == "packs":
        return cmd_packs_import(args) if args.packs_command == "import" else cmd_packs_check(args)

    from desktop import app
    from desktop.core.storage import StorageError

    try:
        if args.self_test:
            return app.self_test(args.packs)
        return app.run(
            args.data_dir, args.packs, builtin=not args.no_builtin, scenario=args.scenario,
            insert_mode=args.insert_mode,
        )
    except (StorageError, ValueError) as exc:
        print(f"seatside: {exc}", file=sys.stderr)
        return 1
