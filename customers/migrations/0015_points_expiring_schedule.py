"""The daily "points expiring" job (docs/messages.md, "Senders") in django-q2."""

from django.db import migrations

NAME = "customers: tell points expiring"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "customers.tasks.tell_points_expiring_task",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0014_points_expiry_notices")]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
