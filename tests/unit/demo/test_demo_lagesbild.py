"""demo.lagesbild: a plan's measure is tied to its own intervention, never to another place's."""

from __future__ import annotations

from trygghet.demo.lagesbild import linked_intervention


def test_a_measure_is_linked_by_its_place_and_kind_of_work() -> None:
    candidates = [("INS-1", "Kameraövervakning vid Norrby torg"), ("INS-2", "Riktade narkotikakontroller vid Hamnplan")]
    assert linked_intervention("Riktade kontroller och kameror vid Hamnplan", candidates) == "INS-2"
    assert linked_intervention("Huskurage i bostadsbolagets hus", candidates) is None
    assert linked_intervention("Riktade kontroller och kameror vid Hamnplan", []) is None
