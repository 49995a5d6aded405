from django.db import migrations, models


def compress_with_lz4(apps, schema_editor):
    """The answers (~9 KB each) are compressed at every confirm: lz4 costs the server a
    fraction of the default pglz (docs/benchmarks.md, P2). Only where the server has it."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("ALTER TABLE loyalty_sale ALTER COLUMN answer SET COMPRESSION lz4")


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0005_line_business_indexes"),
    ]

    operations = [
        migrations.RenameField(model_name="sale", old_name="result", new_name="answer"),
        # jsonb -> text keeps every stored answer (in jsonb's own key order).
        migrations.AlterField(
            model_name="sale",
            name="answer",
            field=models.TextField(default="{}", editable=False),
        ),
        migrations.RunPython(compress_with_lz4, migrations.RunPython.noop, elidable=True),
    ]
