from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(sender, using="default", **kwargs):
    """The shared cache (throttle counters, R14) lives in the database when REDIS_URL is
    unset: every `migrate` makes sure its table exists, so no deploy step is forgotten."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import files  # noqa: F401  (registers the check that keeps private files unserved)

        # Sent per app with models (core has none): creating an existing table is a no-op.
        post_migrate.connect(_create_cache_table, dispatch_uid="core-cache-table")
