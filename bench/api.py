"""The API benchmark: `chirvir serve` on the embedded default, loaded by wrk (a separate C
process) with real bearer tokens, for GET /api/v1/timelines/home and POST /api/v1/statuses, and
with real session cookies for the web's home page (GET /home), the same timeline as a page.
Prints requests/s and p50/p99 latency of each.

    python -m bench.api [--accounts 2000] [--seconds 10] [--connections 16]
"""

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.delivery import ROOT, build

# Each wrk thread reads the tokens once and takes them in turn.
TOKENS = """
local tokens = {}
for line in io.lines(os.getenv("CHIRVIR_BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local n = 0
"""
HOME_SCRIPT = TOKENS + """
request = function()
  n = n + 1
  return wrk.format("GET", "/api/v1/timelines/home", {["Authorization"] = "Bearer " .. tokens[n % #tokens + 1]})
end
"""
PAGE_SCRIPT = """
local sessions = {}
for line in io.lines(os.getenv("CHIRVIR_BENCH_SESSIONS")) do sessions[#sessions + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/home", {["Cookie"] = "sessionid=" .. sessions[n % #sessions + 1]})
end
"""
POST_SCRIPT = TOKENS + """
request = function()
  n = n + 1
  return wrk.format("POST", "/api/v1/statuses", {
    ["Authorization"] = "Bearer " .. tokens[n % #tokens + 1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "status=benchmark+post+" .. n .. "+%23bench")
end
"""


def seed(data_dir: Path, accounts: int, posts: int, readers: int, seed_: int) -> dict:
    """The community of the delivery benchmark, some posts in every home, and reader tokens."""
    shape = build(data_dir, accounts, 50, 0.7, seed_)
    from chirvir.accounts.models import Account
    from chirvir.oauth import services as auth
    from chirvir.statuses.services import post_status
    from chirvir.timelines.delivery import deliver_status

    rng = random.Random(seed_)
    people = list(Account.objects.all()[:accounts])
    for i in range(posts):
        deliver_status(post_status(rng.choice(people), f"seed post {i} #bench").id)
    app, _client_id, _secret = auth.create_application("bench")
    readers_ = rng.sample(people, readers)
    tokens = [auth.issue_token(app, a, "read write") for a in readers_]
    (data_dir / "tokens.txt").write_text("\n".join(tokens) + "\n")
    (data_dir / "sessions.txt").write_text("\n".join(_session(a) for a in readers_) + "\n")
    return shape


def _session(account) -> str:
    """A signed-in browser's session, as logging in on the web leaves it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(account.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = account.get_session_auth_hash()
    session.save()
    return session.session_key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, script: str, seconds: int, connections: int, env: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, url],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    os.unlink(f.name)
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def cpu_seconds(pid: int) -> float:
    """CPU time a process and its descendants have used so far (Linux's /proc): what the server
    spends per request, which a machine shared with other work changes less than requests/s."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:  # gone meanwhile
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=4000, help="posts made before the load starts")
    parser.add_argument("--readers", type=int, default=200, help="accounts whose tokens the load uses")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seed", type=int, default=2006)
    parser.add_argument("--warm", action="store_true",
                        help="each reader reads its home once before the load, so no first read rebuilds a feed")
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--role", choices=["main", "seed"], default="main", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "seed":
        print(json.dumps(seed(args.data_dir, args.accounts, args.posts, args.readers, args.seed)))
        return
    if not shutil.which("wrk"):
        raise SystemExit("The API benchmark needs wrk (Debian: apt-get install wrk).")

    data_dir = Path(tempfile.mkdtemp(prefix="chirvir-bench-api-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CHIRVIR_DATA_DIR=str(data_dir), CHIRVIR_BIND=f"127.0.0.1:{port}", PYTHONPATH=str(ROOT),
               CHIRVIR_BENCH_TOKENS=str(data_dir / "tokens.txt"),
               CHIRVIR_BENCH_SESSIONS=str(data_dir / "sessions.txt"),
               # Every request is counted, as in production, and none refused however long the run.
               CHIRVIR_RATE_LIMIT=str(10**9), CHIRVIR_POSTS_PER_HOUR="0")
    print(f"Seeding {args.accounts} accounts and {args.posts} posts in {data_dir} ...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "bench.api", "--role", "seed", "--data-dir", str(data_dir), "--accounts",
         str(args.accounts), "--posts", str(args.posts), "--readers", str(args.readers)],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )
    server = subprocess.Popen([sys.executable, "-m", "chirvir.cli", "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{base}/health", timeout=2).read() == b"OK":
                    break
            except OSError:
                time.sleep(0.5)
        if args.warm:
            for token in (data_dir / "tokens.txt").read_text().split():
                request = urllib.request.Request(f"{base}/api/v1/timelines/home", headers={"Authorization": f"Bearer {token}"})
                urllib.request.urlopen(request, timeout=30).read()
        print(f"Load: wrk, 2 threads, {args.connections} connections, {args.seconds} s each, "
              f"{args.readers} accounts' tokens and sessions", flush=True)
        for name, path, script in (
            ("GET  /api/v1/timelines/home", "/api/v1/timelines/home", HOME_SCRIPT),
            ("GET  /home (the web page)", "/home", PAGE_SCRIPT),
            ("POST /api/v1/statuses", "/api/v1/statuses", POST_SCRIPT),
        ):
            spent = cpu_seconds(server.pid)
            r = wrk(base + path, script, args.seconds, args.connections, env)
            per_request = (cpu_seconds(server.pid) - spent) / max(r["requests"], 1) * 1000
            print(f"{name}: {r['rps']:.0f} requests/s, p50 {r['p50']}, p99 {r['p99']}, non-2xx {r['errors']}, "
                  f"server CPU {per_request:.1f} ms/request", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
