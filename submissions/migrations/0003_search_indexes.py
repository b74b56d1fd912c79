"""The text search of the staff list on PostgreSQL: the unaccent extension, an immutable
wip_unaccent() over it (unaccent() itself is only stable, so an index cannot use it) and
GIN indexes on the words of the projects' titles and of the directors' and companies'
names, spelled as submissions.selectors._Words spells them. Nothing on SQLite.

Creating the extension needs a role that may (unaccent is a trusted extension: from
PostgreSQL 13 the database's owner may). Going back drops the indexes and the function and
leaves the extension."""

from django.db import migrations

INDEXES = {
    "submissions_project_search": (
        "submissions_project",
        "original_title || ' ' || english_title",
    ),
    "submissions_director_search": ("submissions_director", "name"),
    "submissions_company_search": ("submissions_projectcompany", "name"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
        )
        (schema,) = cursor.fetchone()
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION wip_unaccent(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
        f"$$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
    )
    for name, (table, text) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((to_tsvector('simple'::regconfig, wip_unaccent({text}))))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS wip_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0002_result_released"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
