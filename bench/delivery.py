"""The delivery benchmark: a synthetic community with a power-law follower graph, posts made
through `post_status` by poster processes, delivered by real `chirvir worker` consumers from
Huey's SQLite queue, all on the embedded default in a data directory of its own.

It prints posts/s (from the first post to the last delivery) and the p50/p99 delivery latency,
from each post's commit to the moment its last follower's feed held it (`delivered_at`).

    python -m bench.delivery [--accounts 10000] [--mean-followers 100] [--posts 3000] ...
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = {
    "hi": "आज मौसम बहुत अच्छा है और मैं दोस्तों के साथ चाय पी रहा हूँ",
    "kk": "бүгін ауа райы керемет достарыммен бірге шай ішіп отырмын",
    "ar": "الطقس اليوم جميل جدا وأنا أشرب الشاي مع أصدقائي في المقهى",
    "id": "hari ini cuaca sangat cerah dan saya minum teh bersama teman",
    "en": "the weather is lovely today and I am drinking tea with friends",
}


def setup_django(data_dir: Path):
    os.environ["CHIRVIR_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chirvir.settings")
    import django

    django.setup()


def follower_counts(n: int, mean: float, exponent: float) -> list[int]:
    """Power-law follower counts (rank r gets C * r^-exponent), scaled to the mean."""
    raw = [(r + 1) ** -exponent for r in range(n)]
    scale = mean * n / sum(raw)
    return [min(n - 1, round(w * scale)) for w in raw]


def build(data_dir: Path, accounts: int, mean: float, exponent: float, seed: int) -> dict:
    """Make the community with bulk inserts (not the services: a million follows one by one
    would take the benchmark's whole budget) and return its shape."""
    setup_django(data_dir)
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from chirvir.accounts.models import Account
    from chirvir.core.ids import id_at

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    started = time.monotonic()
    now = timezone.now()
    base = id_at(time.time() - 3600)  # IDs an hour old: later IDs from the sequence are larger
    ids = [base + i for i in range(accounts)]
    with transaction.atomic():
        Account.objects.bulk_create(
            [Account(id=ids[i], username=f"u{i}", password="!", date_joined=now) for i in range(accounts)],
            batch_size=2000,
        )
    counts = follower_counts(accounts, mean, exponent)
    rows = []
    follow_id = base + accounts
    for target, count in enumerate(counts):
        for follower in rng.sample(range(accounts - 1), count):
            follower += follower >= target  # skip the target itself
            rows.append((follow_id, ids[follower], ids[target], now))
            follow_id += 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO accounts_follow (id, account_id, target_account_id, created_at, show_reblogs, notify)"
            " VALUES (%s, %s, %s, %s, true, false)",
            rows,
        )
        cursor.execute(
            "UPDATE accounts_account SET"
            " followers_count = (SELECT COUNT(*) FROM accounts_follow f WHERE f.target_account_id = accounts_account.id),"
            " following_count = (SELECT COUNT(*) FROM accounts_follow f WHERE f.account_id = accounts_account.id)"
        )
    return {
        "accounts": accounts,
        "follows": len(rows),
        "max_followers": max(counts),
        "above_2000": sum(c > 2000 for c in counts),
        "build_seconds": round(time.monotonic() - started, 1),
    }


