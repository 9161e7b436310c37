"""The load of `chirvir bench`, driven from a process of its own through the Mastodon API and the
web only, so that it can load any Mastodon-compatible server given tokens: posting at stepped
rates with delivery timed by reading followers' homes, home reads and the web home page at
stepped concurrency, a 1:20 write/read mix, and idle streaming connections. The requests come
from wrk (compiled, with Lua scripts); this process reads the witnesses' homes and holds the
streaming connections, and what both spend on the CPU is reported beside the server's."""

import asyncio
import http.client
import json
import os
import resource
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

# The Lua side. Each wrk thread reads the token list once; `CHIRVIR_BENCH_RATE` (requests/s for
# the whole run, 0: as fast as the connections go) spaces its requests on a clock of its own, so
# a step offers its rate whatever the latency (up to what the connections can carry). The
# summary comes back as one JSON line, the latencies in microseconds.
LUA_COMMON = r"""
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } bench_ts; int clock_gettime(int, bench_ts *); ]]
local ts = ffi.new("bench_ts")
local function now_ms() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6 end
local threads, counter = {}, 0
function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  threads[#threads + 1] = thread
end
local function lines(name)
  local found = {}
  local path = os.getenv(name)
  if path then for line in io.lines(path) do found[#found + 1] = line end end
  return found
end
tokens = lines("CHIRVIR_BENCH_TOKENS")
sessions = lines("CHIRVIR_BENCH_SESSIONS")
readers = lines("CHIRVIR_BENCH_READERS")
local rate = tonumber(os.getenv("CHIRVIR_BENCH_RATE") or "0") / tonumber(os.getenv("CHIRVIR_BENCH_THREADS") or "1")
local next_at = nil
n = 0
-- Each thread starts its walk through a list at its own share of it: two threads must not send the
-- same reader's first request at once (a session's first two requests race to record it).
local threads_n = tonumber(os.getenv("CHIRVIR_BENCH_THREADS") or "1")
function pick(list)
  return list[(n + (thread_id - 1) * math.floor(#list / threads_n)) % #list + 1]
end
function delay()
  if rate <= 0 then return 0 end
  local t = now_ms()
  next_at = (next_at or t) + 1000 / rate
  if next_at < t then next_at = t end
  return next_at - t
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "p50": %d, "p90": %d, "p99": %d, "max": %d, "errors": %d, "non2xx": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, e.connect + e.read + e.write + e.timeout, e.status))
end
"""
POST = r"""
local posted = nil
local function post()
  n = n + 1
  return wrk.format("POST", "/api/v1/statuses", {
    ["Authorization"] = "Bearer " .. pick(tokens),
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "status=benchmark+post+" .. n .. "+from+thread+" .. thread_id)
end
function response(status, headers, body)
  -- Only a post's answer is an object; a timeline's is a list (the mix sends both).
  if status ~= 200 or body:sub(1, 1) ~= "{" then return end
  if not posted then posted = io.open(os.getenv("CHIRVIR_BENCH_POSTED") .. "." .. thread_id, "a") end
  local id = body:match('^{"id":"(%d+)"') or body:match('"id":"(%d+)"')
  local author = body:match('"account":{"id":"(%d+)"')
  if id and author then posted:write(id, " ", author, "\n"); posted:flush() end
end
"""
HOME = r"""
local function home()
  n = n + 1
  return wrk.format("GET", "/api/v1/timelines/home", {["Authorization"] = "Bearer " .. pick(readers)})
end
"""
SCRIPTS = {
    "post": LUA_COMMON + POST + "request = post\n",
    "home": LUA_COMMON + HOME + "request = home\n",
    "page": LUA_COMMON + r"""
request = function()
  n = n + 1
  return wrk.format("GET", "/home", {["Cookie"] = "sessionid=" .. pick(sessions)})
end
""",
    # One write in 21 requests: 1 post to 20 home reads.
    "mix": LUA_COMMON + POST + HOME + r"""
local i = 0
request = function()
  i = i + 1
  if i % 21 == 0 then return post() end
  return home()
end
""",
}


@dataclass
class Target:
    """The server under load: its base URL, the credentials the community left (credentials.json),
    and, when it runs on this machine, its process, whose CPU time and memory are read from /proc."""

    base: str
    credentials: dict
    workdir: Path
    server_pid: int | None = None
    cores: int = os.cpu_count() or 1
    files: dict = field(default_factory=dict)

    def __post_init__(self):
        self.url = urllib.parse.urlsplit(self.base)
        for role in ("posters", "readers", "sessions"):
            path = self.workdir / f"{role}.txt"
            path.write_text("\n".join(self.credentials[role]) + "\n")
            self.files[role] = path


