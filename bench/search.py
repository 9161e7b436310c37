"""The search benchmark: a corpus of posts in mixed scripts (Hindi, Kazakh, Arabic, Indonesian,
English, Japanese), indexed as Chirvir indexes them, on the embedded default (SQLite FTS5) in a
data directory of its own; then searches through the search service (`chirvir.search.services`,
what `/api/v2/search` calls, without HTTP) by viewers with and without follows, and the delay
from a post to the moment a search finds it.

It prints p50/p99 per kind of query (a word in a tenth of the posts, a middling word, a rare one,
two words, a run of Japanese, a word that is nowhere) and writes the figures to a JSON report.

    python -m bench.search [--posts 1000000] [--data-dir DIR] [--queries 50]

The corpus takes minutes to build; it is kept (in bench-results/search-POSTS/ unless --data-dir
names another directory) and reused by the next run of the same size.
"""

import argparse
import html
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

from bench.delivery import percentile, setup_django

ROOT = Path(__file__).resolve().parent.parent
CORPUS_VERSION = 2  # 2: rows with the quote columns
# Each language's letters, and the words of the seed texts that head its vocabulary; the rest of a
# vocabulary is made of syllables of its script, so that words have the spread of real ones (a
# few in a tenth of the posts, most in a handful).
SYLLABLES = {
    "hi": ([c + v for c in "कखगचजटडतदनपबमयरलवसह" for v in ("", "ा", "ि", "ी", "ु", "े", "ो")], "ट्विटर संदेश मित्र"),
    "kk": ([c + v for c in "бгғджзйкқлмнңпрстш" for v in "аәеиоөұүыі"], "твиттер хабарлама достар"),
    "ar": ([c + v for c in "بتثجحخدذرزسشصضطظعغفقكلمنهوي" for v in ("", "ا", "و", "ي")], "تويتر رسالة أصدقاء"),
    "id": ([c + v for c in "bcdfghjklmnprstwy" for v in "aeiou"], "twitter pesan teman"),
    "en": ([c + v for c in "bcdfghklmnprstvw" for v in ("a", "e", "i", "o", "u", "ai", "ou")], "twitter message friends"),
}
KANJI = "日本語投稿友達今日天気新聞電車会社学校先生時間世界音楽映画写真料理旅行東京大阪春夏秋冬朝昼夜"
KANA = "のはがをにでとももらってたいるしますです"
WEIGHTS = {"hi": 2, "kk": 1, "ar": 2, "id": 2, "en": 3, "ja": 2}
VOCABULARY = 20_000  # words per spaced language
ZIPF = 1.07


