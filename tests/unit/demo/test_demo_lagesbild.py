"""demo.lagesbild: a plan's measure is tied to its own intervention, never to another place's."""

from __future__ import annotations

from trygghet.demo.lagesbild import linked_intervention


def test_a_measure_is_linked_by_its_place_and_kind_of_work() -> None:
    candidates = [("INS-1", "Kameraövervakning vid Norrby torg"), ("INS-2", "Riktade narkotikakontroller vid Hamnplan")]
    assert linked_intervention("Riktade kontroller och kameror vid Hamnplan", candidates) == "INS-2"
    assert linked_intervention("Huskurage i bostadsbolagets hus", candidates) is None
    assert linked_intervention("Riktade kontroller och kameror vid Hamnplan", []) is None


def test_a_measure_at_a_named_place_is_not_linked_to_another_place() -> None:
    elsewhere = [("INS-3", "Riktade narkotikakontroller vid Strandvikens kiosk"),
                 ("INS-4", "Sommarlovsaktiviteter för unga i Björkdalen")]
    assert linked_intervention("Riktade kontroller och kameror vid Hamnplan", elsewhere) is None
    assert linked_intervention("SSPF för unga med hög frånvaro", elsewhere) is None
