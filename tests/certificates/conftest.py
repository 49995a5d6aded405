from tests.coupons.conftest import (  # noqa: F401  one set of fixtures for both apps
    business,
    customer,
    friend,
    make_customer,
    pos,
    program,
    series,
)
