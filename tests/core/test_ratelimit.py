"""The one fixed-window counter behind every rate limit."""

from django.core.cache import cache

from motcua.core.ratelimit import count_attempt


def test_counts_per_key_and_starts_again_when_the_window_is_gone():
    cache.clear()
    assert [count_attempt("t:a", window=60) for _ in range(3)] == [1, 2, 3]
    assert count_attempt("t:b", window=60) == 1
    cache.delete("t:a")  # the window expired
    assert count_attempt("t:a", window=60) == 1


def test_a_window_that_expires_between_add_and_incr_counts_this_attempt(monkeypatch):
    cache.clear()
    calls = []

    def incr_after_expiry(key, delta=1, version=None):
        calls.append(key)
        raise ValueError(key)  # what Django's cache raises for a missing key

    monkeypatch.setattr(cache, "incr", incr_after_expiry)
    assert count_attempt("t:c", window=60) == 1
    assert calls == ["t:c"] and cache.get("t:c") == 1
