"""`make run` (chirvir serve) starts the XMPP bot once its account is configured: the served bot
answers a chat on a real Prosody; and `chirvir xmpp` without an account says so in one line."""

import os
import subprocess
import sys

import pytest

from tests import servers
from tests.gateways.xmpp.conftest import BOT, BOT_PASSWORD, online, run
from tests.servers import ROOT, served_process


@pytest.mark.slow
def test_chirvir_serve_runs_the_bot_which_answers_on_prosody(prosody, tmp_path):
    jid = prosody.register("mallory", "mallory pw 7")
    bot = dict(
        CHIRVIR_XMPP_JID=BOT, CHIRVIR_XMPP_PASSWORD=BOT_PASSWORD, CHIRVIR_XMPP_HOST="127.0.0.1",
        CHIRVIR_XMPP_PORT=str(prosody.port), CHIRVIR_XMPP_TLS="0",
    )
    with served_process(tmp_path, **bot) as (base, _process):

        async def story():
            async with online(prosody, jid, "mallory pw 7") as person:
                for _attempt in range(40):  # the bot logs in a moment after the web answers
                    person.say("hello?")
                    if answers := await person.quiet_for(0.5):
                        break
                assert answers and f"{base}/settings/xmpp" in answers[0]

        run(story)
        # The same data directory (and database), without the bot's account: `chirvir xmpp` refuses.
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHIRVIR_XMPP")}
        env = {k: v for k, v in env.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
        env.update(CHIRVIR_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
        if tmp_path in servers._databases:
            env["DATABASE_URL"] = servers._databases[tmp_path]
        command = [sys.executable, "-m", "chirvir.cli", "xmpp"]
        off = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    assert off.returncode != 0
    assert "set CHIRVIR_XMPP_JID and CHIRVIR_XMPP_PASSWORD" in off.stderr and len(off.stderr.strip().splitlines()) == 1
