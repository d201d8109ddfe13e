"""The SDK client cache: one client per configuration and event loop, and bounded."""

from __future__ import annotations

import asyncio

from agents.base.providers.sdk_clients import MAX_CLIENTS, ClientCache


def test_one_client_per_configuration_and_event_loop() -> None:
    cache = ClientCache()
    built: list[object] = []

    def build() -> object:
        built.append(object())
        return built[-1]

    first = cache.get(("https://a.test", "key"), build)
    assert cache.get(("https://a.test", "key"), build) is first
    assert cache.get(("https://b.test", "key"), build) is not first

    async def in_a_loop() -> object:
        return cache.get(("https://a.test", "key"), build)

    assert asyncio.run(in_a_loop()) is not first
    assert len(built) == 3


def test_many_event_loops_do_not_grow_the_cache_without_bound() -> None:
    cache = ClientCache()

    async def one_call() -> object:
        return cache.get(("https://a.test", "key"), object)

    for _ in range(MAX_CLIENTS * 3):
        asyncio.run(one_call())
    assert len(cache._clients) <= MAX_CLIENTS