def _server_cpu(target: Target) -> float | None:
    if target.server_pid is None:
        return None
    from bench.api import cpu_seconds

    return cpu_seconds(target.server_pid)


def _server_rss(target: Target) -> int | None:
    """Resident memory of the server and its descendants, in bytes."""
    if target.server_pid is None:
        return None
    from bench.idle_memory import memory, tree

    total = 0
    for pid in tree(target.server_pid):
        try:
            total += memory(pid)[1]
        except OSError:  # ended meanwhile
            continue
    return total


class Meter:
    """CPU seconds of the client (this process and the wrk it ran) and of the server over a step."""

    def __init__(self, target: Target):
        self.target = target

    def __enter__(self):
        self.wall = time.monotonic()
        self.client = self._client()
        self.server = _server_cpu(self.target)
        return self

    def __exit__(self, *exc):
        wall = time.monotonic() - self.wall
        client = self._client() - self.client
        server = _server_cpu(self.target)
        self.figures = {
            "wall_seconds": round(wall, 2),
            "client_cpu_seconds": round(client, 2),
            # Of the machine's cores over the step, what the load generator itself took.
            "client_cpu_share": round(client / (wall * self.target.cores), 3),
        }
        if server is not None:
            self.figures["server_cpu_seconds"] = round(server - self.server, 2)

    @staticmethod
    def _client() -> float:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def wrk(target: Target, kind: str, seconds: float, connections: int, label: str, rate: float = 0,
        extra_env: dict | None = None) -> dict:
    """One wrk run with a progress bar; returns its summary (latencies in ms)."""
    threads = min(2, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", dir=target.workdir, delete=False) as f:
        f.write(SCRIPTS[kind])
    env = {
        **os.environ,
        "CHIRVIR_BENCH_TOKENS": str(target.files["posters"]),
        "CHIRVIR_BENCH_READERS": str(target.files["readers"]),
        "CHIRVIR_BENCH_SESSIONS": str(target.files["sessions"]),
        "CHIRVIR_BENCH_RATE": str(rate),
        "CHIRVIR_BENCH_THREADS": str(threads),
        "CHIRVIR_BENCH_POSTED": str(target.workdir / "posted"),
        **(extra_env or {}),
    }
    path = "/home" if kind == "page" else "/api/v1/timelines/home"
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
               "-s", f.name, target.base.rstrip("/") + path]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _bar(label, seconds, process)
    out, err = process.communicate()
    os.unlink(f.name)
    line = next((line for line in out.splitlines() if line.startswith("BENCH ")), None)
    if process.returncode or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err.strip() or out.strip()}")
    summary = json.loads(line[6:])
    for key in ("p50", "p90", "p99", "max"):
        summary[key] = round(summary[key] / 1000, 2)
    summary["rps"] = round(summary["requests"] / summary["seconds"], 1) if summary["seconds"] else 0.0
    return summary


def _bar(label: str, seconds: float, process=None, done=None) -> None:
    """A progress bar over a step of known length, ended early when its process ends."""
    with tqdm(total=round(seconds), desc=label, unit="s", leave=False, disable=None,
              bar_format="{desc}: {bar} {n_fmt}/{total_fmt} s") as bar:
        started = time.monotonic()
        while (process is None or process.poll() is None) and not (done and done()):
            elapsed = time.monotonic() - started
            if process is None and elapsed >= seconds:
                break
            bar.n = min(round(seconds), int(elapsed))
            bar.refresh()
            time.sleep(0.25)


# How far below the newest post a witness has seen it still looks for posts that show late.
LATE_SECONDS = 5.0


class Witnesses:
    """Threads reading the witnesses' homes through the API (every post above a floor that follows
    the newest one seen, see _watch) and noting when each status first shows there."""

    def __init__(self, target: Target, interval: float):
        self.target, self.interval = target, interval
        self.seen: dict[int, float] = {}
        self.watched = {int(a) for ids in target.credentials["watched"].values() for a in ids}
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._watch, args=(token,), daemon=True)
                        for token in target.credentials["witnesses"]]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _watch(self, token: str) -> None:
        url = self.target.url
        connection = None
        started = newest = _id_at(time.time())
        while not self.stop.is_set():
            # Every post above a floor some seconds below the newest one seen, newest first, a page
            # at a time: a post that shows late, below one already seen (its delivery ended after
            # a later post's, or a large account's post merged at read time went ahead of it), is
            # still seen, when it shows. Paging on from the newest (min_id) never saw it.
            floor = max(started, _id_at(_made_at(newest) - LATE_SECONDS))
            query, found = f"limit=40&since_id={floor}", 0
            try:
                connection = connection or _connect(url)
                while True:
                    connection.request("GET", f"/api/v1/timelines/home?{query}",
                                       headers={"Authorization": f"Bearer {token}"})
                    response = connection.getresponse()
                    body = response.read()
                    at = time.time()
                    page = json.loads(body) if response.status == 200 else []
                    with self.lock:
                        for status in page:
                            self.seen.setdefault(int(status["id"]), at)
                    ids = [int(status["id"]) for status in page]
                    newest = max(newest, *ids) if ids else newest
                    found += len(ids)
                    if len(ids) < 40 or found >= 400:
                        break
                    query = f"limit=40&since_id={floor}&max_id={min(ids)}"
            except (OSError, http.client.HTTPException, ValueError):
                connection = None
            self.stop.wait(self.interval)


