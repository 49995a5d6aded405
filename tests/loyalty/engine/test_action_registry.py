"""The engine's action registry is the one list of actions: the Rule model's choices, the
action sets and the rule checks are derived from it, and the migrations hold its choices."""

import pytest
from django.core.management import call_command

from loyalty import engine
from loyalty.engine.actions import CREDIT, DISCOUNT, ISSUE, REGISTRY
from loyalty.models import Rule


def test_every_registry_action_is_a_model_choice_and_every_choice_an_action():
    assert [(a.name, a.label) for a in REGISTRY] == [
        (value, str(label)) for value, label in Rule.Action.choices
    ]
    assert len(REGISTRY) == 13  # rules.md 11, promotions.md 2


def test_the_action_sets_come_from_the_registry():
    kinds = {DISCOUNT: set(), CREDIT: set(), ISSUE: set()}
    for action in REGISTRY:
        kinds[action.kind].add(action.name)
    assert Rule.CREDIT_ACTIONS == engine.CREDIT_ACTIONS == kinds[CREDIT]
    assert Rule.ISSUE_ACTIONS == engine.ISSUE_ACTIONS == kinds[ISSUE]
    assert kinds[DISCOUNT] == engine.DISCOUNT_ACTIONS
    assert {a.name for a in REGISTRY if a.on_goods} == Rule.GOODS_ACTIONS
    assert {a.name for a in REGISTRY if a.percent} == Rule.PERCENT_ACTIONS


def test_every_action_has_its_function():
    for action in REGISTRY:
        assert engine.actions.apply_function(action.name) is action.apply


@pytest.mark.django_db
def test_the_migrations_hold_the_registry_choices():
    call_command("makemigrations", "loyalty", check=True, dry_run=True, verbosity=0)
