"""A whole school year: everything done passes every rule once the period is over; nothing done is pending
while the year runs (regulation.md, Verdicts and clarification 2)."""

from .conftest import member
from .world import MEMBERS, STUDIO, good_cycle_rules, good_year, studio_world

YEAR = "2022-2023"


def test_a_studio_that_did_everything_passes_every_instance_after_the_year(load, assess):
    load(good_cycle_rules(good_year(studio_world(), YEAR)))
    result = assess(STUDIO, YEAR, as_of="2023-09-30")
    for item in result["team"]["rules"]:
        if item["period"] != "cycle":
            assert item["status"] == "met", item
    assert result["team"]["verdict"] == "pass"
    assert result["team"]["compliance_rate"] == 1
    for teacher in MEMBERS:
        block = member(result, teacher)
        bad = [item for item in block["rules"] if item["period"] != "cycle" and item["status"] != "met"]
        assert bad == []
        assert block["verdict"] == "pass"
        assert block["compliance_rate"] == 1
    print(result)
