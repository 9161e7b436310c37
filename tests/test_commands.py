"""The `chirvir` command's own subcommands, run as a person would run them."""

import json
import os
import select
import sqlite3
import subprocess
import sys
from importlib import metadata

import django
import pytest
from django.core.management import CommandError, call_command

from chirvir.accounts.models import Account
from tests.conftest import ROOT


def test_createuser_makes_an_account_and_says_so(capsys):
    call_command("createuser", "Dina", "--password", "a long password 7", "--email", "dina@example.org")
    assert "Created @Dina" in capsys.readouterr().out
    account = Account.objects.get(username="Dina")
    assert account.check_password("a long password 7") and not account.is_staff


def test_createuser_can_make_an_admin():
    call_command("createuser", "root_", "--password", "a long password 7", "--admin")
    assert Account.objects.get(username="root_").is_superuser


def test_createuser_explains_what_is_wrong():
    with pytest.raises(CommandError, match="1 to 30"):
        call_command("createuser", "no spaces", "--password", "a long password 7")
    with pytest.raises(CommandError, match="too common"):
        call_command("createuser", "weak", "--password", "password")


def test_demo_builds_a_community_once(capsys):
    call_command("demo")
    assert "Demo community ready: 12 accounts" in capsys.readouterr().out
    zhanna = Account.objects.get(username="zhanna")
    assert zhanna.locked and zhanna.followers_count > 0
    assert Account.objects.get(username="chirvir").followers_count == 11
    posts = sum(a.statuses_count for a in Account.objects.all())
    call_command("demo")
    assert "adding nothing" in capsys.readouterr().out
    assert sum(a.statuses_count for a in Account.objects.all()) == posts


def test_the_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# --- What an operator meets: every mistake ends in one line on stderr, never a traceback ---


def operator_env(**settings) -> dict[str, str]:
    """An operator's environment: the embedded default (not the test run's database or data), and `settings`."""
    unset = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "CHIRVIR_DATA_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return {**env, "PYTHONPATH": str(ROOT), **settings}


def run_chirvir(*args, cwd=None, **settings):
    """`chirvir ARGS` as an operator runs it, in a process of its own."""
    command = [sys.executable, "-m", "chirvir.cli", *args]
    env = operator_env(**settings)
    return subprocess.run(command, cwd=cwd or ROOT, env=env, capture_output=True, text=True, timeout=120)


