"""Running a service from many threads at once, each with its own database connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from core.errors import DomainError


def run_concurrently(task, count: int, *, threads: int | None = None) -> list[str]:
    """Run ``task(i)`` for i in range(count) on ``threads`` threads (default: one each) that
    start together; answers "ok" or the domain error code of each call."""
    threads = threads or count
    barrier = threading.Barrier(min(threads, count), timeout=60)

    def call(i):
        try:
            if i < threads:
                barrier.wait()  # the first wave starts at the same moment
            task(i)
            return "ok"
        except DomainError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(call, range(count)))
