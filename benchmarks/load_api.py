"""Load on the API: single-declaration submissions sustained for a minute, and batch ingestion.

    python benchmarks/load_api.py [--postgres URL] [--workers N] [--connections C ...]
                                  [--duration S] [--batches N] [--batch-size N]

Sets up a scratch PostgreSQL database as `portcullis demo` does (the KCS 2020 history, a
trained model, sample profiles and watchlist, 2021-Q1 assessed), starts `portcullis serve` on
loopback, and drives it with wrk (`apt-get install wrk`): each request is a different
declaration (KCS 2020 declarations under new ids, lodged now), so every request is stored and
assessed. wrk is closed-loop: C connections each send the next request when the last is
answered. Prints requests/s, latency percentiles and errors for each C, then times batches
of declarations sent to /declarations/batch (items/s). The scratch database (made for this
run, under a name of its own) is dropped afterwards unless --keep."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload  # the scratch database

from portcullis.engine.formats import open_reader
from portcullis.engine.formats.base import SourceRecord
from portcullis.engine.validation import validate_declaration

ROOT = Path(__file__).resolve().parent.parent
KCS_2020 = ROOT.parent / "shared/datasets/kcs-synthetic/declarations-2020.csv"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
PORT = 8765
TEMPLATES = 3000

LUA = r"""
local templates = %(templates)s
local counter = 0
local threads = {}
local run = "R"
local headers = {["Authorization"] = "Bearer %(token)s", ["Content-Type"] = "application/json"}
bad = 0

function init(args)
  run = args[1]  -- a new prefix for each run: every request is a new declaration
