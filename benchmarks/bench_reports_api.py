"""HR API latency under load: the real hub, proxy and competency service, N employees.

    python benchmarks/reports_api.py [-n 5000] [--clients 20] [--requests 50]   # as root

Starts a throw-away JupyterHub exactly as the tests do (``tests/support/hub.py``), fills
its platform database with a synthetic city of N employees (``platform_data.py``), logs
in as the demo HR account and takes an API token, then:

- cold: the first request, which loads the database and builds the report;
- warm: ``--clients`` threads, each sending ``--requests`` requests through the proxy with
  the HR token: 70 % employee profiles by random NIP, 20 % one unit's summary, 10 % the
  list of employees below their JP target.

Prints p50/p95/max per endpoint and overall, and the ratio of the overall p95 to the
100 ms goal. Needs root (real Unix users, like the integration tests).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.append(str(Path(__file__).resolve().parent))

GOAL_P95_MS = 100.0
SERVICE = "/services/kompetensi"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def hammer(base: str, token: str, nips: list[str], units: list[str], clients: int, per_client: int,
           seed: int = 11) -> dict[str, list[float]]:
    import requests

    timings: dict[str, list[float]] = {"profil": [], "unit": [], "jp": []}
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client(k: int) -> None:
        rng = random.Random(seed + k)
        session = requests.Session()
        session.headers["Authorization"] = f"token {token}"
        start.wait()
        for _ in range(per_client):
            pick = rng.random()
            if pick < 0.7:
                kind, path = "profil", f"{SERVICE}/api/hr/employees/{rng.choice(nips)}"
            elif pick < 0.9:
                kind, path = "unit", f"{SERVICE}/api/hr/units/{rng.choice(units)}"
            else:
                kind, path = "jp", f"{SERVICE}/api/hr/jp?status=belum"
            t0 = time.perf_counter()
            r = session.get(base + path, timeout=60)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                if r.status_code != 200:
                    errors.append(f"{path}: {r.status_code} {r.text[:200]}")
                timings[kind].append(elapsed)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, first: {errors[0]}")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=5000, help="employees (default 5000)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50, help="requests per client")
    args = parser.parse_args()

    import tempfile

    from platform_data import populate

    from tests.support.client import HubSession
    from tests.support.hub import running_hub

    no_courses = tempfile.mkdtemp(prefix="asn-bench-no-courses-")  # formgraders are not measured
    with running_hub("bench", {"assessments": {"dir": no_courses}}) as hub:
        url = f"sqlite:///{Path(hub.settings['data_dir']) / 'kompetensi.sqlite'}"
        t0 = time.perf_counter()
        nips = populate(url, args.n)
        print(f"synthetic city: {args.n} employees written in {time.perf_counter() - t0:.1f} s")
        hr = hub.by_role("hr")[0]
        session = HubSession(hub.url)
        assert session.login(hr.username, hr.password), "HR log-in failed"
        token = session.new_token(hr.username)
        units = [f"OPD{o:02d}" for o in range(20)]

        import requests

        t0 = time.perf_counter()
        r = requests.get(f"{hub.url}{SERVICE}/api/hr/units", headers={"Authorization": f"token {token}"}, timeout=300)
        assert r.status_code == 200, r.text[:500]
        print(f"cold (load + build + serialise, first request): {time.perf_counter() - t0:.2f} s")

        t0 = time.perf_counter()
        timings = hammer(hub.url, token, nips, units, args.clients, args.requests)
        wall = time.perf_counter() - t0
    every = [v for values in timings.values() for v in values]
    print(f"warm: {len(every)} requests from {args.clients} concurrent clients in {wall:.1f} s "
          f"({len(every) / wall:.0f} req/s)")
    for kind, values in timings.items():
        if values:
            print(f"  {kind:7s} n={len(values):5d}  p50 {statistics.median(values):7.1f} ms  "
                  f"p95 {percentile(values, 0.95):7.1f} ms  max {max(values):7.1f} ms")
    p95 = percentile(every, 0.95)
    print(f"overall p95 {p95:.1f} ms; goal {GOAL_P95_MS:.0f} ms; ratio: {GOAL_P95_MS / p95:.2f}x "
          f"({'met' if p95 <= GOAL_P95_MS else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
