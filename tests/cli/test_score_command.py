"""`portcullis train`, `score` and `replay` as a user runs them, in their own processes."""

from tests.builders import first_kcs_rows


def split_kcs(tmp_path, rows: int, first: int):
    """The first ``rows`` rows of the bundled KCS 2020 file as two files: the first
    ``first`` rows, and the rest."""
    lines = first_kcs_rows(rows).splitlines(keepends=True)
    history = tmp_path / "history.csv"
    history.write_text("".join(lines[: first + 1]), encoding="utf-8")
    later = tmp_path / "later.csv"
    later.write_text(lines[0] + "".join(lines[first + 1 :]), encoding="utf-8")
    return history, later, lines


def test_train_score_and_replay(fresh_portcullis, tmp_path):
    portcullis = fresh_portcullis
    history, later, lines = split_kcs(tmp_path, 2600, 2400)

    untrained = portcullis("score", str(later), "--format", "kcs")
    assert untrained.code == 0, untrained.text
    assert "(none: every decision held)" in untrained.out
    assert "Channels: GREEN 0 (0.0%), BLUE 0 (0.0%), YELLOW 200 (100.0%)" in untrained.out
    assert "Held because a signal failed (200): no model is active" in untrained.out

    assert portcullis("import", str(history), "--format", "kcs").code == 0
    trained = portcullis("train", "--activate")
    assert trained.code == 0, trained.text
    assert "2,600 inspected items" in trained.out  # the outcomes scored files carried too
    assert "Active. Policy p-" in trained.out

    again = portcullis("score", str(later), "--format", "kcs")
    assert "Every declaration of the file already has a decision." in again.out

    declaration_id = lines[2401].split(",")[0]
    replayed = portcullis("replay", declaration_id)
    assert replayed.code == 0, replayed.text
    assert "Same decision." in replayed.out

    missing = portcullis("replay", "NO-SUCH-ID")
    assert missing.code == 1
    assert "no decision on a declaration 'NO-SUCH-ID'" in missing.err


def test_score_reports_how_each_channel_did_where_outcomes_are_known(fresh_portcullis, tmp_path):
    portcullis = fresh_portcullis
    history, later, _ = split_kcs(tmp_path, 3000, 2600)
    assert portcullis("import", str(history), "--format", "kcs").code == 0
    assert portcullis("train", "--activate").code == 0
    scored = portcullis("score", str(later), "--format", "kcs")
    assert scored.code == 0, scored.text
    assert "Assessed 400 declarations with model m-" in scored.out
    assert "Where the outcome is known:" in scored.out
    assert "  all " in scored.out