def post(data_dir: Path, worker: int, count: int, accounts: int, seed: int, out: Path, rate: float) -> None:
    """One poster process: `count` statuses by random authors, recording each commit time;
    at most `rate` posts a second when a rate is given."""
    setup_django(data_dir)
    from chirvir.accounts.models import Account
    from chirvir.statuses.services import post_status

    rng = random.Random(seed + worker)
    authors = list(Account.objects.filter(username__in=[f"u{rng.randrange(accounts)}" for _ in range(500)]))
    languages = list(WORDS)
    started = time.monotonic()
    with out.open("w") as f:
        for i in range(count):
            if rate and (ahead := started + i / rate - time.monotonic()) > 0:
                time.sleep(ahead)
            language = rng.choice(languages)
            words = WORDS[language].split()
            body = " ".join(rng.sample(words, rng.randint(4, len(words)))) + f" #bench{i % 7}"
            status = post_status(rng.choice(authors), body, language=language)
            f.write(f"{status.id} {time.time()}\n")


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def wait_delivered(expected: int, timeout: float) -> None:
    from chirvir.statuses.models import Status

    deadline = time.monotonic() + timeout
    while Status.objects.filter(delivered_at__isnull=True).exists() or Status.objects.count() < expected:
        if time.monotonic() > deadline:
            raise SystemExit("deliveries did not finish in time")
        time.sleep(0.2)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--mean-followers", type=float, default=100)
    parser.add_argument("--exponent", type=float, default=0.7, help="power-law exponent of follower counts")
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--posters", type=int, default=1, help="processes posting")
    parser.add_argument("--consumers", type=int, default=1, help="`chirvir worker` processes")
    parser.add_argument("--rate", type=float, default=0, help="posts/s in all (default: as fast as they go)")
    parser.add_argument("--seed", type=int, default=2006)
    parser.add_argument("--data-dir", type=Path, help="default: a new temporary directory")
    parser.add_argument("--role", choices=["main", "build", "post"], default="main", help=argparse.SUPPRESS)
    parser.add_argument("--worker", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "build":
        print(json.dumps(build(args.data_dir, args.accounts, args.mean_followers, args.exponent, args.seed)))
        return
    if args.role == "post":
        post(args.data_dir, args.worker, args.posts, args.accounts, args.seed, args.out, args.rate)
        return

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="chirvir-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # No posting limit: the posters post as fast as they can, which is what is measured.
    env.update(
        CHIRVIR_DATA_DIR=str(data_dir), CHIRVIR_JOB_WORKERS="1", PYTHONPATH=str(ROOT), CHIRVIR_POSTS_PER_HOUR="0"
    )
    me = [sys.executable, "-m", "bench.delivery", "--data-dir", str(data_dir), "--accounts", str(args.accounts)]
    print(f"Building {args.accounts} accounts (mean {args.mean_followers:g} followers) in {data_dir} ...", flush=True)
    shape = json.loads(
        subprocess.run(
            [*me, "--role", "build", "--mean-followers", str(args.mean_followers), "--exponent", str(args.exponent)],
            env=env, check=True, capture_output=True, text=True,
        ).stdout
    )
    print(f"  {shape['follows']} follows, most-followed {shape['max_followers']}, "
          f"{shape['above_2000']} accounts above 2000 followers, built in {shape['build_seconds']} s", flush=True)

    consumers = [
        subprocess.Popen([sys.executable, "-m", "chirvir.cli", "worker"], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        for _ in range(args.consumers)
    ]
    try:
        time.sleep(2)  # consumers up
        pace = f" at {args.rate:g}/s" if args.rate else " as fast as they go"
        print(f"Posting {args.posts} statuses{pace} from {args.posters} processes, "
              f"delivered by {args.consumers} consumers ...", flush=True)
        per = args.posts // args.posters
        outs = [data_dir / f"posted-{w}.txt" for w in range(args.posters)]
        started = time.time()
        posters = [
            subprocess.Popen([*me, "--role", "post", "--worker", str(w), "--posts", str(per), "--seed", str(args.seed),
                              "--rate", str(args.rate / args.posters), "--out", str(outs[w])], env=env)
            for w in range(args.posters)
        ]
        for p in posters:
            if p.wait() != 0:
                raise SystemExit("a poster failed")
        posted_seconds = time.time() - started
        setup_django(data_dir)
        wait_delivered(per * args.posters, timeout=600)
        report(outs, started, posted_seconds)
    finally:
        for c in consumers:
            c.terminate()
        for c in consumers:
            c.wait(timeout=30)
        if args.data_dir is None:  # a directory of our own making: leave nothing behind
            shutil.rmtree(data_dir, ignore_errors=True)


def report(outs: list[Path], started: float, posted_seconds: float) -> None:
    from chirvir.statuses.models import Status

    committed = {}
    for out in outs:
        for row in out.read_text().splitlines():
            status_id, at = row.split()
            committed[int(status_id)] = float(at)
    delivered = dict(Status.objects.filter(id__in=committed).values_list("id", "delivered_at"))
    latencies = [delivered[i].timestamp() - committed[i] for i in committed]
    last = max(d.timestamp() for d in delivered.values())
    n = len(committed)
    print(f"Posted {n} in {posted_seconds:.1f} s ({n / posted_seconds:.0f} posts/s stored)")
    print(f"Delivered {n} in {last - started:.1f} s: {n / (last - started):.0f} posts/s delivered")
    print(f"Delivery latency, commit to last follower's feed: p50 {percentile(latencies, 50) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, 99) * 1000:.0f} ms, mean {statistics.mean(latencies) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
