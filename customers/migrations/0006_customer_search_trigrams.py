"""Trigram indexes for the panel's customer search ("a part of a name or number"): with a
million customers the search's LIKE '%...%' scanned the whole table (310-410 ms); with these
it answers in about 18 ms (docs/benchmarks.md, P7).

PostgreSQL only (pg_trgm ships with it and is a trusted extension: the database owner may
create it). The expressions match what the ORM's `icontains` and `contains` generate.
Other databases keep the plain scan.
"""

from django.db import migrations

INDEXES = {
    "customer_name_trgm": "USING gin (upper(name::text) gin_trgm_ops)",
    "customer_phone_trgm": "USING gin (phone gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON customers_customer {definition}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_customer_newest_index")]

    operations = [migrations.RunPython(create, drop)]