def _vocabulary(language: str, rng: random.Random) -> list[str]:
    syllables, head = SYLLABLES[language]
    words = dict.fromkeys(head.split())
    while len(words) < VOCABULARY:
        words["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))] = None
    return list(words)


def _japanese_vocabulary(rng: random.Random) -> list[str]:
    words = dict.fromkeys(["日本語", "投稿", "友達", "天気"])
    while len(words) < VOCABULARY // 4:
        words["".join(rng.choice(KANJI) for _ in range(rng.randint(2, 3)))] = None
    return list(words)


class Corpus:
    """The vocabularies and a Zipf draw over each: rank r is drawn in proportion to r^-ZIPF."""

    def __init__(self, seed: int):
        rng = random.Random(seed)
        self.words = {language: _vocabulary(language, rng) for language in SYLLABLES}
        self.words["ja"] = _japanese_vocabulary(rng)
        self.cumulative = {}
        for language, words in self.words.items():
            total, running = 0.0, []
            for rank in range(1, len(words) + 1):
                total += rank**-ZIPF
                running.append(total)
            self.cumulative[language] = running
        self.languages = [language for language, w in WEIGHTS.items() for _ in range(w)]

    def word(self, rng: random.Random, language: str) -> str:
        return rng.choices(self.words[language], cum_weights=self.cumulative[language])[0]

    def post(self, rng: random.Random) -> tuple[str, str]:
        language = rng.choice(self.languages)
        if language == "ja":
            return language, "".join(self.word(rng, language) + rng.choice(KANA) for _ in range(rng.randint(5, 12)))
        return language, " ".join(self.word(rng, language) for _ in range(rng.randint(6, 18)))


def build(data_dir: Path, posts: int, accounts: int, seed: int) -> dict:
    """Accounts, follows and posts by bulk inserts, each post indexed under the terms that
    `chirvir.search.tokens` makes of it (what `index_status` stores), in batches."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from chirvir.accounts.models import Account
    from chirvir.core.ids import id_at
    from chirvir.search import tokens

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    corpus = Corpus(seed)
    started = time.monotonic()
    now = timezone.now()
    base = id_at(time.time() - 30 * 86400)
    ids = [base + i for i in range(accounts)]
    with transaction.atomic():
        Account.objects.bulk_create(
            [Account(id=ids[i], username=f"u{i}", password="!", date_joined=now) for i in range(accounts)],
            batch_size=2000,
        )
        follows = {(a, b) for a in ids for b in rng.sample(ids, 20) if a != b}
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO accounts_follow (id, account_id, target_account_id, created_at, show_reblogs, notify)"
                " VALUES (%s, %s, %s, %s, true, false)",
                [(base + accounts + i, a, b, now) for i, (a, b) in enumerate(sorted(follows))],
            )
    # IDs spread over the last 30 days, oldest first, as a month of posting would leave them.
    first = id_at(time.time() - 29 * 86400)
    step = (id_at(time.time() - 3600) - first) // posts
    batch = 20_000
    for start in range(0, posts, batch):
        statuses, terms = [], []
        for i in range(start, min(posts, start + batch)):
            language, text = corpus.post(rng)
            visibility = rng.choices(["public", "unlisted", "private"], [85, 10, 5])[0]
            status_id = first + i * step
            statuses.append((status_id, rng.choice(ids), text, f"<p>{html.escape(text)}</p>", visibility, language,
                             now, now))
            terms.append((status_id, " ".join(tokens.terms(text))))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO statuses_status (id, account_id, text, content, visibility, spoiler_text, sensitive,"
                " language, created_at, replies_count, reblogs_count, favourites_count, quotes_count,"
                " quote_approval_policy, delivered_at)"
                " VALUES (%s, %s, %s, %s, %s, '', false, %s, %s, 0, 0, 0, 0, 'public', %s)",
                statuses,
            )
            cursor.executemany("INSERT INTO search_status (rowid, terms) VALUES (%s, %s)", terms)
        done = min(posts, start + batch)
        rate = done / (time.monotonic() - started)
        print(f"\r  {done:>9,} / {posts:,} posts indexed ({rate:,.0f}/s, about {(posts - done) / rate:.0f} s left)",
              end="", flush=True)
    print(flush=True)
    return {"posts": posts, "accounts": accounts, "follows": len(follows), "version": CORPUS_VERSION,
            "build_seconds": round(time.monotonic() - started, 1)}


def _ranked_word(corpus: Corpus, rng: random.Random, language: str, low: int, high: int) -> str:
    return corpus.words[language][rng.randrange(low, min(high, len(corpus.words[language])))]


def queries(corpus: Corpus, rng: random.Random, per_kind: int) -> dict[str, list[str]]:
    """Queries of each kind, drawn in every spaced language (and Japanese for its own kind)."""
    spaced = list(SYLLABLES)
    kinds = {
        "frequent word (rank 1-10)": lambda lang: _ranked_word(corpus, rng, lang, 0, 10),
        "middling word (rank 100-1,000)": lambda lang: _ranked_word(corpus, rng, lang, 100, 1000),
        "rare word (rank 5,000-20,000)": lambda lang: _ranked_word(corpus, rng, lang, 5000, 20_000),
        "two middling words": lambda lang: " ".join(_ranked_word(corpus, rng, lang, 30, 300) for _ in range(2)),
        "word found nowhere": lambda lang: "zzq" + _ranked_word(corpus, rng, lang, 0, 1000),
    }
    out = {kind: [make(spaced[i % len(spaced)]) for i in range(per_kind)] for kind, make in kinds.items()}
    out["Japanese run inside a longer one"] = [_ranked_word(corpus, rng, "ja", 0, 300) for _ in range(per_kind)]
    return out


def measure_searches(corpus: Corpus, per_kind: int, seed: int) -> dict:
    from chirvir.accounts.models import Account
    from chirvir.core.paging import Page
    from chirvir.search.services import search

    rng = random.Random(seed + 1)
    viewers = {"anonymous": None, "signed in, 20 follows": Account.objects.get(username="u7")}
    results = {}
    for viewer_name, viewer in viewers.items():
        for kind, qs in queries(corpus, rng, per_kind).items():
            times, found = [], []
            for q in qs:
                t = time.perf_counter()
                hits = search(viewer, q, type="statuses", page=Page(limit=20)).statuses
                times.append(time.perf_counter() - t)
                found.append(len(hits))
            results[f"{kind}, {viewer_name}"] = {
                "queries": len(qs),
                "p50_ms": round(percentile(times, 50) * 1000, 1),
                "p99_ms": round(percentile(times, 99) * 1000, 1),
                "mean_results": round(statistics.mean(found), 1),
            }
            row = results[f"{kind}, {viewer_name}"]
            print(f"  {kind + ', ' + viewer_name:<58} p50 {row['p50_ms']:>7.1f} ms  p99 {row['p99_ms']:>7.1f} ms"
                  f"  ({row['mean_results']:g} results)", flush=True)
    return results


def measure_delay(count: int) -> dict:
    """From the call that posts to the first search that finds the post, searched for from
    another thread (its own database connection) that polls while the post is made."""
    from django.db import connection

    from chirvir.accounts.models import Account
    from chirvir.core.paging import Page
    from chirvir.search.services import search
    from chirvir.statuses.services import post_status

    author = Account.objects.get(username="u3")
    delays, polls = [], []
    for i in range(count):
        word = f"needle{i}x{random.randrange(10**9)}"
        started = threading.Event()
        seen: dict = {}

        def poll(word=word, started=started, seen=seen):
            started.wait()
            tries = 0
            deadline = time.perf_counter() + 10
            while time.perf_counter() < deadline:
                tries += 1
                if search(None, word, type="statuses", page=Page(limit=1)).statuses:
                    seen["at"], seen["tries"] = time.perf_counter(), tries
                    break
            connection.close()

        poller = threading.Thread(target=poll)
        poller.start()
        t = time.perf_counter()
        started.set()
        post_status(author, f"benchmark {word}")
        poller.join()
        if "at" not in seen:
            raise SystemExit(f"post {i} was not found within 10 s")
        delays.append(seen["at"] - t)
        polls.append(seen["tries"])
    return {
        "posts": count,
        "p50_ms": round(percentile(delays, 50) * 1000, 1),
        "p99_ms": round(percentile(delays, 99) * 1000, 1),
        "max_ms": round(max(delays) * 1000, 1),
        "mean_polls": round(statistics.mean(polls), 1),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=50, help="of each kind, per viewer")
    parser.add_argument("--delay-posts", type=int, default=100, help="posts timed from posting to found")
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--data-dir", type=Path, help="the corpus's, kept and reused (default: bench-results/search-POSTS)")
    parser.add_argument("--report", type=Path, default=ROOT / "bench-results" / "search.json")
    args = parser.parse_args(argv)
    if args.posts < 1 or args.accounts < 30 or args.queries < 1:
        parser.error("--posts must be at least 1, --accounts 30, --queries 1")

    data_dir = args.data_dir or ROOT / "bench-results" / f"search-{args.posts}"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.pop("DATABASE_URL", None)  # the embedded default, whatever the shell says
    setup_django(data_dir)
    shape_file = data_dir / "search-corpus.json"
    wanted = {"posts": args.posts, "accounts": args.accounts, "seed": args.seed, "version": CORPUS_VERSION}
    shape = json.loads(shape_file.read_text()) if shape_file.exists() else None
    if shape and shape.get("version") != CORPUS_VERSION:
        # A corpus of the benchmark's own, from an older Chirvir whose tables differ: made again.
        print(f"The corpus in {data_dir} was built by an older version of this benchmark; building it again.")
        for old in [shape_file, *data_dir.glob("chirvir.sqlite3*")]:
            old.unlink()
        shape = None
    if shape and {k: shape.get(k) for k in wanted} == wanted:
        print(f"Reusing the corpus of {args.posts:,} posts in {data_dir}", flush=True)
    elif shape or (data_dir / "chirvir.sqlite3").exists():
        raise SystemExit(f"{data_dir} holds another corpus or instance: name an empty or new directory.")
    else:
        print(f"Building {args.posts:,} posts in six languages by {args.accounts:,} accounts in {data_dir} ...",
              flush=True)
        shape = {**build(data_dir, args.posts, args.accounts, args.seed), "seed": args.seed}
        shape_file.write_text(json.dumps(shape))
        print(f"  built in {shape['build_seconds']} s", flush=True)

    from django.db import connection

    database_bytes = sum(p.stat().st_size for p in data_dir.glob("chirvir.sqlite3*"))
    print(f"Searching posts ({args.queries} queries of each kind, per viewer; 20 results a page):", flush=True)
    corpus = Corpus(args.seed)
    searches = measure_searches(corpus, args.queries, args.seed)
    print(f"Post to searchable ({args.delay_posts} posts, a second connection polling):", flush=True)
    delay = measure_delay(args.delay_posts)
    print(f"  p50 {delay['p50_ms']} ms, p99 {delay['p99_ms']} ms, max {delay['max_ms']} ms "
          f"(the post is in the index when post_status commits)", flush=True)
    every = [row["p99_ms"] for row in searches.values()]
    report = {
        "benchmark": "search",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "database": connection.vendor,
        "sqlite": __import__("sqlite3").sqlite_version,
        "cpus": os.cpu_count(),
        "corpus": shape,
        "database_megabytes": round(database_bytes / 2**20),
        "searches": searches,
        "worst_p99_ms": max(every),
        "post_to_searchable": delay,
    }
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"Report: {args.report}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
