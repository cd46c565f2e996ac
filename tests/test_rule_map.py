"""The rule map: every rule the checker knows says where each built-in strategy keeps it."""

import inspect

import pytest

from allocate.check import RULES
from allocate.strategies.base import Enforcement
from allocate.strategies.cpsat import constraints, limits, resources, weeks
from allocate.strategies.cpsat.rules import RULE_MAP as CPSAT
from allocate.strategies.greedy import RULE_MAP as GREEDY
from allocate.strategies.lns.rules import RULE_MAP as LNS

MAPS = {"greedy": GREEDY, "cpsat": CPSAT, "lns": LNS}


@pytest.mark.parametrize("name", MAPS)
def test_every_checker_rule_says_where_the_strategy_keeps_it(name):
    """One entry per rule of `check.RULES`, in its order (a rule added to the checker fails
    here until each strategy says how it keeps it), each naming real code and saying how."""
    rule_map = MAPS[name]
    assert list(rule_map) == list(RULES)
    for rule, kept in rule_map.items():
        assert isinstance(kept, Enforcement), rule
        assert callable(kept.where) and inspect.getsourcefile(kept.where), rule
        assert len(kept.how.split()) >= 4, rule


def test_cpsat_statements_carry_the_names_of_the_rules_they_state():
    """A rule with a CP-SAT statement of its own is stated by a function of the rule's name,
    and the map points at it, so that the model, the checker and the tests speak alike."""
    for module in (constraints, resources, limits, weeks):
        for rule in RULES:
            if (function := getattr(module, rule, None)) is not None:
                assert CPSAT[rule].where is function, rule
    named = {rule for rule, kept in CPSAT.items() if kept.where.__name__ == rule}
    assert named == {
        "placed",
        "people",
        "working_time",
        "one_at_a_time",
        "capacity",
        "dependency",
        "max_hours_per_week",
        "max_projects",
    }
