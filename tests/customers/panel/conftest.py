"""The panel's logged-in clients, as in tests/loyalty/panel."""

from tests.loyalty.panel.conftest import (  # noqa: F401
    business,
    cashier,
    cashier_client,
    manager,
    manager_client,
    owner,
    owner_client,
    pos,
    program,
)
