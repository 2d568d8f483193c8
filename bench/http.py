"""HTTP benchmark of the public portal as deployed: gunicorn + WhiteNoise + the page cache.

    python -m bench.http                        (make bench-http)

1. Starts gunicorn exactly as `make run` and the README's deployment do (gunicorn.conf.py, sync
   workers, collected static files, DEBUG off) on a free loopback port, with the sample issue
   published (`make demo`). Its page cache lives in var/bench/cache, emptied first, so the run
   neither reads nor leaves the development server's cached pages.
2. Requests each page once (the first visit fills the page cache, as any first visitor does),
   then runs wrk against /healthz, a notice, an issue, the project list and a search, one after
   the other, each for --duration seconds, and all that --rounds times: interleaved rounds give
   every page its share of whatever else the machine is doing. A page's rate is its mean over
   the rounds, its p99 the worst round's, its errors the sum.
3. Measures, around each wrk run, the CPU time the portal's processes (gunicorn's master and
   workers) and the PostgreSQL backends serving them spent, from /proc: divided by the requests
   served, what one request costs in milliseconds of one core (`app_cpu_ms`, `db_cpu_ms`),
   independent of how busy the rest of the machine is.
4. Writes var/bench/http.json:
   {"pages": [{"name", "url", "rps", "p99_ms", "errors", "app_cpu_ms", "db_cpu_ms"}, …]}
   and exits non-zero unless the notice page serves at least half the requests per second of
   /healthz in the same run with no errors anywhere.

`--no-page-cache` runs the same with the page cache off (every request renders the page) and
writes var/bench/http-uncached.json instead: what a cache miss costs, for comparison.

The search and CSV rate limit (DJANGO_RATE_LIMIT_PER_MINUTE, per client address) is off for the
run: every request comes from one loopback address, which a deployment's limit would turn away
after the first minute's allowance, measuring 429 pages instead of the portal.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "bench" / "http.json"
OUTPUT_UNCACHED = ROOT / "var" / "bench" / "http-uncached.json"
CACHE_DIR = ROOT / "var" / "bench" / "cache"
LOG = ROOT / "var" / "bench" / "gunicorn.log"
SAMPLE_NOTICE = "咸政办发〔2022〕29号"  # the sample's largest notice: projects, tasks, groups
TARGET_SHARE = 0.5  # the notice page: at least half of /healthz's requests per second


@dataclass
class Result:
    name: str
    url: str
    rps: float
    p99_ms: float
    errors: int
    app_cpu_ms: float  # CPU of gunicorn's processes per request, in ms of one core
    db_cpu_ms: float  # CPU of the PostgreSQL backends serving them, per request


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def page_paths() -> dict[str, str]:
    """The pages to measure, found in the portal's database (the sample issue, published)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette_site.settings")
    import django

    django.setup()
    from django.urls import reverse

    from documents.models import Issue, Notice

    notice = Notice.objects.published().filter(doc_number=SAMPLE_NOTICE).first()
    notice = notice or Notice.objects.published().order_by("-pk").first()
    issue = Issue.objects.published().latest_first().first()
    if notice is None or issue is None:
        sys.exit("No published issue: run `make demo` first.")
    return {
        "healthz": reverse("healthz"),
        "notice": notice.get_absolute_url(),
        "issue": issue.get_absolute_url(),
        "projects": reverse("projects:project_list"),
        "search": reverse("documents:search") + "?q=%E9%A1%B9%E7%9B%AE%E5%BB%BA%E8%AE%BE",
    }


