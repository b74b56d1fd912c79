"""Benchmarks: `make bench` or `.venv/bin/python -m bench --help`."""
