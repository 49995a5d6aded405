"""Panel part 2 tests: reuse the panel fixtures (business, owner, clients)."""

from tests.loyalty.panel.conftest import (  # noqa: F401 - fixtures
    PASSWORD,
    business,
    cashier,
    cashier_client,
    logged_in,
    manager,
    manager_client,
    member,
    owner,
    owner_client,
    pos,
    program,
)
