"""Media in an S3-compatible store (issue 9, media): `chirvir serve` with CHIRVIR_S3_BUCKET keeps
each picture it writes in the bucket, not on its disk, under a random name with the real type
and a year's cache, and the API gives the address it is served from. The store is moto's
S3-compatible server on loopback, spoken to over HTTP by django-storages and boto3 as a real one
would be."""

import io
import subprocess
import sys
import time

import boto3
import httpx
import pytest
from PIL import Image

from tests.media.test_image_uploads import photo_taken_on_its_side_with_gps
from tests.servers import free_port, serving
from tests.streaming.conftest import Community

BUCKET = "chirvir-media"
KEYS = {"AWS_ACCESS_KEY_ID": "chirvir-test", "AWS_SECRET_ACCESS_KEY": "chirvir-test-secret"}


@pytest.fixture
def s3_store(tmp_path):
    """An S3-compatible server on 127.0.0.1 with an empty bucket; yields its endpoint."""
    port = free_port()
    log = open(tmp_path / "s3.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(endpoint, timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "the S3 server did not start"
                time.sleep(0.2)
        client(endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"], aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"])


@pytest.mark.slow
def test_a_served_instance_keeps_pictures_in_the_bucket_and_links_to_them(s3_store, tmp_path, monkeypatch):
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)  # boto3 reads them itself, in the server's processes
    public = f"{s3_store}/{BUCKET}"
    data = tmp_path / "server"
    data.mkdir()
    settings = {"CHIRVIR_S3_BUCKET": BUCKET, "CHIRVIR_S3_ENDPOINT_URL": s3_store, "CHIRVIR_S3_REGION": "us-east-1",
                "CHIRVIR_S3_PUBLIC_URL": public, "CHIRVIR_RATE_LIMIT": "0"}
    with serving(data, **settings) as base:
        alice = Community(base, data).join("alice")
        headers = {"Authorization": f"Bearer {alice.token}"}
        uploaded = httpx.post(f"{base}/api/v2/media", headers=headers, timeout=30,
                              files={"file": ("holiday.jpg", photo_taken_on_its_side_with_gps(), "image/jpeg")},
                              data={"description": "The harbour"})
        assert uploaded.status_code == 200, uploaded.text
        media = uploaded.json()
        posted = httpx.post(f"{base}/api/v1/statuses", headers=headers, timeout=30,
                            json={"status": "From the hill", "media_ids": [media["id"]]})
        assert posted.status_code == 200
        page = httpx.get(f"{base}/@{alice.username}", timeout=30)

    store = client(s3_store)
    for url in (media["url"], media["preview_url"]):
        assert url.startswith(f"{public}/media/") and url.endswith(".jpg")
        kept = store.get_object(Bucket=BUCKET, Key=url.removeprefix(f"{public}/"))
        assert kept["ContentType"] == "image/jpeg" and "immutable" in kept["CacheControl"]
        body = kept["Body"].read()
        assert b"Exif" not in body and Image.open(io.BytesIO(body)).format == "JPEG"
    assert Image.open(io.BytesIO(store.get_object(Bucket=BUCKET, Key=media["url"].removeprefix(f"{public}/"))
                                 ["Body"].read())).size == (30, 60)
    assert posted.json()["media_attachments"][0]["url"] == media["url"]
    assert media["preview_url"] in page.text  # the profile shows the post's picture from the store
    assert public in page.headers["content-security-policy"]  # and the pages' policy lets it load
    assert not (data / "media").exists() or not any((data / "media").rglob("*.jpg"))  # nothing on disk
