"""Test-wide set-up. This runs before Django reads its settings: every test run gets its own
data directory, so tests never touch ./var (or a developer's secret key)."""

import os
import tempfile

os.environ["PORTCULLIS_DATA_DIR"] = tempfile.mkdtemp(prefix="portcullis-test-")
# Tests share that directory while their databases come and go (and some change rows behind
# the services' back): the columnar history copy is tested on its own, in its own directory
# (tests/web/test_history_copy.py), and off everywhere else.
os.environ["PORTCULLIS_HISTORY_COPY"] = "0"
# A fixed secret behind random selections: with a new one each run (as the fresh data directory
# would make), a test's declaration lands in the random compliance sample in about one run in
# fifty, and a test that needs it released fails for no fault of the code.
os.environ["PORTCULLIS_SELECTION_SEED"] = "tests: one seed, so random selections repeat"
