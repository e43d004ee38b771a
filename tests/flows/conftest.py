"""Fixtures of the flow tests (defined in :mod:`tests.flows.support`, shared with tests/services)."""

from tests.flows.support import app, clock, world

__all__ = ["app", "clock", "world"]
