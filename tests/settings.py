"""The settings of a test run: Portcullis's own, read once the environment a test run needs
is set. pytest-django imports this module before any conftest, so this is the place: set in
a conftest, the data directory came too late and every test wrote into ./var.

Each test process (each xdist worker) gets a data directory of its own, so tests never touch
./var (or a developer's secret key) and workers never share the columnar history copy."""

import os
import tempfile

# Each xdist worker is one process per core already: LightGBM's OpenMP threads and Polars'
# pool, each as wide as the machine, made four busy threads fight over two cores, and
# OpenMP's spinning waiters made that cost a third of the suite's time. One thread each.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("POLARS_MAX_THREADS", "1")

# Set once per test process: a `portcullis` command a test runs inherits this environment,
# and is given its own data directory by the test where it needs one. By process id: an
# xdist worker may read this module before xdist names it, and workers that took the
# controller's directory raced each other writing HS 2017 into it (tests/conftest.py).
_PROCESS = str(os.getpid())
if os.environ.get("PORTCULLIS_TEST_PROCESS") != _PROCESS:
    os.environ["PORTCULLIS_TEST_PROCESS"] = _PROCESS
    os.environ["PORTCULLIS_DATA_DIR"] = tempfile.mkdtemp(prefix="portcullis-test-")
    # HS 2017 (the KCS data's edition) is reference data an administration loads; the tests
    # load it from ../shared as `portcullis load_reference` would (tests/conftest.py).
    os.environ["PORTCULLIS_NOMENCLATURE_DIR"] = os.path.join(
        os.environ["PORTCULLIS_DATA_DIR"], "nomenclature"
    )
# Tests share the data directory while their databases come and go (and some change rows
# behind the services' back): the columnar history copy is tested on its own, in its own
# directory (tests/web/test_history_copy.py, and where a test turns it on), and off elsewhere.
os.environ["PORTCULLIS_HISTORY_COPY"] = "0"
# New outcomes are folded in by a background thread after this many seconds (1 when served):
# a thread outliving its test would write into the next test's database, so a test that
# wants it sets it (tests/web/test_live_engine.py), and tests apply outcomes as before.
os.environ.setdefault("PORTCULLIS_HISTORY_REFRESH_SECONDS", "60")
# A fixed secret behind random selections: with a new one each run (as the fresh data directory
# would make), a test's declaration lands in the random compliance sample in about one run in
# fifty, and a test that needs it released fails for no fault of the code.
os.environ["PORTCULLIS_SELECTION_SEED"] = "tests: one seed, so random selections repeat"

from portcullis.web.settings import *  # noqa: E402, F403

# The commands a test runs read Portcullis's settings with the environment above.
os.environ["DJANGO_SETTINGS_MODULE"] = "portcullis.web.settings"
