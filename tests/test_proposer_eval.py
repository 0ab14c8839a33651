"""The proposer's scores on the annotated articles stay at or above what it
reached when this test was written (README, "Claim proposer"), minus a small
margin; and it keeps its speed target."""

from tests import proposer_eval

MARGIN = 0.03
# Reached on 2026-11-25: (figures precision, figures recall,
# attributions precision, attributions recall).
REACHED = {
    "all": (0.963, 0.896, 0.912, 0.881),
    "held out": (0.882, 0.789, 0.875, 0.778),
}


def test_scores_do_not_fall_and_speed_holds():
    tallies, speed = proposer_eval.evaluate()
    tallies["all"] = proposer_eval.combined(tallies, ["seed", "tuned", "held out"])
    for name, (fp, fr, ap, ar) in REACHED.items():
        figures, attributions = tallies[name]
        assert figures.precision >= fp - MARGIN, name
        assert figures.recall >= fr - MARGIN, name
        assert attributions.precision >= ap - MARGIN, name
        assert attributions.recall >= ar - MARGIN, name
    assert speed >= 20