def _connect(url, timeout: float = 30) -> http.client.HTTPConnection:
    cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    return cls(url.hostname, url.port, timeout=timeout)


def _id_at(timestamp: float) -> int:
    """The smallest ID of a status made at `timestamp` (IDs carry their milliseconds in the top 48
    bits, as Mastodon's do), the lower bound of a witness's paging."""
    return int(timestamp * 1000) << 16


def _made_at(status_id: int) -> float:
    return (status_id >> 16) / 1000


def _posted(target: Target) -> list[tuple[int, int]]:
    """The statuses wrk posted so far (ID, author ID), from its threads' files."""
    found = []
    for path in target.workdir.glob("posted.*"):
        for line in path.read_text().splitlines():
            status_id, author = line.split()
            found.append((int(status_id), int(author)))
    return found


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def posting(target: Target, rates: list[float], seconds: float, connections: int, limit: float, drain: float,
            interval: float) -> list[dict]:
    """(a) Posts at each rate in turn until the p99 delivery exceeds `limit` seconds (or the server
    takes well under the rate offered): delivery is from a post's making (its ID's time) to its
    first sight in a witness's home, a follower that delivery reaches last; a post never seen
    within `drain` seconds of its step's end counts as later than that."""
    steps = []
    with Witnesses(target, interval) as witnesses:
        for rate in rates:
            for path in target.workdir.glob("posted.*"):
                path.unlink()
            with Meter(target) as meter:
                run = wrk(target, "post", seconds, connections, f"posting at {rate:g}/s", rate=rate)
                ended = time.time()
                tracked = [s for s, author in _posted(target) if author in witnesses.watched]
                _bar(f"  deliveries of {rate:g}/s", drain,
                     done=lambda: all(s in witnesses.seen for s in tracked))
            with witnesses.lock:
                latencies = [witnesses.seen[s] - _made_at(s) if s in witnesses.seen else float("inf") for s in tracked]
            unseen = sum(latency == float("inf") for latency in latencies)
            p99 = percentile(latencies, 99)
            step = {
                "offered_rps": rate, "posted_rps": run["rps"], "posts": run["requests"], "post_p50_ms": run["p50"],
                "post_p99_ms": run["p99"], "errors": run["errors"] + run["non2xx"], "tracked_posts": len(tracked),
                "unseen_posts": unseen, "delivery_p50_s": _seconds(percentile(latencies, 50)),
                "delivery_p99_s": _seconds(p99), "seconds_after_step": round(time.time() - ended, 1), **meter.figures,
            }
            steps.append(step)
            tqdm.write(f"  posting {rate:g}/s offered: {run['rps']:.0f}/s posted, delivery p50 "
                       f"{_show(step['delivery_p50_s'])} p99 {_show(step['delivery_p99_s'])} "
                       f"({len(tracked)} posts watched, {unseen} unseen)")
            if p99 is None or p99 > limit or run["rps"] < 0.5 * rate:
                break
    return steps


def _seconds(value: float | None):
    return None if value is None else (None if value == float("inf") else round(value, 3))


def _show(value) -> str:
    return "never" if value is None else f"{value:.2f} s"


def warm(target: Target, kind: str, seconds: float) -> None:
    """Reads of the readers' homes, or pages, before that kind of load is measured: a server's first
    answers (templates compiled, caches filled) are not what a step should time. One read first
    checks that the credentials work: a page that redirects to the log-in would be no error to wrk."""
    if kind == "page":
        path, headers = "/home", {"Cookie": f"sessionid={target.credentials['sessions'][0]}"}
    else:
        path, headers = "/api/v1/timelines/home", {"Authorization": f"Bearer {target.credentials['readers'][0]}"}
    connection = _connect(target.url, timeout=300)  # a first page on a cold, loaded server may take long
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} as a reader answered {response.status}, not 200: the credentials do not work")
    wrk(target, kind, seconds, 16, f"warming the {kind} reads")


