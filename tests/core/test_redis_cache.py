"""The JSON cache and the rate-limit counters of scale-out mode, against a real redis-server of the
test's own (in both of CI's passes): what one process stored another finds, a Redis that went
away is a miss and not an error, and the counters count across processes and forget only theirs."""

import pytest
from django.core.cache import cache

from chirvir.api.counters import CacheCounters
from chirvir.core import cache as json
from chirvir.core.cache import RedisCache


def test_what_one_process_rendered_another_finds_and_it_ages_out(private_redis):
    one, other = (RedisCache(private_redis.client(), prefix="test:json") for _ in range(2))  # each its own memory
    one.set_many({"status 1 abc": b'{"id":"1"}', "status 2 def": b'{"id":"2"}'})
    assert other.get_many(["status 1 abc", "status 2 def", "status 3 xyz"]) == {
        "status 1 abc": b'{"id":"1"}', "status 2 def": b'{"id":"2"}'
    }
    ttl = private_redis.client().ttl("test:json:status 1 abc")
    assert 0 < ttl <= json.REDIS_TTL_SECONDS


def test_a_redis_that_went_away_is_a_miss_not_an_error(private_redis):
    store = RedisCache(private_redis.client(), prefix="test:json")
    store.set_many({"kept near": b"1"})
    private_redis.stop()
    store.set_many({"new": b"2"})  # logged, not raised
    assert RedisCache(private_redis.client(), prefix="test:json").get_many(["kept near", "new"]) == {}
    assert store.get_many(["kept near", "new"]) == {"kept near": b"1", "new": b"2"}  # this process's own memory


@pytest.fixture
def redis_cache(private_redis, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "test",
        }
    }
    settings.REDIS_URL, settings.REDIS_PREFIX = private_redis.url, "test"
    from chirvir.core import redis

    redis.client.cache_clear()
    yield cache
    redis.client.cache_clear()


def test_the_counters_count_across_processes_by_window(redis_cache):
    one, other = CacheCounters(), CacheCounters()
    now = 1_700_000_000.5  # in the window that ends at 1_700_000_100
    assert one.hit("api account 1", 300, now) == (1, 1_700_000_100)
    assert other.hit("api account 1", 300, now + 1) == (2, 1_700_000_100)
    assert one.hit("api account 2", 300, now) == (1, 1_700_000_100)
    assert other.hit("api account 1", 300, 1_700_000_100) == (1, 1_700_000_400)  # the next window


def test_clearing_the_counters_forgets_only_them(redis_cache):
    counters = CacheCounters()
    counters.hit("api account 1", 300, 1_700_000_000)
    redis_cache.set("something_else", 1)
    counters.clear()
    assert counters.hit("api account 1", 300, 1_700_000_000) == (1, 1_700_000_100)
    assert redis_cache.get("something_else") == 1
