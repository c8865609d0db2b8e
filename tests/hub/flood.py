"""A sign-in flood as its own process: ``python -m tests.hub.flood BASE WORKERS STOP_FILE``.

STOP_FILE.running appears once the flood runs at full strength.
Each worker fetches the sign-in page (for its CSRF token) and posts a wrong password,
again and again, until STOP_FILE exists; then the number of answers by status is printed
as JSON. Workers leave from many loopback addresses, as a botnet would.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import sys
from collections import Counter
from pathlib import Path

import httpx

WORKERS_AT_FULL_STRENGTH = [0]
CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


async def worker(base: str, n: int, stop: Path, counts: Counter[str]) -> None:
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.{20 + n // 200}.{1 + n % 200}")
    async with httpx.AsyncClient(base_url=base, transport=transport, timeout=60) as client:
        while not stop.exists():
            try:
                page = await client.get("/login")
                match = CSRF_RE.search(page.text)
                if not match:
                    counts[f"page {page.status_code}"] += 1
                    continue
                name = "lead-a" if n % 2 else f"guess-{secrets.token_hex(3)}"
                response = await client.post("/login", data={"csrf_token": match.group(1), "name": name,
                                                             "password": secrets.token_hex(8)})
                counts[str(response.status_code)] += 1
                if sum(counts.values()) == 2 * WORKERS_AT_FULL_STRENGTH[0]:
                    stop.with_name(stop.name + ".running").touch()  # every worker is answered twice over
            except httpx.HTTPError as exc:
                counts[type(exc).__name__] += 1


async def main(base: str, workers: int, stop: Path) -> None:
    counts: Counter[str] = Counter()
    WORKERS_AT_FULL_STRENGTH[0] = workers
    await asyncio.gather(*(worker(base, n, stop, counts) for n in range(workers)))
    print(json.dumps(counts), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])))
