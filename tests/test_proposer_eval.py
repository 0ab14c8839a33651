"""The proposer's scores on the annotated articles stay at or above what it
reached when this test was written (README, "Claim proposer"), minus a small
margin; and it keeps its speed target."""

import pytest

from tests import proposer_eval

MARGIN = 0.03
# Reached on 2026-11-25 by proposer-0.3: (figures precision, figures recall,
# attributions precision, attributions recall). The five articles held out
# until proposer-0.2 were studied for 0.3 and are among the tuned ones now.
REACHED = {
    "all": (0.991, 0.974, 0.982, 0.949),
    "tuned": (0.990, 0.981, 1.0, 0.944),
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


def test_the_unseen_batch_is_checked_by_its_digest(tmp_path):
    # Its texts are not stored: a text that is not the annotated excerpt is
    # refused, not scored.
    (tmp_path / "a_en_cbs_kashmir_quake.txt").write_text("Not the excerpt.", encoding="utf-8")
    entries = proposer_eval.yaml.safe_load(
        (proposer_eval.DATA / "unseen_not_stored.yaml").read_text(encoding="utf-8")
    )
    assert len(entries) >= 5 and {e["language"] for e in entries} == {"en", "es"}
    single = tmp_path / "one.yaml"
    single.write_text(proposer_eval.yaml.safe_dump(entries[:1]), encoding="utf-8")
    with pytest.raises(SystemExit, match="SHA-256"):
        proposer_eval.load_unseen(tmp_path, single)
