"""Test-wide set-up. The environment of a test run (its own data directory, the history copy
off, a fixed selection seed) is set in tests/settings.py, which pytest-django reads first."""

import os


def _load_hs2017() -> None:
    from datetime import date
    from pathlib import Path

    from portcullis.engine.nomenclature_files import EditionSpec, keep_edition
    from tests.builders import SHARED

    spec = EditionSpec("HS2017", "HS 2017", date(2017, 1, 1), date(2021, 12, 31))
    keep_edition(Path(os.environ["PORTCULLIS_NOMENCLATURE_DIR"]), spec, SHARED / "reference/hs2017")


_load_hs2017()
