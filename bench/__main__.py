"""Run the benchmarks: `make bench` (BENCH_ARGS="--only home --sizes 200,2000").

Every bench/bench_*.py module is discovered (see bench/harness.py for what it declares),
its data is built at each size on an empty database, and each measurement is timed in-process
with Django's test client. Results go to bench/results.json, a JSON list of
{"name", "size", "median_ms", "p95_ms", "queries"} (and a measurement's own figures, see
bench/harness.py), and to a table on the console.

The database is never the development one: SQLite in bench/bench.sqlite3 by default,
created fresh; or the one DATABASE_URL names, which must be a throwaway database whose name
contains "bench" (e.g. postgres://postgres@127.0.0.1:5432/wip_bench). It is dropped and
created again when the role may, emptied otherwise.

Exit status: 0 when every measurement ran and each page makes the same number of queries at
every size; 1 otherwise (a query count that grows with the data is a bug to fix).
"""

import argparse
import importlib
import json
import os
import pkgutil
import sys
import traceback
import warnings
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_SQLITE = BENCH_DIR / "bench.sqlite3"
DEFAULT_SIZES = [200, 2000]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated measurement names (e.g. home,archive) or modules (editions)",
    )
    parser.add_argument("--sizes", default="", help="comma-separated sizes, e.g. 200,2000")
    parser.add_argument("--repeat", type=int, default=15, help="timed repetitions (15)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed repetitions first (3)")
    parser.add_argument(
        "--output", default=str(BENCH_DIR / "results.json"), help="where to write the JSON"
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas, e.g. 200,2000")
    if any(size < 1 for size in args.sizes):
        parser.error("sizes must be at least 1")
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be at least 1 and --warmup at least 0")
    args.only = {name.strip() for name in args.only.split(",") if name.strip()}
    return args


def choose_database() -> bool:
    """Point DATABASE_URL at the benchmark database before Django reads its settings.
    Returns whether it is a server database to create afresh once Django is set up."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        os.environ["DATABASE_URL"] = f"sqlite:///{DEFAULT_SQLITE}"
        remove_sqlite(DEFAULT_SQLITE)
        return False
    config = dj_database_url.parse(url)
    name = str(config["NAME"] or "")
    if "bench" not in Path(name).name:
        sys.exit(
            f"DATABASE_URL names the database “{name}”. The benchmarks empty the database "
            "they run on, so they only use one whose name contains “bench”, e.g. "
            "postgres://postgres@127.0.0.1:5432/wip_bench. Leave DATABASE_URL unset for SQLite."
        )
    if config["ENGINE"].endswith("sqlite3"):
        remove_sqlite(Path(name))
        return False
    return True


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def recreate_server_database() -> None:
    """Drop and create the database through the server's maintenance database; when the
    role may not, use the existing database (flushed before each size)."""
    from django.db import DatabaseError, connection

    name = connection.settings_dict["NAME"]
    quoted = connection.ops.quote_name(name)
    connection.close()
    try:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
            cursor.execute(f"CREATE DATABASE {quoted}")
    except DatabaseError as error:
        print(f"Could not recreate database {name} ({error}".strip() + "); using it as it is.")
        try:
            connection.ensure_connection()
        except DatabaseError as connect_error:
            sys.exit(f"Cannot use database {name}: {connect_error}")
    else:
        print(f"Created a fresh database {name}.")


def discover_modules():
    names = sorted(
        info.name
        for info in pkgutil.iter_modules([str(BENCH_DIR)])
        if info.name.startswith("bench_")
    )
    return [importlib.import_module(f"bench.{name}") for name in names]


def measurements_of(module):
    from bench.harness import Measurement, function_measurement

    found: list[Measurement] = list(getattr(module, "MEASUREMENTS", []))
    for attribute in sorted(vars(module)):
        function = getattr(module, attribute)
        if attribute.startswith("bench_") and callable(function):
            found.append(function_measurement(attribute.removeprefix("bench_"), function))
    return found


def wanted(only, module_name, measurement_name):
    return not only or measurement_name in only or module_name in only


def print_table(results) -> None:
    headers = ("name", "size", "median ms", "p95 ms", "queries")
    rows = [
        (
            result.name,
            str(result.size),
            f"{result.median_ms:.1f}",
            f"{result.p95_ms:.1f}",
            str(result.queries)
            + ("" if len(result.query_counts) == 1 else f" (varied: {result.query_counts})"),
        )
        for result in results
    ]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    print()
    print(
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        )
    )
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def query_count_warnings(results) -> list[str]:
    by_name: dict[str, dict[int, int]] = {}
    for result in results:
        by_name.setdefault(result.name, {})[result.size] = result.queries
    return [
        f"WARNING: {name} makes a different number of queries at different sizes: "
        + ", ".join(f"{count} at {size}" for size, count in sorted(counts.items()))
        for name, counts in by_name.items()
        if len(set(counts.values())) > 1
    ]


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wip_portal.settings")
    server_database = choose_database()

    import django

    # WhiteNoise notes that collectstatic has not run; files are served from their folders.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from bench.harness import measure

    plan, available = [], []
    for module in discover_modules():
        module_name = module.__name__.removeprefix("bench.bench_")
        measurements = measurements_of(module)
        available += [m.name for m in measurements]
        chosen = [m for m in measurements if wanted(args.only, module_name, m.name)]
        if chosen:
            plan.append((module, chosen))
    if not plan:
        print(
            f"No measurement matches --only {','.join(sorted(args.only))}. "
            f"Measurements: {', '.join(available)}."
        )
        return 1

    if server_database:
        recreate_server_database()
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    translation.activate("en")

    results, failed = [], False
    for module, chosen in plan:
        sizes = args.sizes or list(getattr(module, "SIZES", DEFAULT_SIZES))
        for size in sizes:
            call_command("flush", verbosity=0, interactive=False)
            print(f"{module.__name__}: building data at size {size}…", flush=True)
            context = module.setup(size)
            for measurement in chosen:
                try:
                    result = measure(
                        measurement,
                        context=context,
                        size=size,
                        warmup=args.warmup,
                        repeat=args.repeat,
                    )
                except Exception:  # noqa: BLE001 - report every failure, then go on
                    failed = True
                    print(f"ERROR in {measurement.name} at size {size}:", file=sys.stderr)
                    traceback.print_exc()
                    continue
                results.append(result)
                print(
                    f"  {result.name:<20} {result.median_ms:8.1f} ms  {result.queries:3d} queries",
                    flush=True,
                )
            if hasattr(module, "teardown"):
                module.teardown(context)

    Path(args.output).write_text(
        json.dumps([result.as_json() for result in results], indent=2) + "\n", encoding="utf-8"
    )
    print_table(results)
    print(f"\nWrote {len(results)} results to {args.output}")
    growing = query_count_warnings(results)
    for line in growing:
        print(line)
    return 1 if failed or growing else 0


if __name__ == "__main__":
    sys.exit(main())
