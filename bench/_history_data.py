"""Bulk history for the P7 benchmark (bench/history_bench.py): customers and completed sales
with their positions, applied rules and ledger rows, written by PostgreSQL itself
(`INSERT ... SELECT ... FROM generate_series`), into one business of the load program.

What one identified customer's history looks like (sale k = 1..n of that customer, oldest
first, spread over the last HIST_DAYS days):
- every sale: 1-5 positions (3 on average) of the load program's goods, a 0-10% discount per
  position, `rules_per_sale` applied-rule rows, one `credit` entry (5.00-50.00 points) with
  its lot;
- every 4th sale (k = 4, 8, ...) pays with points exactly what sale k-1 credited: a `debit`
  entry with one lot use, and the lot of sale k-1 is left with 0;
- every sale k = 6, 26, 46, ... is cancelled an hour later: its credit is reversed (a
  `reversal` entry with its lot use, the lot left with 0), as `reverse_sale_entries` does.
So for every account: balance == sum(entries) == sum(lots.remaining), debt 0, and
0 <= remaining <= amount (`check_ledger` clean). Anonymous sales (a share of all sales; 2% of
them cancelled) have positions and applied rules only. No coupons are loaded.

Row values are pseudo-random but deterministic (a hash of the row's key), so that a sale's
totals can be computed again from its positions' formulas instead of aggregating 15 M rows.
Sale, customer, account, entry and lot ids are assigned here (the identity sequences are set
past them afterwards); nothing else may write to the database meanwhile. Foreign-key
triggers are off during the load (session_replication_role = replica, as a restore does):
the ids are consistent by construction and check_ledger verifies the ledger afterwards.
"""

import math
import time

# the tables the load writes (VACUUM ANALYZE after it, row counts)
LOADED = (
    "customers_customer",
    "customers_enrolment",
    "loyalty_sale",
    "loyalty_saleposition",
    "loyalty_salerule",
    "customers_account",
    "customers_ledgerentry",
    "customers_lot",
    "customers_lotuse",
)


def _words(text: str) -> list[str]:
    return text.split()


# Transliterated Ukrainian names: the panel's name search looks for these.
FIRST_NAMES = _words(
    "Olena Oksana Iryna Natalia Tetiana Svitlana Yulia Kateryna Mariia Anna Viktoriia Olha "
    "Liudmyla Halyna Larysa Alina Daria Sofiia Khrystyna Valentyna Oleksandr Andrii Serhii "
    "Volodymyr Dmytro Mykola Ivan Vasyl Yurii Oleh Petro Viktor Maksym Bohdan Taras Roman "
    "Pavlo Mykhailo Ihor Artem"
)
LAST_NAMES = _words(
    "Melnyk Shevchenko Boiko Kovalenko Bondarenko Tkachenko Kovalchuk Kravchenko Oliinyk "
    "Shevchuk Koval Polishchuk Bondar Tkachuk Moroz Marchenko Lysenko Rudenko Savchenko "
    "Petrenko Klymenko Pavlenko Savchuk Kuzmenko Levchenko Kravchuk Kharchenko Karpenko "
    "Ponomarenko Vasylenko Shvets Honcharenko Tymoshenko Mazur Romanenko Ivanenko Kushnir "
    "Hrytsenko Kostenko Zinchenko Prykhodko Bilyk Didenko Fedorenko Yakovenko Kolomiiets "
    "Andriienko Yurchenko Danylenko Havryliuk Martyniuk Kuzyk Semeniuk Chornyi Sydorenko "
    "Pylypenko Khomenko Nesterenko Lytvynenko Mishchenko"
)
GOODS = 40  # SKU000..SKU039, category cat0..cat9 (n % 10): _load_program.GOODS
MAX_POSITIONS = 5


def _h(expr: str) -> str:
    """A non-negative pseudo-random integer from an integer SQL expression."""
    return f"(hashint8(({expr})::bigint)::bigint & 2147483647)"


def _position(key: str) -> dict[str, str]:
    """SQL expressions of one position's fields; `key` = sale id * 8 + index."""
    goods = f"({_h(f'{key} * 4')} %% {GOODS})"
    price = f"((6000 + {_h(f'{key} * 4 + 1')} %% 34001) / 100.0)"  # 60.00 .. 400.00
    quantity = f"(1 + {_h(f'{key} * 4 + 2')} %% 3)"
    amount = f"round({price} * {quantity}, 2)"
    discount = f"round({amount} * ({_h(f'{key} * 4 + 3')} %% 11) / 100.0, 2)"  # 0-10%
    return {
        "code": f"'SKU' || lpad({goods}::text, 3, '0')",
        "title": f"'Goods SKU' || lpad({goods}::text, 3, '0')",
        "category": f"'cat' || ({goods} %% 10)",
        "price": price,
        "quantity": quantity,
        "amount": amount,
        "discount": discount,
    }


