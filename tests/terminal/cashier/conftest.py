import pytest
from django.test import Client

from terminal.views.access import POS_SESSION_KEY

from .shop import make_shop


@pytest.fixture
def shop(db):
    return make_shop()


@pytest.fixture
def other_shop(db):
    return make_shop()


def logged_in(user, pos=None) -> Client:
    client = Client()
    client.force_login(user)
    if pos is not None:
        session = client.session
        session[POS_SESSION_KEY] = pos.pk
        session.save()
    return client


@pytest.fixture
def till(shop):
    """The shop's cashier, logged in, at the shop's point of sale."""
    return logged_in(shop.cashier, shop.pos)
