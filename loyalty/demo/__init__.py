"""The demo business that `manage.py seed_demo` creates (and completes on every run)."""

from .seed import DEFAULT_PASSWORD, DemoReport, seed_demo

__all__ = ["DEFAULT_PASSWORD", "DemoReport", "seed_demo"]