def one_line(result) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.same_in_every_pass
def test_version_is_chirvirs_own():
    result = run_chirvir("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"chirvir {metadata.version('chirvir')}"
    assert result.stdout.strip() != django.get_version()


@pytest.mark.parametrize(
    ("name", "value", "must"),
    [
        ("CHIRVIR_WEB_WORKERS", "two", "a whole number"),
        ("CHIRVIR_JOB_WORKERS", "0", "1 or more"),
        ("CHIRVIR_FANOUT_LIMIT", "-1", "0 or more"),
        ("CHIRVIR_STREAMING_HEARTBEAT", "soon", "a number of seconds"),
        ("CHIRVIR_STREAMING_DB_THREADS", "0", "1 or more"),
        ("CHIRVIR_MAX_CHARS", "1e3", "a whole number"),
        ("CHIRVIR_TEXT_CONFIG", "v9", "v1, v2 or v3"),
        ("CHIRVIR_REGISTRATIONS", "maybe", "open, closed or approval"),
        ("CHIRVIR_RATE_LIMIT_PERIOD", "0", "1 or more"),
        ("CHIRVIR_LOG_LEVEL", "loud", "DEBUG, INFO"),
        ("CHIRVIR_DEBUG", "perhaps", "one of 1, true"),
        ("CHIRVIR_BIND", "localhost", "host:port"),
        ("CHIRVIR_STREAMING_BIND", "127.0.0.1:99999", "host:port"),
        ("CHIRVIR_DATABASE_REPLICA_URLS", "postgres://db.internal/chirvir,mysql://db2/chirvir", "postgres:// URLs"),
        ("CHIRVIR_DATABASE_REPLICA_URLS", "postgres://db.internal:5432/", "postgres:// URLs of databases"),
        ("CHIRVIR_ARGON2", "m=19456,t=2", "m=<KiB of memory>,t=<passes>,p=<lanes>"),
        ("CHIRVIR_ARGON2", "m=8,t=1,p=2", "m from 8 times p"),
        ("CHIRVIR_ARGON2", "19456,2,1", "as an Argon2 hash writes its cost"),
    ],
)
@pytest.mark.same_in_every_pass
def test_an_invalid_setting_stops_with_one_line_naming_it(tmp_path, name, value, must):
    result = run_chirvir("web", CHIRVIR_DATA_DIR=str(tmp_path), **{name: value})
    assert result.returncode == 2
    line = one_line(result)
    assert line.startswith(f"chirvir: {name} is {value!r}; it must be ") and must in line


@pytest.mark.same_in_every_pass
def test_replicas_of_the_embedded_database_stop_with_one_line_saying_what_they_need(tmp_path):
    result = run_chirvir("web", CHIRVIR_DATA_DIR=str(tmp_path), CHIRVIR_DATABASE_REPLICA_URLS="postgres://db2/chirvir")
    assert result.returncode == 2
    assert one_line(result) == (
        "chirvir: CHIRVIR_DATABASE_REPLICA_URLS is set; DATABASE_URL must then be the PostgreSQL primary."
    )


@pytest.mark.same_in_every_pass
def test_a_command_on_a_data_directory_without_a_database_says_where_it_looked(tmp_path):
    result = run_chirvir("createuser", "dina", "--password", "a long password 7", cwd=tmp_path)
    line = one_line(result)
    assert f"No Chirvir database at {tmp_path / 'data' / 'chirvir.sqlite3'}" in line and "chirvir migrate" in line
    assert not (tmp_path / "data").exists(), "it left no new, empty data directory behind"


@pytest.mark.same_in_every_pass
def test_a_command_on_a_database_that_is_not_migrated_says_so(tmp_path):
    sqlite3.connect(tmp_path / "chirvir.sqlite3").execute("CREATE TABLE something_else (x)").connection.commit()
    line = one_line(run_chirvir("worker", CHIRVIR_DATA_DIR=str(tmp_path)))
    assert "is not migrated" in line and "chirvir migrate" in line


@pytest.mark.same_in_every_pass
def test_a_relative_data_directory_is_resolved_once_for_every_command(tmp_path):
    assert run_chirvir("migrate", "-v0", cwd=tmp_path, CHIRVIR_DATA_DIR="instance").returncode == 0
    password = "a long password 7"
    made = run_chirvir("createuser", "dina", "--password", password, cwd=tmp_path, CHIRVIR_DATA_DIR="instance")
    assert made.returncode == 0, made.stderr
    # The worker says where the data lives, as an absolute path, before it starts consuming.
    worker = subprocess.Popen(
        [sys.executable, "-m", "chirvir.cli", "worker"], cwd=tmp_path, env=operator_env(CHIRVIR_DATA_DIR="instance"),
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert select.select([worker.stdout], [], [], 60)[0], "the worker said nothing"
        assert worker.stdout.readline().strip() == f"Data directory: {tmp_path / 'instance'}"
    finally:
        worker.terminate()
        worker.wait(timeout=20)


@pytest.mark.same_in_every_pass
def test_bench_help_lists_the_benchmarks():
    result = run_chirvir("bench", "--help")
    assert result.returncode == 0 and not result.stderr
    assert "{delivery,api,text,search}" in result.stdout and "default: the whole benchmark" in result.stdout
    assert "--quick" in result.stdout


@pytest.mark.same_in_every_pass
def test_bench_of_no_such_benchmark_says_which_exist():
    line = one_line(run_chirvir("bench", "nosuch"))
    assert "'nosuch'" in line and "delivery" in line and "api" in line


@pytest.mark.same_in_every_pass
def test_the_api_benchmark_without_wrk_says_what_to_install():
    line = one_line(run_chirvir("bench", "api", PATH="/nonexistent"))
    assert "needs wrk" in line


@pytest.mark.parametrize("command", ["web", "streaming", "demo"])
@pytest.mark.same_in_every_pass
def test_options_say_their_defaults(command):
    result = run_chirvir(command, "--help")
    assert result.returncode == 0
    options = result.stdout.split("options:")[1].split("--version")[0]
    assert options.count("default:") >= 1, options


@pytest.mark.parametrize(("level", "logged"), [(None, "True"), ("WARNING", "False"), ("debug", "True")])
@pytest.mark.same_in_every_pass
def test_chirvir_log_level_sets_whether_the_access_log_is_written(tmp_path, level, logged):
    settings = {"CHIRVIR_LOG_LEVEL": level} if level else {}
    check = "import logging; print(logging.getLogger('chirvir.access').isEnabledFor(logging.INFO))"
    result = run_chirvir("shell", "--no-imports", "-c", check, CHIRVIR_DATA_DIR=str(tmp_path), **settings)
    assert result.stdout.strip() == logged, result.stderr


@pytest.mark.same_in_every_pass
def test_the_search_benchmark_builds_its_corpus_reuses_it_and_reports(tmp_path):
    """A smoke test of `chirvir bench search` on a small corpus: it runs, reuses what it built,
    and leaves a report of every kind of query (no timing is asserted)."""
    corpus, report = tmp_path / "corpus", tmp_path / "search.json"
    small = ("--posts", "300", "--queries", "2", "--delay-posts", "3", "--data-dir", str(corpus), "--report", str(report))
    first = run_chirvir("bench", "search", *small)
    assert first.returncode == 0, first.stderr
    assert "Building 300 posts" in first.stdout and "Post to searchable" in first.stdout
    figures = json.loads(report.read_text())
    assert figures["corpus"]["posts"] == 300 and len(figures["searches"]) == 12
    assert figures["post_to_searchable"]["posts"] == 3
    again = run_chirvir("bench", "search", *small)
    assert again.returncode == 0 and "Reusing the corpus of 300 posts" in again.stdout
    other = run_chirvir("bench", "search", "--posts", "200", "--data-dir", str(corpus))
    assert other.returncode != 0 and "holds another corpus" in other.stderr and "Traceback" not in other.stderr
