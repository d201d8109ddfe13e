"""``GET /apps`` sends JSON built without the model (by PostgreSQL, or by ``json`` on
SQLite): byte for byte what pydantic's own dump of ``list[AppPublic]`` gives, for
generated apps, so the two forms cannot drift apart."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from sqlalchemy import insert

from schemas.apps import AppPublic
from storage.database import AsyncReadPool, create_db_engine, create_session_factory, is_sqlite
from storage.models import Agent, App
from storage.repositories import AppQuery, AppRepository, AsyncAppReader

#: Any text PostgreSQL stores (no NUL, no lone surrogates): quotes, backslashes, control
#: characters, non-ASCII, line and paragraph separators.
TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40
)
MOMENT = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
) | st.datetimes(  # whole seconds too: the microseconds are still printed
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))
APP = st.tuples(
    TEXT.filter(lambda name: name != ""),
    TEXT,
    st.sampled_from(["draft", "deployed", "archived"]),
    st.from_regex(r"\A[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\Z"),
    MOMENT,
    MOMENT,
    st.integers(min_value=0, max_value=3),
)
LIST = TypeAdapter(list[AppPublic])


@pytest.fixture(scope="module")
def apps_db(database_url: str):  # type: ignore[no-untyped-def]
    engine = create_db_engine(database_url)
    pool = None if is_sqlite(database_url) else AsyncReadPool(database_url, max_size=2)
    yield create_session_factory(engine), pool
    engine.dispose()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(apps=st.lists(APP, min_size=1, max_size=6), sort=st.sampled_from(["name", "-created_at"]))
def test_a_page_is_pydantics_own_dump(apps_db, apps, sort) -> None:  # type: ignore[no-untyped-def]
    factory, pool = apps_db
    team = f"t-{uuid.uuid4().hex[:12]}"
    with factory() as session:
        ids = []
        for index, (name, description, status, version, created, updated, agents) in enumerate(
            apps
        ):
            app_id = f"app-{uuid.uuid4().hex[:12]}"
            ids.append(app_id)
            session.execute(
                insert(App).values(
                    id=app_id,
                    name=f"{name}{index}",
                    description=description,
                    version=version,
                    status=status,
                    team_id=team,
                    created_at=created,
                    updated_at=updated + timedelta(microseconds=index),
                )
            )
            for number in range(agents):
                session.add(
                    Agent(
                        app_id=app_id, name=f"a{number}", type="llm", config={}, created_at=created
                    )
                )
        session.commit()
        # The models the single read and the writes answer with, in the list's order.
        rows = [AppRepository(session).get_row(app_id) for app_id in ids]
        expected = [AppPublic.model_validate(row) for row in rows]
    reader = AsyncAppReader(pool, factory)

    async def read() -> list[str]:
        items: list[str] = []
        after = None
        for _ in range(len(apps)):  # two per page: the cursor's sort key and id come out too
            page = await reader.page(AppQuery(limit=2, sort=sort, team_ids=(team,), after=after))
            assert page.total == len(apps)
            items += page.items
            if not page.more:
                return items
            assert page.last is not None
            assert page.last != after, "the cursor did not move"
            after = page.last
        raise AssertionError(f"more than {len(apps)} pages of two")

    items = asyncio.run(read())
    by_id = {model.id: model for model in expected}
    listed = [by_id[AppPublic.model_validate_json(item).id] for item in items]
    assert sorted(model.id for model in listed) == sorted(ids)
    assert ("[" + ",".join(items) + "]").encode() == LIST.dump_json(listed)
    for item, model in zip(items, listed, strict=True):
        assert item.encode() == model.model_dump_json().encode()
