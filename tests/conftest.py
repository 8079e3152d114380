"""Test-wide set-up. This runs before Django reads its settings: every test run gets its own
data directory, so tests never touch ./var (or a developer's secret key)."""

import os
import tempfile

# Each xdist worker is one process per core already: LightGBM's OpenMP threads and Polars'
# pool, each as wide as the machine, made four busy threads fight over two cores, and
# OpenMP's spinning waiters made that cost a third of the suite's time. One thread each.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("POLARS_MAX_THREADS", "1")

os.environ["PORTCULLIS_DATA_DIR"] = tempfile.mkdtemp(prefix="portcullis-test-")
# Tests share that directory while their databases come and go (and some change rows behind
# the services' back): the columnar history copy is tested on its own, in its own directory
# (tests/web/test_history_copy.py), and off everywhere else.
os.environ["PORTCULLIS_HISTORY_COPY"] = "0"
# A fixed secret behind random selections: with a new one each run (as the fresh data directory
# would make), a test's declaration lands in the random compliance sample in about one run in
# fifty, and a test that needs it released fails for no fault of the code.
os.environ["PORTCULLIS_SELECTION_SEED"] = "tests: one seed, so random selections repeat"
# HS 2017 (the KCS data's edition) is reference data an administration loads; the tests load
# it from ../shared as `portcullis load_reference` would, into the data directory.
os.environ["PORTCULLIS_NOMENCLATURE_DIR"] = os.path.join(
    os.environ["PORTCULLIS_DATA_DIR"], "nomenclature"
)


def _load_hs2017() -> None:
    from datetime import date
    from pathlib import Path

    from portcullis.engine.nomenclature_files import EditionSpec, keep_edition
    from tests.builders import SHARED

    spec = EditionSpec("HS2017", "HS 2017", date(2017, 1, 1), date(2021, 12, 31))
    keep_edition(Path(os.environ["PORTCULLIS_NOMENCLATURE_DIR"]), spec, SHARED / "reference/hs2017")


_load_hs2017()
