"""Bad input posted to every form of the portal.

A world in every state (world.py) is built once for the folder; its pages are read like
a browser reads them to find every form and its real field names (pages.py); every POST
endpoint the URL resolver knows is posted hostile text, numbers, dates, choices, other
people's ids, bodies in odd encodings (test_forms.py, with Hypothesis), hostile files
(test_files.py, corpus.py), bodies over the limits (test_limits.py); stored HTML is
looked for unescaped on every page (test_escaping.py), and the filters of the lists get
the same (test_filters.py). test_coverage.py fails when an endpoint is not covered.

    .venv/bin/pytest tests/hardening
    HARDENING_PROFILE=hardening-thorough .venv/bin/pytest tests/hardening/test_forms.py

The last line of the run gives the figures: forms covered, inputs tried, hostile files
tried, 500s, partial saves.
"""
