"""Fixtures of the personal-data tests (shared with tests/flows, defined in :mod:`tests.flows.support`)."""

from tests.flows.support import app, clock, world

__all__ = ["app", "clock", "world"]
