"""Shared by the integration and browser tests: each test's report is kept on its item so
that fixtures can tell, while tearing down, whether the test failed (and then print the
worker's log or save a screenshot)."""

import pytest


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