end

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  local template = templates[(counter %% #templates) + 1]
  local body = template:gsub("@ID@", run .. "-" .. id .. "-" .. counter, 1)
  body = body:gsub("@AT@", os.date("!%%Y-%%m-%%dT%%H:%%M:%%SZ"), 1)
  return wrk.format("POST", "/api/v1/declarations", headers, body)
end

response = function(status, headers, body)
  if status ~= 201 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  local refused = 0
  for _, thread in ipairs(threads) do refused = refused + thread:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%.3f, "not_201": %%d, "socket_errors": %%d, ' ..
    '"p50_ms": %%.2f, "p90_ms": %%.2f, "p99_ms": %%.2f, "p999_ms": %%.2f, "max_ms": %%.2f}\n',
    summary.requests, summary.duration / 1e6, refused,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
"""


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def templates(count: int, seed: int = 5) -> list[dict]:
    """KCS 2020 declarations, chosen at random, as API bodies lodged now (outcomes dropped;
    those whose HS 2017 codes are not HS 2022 codes left out, as today they are invalid)."""
    reader = open_reader(KCS_2020, "kcs")
    records = [r for r in reader if isinstance(r, SourceRecord)]
    reader.close()
    random.Random(seed).shuffle(records)  # noqa: S311  # a sample, not a secret
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    bodies = []
    for record in records:
        raw = {k: v for k, v in record.raw.items() if k != "outcome"} | {"lodged_at": now}
        valid = validate_declaration(raw)
        if isinstance(valid, list):
            continue
        bodies.append(valid.declaration.model_dump(mode="json", exclude_none=True))
        if len(bodies) == count:
            break
    return bodies


def portcullis(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "portcullis", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"portcullis {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            sys.exit("the server stopped; see its output above")
        try:
            if httpx.get(f"{base}/api/v1/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    sys.exit("the server did not become ready")


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(server_group: int) -> tuple[float, float]:
    """CPU time (user + system) used so far by the server (its process group: gunicorn and
    its workers) and by PostgreSQL (every process named postgres), read from /proc. A
    process's own time and that of its children that have ended (which the kernel adds to
    the parent when it reaps them): a PostgreSQL backend or a gunicorn worker that ends
    between two readings is still counted, under its parent."""
    server = database = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone since listed
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = sum(int(fields[k]) for k in (11, 12, 13, 14)) / _TICKS  # u, s, cu, cs
        if int(fields[2]) == server_group:  # pgrp
            server += seconds
        elif name == "postgres":
            database += seconds
    return server, database


def wrk(script: Path, connections: int, seconds: int) -> dict[str, float]:
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
         f"http://127.0.0.1:{PORT}", "--", f"L{time.time_ns()}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def health_rate(connections: int, seconds: int) -> float:
    """Requests per second the same server answers to GET /api/v1/health (no database, no
    work): the floor every request pays for HTTP, the WSGI server, Django and the API."""
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
         f"http://127.0.0.1:{PORT}/api/v1/health"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if x.startswith("Requests/sec:"))
    return float(line.split(":", 1)[1])


def batches(base: str, token: str, bodies: list[dict], count: int, size: int) -> list[dict]:
    client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600)
    results = []
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for n in range(count):
        records = [
            {
                **bodies[(n * size + k) % len(bodies)],
                "declaration_id": f"BATCH-{n}-{k}",
                "lodged_at": now,
            }
            for k in range(size)
        ]
        items = sum(len(r["items"]) for r in records)
        started = time.perf_counter()
        reply = client.post("/api/v1/declarations/batch", json={"declarations": records})
        seconds = time.perf_counter() - started
        reply.raise_for_status()
        body = reply.json()
        results.append({"items": items, "seconds": seconds, "assessed": body["assessed"]})
        print(f"  batch {n + 1}: {size:,} declarations, {items:,} items in {seconds:.2f} s = "
              f"{items / seconds:,.0f} items/s ({body['assessed']:,} assessed)")  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=DEFAULT_PG, help="an administrative database URL")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--connections", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("this benchmark drives the server with wrk: apt-get install wrk")

    data_dir = Path(tempfile.mkdtemp(prefix="portcullis-load-"))
    scratch = workload.scratch_database(options.postgres, "load")
    env = {**os.environ, "DATABASE_URL": scratch.url, "PORTCULLIS_DATA_DIR": str(data_dir)}
    print("Setting up the demo database on PostgreSQL (about a minute) ...")
    portcullis(env, "demo", "--no-serve")
    credentials = json.loads((data_dir / "demo-credentials.json").read_text())
    token = next(v for k, v in credentials.items() if k.startswith("token:"))
    bodies = templates(TEMPLATES)
    marked = [
        json.dumps({**b, "declaration_id": "@ID@", "lodged_at": "@AT@"}, separators=(",", ":"))
        for b in bodies
    ]
    script = data_dir / "submit.lua"
    script.write_text(
        LUA
        % {
            "templates": "{" + ",\n".join(lua_string(t) for t in marked) + "}",
            "token": token,
        },
        encoding="utf-8",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "portcullis", "serve", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(options.workers)],
        env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    try:
        wait_ready(base, server)
        print(
            f"\nServer: portcullis serve, {options.workers} gunicorn workers; load: wrk, 2 threads"
        )
        print("Warming up (10 s) ...")
        wrk(script, max(options.connections), 10)
        rates: dict[int, float] = {}
        for connections in options.connections:
            before = cpu_seconds(server.pid)
            result = wrk(script, connections, options.duration)
            after = cpu_seconds(server.pid)
            used = (after[0] - before[0], after[1] - before[1])
            rate = rates[connections] = result["requests"] / result["seconds"]
            per = [seconds * 1000 / max(result["requests"], 1) for seconds in used]
            print(
                f"  {connections:>3} connections, {result['seconds']:.0f} s: "
                f"{rate:,.0f} submissions/s; "
                f"latency p50 {result['p50_ms']:.1f} ms, p90 {result['p90_ms']:.1f}, "
                f"p99 {result['p99_ms']:.1f}, p99.9 {result['p999_ms']:.1f}, "
                f"max {result['max_ms']:.1f}; "
                f"errors: {result['not_201']} not 201, {result['socket_errors']} socket; "
                f"CPU per submission: server {per[0]:.2f} ms + PostgreSQL {per[1]:.2f} ms "
                f"= {per[0] + per[1]:.2f} ms"
            )
        widest = max(options.connections)
        floor = health_rate(widest, options.duration)
        print(
            f"  health endpoint, {widest} connections: {floor:,.0f} requests/s on the same "
            f"server; submissions at {widest} connections reach {rates[widest] / floor:.0%} of it"
        )
        if options.batches:  # --batches 0: submissions only
            print(f"\nBatches of {options.batch_size:,} declarations to /declarations/batch:")
            measured = batches(base, token, bodies, options.batches, options.batch_size)
            items = sum(r["items"] for r in measured)
            seconds = sum(r["seconds"] for r in measured)
            print(f"  overall {items / seconds:,.0f} items/s")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        if not options.keep:
            scratch.drop()
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, "
          f"PostgreSQL at {options.postgres.split('@')[-1].rsplit('/', 1)[0]}")  # fmt: skip


if __name__ == "__main__":
    main()
