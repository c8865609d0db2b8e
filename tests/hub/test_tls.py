"""TLS cookies and HSTS: `serve --cert/--key` directly, and behind Debian's nginx with the
site from docs/hub.md, whose proxy headers are believed only from the trusted address."""

from __future__ import annotations

import os
import re
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import psycopg
import pytest
import trustme

from tests.hub.conftest import ROOT, HubProcess, free_port, run_hub
from tests.hub.web.conftest import PASSWORD, csrf_of, make_team

DOC = ROOT / "docs" / "hub.md"


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    paths = tmp_path / "ca.pem", tmp_path / "hub.crt", tmp_path / "hub.key"
    ca.cert_pem.write_to_path(str(paths[0]))
    cert.private_key_and_cert_chain_pem.write_to_path(str(paths[1]))
    cert.private_key_pem.write_to_path(str(paths[2]))
    return paths


@pytest.fixture
def lead_db(hub_db: str, hub_home: Path) -> str:
    assert run_hub(hub_db, hub_home, "keys", "init").returncode == 0
    with psycopg.connect(hub_db, autocommit=True) as conn:
        make_team(conn, "一组", "lead-a", ["A01"])
    return hub_db


def _cookies(response: httpx.Response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


def _sign_in(client: httpx.Client) -> httpx.Response:
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_of(page.text), "name": "lead-a", "password": PASSWORD})
    assert response.status_code == 303, response.text
    return response


def _secure(header: str) -> bool:
    parts = {part.strip().lower() for part in header.split(";")}
    return {"secure", "httponly", "samesite=strict"} <= parts


def test_serve_with_cert_sets_secure_cookies_and_hsts(lead_db: str, hub_home: Path,
                                                      tls_files: tuple[Path, Path, Path]) -> None:
    ca, cert, key = tls_files
    server = HubProcess(lead_db, hub_home, extra_args=["--cert", str(cert), "--key", str(key)], ca_file=str(ca))
    server.start()
    try:
        with httpx.Client(base_url=server.base, verify=server.verify, timeout=30) as client:
            page = client.get("/login")
            assert page.headers["strict-transport-security"] == "max-age=31536000"
            assert _secure(_cookies(page)["seatside_pre"])
            cookies = _cookies(_sign_in(client))
        assert _secure(cookies["seatside_session"]) and _secure(cookies["seatside_device"])
    finally:
        log = server.stop()
    assert "Traceback" not in log, log


def test_plain_http_on_loopback_has_no_secure_cookie_and_ignores_proxy_headers(lead_db: str, hub_home: Path) -> None:
    server = HubProcess(lead_db, hub_home)  # no trusted proxy: X-Forwarded-Proto is anyone's lie
    server.start()
    try:
        with httpx.Client(base_url=server.base, timeout=30, headers={"x-forwarded-proto": "https"}) as client:
            page = client.get("/login")
            assert "strict-transport-security" not in page.headers
            assert "secure" not in _cookies(page)["seatside_pre"].lower().split("; ")
            cookies = _cookies(_sign_in(client))
        assert "Secure" not in cookies["seatside_session"]
    finally:
        log = server.stop()
    assert "Traceback" not in log, log


def nginx_site(hub_port: int, https_port: int, http_port: int, cert: Path, key: Path) -> str:
    """The site of docs/hub.md with the test's ports and files."""
    block = re.search(r"```nginx\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block, "docs/hub.md lost its nginx site"
    site = block.group(1)
    for old, new in [("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("/etc/ssl/seatside/hub.crt", str(cert)), ("/etc/ssl/seatside/hub.key", str(key)),
                     ("http://127.0.0.1:8765", f"http://127.0.0.1:{hub_port}")]:
        assert old in site, old
        site = site.replace(old, new)
    return site


@pytest.fixture
def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        pytest.skip("Debian's nginx is not installed (make system-deps installs nginx-light)")
    return found


@pytest.fixture
def nginx(nginx_binary: str, tmp_path: Path) -> Iterator:
    processes: list[subprocess.Popen[bytes]] = []  # errors go to its error.log

    def start(site: str) -> None:
        prefix = tmp_path / "nginx"
        prefix.mkdir()
        temp = "\n".join(f"  {kind}_temp_path {prefix}/{kind};" for kind in
                         ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf = prefix / "nginx.conf"
        conf.write_text(f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
                        f"events {{}}\nhttp {{\n  access_log off;\n{temp}\n{site}\n}}\n", encoding="utf-8")
        processes.append(subprocess.Popen([nginx_binary, "-p", str(prefix), "-c", str(conf), "-e",
                                           str(prefix / "error.log"), "-g", "daemon off;"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def test_behind_nginx_cookies_are_secure_and_only_the_proxy_is_believed(
        lead_db: str, hub_home: Path, tls_files: tuple[Path, Path, Path], nginx) -> None:
    ca, cert, key = tls_files
    server = HubProcess(lead_db, hub_home, extra_args=["--trusted-proxies", "127.0.0.1"])
    server.start()
    https_port, http_port = free_port(), free_port()
    nginx(nginx_site(server.port, https_port, http_port, cert, key))
    verify = ssl.create_default_context(cafile=str(ca))
    base = f"https://127.0.0.1:{https_port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/api/v1/health", verify=verify, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "nginx did not come up"
            time.sleep(0.1)
        transport = httpx.HTTPTransport(local_address="127.0.0.7", verify=verify)
        with httpx.Client(base_url=base, transport=transport, timeout=30) as client:
            page = client.get("/login")
            assert page.headers["strict-transport-security"] == "max-age=31536000"
            assert _secure(_cookies(page)["seatside_pre"])
            cookies = _cookies(_sign_in(client))
            assert _secure(cookies["seatside_session"]) and _secure(cookies["seatside_device"])
            assert client.get("/board").status_code == 200
        redirect = httpx.get(f"http://127.0.0.1:{http_port}/board", timeout=10)
        assert redirect.status_code == 301 and redirect.headers["location"].startswith("https://")
        # The browser's own address reached the hub through X-Forwarded-For.
        with psycopg.connect(lead_db) as conn:
            row = conn.execute("SELECT detail->>'address' FROM audit_log WHERE action = 'lead.login'"
                               " ORDER BY id DESC LIMIT 1").fetchone()
        assert row == ("127.0.0.7",)
        # Straight to the hub from another address, the same headers are ignored.
        direct = httpx.HTTPTransport(local_address="127.0.0.3")
        with closing(httpx.Client(base_url=server.base, transport=direct, timeout=30,
                                  headers={"x-forwarded-proto": "https", "x-forwarded-for": "10.9.9.9"})) as client:
            page = client.get("/login")
            assert "strict-transport-security" not in page.headers
            assert "Secure" not in _cookies(page)["seatside_pre"]
    finally:
        log = server.stop()
    assert "Traceback" not in log, log
