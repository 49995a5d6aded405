"""The coupons app's periodic django-q2 jobs: coupon expiry and expiry reminders."""

from django.db import migrations

SCHEDULES = [
    # name, task, schedule type ("I" every `minutes` minutes), minutes
    ("coupons: expire coupons", "coupons.tasks.expire_coupons_task", "I", 15),
    ("coupons: expiry reminders", "coupons.tasks.send_expiry_reminders_task", "I", 15),
]


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, schedule_type, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": schedule_type,
                "minutes": minutes,
                "repeats": -1,
            },
        )


def delete_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coupons", "0004_slimmer_coupon_indexes"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
