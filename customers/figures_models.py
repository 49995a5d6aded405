"""Each customer's visits, money spent and last visit, kept by PostgreSQL (issue 21).

The customer list sorts every customer by these; summing a million sales per page view
took seconds (docs/benchmarks.md, reports). A trigger on loyalty_sale (migration
customers 0015) adds a completed sale's figures and takes them back when it is cancelled,
in the same transaction as the sale's own write, so the row can never disagree with the
sales: visits = completed sales, spend = their money_to_pay, last_visit = the latest one.
Rows bulk-loaded with triggers off are counted again by `REFRESH_SQL`.
"""

from django.db import models

from loyalty.models.base import TenantModel


class CustomerFigures(TenantModel):
    customer = models.OneToOneField(
        "customers.Customer", primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    visits = models.IntegerField(default=0)
    spend = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    last_visit = models.DateTimeField(null=True, blank=True)
    # the first completed sale: "returning customer" is one whose first visit is before
    # the period (loyalty.selectors.kpis), a join instead of a probe per buyer
    first_visit = models.DateTimeField(null=True, blank=True)


# Counts every customer's figures again from the sales (after a load with triggers off).
REFRESH_SQL = """
    INSERT INTO customers_customerfigures (customer_id, business_id, visits, spend, last_visit,
        first_visit)
    SELECT customer_id, business_id, count(*), sum(money_to_pay), max(time), min(time)
    FROM loyalty_sale WHERE status = 'completed' AND customer_id IS NOT NULL
    GROUP BY customer_id, business_id
    ON CONFLICT (customer_id) DO UPDATE SET visits = EXCLUDED.visits,
        spend = EXCLUDED.spend, last_visit = EXCLUDED.last_visit,
        first_visit = EXCLUDED.first_visit
"""

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION perkline_customer_figures() RETURNS trigger AS $$
BEGIN
    -- take back what the old row counted
    IF TG_OP = 'UPDATE' AND OLD.status = 'completed' AND OLD.customer_id IS NOT NULL THEN
        UPDATE customers_customerfigures SET visits = visits - 1,
            spend = spend - OLD.money_to_pay,
            last_visit = (SELECT max(s.time) FROM loyalty_sale s
                WHERE s.customer_id = OLD.customer_id AND s.status = 'completed'
                    AND s.id <> OLD.id),
            first_visit = (SELECT min(s.time) FROM loyalty_sale s
                WHERE s.customer_id = OLD.customer_id AND s.status = 'completed'
                    AND s.id <> OLD.id)
        WHERE customer_id = OLD.customer_id;
    END IF;
    -- add what the new row counts
    IF NEW.status = 'completed' AND NEW.customer_id IS NOT NULL THEN
        INSERT INTO customers_customerfigures (customer_id, business_id, visits, spend,
            last_visit, first_visit)
        VALUES (NEW.customer_id, NEW.business_id, 1, NEW.money_to_pay, NEW.time, NEW.time)
        ON CONFLICT (customer_id) DO UPDATE SET visits = customers_customerfigures.visits + 1,
            spend = customers_customerfigures.spend + EXCLUDED.spend,
            last_visit = GREATEST(customers_customerfigures.last_visit, EXCLUDED.last_visit),
            first_visit = LEAST(customers_customerfigures.first_visit, EXCLUDED.first_visit);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER customer_figures_insert AFTER INSERT ON loyalty_sale
    FOR EACH ROW WHEN (NEW.status = 'completed' AND NEW.customer_id IS NOT NULL)
    EXECUTE FUNCTION perkline_customer_figures();
CREATE TRIGGER customer_figures_update AFTER UPDATE ON loyalty_sale
    FOR EACH ROW WHEN (
        (OLD.status, OLD.customer_id, OLD.money_to_pay, OLD.time)
        IS DISTINCT FROM (NEW.status, NEW.customer_id, NEW.money_to_pay, NEW.time)
        AND (OLD.status = 'completed' OR NEW.status = 'completed'))
    EXECUTE FUNCTION perkline_customer_figures();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS customer_figures_insert ON loyalty_sale;
DROP TRIGGER IF EXISTS customer_figures_update ON loyalty_sale;
DROP FUNCTION IF EXISTS perkline_customer_figures();
"""
