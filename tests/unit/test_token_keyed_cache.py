"""The per-token cache of the databricks adapters: exactly `max_entries` kept, least recently used
evicted first, entries live until their TTL (controlled clock), tokens never kept as keys."""

from server.adapters.token_cache import TokenKeyedCache, token_key


class Clock:
    def __init__(self) -> None:
        self.now = 10.0

    def __call__(self) -> float:
        return self.now


def test_it_holds_exactly_max_entries_and_evicts_the_least_recently_used() -> None:
    cache: TokenKeyedCache[str] = TokenKeyedCache(3, 60, Clock())
    for token in ("a", "b", "c"):
        cache.put(token, token.upper())
    assert len(cache) == 3
    assert cache.get("a") == "A"  # now the most recently used
    cache.put("d", "D")
    assert len(cache) == 3
    assert cache.get("b") is None
    assert [cache.get(t) for t in ("a", "c", "d")] == ["A", "C", "D"]


def test_putting_a_token_again_replaces_its_value_and_refreshes_it() -> None:
    cache: TokenKeyedCache[int] = TokenKeyedCache(2, 60, Clock())
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 3)
    cache.put("c", 4)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (3, None, 4)


def test_an_entry_lives_until_its_ttl() -> None:
    clock = Clock()
    cache: TokenKeyedCache[str] = TokenKeyedCache(5, 60, clock)
    cache.put("a", "A")
    clock.now += 59.9
    assert cache.get("a") == "A"
    clock.now += 0.1
    assert cache.get("a") is None
    assert len(cache) == 0


def test_keys_are_token_digests() -> None:
    assert token_key("secret") == (
        "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"
    )
    cache: TokenKeyedCache[str] = TokenKeyedCache(5, 60, Clock())
    cache.put("secret", "value")
    assert "secret" not in repr(cache._entries)