def _credit(sale_id: str) -> str:
    """Points a sale credited: 5.00 .. 50.00 (an identified sale's amount to pay is at least
    54.00, so paying with the previous sale's points never exceeds it)."""
    return f"((500 + {_h(f'{sale_id} * 16 + 2')} %% 4501) / 100.0)::numeric(14, 2)"


def _coprime(n: int, start: int = 1_000_003) -> int:
    step = start
    while math.gcd(step, n) != 1:
        step += 2
    return step


class Loader:
    def __init__(self, cursor, *, log=print):
        self.cursor, self.log, self.timings = cursor, log, {}

    def sql(self, label: str, statement: str, params=None) -> int:
        started = time.perf_counter()
        self.cursor.execute(statement, params)
        spent = time.perf_counter() - started
        self.timings[label] = self.timings.get(label, 0.0) + spent
        rows = self.cursor.rowcount
        if label:
            self.log(f"    {label:<34} {spent:7.1f} s  {max(rows, 0):>12,} rows")
        return rows

    def one(self, statement: str, params=None):
        self.cursor.execute(statement, params)
        return self.cursor.fetchone()[0]


def load(
    cursor,
    *,
    business_id: int,
    program_id: int,
    point_of_sale_id: int,
    device_id: int | None,
    category_id: int | None,
    rules: list[tuple[int, str]],
    customers: int,
    sales: int,
    rich_phones: list[str],
    rules_per_sale: int = 20,
    anonymous_share: float = 0.2,
    days: int = 730,
    rich_sales: tuple[int, int] = (20, 50),
    log=print,
) -> dict:
    """Fill the business up to `customers` customers and add `sales` sales (see the module's
    docstring). Returns {"seconds": ..., "steps": {label: seconds}}."""
    db = Loader(cursor, log=log)
    started = time.perf_counter()
    db.sql("", "SET session_replication_role = replica")
    db.sql("", "SET work_mem = '256MB'")
    db.sql("", "SET maintenance_work_mem = '1GB'")

    base = {}
    for table in (
        "customers_customer",
        "loyalty_sale",
        "customers_account",
        "customers_ledgerentry",
        "customers_lot",
    ):
        base[table] = db.one(f"SELECT COALESCE(max(id), 0) FROM {table}")
    have = db.one("SELECT count(*) FROM customers_customer WHERE business_id = %s", [business_id])
    new_customers = max(customers - have, 0)
    if new_customers > 9_999_999:
        raise ValueError("phones +38067xxxxxxx run out at 10 M customers")
    base_c, base_s = base["customers_customer"], base["loyalty_sale"]
    p = {
        "biz": business_id,
        "program": program_id,
        "pos": point_of_sale_id,
        "device": device_id,
        "category": category_id,
        "base_c": base_c,
        "base_s": base_s,
        "base_a": base["customers_account"],
        "base_e": base["customers_ledgerentry"],
        "base_l": base["customers_lot"],
        "new": new_customers,
        "first": list(FIRST_NAMES),
        "last": list(LAST_NAMES),
        "rich": list(rich_phones),
        "rule_ids": [r[0] for r in rules],
        "rule_keys": [r[1] for r in rules],
        "days": days,
    }

    # --- customers and their enrolments ------------------------------------------------
    g = "g"
    db.sql(
        "customers",
        f"""
        INSERT INTO customers_customer (id, business_id, phone, card_code, name, email,
            language, birthday, notes, consent, channel, created_at)
        SELECT %(base_c)s + g, %(biz)s,
            '+38067' || lpad(g::text, 7, '0'),
            'H' || translate(lpad(g::text, 11, '0'), '0123456789', 'ACDEFGHJKM'),
            (%(first)s::text[])[1 + {_h(f"{g} * 2")} %% cardinality(%(first)s::text[])]
              || ' ' ||
            (%(last)s::text[])[1 + {_h(f"{g} * 2 + 1")} %% cardinality(%(last)s::text[])],
            CASE WHEN g %% 3 = 0 THEN 'customer' || g || '@example.com' ELSE '' END,
            '',
            CASE WHEN g %% 4 = 0 THEN DATE '1960-01-01' + ({_h(f"{g} * 2 + 7")} %% 16000)::int
            END,
            '', g %% 2 = 0, 'sms',
            now() - make_interval(secs => (%(days)s * 86400
                + {_h(f"{g} * 2 + 9")} %% (365 * 86400))::float8)
        FROM generate_series(1, %(new)s) g
        """,
        p,
    )
    db.sql(
        "enrolments",
        """
        INSERT INTO customers_enrolment (business_id, customer_id, program_id, category_id,
            created_at)
        SELECT c.business_id, c.id, %(program)s, %(category)s, c.created_at
        FROM customers_customer c WHERE c.id > %(base_c)s AND c.business_id = %(biz)s
        ORDER BY c.id
        """,
        p,
    )

    # --- the plan: how many sales each customer made ------------------------------------
    identified = round(sales * (1 - anonymous_share))
    db.sql("", "DROP TABLE IF EXISTS _hist_plan, _hist_sale, _hist_account")
    db.sql("", "CREATE UNLOGGED TABLE _hist_plan (customer_id bigint PRIMARY KEY, n int)")
    low, high = rich_sales
    rich_total = db.sql(
        "plan: rich customers",
        f"""
        INSERT INTO _hist_plan
        SELECT id, {low} + {_h("id * 16 + 5")} %% {high - low + 1}
        FROM customers_customer WHERE business_id = %(biz)s AND phone = ANY(%(rich)s)
        """,
        p,
    )
    rich_sum = db.one("SELECT COALESCE(sum(n), 0) FROM _hist_plan")
    rest = max(identified - rich_sum, 0)
    # Sale counts from 0 to ~2x the mean, spread by a permutation of the new customers:
    # customer at rank r (1..new) gets floor(rest*(r/new)^2) - floor(rest*((r-1)/new)^2),
    # which adds up to exactly `rest`.
    if new_customers:
        p.update(rest=rest, step=_coprime(new_customers))
        db.sql(
            "plan: new customers",
            """
            INSERT INTO _hist_plan
            SELECT %(base_c)s + g, n FROM (
                SELECT g, r, floor(%(rest)s::numeric * r * r / (%(new)s::numeric * %(new)s))
                    - floor(%(rest)s::numeric * (r - 1) * (r - 1)
                            / (%(new)s::numeric * %(new)s)) AS n
                FROM (SELECT g, (g::bigint * %(step)s) %% %(new)s + 1 AS r
                      FROM generate_series(1, %(new)s) g) ranks
            ) counts WHERE n > 0
            """,
            p,
        )
    anonymous = max(sales - rich_sum - (rest if new_customers else 0), 0)
    p["anonymous"] = anonymous

    # --- the sales: ids in time order, so a customer's rows are spread over the tables ---
    db.sql(
        "plan: sales (sorted by time)",
        f"""
        CREATE UNLOGGED TABLE _hist_sale AS
        WITH planned AS (
            SELECT pl.customer_id, k, pl.n,
                now() - make_interval(secs => %(days)s * 86400.0 * (pl.n - k + 0.05
                    + 0.9 * {_h("pl.customer_id * 64 + k")} / 2147483648.0) / pl.n) AS t
            FROM _hist_plan pl CROSS JOIN LATERAL generate_series(1, pl.n) k
            UNION ALL
            SELECT NULL, a, 0,
                now() - make_interval(secs => %(days)s * 86400.0
                    * ({_h("-a")} / 2147483648.0))
            FROM generate_series(1, %(anonymous)s) a
        ), numbered AS (
            SELECT %(base_s)s + row_number() OVER (ORDER BY t) AS id, customer_id, k, n, t
            FROM planned
        )
        SELECT id, customer_id, k, n, t,
            1 + {_h("id * 16")} %% {MAX_POSITIONS} AS npos,
            CASE WHEN customer_id IS NULL THEN {_h("id * 16 + 1")} %% 50 = 0
                 ELSE k %% 20 = 6 END AS cancelled,
            {_credit("id")} AS credit,
            CASE WHEN customer_id IS NOT NULL AND k %% 4 = 0
                 THEN {_credit("lag(id) OVER (PARTITION BY customer_id ORDER BY k)")}
                 ELSE 0 END AS paid,
            lag(id) OVER (PARTITION BY customer_id ORDER BY k) AS prev_id
        FROM numbered
        """,
        p,
    )
    db.sql("", "ALTER TABLE _hist_sale ADD PRIMARY KEY (id)")
    db.sql("", "ANALYZE _hist_sale")

    # --- positions, sales, applied rules -------------------------------------------------
    pos = _position("s.id * 8 + i")
    db.sql(
        "sale positions",
        f"""
        INSERT INTO loyalty_saleposition (business_id, sale_id, index, code, title, category,
            price, quantity, amount, discount, amount_to_pay)
        SELECT %(biz)s, s.id, i, {pos["code"]}, {pos["title"]}, {pos["category"]},
            {pos["price"]}, {pos["quantity"]}, {pos["amount"]}, {pos["discount"]},
            {pos["amount"]} - {pos["discount"]}
        FROM _hist_sale s CROSS JOIN LATERAL generate_series(0, s.npos - 1) i
        ORDER BY s.id, i
        """,
        p,
    )
    db.sql(
        "sales",
        f"""
        INSERT INTO loyalty_sale (id, business_id, program_id, point_of_sale_id, device_id,
            staff_id, customer_id, external_id, time, status, amount, discount, amount_to_pay,
            points_paid, money_to_pay, answer, created_at, cancelled_at)
        SELECT s.id, %(biz)s, %(program)s, %(pos)s, %(device)s, NULL, s.customer_id, '', s.t,
            CASE WHEN s.cancelled THEN 'cancelled' ELSE 'completed' END,
            tot.amount, tot.discount, tot.amount - tot.discount, s.paid,
            tot.amount - tot.discount - s.paid,
            jsonb_build_object('sale', jsonb_build_object('id', s.id, 'external_id', ''),
                'amount', tot.amount::text, 'discount', tot.discount::text,
                'amount_to_pay', (tot.amount - tot.discount)::text,
                'points_paid', s.paid::text,
                'money_to_pay', (tot.amount - tot.discount - s.paid)::text,
                'positions', s.npos, 'loaded_history', true)::text,
            s.t, CASE WHEN s.cancelled THEN s.t + interval '1 hour' END
        FROM _hist_sale s CROSS JOIN LATERAL (
            SELECT sum({pos["amount"]}) AS amount, sum({pos["discount"]}) AS discount
            FROM generate_series(0, s.npos - 1) i
        ) tot
        ORDER BY s.id
        """,
        p,
    )
    if rules and rules_per_sale:
        n_rules = len(rules)
        step = _coprime(n_rules, 7)
        db.sql(
            "applied rules",
            f"""
            INSERT INTO loyalty_salerule (business_id, sale_id, rule_id, rule_key, "order",
                discount, credit, coupons, coupon_code)
            SELECT %(biz)s, s.id, (%(rule_ids)s::bigint[])[1 + r], (%(rule_keys)s::text[])[1 + r],
                j,
                CASE WHEN j %% 2 = 0 THEN ({_h("s.id * 64 + j")} %% 2000) / 100.0 ELSE 0 END,
                CASE WHEN j %% 2 = 1 THEN ({_h("s.id * 64 + j")} %% 2000) / 100.0 ELSE 0 END,
                0, ''
            FROM _hist_sale s
            CROSS JOIN LATERAL generate_series(0, {min(rules_per_sale, n_rules) - 1}) j
            CROSS JOIN LATERAL (
                SELECT ({_h("s.id * 16 + 3")} + j * {step}) %% {n_rules} AS r
            ) pick
            ORDER BY s.id, j
            """,
            p,
        )

    # --- the ledger ------------------------------------------------------------------------
    # Each identified sale has slots for three entries (debit, credit, reversal), one lot
    # (its credit) and two lot uses, numbered from its offset (id - base_s).
    db.sql(
        "accounts (new)",
        """
        INSERT INTO customers_account (id, business_id, customer_id, program_id, key,
            balance, debt)
        SELECT %(base_a)s + row_number() OVER (ORDER BY t.customer_id), %(biz)s,
            t.customer_id, %(program)s, 'bonus', t.total, 0
        FROM (
            SELECT customer_id,
                sum(CASE WHEN cancelled THEN 0 ELSE credit END - paid) AS total
            FROM _hist_sale WHERE customer_id IS NOT NULL GROUP BY customer_id
        ) t
        WHERE NOT EXISTS (
            SELECT 1 FROM customers_account a WHERE a.customer_id = t.customer_id
                AND a.program_id = %(program)s AND a.key = 'bonus'
        )
        ORDER BY t.customer_id
        """,
        p,
    )
    db.sql(
        "accounts (existing)",
        """
        UPDATE customers_account a SET balance = a.balance + t.total
        FROM (
            SELECT customer_id,
                sum(CASE WHEN cancelled THEN 0 ELSE credit END - paid) AS total
            FROM _hist_sale WHERE customer_id IS NOT NULL GROUP BY customer_id
        ) t
        WHERE a.customer_id = t.customer_id AND a.program_id = %(program)s
            AND a.key = 'bonus' AND a.id <= %(base_a)s
        """,
        p,
    )
    db.sql(
        "",
        """
        CREATE UNLOGGED TABLE _hist_account AS
        SELECT customer_id, id AS account_id FROM customers_account
        WHERE program_id = %(program)s AND key = 'bonus'
            AND customer_id IN (SELECT customer_id FROM _hist_plan)
        """,
        p,
    )
    db.sql("", "ALTER TABLE _hist_account ADD PRIMARY KEY (customer_id)")
    off = "(s.id - %(base_s)s)"
    db.sql(
        "ledger entries",
        f"""
        INSERT INTO customers_ledgerentry (id, business_id, account_id, amount, kind, sale_id,
            coupon_id, staff_id, reverses_id, reason, activates_at, expires_at, created_at)
        SELECT * FROM (
            SELECT %(base_e)s + 3 * {off} - 2, %(biz)s, a.account_id, -s.paid, 'debit', s.id,
                NULL::bigint, NULL::int, NULL::bigint, '', NULL::timestamptz,
                NULL::timestamptz, s.t
            FROM _hist_sale s JOIN _hist_account a USING (customer_id) WHERE s.paid > 0
            UNION ALL
            SELECT %(base_e)s + 3 * {off} - 1, %(biz)s, a.account_id, s.credit, 'credit', s.id,
                NULL, NULL, NULL, 'sale #' || s.id, NULL, NULL, s.t
            FROM _hist_sale s JOIN _hist_account a USING (customer_id)
            UNION ALL
            SELECT %(base_e)s + 3 * {off}, %(biz)s, a.account_id, -s.credit, 'reversal', s.id,
                NULL, NULL, %(base_e)s + 3 * {off} - 1, '', NULL, NULL,
                s.t + interval '1 hour'
            FROM _hist_sale s JOIN _hist_account a USING (customer_id) WHERE s.cancelled
        ) entries ORDER BY 1
        """,
        p,
    )
    db.sql(
        "lots",
        f"""
        INSERT INTO customers_lot (id, business_id, account_id, entry_id, amount, remaining,
            activates_at, expires_at)
        SELECT %(base_l)s + {off}, %(biz)s, a.account_id, %(base_e)s + 3 * {off} - 1,
            s.credit,
            CASE WHEN s.cancelled OR (s.k %% 4 = 3 AND s.k < s.n) THEN 0 ELSE s.credit END,
            NULL, NULL
        FROM _hist_sale s JOIN _hist_account a USING (customer_id)
        ORDER BY s.id
        """,
        p,
    )
    db.sql(
        "lot uses",
        f"""
        INSERT INTO customers_lotuse (business_id, entry_id, lot_id, amount)
        SELECT * FROM (
            SELECT %(biz)s, %(base_e)s + 3 * {off} - 2 AS entry_id,
                %(base_l)s + (s.prev_id - %(base_s)s), s.paid
            FROM _hist_sale s WHERE s.paid > 0
            UNION ALL
            SELECT %(biz)s, %(base_e)s + 3 * {off}, %(base_l)s + {off}, s.credit
            FROM _hist_sale s WHERE s.cancelled AND s.customer_id IS NOT NULL
        ) uses ORDER BY entry_id
        """,
        p,
    )

    # --- identity sequences past the ids given here; clean up ------------------------------
    for table in (
        "customers_customer",
        "loyalty_sale",
        "customers_account",
        "customers_ledgerentry",
        "customers_lot",
    ):
        db.sql(
            "",
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT max(id) FROM {table}))",
        )
    db.sql("", "DROP TABLE _hist_plan, _hist_sale, _hist_account")
    db.sql("", "SET session_replication_role = DEFAULT")
    load_seconds = time.perf_counter() - started
    vacuum_started = time.perf_counter()
    for table in LOADED:
        db.sql(f"VACUUM ANALYZE {table}", f"VACUUM ANALYZE {table}")
    return {
        "load_seconds": load_seconds,
        "vacuum_seconds": time.perf_counter() - vacuum_started,
        "new_customers": new_customers,
        "rich_customers": rich_total,
        "rich_sales": rich_sum,
        "identified_sales": rich_sum + (rest if new_customers else 0),
        "anonymous_sales": anonymous,
    }


COUNTED = (*LOADED, "coupons_coupon")


def table_counts(cursor) -> dict[str, tuple[int, int]]:
    """{table: (rows, bytes with indexes and TOAST)}."""
    counts = {}
    for table in COUNTED:
        cursor.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}")
        counts[table] = cursor.fetchone()
    return counts
