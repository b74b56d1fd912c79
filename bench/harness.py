"""What a benchmark module declares, and how one measurement is timed.

A module bench/bench_<topic>.py exposes:

- `setup(size) -> dict`: builds its data on an empty, migrated database (use bulk_create)
  and returns a context, e.g. {"programme": …, "staff": …};
- `MEASUREMENTS`: a list of `page(...)` (a GET that must answer 200) or `Measurement(...)`;
  and/or functions named `bench_<name>(context)` that perform one repetition;
- optionally `SIZES`, the default sizes (the `--sizes` option overrides them);
- optionally `teardown(context)`, run after its measurements at each size (e.g. to stop
  processes that `setup` started).

A `bench_<name>` function that fills a table with one bulk_create names it in its
`bulk_insert_table` attribute (see Measurement). One that measures more than its own
duration returns those figures from each repetition and names, in its `summary`
attribute, a function that sums up the timed repetitions' figures into a dict; it is added
to the measurement's entry in results.json.

Each measurement runs a warm-up, then several repetitions, each timed and its queries
counted. The same measurement at two sizes keeps its name, so query counts can be compared.
"""

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Measurement:
    name: str
    run: Callable[[dict, Client], object]
    user: str | None = None  # a key of the context: the client is signed in as that person
    # A table the measurement fills with one bulk_create. Django splits such an INSERT by
    # the database's limit on parameters (999 on SQLite, so 166 rows of six columns a
    # statement), which makes the count grow with the rows though the code does not: the
    # INSERTs into this table are counted as one.
    bulk_insert_table: str | None = None
    # Sums up what the timed repetitions returned into figures for results.json.
    summary: Callable[[list], dict] | None = None

    def count(self, queries) -> int:
        if self.bulk_insert_table is None:
            return len(queries)
        prefix = f'INSERT INTO "{self.bulk_insert_table}"'
        inserts = sum(1 for query in queries if query["sql"].startswith(prefix))
        return len(queries) - inserts + min(inserts, 1)


def page(name: str, url: Callable[[dict], str], *, user: str | None = None) -> Measurement:
    """GET the URL built from the context; anything but a 200 stops the run."""

    def run(context: dict, client: Client):
        address = url(context)
        response = client.get(address)
        if response.status_code != 200:
            raise AssertionError(f"{name}: GET {address} answered {response.status_code}")
        return response

    return Measurement(name=name, run=run, user=user)


def function_measurement(name: str, function: Callable[[dict], object]) -> Measurement:
    return Measurement(
        name=name,
        run=lambda context, client: function(context),
        bulk_insert_table=getattr(function, "bulk_insert_table", None),
        summary=getattr(function, "summary", None),
    )


@dataclass
class Result:
    name: str
    size: int
    median_ms: float
    p95_ms: float
    queries: int
    query_counts: tuple[int, ...]
    figures: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "size": self.size,
            "median_ms": round(self.median_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "queries": self.queries,
            **self.figures,
        }


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(
    measurement: Measurement, *, context: dict, size: int, warmup: int, repeat: int
) -> Result:
    client = Client()
    if measurement.user is not None:
        client.force_login(context[measurement.user])
    for _ in range(warmup):
        measurement.run(context, client)
    timings, counts, returned = [], [], []
    for _ in range(repeat):
        # Django keeps the last 9,000 queries only: each repetition counts from an empty log.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            returned.append(measurement.run(context, client))
            elapsed = time.perf_counter() - start
        timings.append(elapsed * 1000)
        counts.append(measurement.count(queries.captured_queries))
    return Result(
        name=measurement.name,
        size=size,
        median_ms=statistics.median(timings),
        p95_ms=percentile(timings, 0.95),
        queries=max(counts),
        query_counts=tuple(sorted(set(counts))),
        figures=measurement.summary(returned) if measurement.summary else {},
    )
