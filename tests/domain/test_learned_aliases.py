from domain.learned_aliases import Learned, learned_sku


def test_own_choice_beats_everyone_elses() -> None:
    votes = [Learned(r, "coke", "A") for r in (1, 2, 3)] + [Learned(9, "coke", "B")]
    assert learned_sku(votes, 9, "coke") == "B"
    assert learned_sku(votes, 5, "coke") == "A"
    assert learned_sku(votes, 5, "coke", agree=4) is None
    assert learned_sku(votes, 5, "pepsi") is None


def test_a_tie_between_agreed_skus_means_nothing() -> None:
    votes = [Learned(r, "tel", "A") for r in (1, 2)] + [Learned(r, "tel", "B") for r in (3, 4)]
    assert learned_sku(votes, 7, "tel", agree=2) is None
