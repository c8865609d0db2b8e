"""Errors the CLI reports in one line."""

from __future__ import annotations


class HubError(Exception):
    """A failure to report to the user as one line (exit 1)."""


class UsageError(HubError):
    """A wrong command line (exit 2)."""