def reads(target: Target, kind: str, levels: list[int], seconds: float) -> list[dict]:
    """(b, c) Home timeline reads through the API, or the web home page, at each concurrency."""
    steps = []
    for connections in levels:
        with Meter(target) as meter:
            run = wrk(target, kind, seconds, connections, f"{kind} reads, {connections} connections")
        steps.append({"connections": connections, "rps": run["rps"], "p50_ms": run["p50"], "p90_ms": run["p90"],
                      "p99_ms": run["p99"], "requests": run["requests"], "errors": run["errors"] + run["non2xx"],
                      **meter.figures})
        tqdm.write(f"  {kind} at {connections} connections: {run['rps']:.0f}/s, p50 {run['p50']} ms, "
                   f"p99 {run['p99']} ms")
    return steps


def mix(target: Target, seconds: float, connections: int) -> dict:
    """(d) One post to twenty home reads, as fast as the connections go."""
    for path in target.workdir.glob("posted.*"):
        path.unlink()
    with Meter(target) as meter:
        run = wrk(target, "mix", seconds, connections, f"1:20 write/read mix, {connections} connections")
    posts = len(_posted(target))
    result = {"connections": connections, "rps": run["rps"], "posts_rps": round(posts / run["seconds"], 1),
              "p50_ms": run["p50"], "p99_ms": run["p99"], "requests": run["requests"],
              "errors": run["errors"] + run["non2xx"], **meter.figures}
    tqdm.write(f"  mix: {run['rps']:.0f} requests/s ({result['posts_rps']:.0f} posts/s), p50 {run['p50']} ms, "
               f"p99 {run['p99']} ms")
    return result


def streaming(target: Target, connections: int, hold: float, rate: float) -> dict:
    """(e) `connections` idle SSE connections to the user stream (the readers' and witnesses'
    tokens in turn), held for `hold` seconds while posts still arrive at `rate`/s: the server's
    resident memory before and after they opened, per connection, and the events they got."""
    before = _server_rss(target)
    tokens = target.credentials["witnesses"] + target.credentials["readers"]
    result = asyncio.run(_hold_streams(target, tokens, connections, hold, rate))
    if before is not None:
        result["server_rss_before_bytes"] = before
        # Measured once they are all open, before the events: what holding a connection costs.
        result["bytes_per_connection"] = round((result["server_rss_open_bytes"] - before) / max(result["open"], 1))
    each = result.get("bytes_per_connection")
    tqdm.write(f"  streaming: {result['open']} of {connections} held open, {result['events']} events received"
               + (f", {each / 1024:.1f} KiB each" if each is not None else ""))
    return result


async def _hold_streams(target: Target, tokens: list[str], connections: int, hold: float, rate: float) -> dict:
    url = target.url
    events = [0]
    opened: list[asyncio.StreamWriter] = []
    failures = [0]

    async def one(i: int):
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(url.hostname, url.port), 30)
            writer.write((f"GET /api/v1/streaming/user HTTP/1.1\r\nHost: {url.netloc}\r\n"
                          f"Authorization: Bearer {tokens[i % len(tokens)]}\r\n"
                          "Accept: text/event-stream\r\n\r\n").encode())
            status = await asyncio.wait_for(reader.readline(), 30)
            if b" 200 " not in status:
                failures[0] += 1
                writer.close()
                return
            opened.append(writer)
            while line := await reader.readline():
                if line.startswith(b"event: update"):
                    events[0] += 1
        except (OSError, asyncio.TimeoutError):
            failures[0] += 1

    tasks = []
    # Opening stops after two minutes: a server that slow to take connections is reported as it is.
    deadline = time.monotonic() + 120
    with tqdm(total=connections, desc="opening streaming connections", leave=False, disable=None) as bar:
        for start in range(0, connections, 100):
            if time.monotonic() > deadline:
                break
            tasks += [asyncio.create_task(one(i)) for i in range(start, min(connections, start + 100))]
            while len(opened) + failures[0] < len(tasks):
                await asyncio.sleep(0.05)
            bar.n = len(tasks)
            bar.refresh()
    await asyncio.sleep(2)  # the server settles after the last handshake
    rss_open = _server_rss(target)
    with Meter(target) as meter:
        posting_ = asyncio.create_task(asyncio.to_thread(
            wrk, target, "post", hold, 2, f"holding {len(opened)} streams, posting at {rate:g}/s", rate))
        run = await posting_
        await asyncio.sleep(2)  # the last posts' events arrive
    rss = _server_rss(target)
    for writer in opened:
        writer.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"connections": connections, "open": len(opened), "failed": failures[0], "hold_seconds": hold,
            "posts_meanwhile": run["requests"], "events": events[0], "server_rss_open_bytes": rss_open,
            "server_rss_after_bytes": rss, **meter.figures}
