"""The command-line helpers of tests/cli, shared with the bad-input reliability tests."""

from __future__ import annotations

from tests.cli.conftest import cli, saved_world, world

__all__ = ["cli", "saved_world", "world"]