def start_gunicorn(port: int, workers: int, *, page_cache: bool) -> subprocess.Popen:
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
    CACHE_DIR.mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_CACHE_DIR": str(CACHE_DIR),
        "DJANGO_RATE_LIMIT_PER_MINUTE": "0",
    }
    if not page_cache:
        env["DJANGO_PAGE_CACHE_SECONDS"] = "0"
    env.pop("DJANGO_DEBUG", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "gazette_site.wsgi", "--config", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    # No worker recycled mid-run: a process that exits takes its CPU time out of the count.
    command += ["--max-requests", "0"]
    log = LOG.open("w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}; see {LOG}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer within {timeout:.0f} s; see {LOG}")


def warm(url: str) -> None:
    with urllib.request.urlopen(url, timeout=30) as response:
        if response.status != 200:
            sys.exit(f"{url} answered {response.status}")
        response.read()


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> tuple[float, float, int]:
    """Requests per second, 99th percentile latency in ms, errors (socket errors and answers
    other than 2xx/3xx) from `wrk --latency` output."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    if rate is None or p99 is None:
        raise ValueError(f"wrk printed no rate or latency:\n{output}")
    rps = float(rate.group(1))
    value, unit = p99.groups()
    errors = 0
    if socket_errors := re.search(r"Socket errors: (.*)", output):
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    if non_2xx := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(non_2xx.group(1))
    return rps, round(float(value) * _UNITS_MS[unit], 2), errors


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: set[int]) -> dict[int, float]:
    """User + system CPU time of each living process of `pids` (/proc/<pid>/stat)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / _TICKS
    return seconds


def _server_pids(server: subprocess.Popen) -> set[int]:
    """gunicorn's master and its workers."""
    pids = {server.pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == server.pid:
                pids.add(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def _backend_pids() -> set[int]:
    """The PostgreSQL backends connected to the portal's database, other than this one."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def run_wrk(
    url: str, server: subprocess.Popen, *, threads: int, connections: int, duration: int
) -> tuple[float, float, int, float, float]:
    """wrk against `url`: requests per second, p99 (ms), errors, and the milliseconds of CPU a
    request cost in the portal's processes and in its database backends."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    app, db = _cpu_seconds(_server_pids(server)), _cpu_seconds(_backend_pids())
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    app_spent = _spent(app, _cpu_seconds(_server_pids(server)))
    db_spent = _spent(db, _cpu_seconds(_backend_pids()))
    rps, p99, errors = parse_wrk(done.stdout)
    served = requests_served(done.stdout)
    return rps, p99, errors, app_spent * 1000 / served, db_spent * 1000 / served


def requests_served(output: str) -> int:
    """The request count of `wrk` output ("12345 requests in 5.00s")."""
    found = re.search(r"(\d+) requests in", output)
    if found is None or int(found.group(1)) == 0:
        raise ValueError(f"wrk served no requests:\n{output}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per page and round")
    parser.add_argument("--rounds", type=int, default=3, help="times each page is measured")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", 3)))
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=12, help="wrk connections")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="render every request (cache misses)"
    )
    args = parser.parse_args(argv)
    output = OUTPUT_UNCACHED if args.no_page_cache else OUTPUT
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk).")

    paths = page_paths()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, args.workers, page_cache=not args.no_page_cache)
    results = []
    try:
        wait_until_up(base, server)
        for path in paths.values():
            warm(base + path)
        rounds: dict[str, list[tuple[float, float, int, float, float]]] = {
            name: [] for name in paths
        }
        for _ in range(args.rounds):
            for name, path in paths.items():
                rounds[name].append(
                    run_wrk(
                        base + path,
                        server,
                        threads=args.threads,
                        connections=args.connections,
                        duration=args.duration,
                    )
                )
        for name, path in paths.items():
            rps = sum(r[0] for r in rounds[name]) / len(rounds[name])
            p99 = max(r[1] for r in rounds[name])
            errors = sum(r[2] for r in rounds[name])
            app_ms = statistics.median(r[3] for r in rounds[name])
            db_ms = statistics.median(r[4] for r in rounds[name])
            results.append(
                Result(
                    name, base + path, round(rps, 1), p99, errors, round(app_ms, 2), round(db_ms, 2)
                )
            )
            print(
                f"{name:9} {rps:9.1f} req/s  p99 {p99:8.2f} ms  errors {errors}  "
                f"CPU/request {app_ms:6.2f} ms portal + {db_ms:5.2f} ms database  {path}"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"pages": [asdict(r) for r in results]}, indent=2) + "\n")
    by_name = {result.name: result for result in results}
    share = by_name["notice"].rps / by_name["healthz"].rps
    errors = sum(result.errors for result in results)
    met = share >= TARGET_SHARE and errors == 0
    print(
        f"notice/healthz = {share:.2f} (target ≥ {TARGET_SHARE}), errors {errors}: "
        f"{'target met' if met else 'TARGET MISSED'}. Written to {output.relative_to(ROOT)}."
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
