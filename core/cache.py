"""Django's database cache with an atomic `incr`, the shared cache when REDIS_URL is unset.

Django's DatabaseCache increments by reading and writing the value: two processes counting
at once both write the same number, and a throttle lets through more than its limit. Here
the row is locked for the increment (SELECT ... FOR UPDATE), so counters hold across
processes (quality.md R14). Redis's INCR is atomic already.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as BaseDatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone


class DatabaseCache(BaseDatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value, expires FROM {table} WHERE cache_key = %s FOR UPDATE", [key]
            )
            row = cursor.fetchone()
            if row is None or row[1] < timezone.now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [encoded, key])
        return value
