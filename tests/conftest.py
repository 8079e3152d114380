"""Test-wide set-up. This runs before Django reads its settings: every test run gets its own
data directory, so tests never touch ./var (or a developer's secret key)."""

import os
import tempfile

os.environ["PORTCULLIS_DATA_DIR"] = tempfile.mkdtemp(prefix="portcullis-test-")
