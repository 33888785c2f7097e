"""The one module that reaches into django-redis: several keys read and a counter counted in one round trip."""

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django_redis.client import DefaultClient, HerdClient
from redis.commands.core import Script

# The reads, then the counter, atomically (https://redis.io/docs/latest/commands/eval/). The counter is
# counted only when the first key is present: `api.hot_read` reads a token's user first, so an unknown
# token never creates a counter.
_SCRIPT = Script(
    None,  # bytes: no client needed to compute its SHA1; each call passes the cache's client
    b"""
    local found = redis.call('MGET', unpack(KEYS, 1, #KEYS - 1))
    if found[1] then
        local count = redis.call('INCR', KEYS[#KEYS])
        if count == 1 then redis.call('EXPIRE', KEYS[#KEYS], ARGV[1]) end
        found[#KEYS] = count
    end
    return found
    """,
)


def read_and_count(*, keys: list[str], counter: str, period: int) -> tuple[list, int | None] | None:
    """In one round trip, the values at `keys` (None where missing) and, when the first is present, the
    counter at `counter` plus one (a new counter lives `period` seconds).

    None when the default cache cannot be read this way: only django-redis's default client is (HerdClient
    wraps each value in its own packing, which a raw read would not undo); ask such a cache part by part.
    Raises what Redis raises.
    """
    backend = caches[DEFAULT_CACHE_ALIAS]  # once: each attribute of the `cache` proxy looks the backend up again
    client = getattr(backend, "client", None)
    if not isinstance(client, DefaultClient) or isinstance(client, HerdClient):
        return None
    raw_keys = [backend.make_key(key) for key in (*keys, counter)]
    found = _SCRIPT(keys=raw_keys, args=[period], client=client.get_client(write=True))
    count = found[len(keys)] if len(found) > len(keys) else None
    return [None if value is None else client.decode(value) for value in found[: len(keys)]], count
