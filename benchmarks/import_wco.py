"""WCO XML intake throughput: messages/s read and mapped by the engine, and messages/s through
`portcullis import FOLDER` into a fresh database (SQLite, and PostgreSQL when it answers).

    python benchmarks/import_wco.py [--messages N] [--samples FOLDER] [--no-postgres]

The messages are the UK samples (../shared/reference/wco-dec-dms/samples) that import, each
copied under new references (FunctionalReferenceID) until there are N of them, one file each,
as a clearance system's drop folder would hold them."""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_kcs import drop_postgres, run, scratch_postgres, stored_count

from portcullis.engine.formats import SourceRecord, WcoIntake
from portcullis.engine.formats.wco import read_message
from portcullis.engine.validation import validate_declaration

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SAMPLES = ROOT.parent / "shared/reference/wco-dec-dms/samples"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
_REFERENCE = re.compile(rb"<FunctionalReferenceID>([^<]*)</FunctionalReferenceID>")


def importable(samples: Path) -> list[bytes]:
    kept = []
    for path in sorted(samples.glob("*.xml")):
        data = path.read_bytes()
        read = read_message(data, path.name, datetime.now(UTC), WcoIntake())
        if isinstance(read, SourceRecord) and not isinstance(validate_declaration(read.raw), list):
            kept.append(data)
    return kept


def write_messages(messages: list[bytes], count: int, folder: Path) -> int:
    items = 0
    for number in range(count):
        data = messages[number % len(messages)]
        renamed = _REFERENCE.sub(f"<FunctionalReferenceID>B{number:08d}</FunctionalReferenceID>"
                                 .encode(), data, count=1)  # fmt: skip
        (folder / f"m{number:08d}.xml").write_bytes(renamed)
        items += data.count(b"<GovernmentAgencyGoodsItem>")
    return items


def engine_rate(folder: Path) -> float:
    files = sorted(folder.glob("*.xml"))
    started = time.perf_counter()
    for path in files:
        read = read_message(path.read_bytes(), path.name, datetime.now(UTC), WcoIntake())
        assert isinstance(read, SourceRecord)
        validate_declaration(read.raw)
    return len(files) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument("--postgres", default=os.environ.get("BENCHMARK_POSTGRES", DEFAULT_PG))
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args()
    messages = importable(options.samples)
    if not messages:
        sys.exit(f"no importable WCO message in {options.samples}")
    print(
        f"WCO import benchmark: {options.messages:,} messages from {len(messages)} samples; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "messages"
        folder.mkdir()
        items = write_messages(messages, options.messages, folder)
        print(f"  engine (parse, map, validate): {engine_rate(folder):8,.0f} messages/s")
        targets = [("sqlite    ", None)]
        if not options.no_postgres:
            url = scratch_postgres(options.postgres)
            if url is not None:
                targets.append(("postgresql", url))
        for label, url in targets:
            with tempfile.TemporaryDirectory() as data_dir:
                env = {**os.environ, "PORTCULLIS_DATA_DIR": data_dir}
                env.pop("DATABASE_URL", None)
                if url:
                    env["DATABASE_URL"] = url
                try:
                    run(env, "migrate", "-v0")
                    seconds, output = run(env, "import", str(folder))
                finally:
                    if url:
                        drop_postgres(options.postgres)
            print(
                f"  {label} import: {seconds:6.2f} s  {options.messages / seconds:8,.0f} "
                f"messages/s  {items / seconds:8,.0f} items/s  (stored {stored_count(output):,})"
            )


if __name__ == "__main__":
    main()
