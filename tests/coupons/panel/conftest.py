from .fixtures import *  # noqa: F403 - the fixtures of these pages
