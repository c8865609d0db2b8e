"""A child process holding the live endpoint as the panel does: open-file limit 1,024,
every delivered transcript written to SQLite (a text no store can write would fail
there). Prints ``ready <port> <token>``, then ``stored <n>`` per batch, ``dropped`` /
``timed_out`` counters when asked on stdin (``stats``), and quits on ``quit``."""

from __future__ import annotations

import json
import logging
import resource
import sqlite3
import sys
import threading

OPEN_FILES = 1024


def main() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, min(hard, max(OPEN_FILES, soft))))
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    from desktop.core.live.events import TranscriptEvent
    from desktop.platform.live_server import Limits, LiveServer

    overrides = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE TABLE said (call_id TEXT, text TEXT)")
    lock = threading.Lock()
    stored = [0, 0]  # transcripts, call events

    def deliver(events, at) -> None:
        with lock:
            for event in events:
                if isinstance(event, TranscriptEvent):
                    db.execute("INSERT INTO said VALUES (?, ?)", (event.call_id, event.text))
                    stored[0] += 1
                else:
                    stored[1] += 1
            db.commit()
            print("stored", stored[0], stored[1], flush=True)

    server = LiveServer(deliver, limits=Limits(**overrides))
    server.start()
    print("ready", server.port, server.token, flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "stats":
            with lock:
                texts = [t for (t,) in db.execute("SELECT text FROM said ORDER BY rowid")]
            print("stats", json.dumps({"dropped": server.dropped, "timed_out": server.timed_out,
                                       "open": len(server._connections), "refused": server.refused,
                                       "texts": texts}), flush=True)
        elif command == "quit":
            break
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
