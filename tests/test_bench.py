"""`chirvir bench`, the benchmark `make bench` runs: a smoke test that its quick run works end to
end and leaves a well-formed report and chart (no timing is asserted: figures on a shared
machine are the benchmark's to report, not the suite's to judge), and that the community it
builds with bulk inserts is the one Chirvir's own code would have made."""

import json
import shutil
import subprocess
import sys

import pytest
from django.db import connection

from bench import community
from bench.run import QUICK_TOKENS
from chirvir.accounts.models import Account, Follow
from chirvir.timelines.delivery import rebuild_home
from chirvir.timelines.models import Feed, FeedEntry
from tests.test_commands import ROOT, operator_env

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(not shutil.which("wrk"), reason="the load comes from wrk (Debian: apt-get install wrk)")
def test_the_quick_benchmark_writes_its_report_chart_and_table(tmp_path):
    # A generous bound against a hang only: the run takes well under a minute on a quiet machine.
    result = subprocess.run([sys.executable, "-m", "chirvir.cli", "bench", "--quick", "--results", str(tmp_path)],
                            cwd=ROOT, env=operator_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "bench-quick.json").read_text())
    shape = report["community"]
    assert shape["accounts"] == 300 and shape["inactive_share"] == community.INACTIVE_SHARE
    assert 0 < shape["active_accounts"] < 300 and shape["follows"] > 0
    assert report["mode"] == "embedded" and report["machine"]["cores"] >= 1
    # (a) every step posted, and the posts watched in followers' homes were all seen there.
    assert report["posting"], report
    for step in report["posting"]:
        assert step["posts"] > 0 and step["errors"] == 0, step
        assert step["tracked_posts"] > 0 and step["unseen_posts"] == 0, step
        assert 0 < step["delivery_p50_s"] <= step["delivery_p99_s"], step
        assert 0 <= step["client_cpu_share"] <= 1 and step["server_cpu_seconds"] > 0, step
    # (b, c) reads at each concurrency, with no errors (the run checked first that a reader's read
    # answers 200). How many a step finishes is the machine's business: a short step on a loaded
    # machine may end before its first page does.
    assert [s["connections"] for s in report["home"]] == [1, 4] and len(report["page"]) == 1
    assert sum(s["requests"] for s in report["home"]) > 0
    for step in report["home"] + report["page"]:
        assert step["errors"] == 0 and 0 <= step["p50_ms"] <= step["p99_ms"] and step["rps"] >= 0, step
    # (d) the mix, with no errors; its posts are among its requests.
    assert report["mix"]["errors"] == 0 and report["mix"]["posts_rps"] <= report["mix"]["rps"]
    # (e) every stream held open, with events arriving meanwhile, and what each cost the server.
    streams = report["streaming"]
    assert streams["open"] == streams["connections"] == 20 and streams["failed"] == 0, streams
    assert streams["events"] > 0 and "bytes_per_connection" in streams, streams
    chart = (tmp_path / "bench-quick.png").read_bytes()
    assert chart.startswith(PNG) and len(chart) > 10_000
    assert "(a) posting" in result.stdout and "(e) 20 idle streams" in result.stdout


def test_the_community_is_what_chirvirs_own_code_makes(tmp_path):
    shape = community.shape_of(200, 15, 0.7, 7, 300)
    stamp = community.fill(tmp_path, shape, QUICK_TOKENS)
    assert stamp["follows"] == Follow.objects.count() > 0
    active = set(Account.objects.filter(id__in=Feed.objects.values("account_id")).values_list("id", flat=True))
    assert len(active) == stamp["active_accounts"] and 0 < len(active) < 200
    for account in Account.objects.all():
        assert account.followers_count == Follow.objects.filter(target_account=account).count()
    # The bulk-built home feeds are those rebuild_home makes again from the follow graph.
    built = {a: sorted(FeedEntry.objects.filter(account_id=a).values_list("status_id", "author_id")) for a in active}
    for account in Account.objects.filter(id__in=active):
        Feed.objects.filter(account_id=account.id).delete()
        rebuild_home(account)
        rebuilt = FeedEntry.objects.filter(account_id=account.id).values_list("status_id", "author_id")
        assert sorted(rebuilt) == built[account.id]
    # Each witness is the last follower (in follow order) of every account it watches.
    credentials = json.loads((tmp_path / "credentials.json").read_text())
    witnesses = set(credentials["witness_ids"])
    for watched in {a for ids in credentials["watched"].values() for a in ids}:
        last = Follow.objects.filter(target_account_id=watched).order_by("-id").first()
        assert last.account_id in witnesses


def test_a_kept_community_is_reused_only_when_built_from_the_same_shape_by_this_version(tmp_path):
    shape = community.shape_of(1000, 100, 0.7, 2006, 1000)
    assert community.stored(tmp_path, shape) is None
    (tmp_path / community.STAMP).write_text(json.dumps({**shape, "follows": 5, "build_seconds": 1.0}))
    assert community.stored(tmp_path, shape)["follows"] == 5
    assert community.stored(tmp_path, {**shape, "accounts": 2000}) is None
    (tmp_path / community.STAMP).write_text(json.dumps({**shape, "version": community.VERSION - 1}))
    assert community.stored(tmp_path, shape) is None
    assert connection.vendor  # the database is the test run's, never touched here
