"""The daily tiers job (promotions.md "Tiers": moves down once a day) in django-q2."""

from django.db import migrations

NAME = "customers: update tiers"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "customers.tasks.update_tiers_task",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0010_tiers"), ("customers", "0003_task_schedules")]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
