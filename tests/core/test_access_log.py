"""The access log: one line per request, with the method, the path (never its query), the status
and how long the answer took."""

import logging


def test_every_request_gets_one_line_with_method_path_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="chirvir.access"):
        client.get("/health")
        client.get("/api/v1/timelines/home?access_token=secret")
        client.post("/api/v1/statuses", {"status": "hello"})
    lines = [r.getMessage() for r in caplog.records if r.name == "chirvir.access"]
    assert len(lines) == 3
    assert lines[0].startswith("GET /health 200 ") and lines[0].endswith(" ms")
    assert lines[1].startswith("GET /api/v1/timelines/home 401 ") and "secret" not in lines[1]
    assert lines[2].startswith("POST /api/v1/statuses 401 ")
