"""`make loadtest`: gunicorn as deployed, wrk against a realistic mix, then a database outage drill.

    python -m ops.loadtest [--duration 60] [--connections 64] [--workers 5] [--no-drill]

1. A PostgreSQL of its own: the embedded server under var/loadtest/ (so the drill never stops
   the server that other people's tests and `make run` use), migrated, with the sample issue
   published, handed to gunicorn as DATABASE_URL like a deployment's server; a page cache of
   its own. With DATABASE_URL already set, that server is used and the drill is skipped.
2. gunicorn with gunicorn.conf.py on a free loopback port (rate limits off: wrk is one address),
   its page cache warmed with one visit per path.
3. wrk for DURATION seconds at CONNECTIONS connections over a weighted mix of home, issue
   archive and issue pages, notices, searches, the project and task lists, units, groups and
   the CSV exports; prints requests/s, latency percentiles and the errors (non-2xx/3xx answers
   and socket errors).
4. The cache-bypass run: wrk for BYPASS_SECONDS on the cached pages as they are, then with a
   random query string on every request, then with a made-up session cookie on every request;
   prints each rate and its share of the first (the target: at least half).
5. The burst run: a second gunicorn with the rate limit on (BURST_LIMIT a minute), BURST
   parallel searches from one address; prints how many passed (the target: exactly the limit).
6. The drill: wrk again while PostgreSQL is stopped for 10 s and started again; prints what
   visitors got during the outage, and how long after the restart an uncached page and /readyz
   answer 200 again, gunicorn untouched.
7. Worker crashes from gunicorn's log; everything it started is stopped.

The figures go to stdout and to var/loadtest/result.json; the exit status is 1 when there were
errors outside the drill or a worker crashed.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "loadtest"
PYTHON = sys.executable
DEMO_ISSUE = ROOT / "documents" / "demo" / "xianning-2022-05.txt"
LUA = ROOT / "ops" / "loadtest.lua"
OUTAGE_SECONDS = 10
BYPASS_SECONDS = 10
BURST = 200
BURST_LIMIT = 60
# Worker deaths gunicorn's arbiter reports. A planned max_requests restart logs none of these;
# the SIGTERMs of our own shutdown are not read (the log is read up to the shutdown).
CRASH = re.compile(
    r"WORKER TIMEOUT|exited with code [1-9]|was sent SIG(KILL|SEGV|ABRT|BUS)|"
    r"Exception in worker|Worker failed to boot"
)
SEARCHES = [
    "项目",
    "投资",
    "咸政办发〔2022〕29号",
    "领导小组",
    "实施方案",
    "高新区",
    "建设",
    "补贴",
]


def environment() -> dict[str, str]:
    """The deployment's environment, with a database and page cache of the load test's own.

    Without DATABASE_URL, the embedded server under var/loadtest is started here and gunicorn
    gets its address as DATABASE_URL, as a deployment gets its server's. (Were gunicorn to
    start the embedded server itself, a worker booting during the drill would restart it.)"""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_RATE_LIMIT_PER_MINUTE": "0",
        "DJANGO_PAGE_MISS_LIMIT_PER_MINUTE": "0",
        "DJANGO_CACHE_DIR": str(VAR / "cache"),
        "DJANGO_LOG_LEVEL": os.environ.get("DJANGO_LOG_LEVEL", "WARNING"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = embedded({**env, "GAZETTE_VAR_DIR": str(VAR)}, "url").strip()
    hosts = env.get("DJANGO_ALLOWED_HOSTS", "")
    env["DJANGO_ALLOWED_HOSTS"] = ",".join(filter(None, [hosts, "127.0.0.1"]))
    return env


def embedded_env(env: dict[str, str]) -> dict[str, str]:
    """For `python -m gazette_site.embedded_db`: the load test's own server."""
    return {k: v for k, v in env.items() if k != "DATABASE_URL"} | {"GAZETTE_VAR_DIR": str(VAR)}


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def embedded(env: dict[str, str], command: str) -> str:
    result = subprocess.run(
        [PYTHON, "-m", "gazette_site.embedded_db", command],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


LIST_PATHS = """
import json
from documents.models import Issue, Notice, Table, Unit
from projects.models import Project
issue = Issue.objects.published().latest_first().first()
notices = list(Notice.objects.published().order_by("order").values_list("pk", flat=True))
tables = list(Table.objects.filter(notice__in=Notice.objects.published())
              .values_list("notice_id", "order")[:5])
units = list(Unit.objects.public().order_by("pk").values_list("pk", flat=True)[:20])
print(json.dumps({"issue": [issue.year, issue.number], "notices": notices, "tables": tables,
                  "units": units, "projects": Project.objects.published().count()}))
"""


def request_mix(env: dict[str, str]) -> list[str]:
    """Paths weighted like a day's visits: notices and the home page most, CSV the least."""
    ids = json.loads(manage(env, "shell", "-c", LIST_PATHS).strip().splitlines()[-1])
    if not ids["notices"]:
        sys.exit("The sample issue was not published; nothing to load-test.")
    year, number = ids["issue"]
    weighted: list[tuple[int, list[str]]] = [
        (15, ["/"]),
        (8, ["/issues/", f"/issues/{year}/"]),
        (10, [f"/issues/{year}/{number}/"]),
        (25, [f"/notices/{pk}/" for pk in ids["notices"]]),
        (15, [f"/search/?q={urllib.parse.quote(q)}" for q in SEARCHES]),
        (10, ["/projects/", "/projects/?sort=-investment", "/projects/?sort=name"]),
        (5, ["/tasks/", "/groups/"]),
        (5, ["/units/"] + [f"/units/{pk}/" for pk in ids["units"]]),
        (
            4,
            ["/projects/export.csv"]
            + [f"/notices/{pk}/tables/{order}.csv" for pk, order in ids["tables"]],
        ),
        (3, ["/feeds/notices/", "/sitemap.xml"]),
    ]
    paths: list[str] = []
    for weight, group in weighted:
        # `weight` per cent of the list, spread over the group's paths.
        for i in range(weight * 4):
            paths.append(group[i % len(group)])
    # Shuffled (the same way every run), so every stretch of the list is a mix.
    random.Random(70).shuffle(paths)
    return paths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 5.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0  # no answer at all


def wait_for(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if get(url, timeout=2) == 200:
            return True
        time.sleep(0.2)
    return False


def wrk(
    base: str,
    paths_file: Path,
    *,
    duration: int,
    connections: int,
    statuses: bool,
    bypass: str = "",
) -> dict:
    threads = max(1, min(os.cpu_count() or 1, connections))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        base,
        "--",
        str(paths_file),
        "statuses" if statuses else "",
        bypass,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("LOADTEST-RESULT "))
    result = json.loads(line.removeprefix("LOADTEST-RESULT "))
    seconds = result["duration_us"] / 1e6
    result["requests_per_second"] = round(result["requests"] / seconds, 1)
    result["errors"] = sum(
        result[key]
        for key in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return result


def drill(env: dict[str, str], base: str, notice: str) -> dict:
    """Stop PostgreSQL for OUTAGE_SECONDS and start it again, probing what visitors get."""
    probes = {
        "cached page (/)": "/",
        # A query parameter the page reads, new each time: a page the cache has not seen.
        "uncached page (a search)": "/search/?q=probe{n}",
        "/readyz": "/readyz",
        "/healthz": "/healthz",
    }
    seen: dict[str, collections.Counter] = {name: collections.Counter() for name in probes}
    n = 0
    embedded(embedded_env(env), "stop")
    stopped = time.monotonic()
    while time.monotonic() - stopped < OUTAGE_SECONDS:
        for name, path in probes.items():
            seen[name][get(base + path.format(n=n))] += 1
            n += 1
        time.sleep(0.25)
    embedded(embedded_env(env), "start")
    started = time.monotonic()
    recovered: dict[str, float | None] = {}
    for name in ("uncached page (a search)", "/readyz"):
        recovered[name] = None
        while time.monotonic() - started < 30:
            if get(base + probes[name].format(n=n)) == 200:
                recovered[name] = round(time.monotonic() - started, 2)
                break
            n += 1
            time.sleep(0.05)
    return {
        "outage_seconds": OUTAGE_SECONDS,
        "statuses_during_outage": {name: dict(c) for name, c in seen.items()},
        "seconds_to_200_after_restart": recovered,
    }


def bypass_runs(base: str, paths_file: Path, connections: int) -> dict:
    """The cached pages as they are, then with a random query string, then with a junk cookie."""
    runs = {}
    for bypass in ("", "random-query", "junk-cookie"):
        result = wrk(
            base,
            paths_file,
            duration=BYPASS_SECONDS,
            connections=connections,
            statuses=True,
            bypass=bypass,
        )
        runs[bypass or "as they are"] = result
    cached = runs["as they are"]["requests_per_second"]
    for result in runs.values():
        result["share_of_cached_rate"] = round(result["requests_per_second"] / cached, 2)
    return runs


def gunicorn_command(port: int, workers: int) -> list[str]:
    return [
        str(Path(PYTHON).parent / "gunicorn"),
        "gazette_site.wsgi",
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]


def burst(env: dict[str, str], workers: int) -> dict:
    """BURST parallel searches from one address against a limit of BURST_LIMIT a minute, on a
    gunicorn of its own (the main one runs without limits: wrk is one address)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    limited = {**env, "DJANGO_RATE_LIMIT_PER_MINUTE": str(BURST_LIMIT)}
    with (VAR / "gunicorn-burst.log").open("w") as log:
        server = subprocess.Popen(
            gunicorn_command(port, workers), cwd=ROOT, env=limited, stdout=log, stderr=log
        )
    try:
        if not wait_for(base + "/readyz", 60):
            sys.exit(
                "gunicorn (burst run) did not become ready; see var/loadtest/gunicorn-burst.log"
            )
        # Start on a fresh minute, so that the whole burst falls in one counting window.
        time.sleep(60 - time.time() % 60 + 0.5)
        barrier = threading.Barrier(BURST)
        statuses: collections.Counter = collections.Counter()
        lock = threading.Lock()

        def search(n: int) -> None:
            barrier.wait()
            status = get(f"{base}/search/?q={urllib.parse.quote('项目')}&page={n % 3 + 1}", 30)
            with lock:
                statuses[status] += 1

        started = time.monotonic()
        threads = [threading.Thread(target=search, args=(n,)) for n in range(BURST)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {
            "requests": BURST,
            "limit": BURST_LIMIT,
            "seconds": round(time.monotonic() - started, 2),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "passed": statuses[200],
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def summarise(label: str, result: dict) -> None:
    print(
        f"{label}: {result['requests']} requests in {result['duration_us'] / 1e6:.0f} s = "
        f"{result['requests_per_second']} requests/s; latency p50 "
        f"{result['p50_us'] / 1000:.1f} ms, p90 {result['p90_us'] / 1000:.1f} ms, p99 "
        f"{result['p99_us'] / 1000:.1f} ms, max {result['max_us'] / 1000:.1f} ms; errors "
        f"{result['errors']} (non-2xx/3xx {result['status_errors']}, connect "
        f"{result['connect_errors']}, read {result['read_errors']}, write "
        f"{result['write_errors']}, timeouts {result['timeouts']})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", 60)))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("CONNECTIONS", 64)))
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--no-drill", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk).")

    VAR.mkdir(parents=True, exist_ok=True)
    own_server = not os.environ.get("DATABASE_URL")
    env = environment()
    drill_possible = not args.no_drill and own_server
    where = f"embedded server under {VAR}" if own_server else "DATABASE_URL"
    print(f"Preparing the database ({where}) with the sample issue…")
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo", str(DEMO_ISSUE))
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    shutil.rmtree(VAR / "cache", ignore_errors=True)
    paths = request_mix(env)
    paths_file = VAR / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    notice = next(path for path in paths if path.startswith("/notices/") and path.endswith("/"))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = VAR / "gunicorn.log"
    with log_path.open("w") as log:
        gunicorn = subprocess.Popen(
            gunicorn_command(port, args.workers),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    results: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M %z"),
        "workers": args.workers,
        "connections": args.connections,
        "duration": args.duration,
        "cpus": os.cpu_count(),
        "distinct_paths": len(set(paths)),
        "page_cache_seconds": env.get("DJANGO_PAGE_CACHE_SECONDS", "600 (default)"),
    }
    try:
        if not wait_for(base + "/readyz", 60):
            sys.exit(f"gunicorn did not become ready; see {log_path}")
        for path in set(paths):  # a site in service has its page cache warm
            get(base + path, timeout=30)
        print(
            f"gunicorn ({args.workers} workers) on {base}; wrk {args.duration} s at "
            f"{args.connections} connections over {len(set(paths))} paths…"
        )
        load = wrk(
            base, paths_file, duration=args.duration, connections=args.connections, statuses=False
        )
        results["load"] = load
        summarise("Load", load)

        print(
            f"Cache-bypass run: wrk {BYPASS_SECONDS} s each, as they are / random query string / "
            "junk cookie…"
        )
        results["bypass"] = bypass_runs(base, paths_file, args.connections)
        for name, result in results["bypass"].items():
            summarise(f"  {name}", result)
            print(
                f"    {result['share_of_cached_rate']:.0%} of the cached rate; "
                f"statuses {result['statuses']}"
            )

        print(
            f"Burst run: {BURST} parallel searches from one address, limit {BURST_LIMIT} a minute…"
        )
        results["burst"] = burst(env, args.workers)
        print(
            f"  {results['burst']['passed']} of {BURST} passed; "
            f"statuses {results['burst']['statuses']}"
        )

        if drill_possible:
            drill_seconds = OUTAGE_SECONDS + 25
            print(f"Fault drill: wrk {drill_seconds} s; PostgreSQL stopped for {OUTAGE_SECONDS} s…")
            outcome: dict = {}
            runner = threading.Thread(
                target=lambda: outcome.update(
                    wrk(
                        base,
                        paths_file,
                        duration=drill_seconds,
                        connections=args.connections,
                        statuses=True,
                    )
                )
            )
            runner.start()
            time.sleep(5)
            results["drill"] = drill(env, base, notice)
            runner.join()
            results["drill"]["load"] = outcome
            summarise("Load during the drill", outcome)
            print(f"  statuses wrk saw: {outcome['statuses']}")
            for name, counts in results["drill"]["statuses_during_outage"].items():
                print(f"  during the outage {name}: {counts}")
            for name, seconds in results["drill"]["seconds_to_200_after_restart"].items():
                print(f"  200 again after the restart, {name}: {seconds} s")
        elif not args.no_drill:
            print("Fault drill skipped: DATABASE_URL names a server this script must not stop.")

        results["gunicorn_alive"] = gunicorn.poll() is None
    finally:
        log_read_up_to = log_path.stat().st_size
        if gunicorn.poll() is None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        if own_server:
            embedded(embedded_env(env), "stop")
    with log_path.open("rb") as log:
        lines = log.read(log_read_up_to).decode("utf-8", "replace").splitlines()
    crashes = [line for line in lines if CRASH.search(line)]
    results["worker_crashes"] = len(crashes)
    print(
        f"gunicorn master alive to the end: {results.get('gunicorn_alive')}; worker crashes: "
        f"{len(crashes)}" + "".join(f"\n  {line}" for line in crashes[:10])
    )
    (VAR / "result.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"Figures written to {VAR / 'result.json'}")
    failed = (
        results["load"]["errors"] > 0
        or crashes
        or not results.get("gunicorn_alive")
        or results["burst"]["passed"] != BURST_LIMIT
        or min(r["share_of_cached_rate"] for r in results["bypass"].values()) < 0.5
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
