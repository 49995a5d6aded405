# The terminal app holds no models (issue 16): Device and IdempotencyRecord now live in
# loyalty, CustomerSession in customers, over the same tables. State only: nothing is dropped.
# The content types follow their models so that permissions and admin log entries keep them.

from django.db import migrations

MOVED = {'device': 'loyalty', 'idempotencyrecord': 'loyalty', 'customersession': 'customers'}


def relabel_content_types(apps, schema_editor, forwards=True):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    for model, new_label in MOVED.items():
        old, new = ('terminal', new_label) if forwards else (new_label, 'terminal')
        # A content type already made for the new label (a migrate of one app alone
        # runs post_migrate in between) wins; the old one is then left stale.
        if not ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def relabel_back(apps, schema_editor):
    relabel_content_types(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('customers', '0008_customersession_from_terminal'),
        ('loyalty', '0009_devices_and_idempotency_from_terminal'),
        ('terminal', '0003_answer_is_the_sale'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='CustomerSession'),
                migrations.DeleteModel(name='IdempotencyRecord'),
                migrations.DeleteModel(name='Device'),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, relabel_back),
    ]
