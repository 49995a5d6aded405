import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PERKLINE_PRIVATE_ROOT = tmp_path / "private"


_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Throttle counters and cached state never leak from one test into the next.

    The shared cache is a database table (core.cache): only tests with database access can
    touch it, and a transactional test's flush does not empty it."""
    if not (
        request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(request.fixturenames)
    ):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_message_templates():
    """The per-process cache of message templates (customers/notify/texts.py) starts empty:
    a business id may come back in the next test."""
    from customers.notify import texts

    texts._cache.clear()
    yield
    texts._cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in another language (Accept-Language, the language cookie) leaves it active
    in the thread (LocaleMiddleware does not deactivate it): the next test starts in the
    default language again."""
    yield
    from django.utils import translation

    translation.deactivate()
