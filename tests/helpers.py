"""Helpers for the integration and browser tests."""

import time

import pytest


def has_failed(request) -> bool:
    """True when the setup or call phase of the requesting test failed (the reports are
    kept on the item by tests/conftest.py)."""
    reports = [getattr(request.node, f"report_{when}", None) for when in ("setup", "call")]
    return any(report is not None and report.failed for report in reports)


def wait_until(predicate, *, timeout=30.0, interval=0.1, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout} s waiting for {message}")
