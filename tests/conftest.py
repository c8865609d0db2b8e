"""Shared test setup: every test gets its own data and config folders, and any
logged warning or error fails the test unless it is marked ``expect_log``."""

from __future__ import annotations

import logging
import os

import pytest

# Tests never touch the developer's own OS secret store; those that need one install a fake.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "expect_log: the test expects warnings to be logged")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Point every per-user folder at the test's own temporary folder."""
    data = tmp_path / "data"
    monkeypatch.setenv("SEATSIDE_DATA_DIR", str(data))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return data


@pytest.fixture(autouse=True)
def fail_on_logged_warnings(request, caplog):
    caplog.set_level(logging.WARNING)
    yield
    if request.node.get_closest_marker("expect_log"):
        return
    bad = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    if bad:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in bad)
        pytest.fail(f"unexpected log messages:\n{lines}", pytrace=False)
