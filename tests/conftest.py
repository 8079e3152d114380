"""Test-wide set-up. This runs before Django reads its settings: every test run gets its own
data directory, so tests never touch ./var (or a developer's secret key)."""

import os
import tempfile

os.environ["PORTCULLIS_DATA_DIR"] = tempfile.mkdtemp(prefix="portcullis-test-")
# Tests share that directory while their databases come and go (and some change rows behind
# the services' back): the columnar history copy is tested on its own, in its own directory
# (tests/web/test_history_copy.py), and off everywhere else.
os.environ["PORTCULLIS_HISTORY_COPY"] = "0"
