"""``seatside-hub``: serve the hub and administer teams, seats, leads, keys and packs.

Every command uses the embedded cluster under ``.hub/`` unless ``--database-url``
or ``SEATSIDE_HUB_DATABASE_URL`` names another PostgreSQL. Errors are one line on
stderr: exit 1 for a failure, 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import FrameType
from typing import NoReturn

from desktop.core.hubclient.net import is_loopback
from hub.errors import HubError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--database-url", default=argparse.SUPPRESS, metavar="URL",
                        help="the bank's PostgreSQL (default: the embedded cluster under .hub/; "
                             "$SEATSIDE_HUB_DATABASE_URL works too)")
    common.add_argument("--home", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="folder of the embedded cluster and the signing key (default: .hub/)")
    p = _Parser(prog="seatside-hub", parents=[common],
                description="Seatside Hub: signed packs and masked call records for a whole centre.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    serve = sub.add_parser("serve", parents=[common], help="serve the HTTP API (and the leads' pages)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    serve.add_argument("--cert", type=Path, help="TLS certificate (PEM); required off loopback")
    serve.add_argument("--key", type=Path, help="TLS private key (PEM)")
    serve.add_argument("--trusted-proxies", default=argparse.SUPPRESS, metavar="ADDRESSES",
                       help="comma-separated addresses or networks of TLS-terminating reverse proxies whose"
                            " X-Forwarded-Proto/-For are believed ($SEATSIDE_HUB_TRUSTED_PROXIES works too)")

    db = sub.add_parser("db", parents=[common], help="the database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True, parser_class=_Parser)
    db_sub.add_parser("upgrade", parents=[common], help="bring the schema to the newest version (Alembic)")
    db_sub.add_parser("stop", parents=[common], help="stop the embedded PostgreSQL")
    retention = db_sub.add_parser("retention", parents=[common],
                                  help="drop the calls of whole months older than the months kept")
    retention.add_argument("--keep-months", type=int, required=True, metavar="N",
                           help="months kept before the current one (at least 1)")

    team = sub.add_parser("team", parents=[common], help="teams")
    team_sub = team.add_subparsers(dest="team_command", metavar="ACTION", required=True, parser_class=_Parser)
    team_add = team_sub.add_parser("add", parents=[common], help="add a team")
    team_add.add_argument("name")

    seat = sub.add_parser("seat", parents=[common], help="seats")
    seat_sub = seat.add_subparsers(dest="seat_command", metavar="ACTION", required=True, parser_class=_Parser)
    seat_add = seat_sub.add_parser("add", parents=[common],
                                   help="add a seat (or renew its code); prints the one-time enrolment code last")
    seat_add.add_argument("--team", required=True)
    seat_add.add_argument("seat")
    seat_revoke = seat_sub.add_parser("revoke", parents=[common], help="revoke a seat's token")
    seat_revoke.add_argument("seat")

    lead = sub.add_parser("lead", parents=[common], help="team leads")
    lead_sub = lead.add_subparsers(dest="lead_command", metavar="ACTION", required=True, parser_class=_Parser)
    lead_add = lead_sub.add_parser("add", parents=[common], help="add a lead; prints a one-time password")
    lead_add.add_argument("--team", required=True)
    lead_add.add_argument("lead")
    lead_remove = lead_sub.add_parser("remove", parents=[common],
                                      help="remove a lead: their sessions and open pages end at once")
    lead_remove.add_argument("lead")

    keys = sub.add_parser("keys", parents=[common], help="the centre's signing key")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True, parser_class=_Parser)
    keys_sub.add_parser("init", parents=[common], help="create the Ed25519 signing key; prints its fingerprint")

    packs = sub.add_parser("packs", parents=[common], help="publish packs to a team's seats")
    packs_sub = packs.add_subparsers(dest="packs_command", metavar="ACTION", required=True, parser_class=_Parser)
    publish = packs_sub.add_parser("publish", parents=[common], help="check, version and sign a folder of packs")
    publish.add_argument("folder", type=Path, metavar="DIR")
    publish.add_argument("--team", required=True)
    publish.add_argument("--note", default="", help="what changed, shown to the team")
    publish.add_argument("--drop", action="append", default=[], metavar="ID",
                         help="confirm leaving out this scenario of the current version (repeatable)")

    stats = sub.add_parser("stats", parents=[common], help="a team's day as one JSON object")
    stats.add_argument("--team", required=True)
    stats.add_argument("--day", required=True, help="YYYY-MM-DD")

    scores = sub.add_parser("scores", parents=[common],
                            help="score a team's calls stored before scoring began (or, with --all, every call again)")
    scores.add_argument("--team", required=True)
    scores.add_argument("--all", action="store_true", dest="everything",
                        help="score every call again with the team's current weights (marks are kept)")

    load = sub.add_parser("loadtest", parents=[common], help="simulated seats over loopback; prints the figures")
    load.add_argument("--url", required=True,
                      help="the hub to load, e.g. http://127.0.0.1:8765 (several serve processes: comma-separated)")
    load.add_argument("--seats", type=int, required=True)
    load.add_argument("--calls-per-seat", type=int, required=True)
    load.add_argument("--heartbeat-seconds", type=float, default=20.0,
                      help="how long to measure heartbeats to the live feed (default 20)")
    return p


def _settings(args: argparse.Namespace):  # -> HubSettings
    from hub.settings import HubSettings

    overrides = {}
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    if getattr(args, "home", None):
        overrides["home"] = args.home
    for name in ("cert", "key", "host", "port", "trusted_proxies"):  # serve's options reach the settings
        if getattr(args, name, None) is not None:
            overrides[name] = getattr(args, name)
    return HubSettings(**overrides)


def _url(args: argparse.Namespace) -> str:
    from hub.db import prepare_database

    return prepare_database(_settings(args))


def _conn(args: argparse.Namespace):  # -> psycopg.Connection
    from hub.db import connect, require_current_schema

    url = _url(args)
    require_current_schema(url)
    return connect(url)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if not 0 < args.port < 65536:
        raise UsageError("--port must be 1-65535")
    if bool(args.cert) != bool(args.key):
        raise UsageError("--cert and --key go together")
    if not args.cert and not is_loopback(args.host):
        raise UsageError(f"plain HTTP is only served on loopback; give --cert and --key to serve on {args.host}")
    for path in (args.cert, args.key):
        if path is not None and not path.is_file():
            raise HubError(f"no such file: {path}")
    from hub.app import create_app
    from hub.db import require_current_schema

    settings = _settings(args)
    _check_trusted_proxies(settings.trusted_proxies)
    url = _url(args)
    require_current_schema(url)
    from hub.rollups import prepare

    prepare(url, settings.timezone)
    app = create_app(settings, url)
    scheme = "https" if args.cert else "http"
    print(f"Seatside Hub on {scheme}://{args.host}:{args.port}", flush=True)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning", access_log=False,
                            ssl_certfile=str(args.cert) if args.cert else None,
                            ssl_keyfile=str(args.key) if args.key else None, timeout_graceful_shutdown=5,
                            # Proxy headers are believed only from the configured proxies (create_app).
                            proxy_headers=False)
    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            # Long-polls and live streams end now, not at the graceful-shutdown timeout.
            listener = getattr(app.state, "listener", None)
            if listener is not None:
                listener.request_stop()
            super().handle_exit(sig, frame)

    server = Server(config)
    server.run()
    return 0 if server.started else 1




def _check_trusted_proxies(value: str) -> None:
    import ipaddress

    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise UsageError(f"--trusted-proxies: '{item}' is not an address or a network") from None


def cmd_db(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.db_command == "stop":
        if settings.database_url:
            raise UsageError("db stop is for the embedded cluster only")
        from hub.cluster import EmbeddedCluster

        EmbeddedCluster(settings.home).stop()
        print("stopped")
        return 0
    from hub.db import upgrade
    from hub.rollups import prepare

    if args.db_command == "retention":
        return _retention(args, settings.timezone)
    url = _url(args)
    revision = upgrade(url)
    prepare(url, settings.timezone)
    print(f"schema at {revision}")
    return 0


def _retention(args: argparse.Namespace, zone: str) -> int:
    import json
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from hub.rollups import drop_before

    if args.keep_months < 1:
        raise UsageError("--keep-months must be at least 1")
    today = datetime.now(ZoneInfo(zone)).date()
    months = today.year * 12 + today.month - 1 - args.keep_months
    cutoff = today.replace(year=months // 12, month=months % 12 + 1, day=1)
    with _conn(args) as conn:
        dropped = drop_before(conn, cutoff)
        conn.execute("INSERT INTO audit_log (actor, action, detail) VALUES ('cli', 'calls.retention', %s)",
                     (json.dumps({"before": cutoff.isoformat(), "dropped": dropped}),))
        conn.commit()
    print(f"calls before {cutoff.isoformat()} dropped: {', '.join(dropped) if dropped else 'no whole month'}")
    return 0


def cmd_team(args: argparse.Namespace) -> int:
    from hub.admin import add_team

    with _conn(args) as conn:
        add_team(conn, args.name)
    print(f"team '{args.name.strip()}' added")
    return 0


def cmd_seat(args: argparse.Namespace) -> int:
    from hub.admin import add_seat, revoke_seat

    settings = _settings(args)
    with _conn(args) as conn:
        if args.seat_command == "revoke":
            revoke_seat(conn, args.seat)
            print(f"seat '{args.seat}' revoked: its token no longer works")
            return 0
        code = add_seat(conn, args.team, args.seat, hours=settings.enrolment_code_hours)
    print(f"seat '{args.seat.strip()}' of team '{args.team}': enrol it within {settings.enrolment_code_hours} hours with")
    print("  seatside enroll URL CODE")
    print(code)
    return 0


def cmd_lead(args: argparse.Namespace) -> int:
    from hub.admin import add_lead, remove_lead

    if args.lead_command == "remove":
        with _conn(args) as conn:
            remove_lead(conn, args.lead)
        print(f"lead '{args.lead}' removed: signed out everywhere")
        return 0
    with _conn(args) as conn:
        password = add_lead(conn, args.team, args.lead)
    print(f"lead '{args.lead.strip()}' of team '{args.team}'; one-time password (changed at first sign-in):")
    print(password)
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from hub.admin import init_keys

    settings = _settings(args)
    with _conn(args) as conn:
        print_fp = init_keys(conn, settings.signing_key_file)
    print(f"signing key written to {settings.signing_key_file} (0600; back it up offline)")
    print(print_fp)
    return 0


def cmd_packs(args: argparse.Namespace) -> int:
    from hub.admin import publish_packs

    settings = _settings(args)
    if len(args.note) > 2000:
        raise UsageError("--note is limited to 2000 characters")
    with _conn(args) as conn:
        published = publish_packs(conn, args.folder, args.team, args.note, settings.signing_key_file,
                                  confirm_drops=args.drop)
    print(f"published {published.files} pack files ({published.scenarios} scenarios) to team '{args.team}',"
          f" signed by {published.fingerprint}; version:")
    print(published.version)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from hub.admin import team_id
    from hub.queries import team_day

    try:
        day = date.fromisoformat(args.day)
    except ValueError:
        raise UsageError(f"--day must be YYYY-MM-DD, not '{args.day}'") from None
    settings = _settings(args)
    with _conn(args) as conn:
        summary = team_day(conn, team_id(conn, args.team), args.team, day, settings.timezone)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def cmd_scores(args: argparse.Namespace) -> int:
    from hub.admin import team_id
    from hub.scoring import rescore

    with _conn(args) as conn:
        scored, unreadable = rescore(conn, team_id(conn, args.team), everything=args.everything)
    print(f"team '{args.team}': {scored} calls scored" + (f", {unreadable} unreadable left out" if unreadable else ""))
    return 0


def cmd_loadtest(args: argparse.Namespace) -> int:
    from hub.loadtest import run_loadtest

    if args.seats < 1 or args.calls_per_seat < 0 or args.heartbeat_seconds < 0:
        raise UsageError("--seats must be at least 1, --calls-per-seat and --heartbeat-seconds at least 0")
    settings = _settings(args)
    url = _url(args)
    figures = run_loadtest(url, args.url, args.seats, args.calls_per_seat, settings,
                           heartbeat_seconds=args.heartbeat_seconds)
    print(json.dumps(figures, ensure_ascii=False))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "serve": cmd_serve, "db": cmd_db, "team": cmd_team, "seat": cmd_seat, "lead": cmd_lead, "keys": cmd_keys,
    "packs": cmd_packs, "stats": cmd_stats, "scores": cmd_scores, "loadtest": cmd_loadtest,
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    import psycopg
    from pydantic import ValidationError

    from hub.db import first_line

    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"seatside-hub {args.command}: {exc}", file=sys.stderr)
        return 2
    except HubError as exc:
        print(f"seatside-hub {args.command}: {exc}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        errors = exc.errors()
        detail = (f"{'.'.join(map(str, errors[0]['loc'])) or 'value'}: {errors[0]['msg']}" if errors
                  else first_line(exc))
        print(f"seatside-hub {args.command}: bad setting: {detail}", file=sys.stderr)
        return 2
    except psycopg.Error as exc:
        print(f"seatside-hub {args.command}: database error: {first_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"seatside-hub {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
