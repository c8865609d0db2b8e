"""Which hosts count as this computer (plain HTTP is allowed only to them)."""

import pytest

from desktop.core.hubclient.net import is_loopback


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.1.2.3", "::1"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["", None, "0.0.0.0", "192.168.1.10", "10.0.0.1", "::", "hub.bank.example",
                                  "localhost.bank.example", "127.0.0.1.example"])
def test_other_hosts(host: str | None) -> None:
    assert not is_loopback(host)
