"""promotions.md's tiers in the program document: round trip and bad input by path."""

import copy

import pytest

from loyalty.models import Business, Tier, TierPolicy
from loyalty.program_io import ProgramImportError, export_program, import_program

from .conftest import load_demo, nothing_in

pytestmark = pytest.mark.django_db

TIERS = {
    "measure": "spend",
    "period": "last_365_days",
    "levels": [
        {"category": "regular", "from": "1000.00"},
        {"category": "vip", "from": "5000.00", "keep_days": 30},
    ],
}


def with_tiers(tiers=TIERS) -> dict:
    doc = load_demo()
    doc["tiers"] = copy.deepcopy(tiers)
    return doc


def test_tiers_import_and_export_round_trip(business):
    result = import_program(with_tiers(), business=business)
    policy = TierPolicy.objects.get(program=result.program)
    assert (policy.measure, policy.period) == ("spend", "last_365_days")
    levels = [(t.category.key, str(t.threshold), t.keep_days) for t in policy.tiers.all()]
    assert levels == [("regular", "1000.00", None), ("vip", "5000.00", 30)]
    exported = export_program(result.program)
    assert exported["tiers"] == TIERS
    fresh = Business.objects.create(name="Fresh", slug="fresh")
    copied = import_program(copy.deepcopy(exported), business=fresh).program
    assert export_program(copied) == exported
    assert not import_program(copy.deepcopy(exported), business=business).changed
    changed = copy.deepcopy(TIERS)
    changed["levels"][1]["from"] = "6000.00"
    assert import_program(with_tiers(changed), business=business).changed
    assert Tier.objects.get(category__key="vip", policy=policy).threshold == 6000


BAD = [
    ("thresholds do not rise", {"levels": [{"category": "regular", "from": "5000.00"},
                                           {"category": "vip", "from": "1000.00"}]},
     "tiers.levels[1].from"),
    ("equal thresholds", {"levels": [{"category": "regular", "from": "1000.00"},
                                     {"category": "vip", "from": "1000.00"}]},
     "tiers.levels[1].from"),
    ("unknown measure", {"measure": "points"}, "tiers.measure"),
    ("unknown period", {"period": "month"}, "tiers.period"),
    ("no levels", {"levels": []}, "tiers.levels"),
    ("unknown category", {"levels": [{"category": "gold", "from": "1.00"}]},
     "tiers.levels[0].category"),
    ("keep_days 0", {"levels": [{"category": "vip", "from": "1.00", "keep_days": 0}]},
     "tiers.levels[0].keep_days"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "path"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_tiers_are_refused_by_path(business, changes, path):
    with pytest.raises(ProgramImportError) as caught:
        import_program(with_tiers({**TIERS, **changes}), business=business)
    assert path in [p for p, _ in caught.value.errors], caught.value.errors
    assert nothing_in(business)
    assert not TierPolicy.objects.exists()
