from tests.coupons.panel.fixtures import *  # noqa: F403 - the panel pages' fixtures
