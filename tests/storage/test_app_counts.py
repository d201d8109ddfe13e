"""``app_counts`` (migration 0016's triggers) gives ``GET /apps``'s totals: after any mix
of creates, status and team changes and deletes, every total it answers equals a count
of the apps themselves, on both backends."""

from __future__ import annotations

import itertools
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import App, utc_now
from storage.repositories import AppQuery, _app_filters, _app_page_params, _app_total_statement

STATUSES = ("draft", "deployed", "archived")
#: ``None``: an app without a team; the suffix keeps examples apart in one database.
TEAMS = (None, "a", "b", "c")
OPERATION = st.one_of(
    st.tuples(st.just("create"), st.sampled_from(TEAMS), st.sampled_from(STATUSES)),
    st.tuples(st.just("status"), st.integers(0, 30), st.sampled_from(STATUSES)),
    st.tuples(st.just("team"), st.integers(0, 30), st.sampled_from(TEAMS)),
    st.tuples(st.just("rename"), st.integers(0, 30), st.just("")),
    st.tuples(st.just("delete"), st.integers(0, 30), st.just("")),
)


def _queries(suffix: str) -> list[AppQuery]:
    team_sets: list[tuple[str, ...] | None] = [None, ()]
    named = [f"{team}{suffix}" for team in TEAMS if team]
    team_sets += [tuple(c) for n in (1, 2, 3) for c in itertools.combinations(named, n)]
    return [
        AppQuery(status=status, team_ids=teams)
        for status in (None, *STATUSES)
        for teams in team_sets
    ]


def _count(session: Session, query: AppQuery) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(App).where(*_app_filters(query)),
            _app_page_params(query),
        )
        or 0
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(OPERATION, max_size=25))
def test_the_counted_totals_equal_a_count_of_the_apps(
    session: Session, operations: list[tuple[str, object, object]]
) -> None:
    # Totals over every team include earlier examples' apps: compare before and after.
    suffix = f"-{uuid.uuid4().hex[:8]}"
    queries = _queries(suffix)
    before = {
        q: int(session.scalar(_app_total_statement(q), _app_page_params(q)) or 0) for q in queries
    }
    assert before == {q: _count(session, q) for q in queries}
    ids: list[str] = []
    for kind, which, value in operations:
        if kind == "create":
            app_id = f"app-{uuid.uuid4().hex[:12]}"
            now = utc_now()
            team = f"{which}{suffix}" if which else None
            session.add(
                App(
                    id=app_id,
                    name=app_id,
                    status=value,
                    team_id=team,
                    created_at=now,
                    updated_at=now,
                )
            )
            session.flush()
            ids.append(app_id)
            continue
        if not ids:
            continue
        app_id = ids[int(str(which)) % len(ids)]
        if kind == "status":
            session.execute(update(App).where(App.id == app_id).values(status=value))
        elif kind == "team":
            team = f"{value}{suffix}" if value else None
            session.execute(update(App).where(App.id == app_id).values(team_id=team))
        elif kind == "rename":
            session.execute(update(App).where(App.id == app_id).values(name=f"{app_id} 2"))
        else:
            session.execute(delete(App).where(App.id == app_id))
            ids.remove(app_id)
    session.commit()
    for query in queries:
        total = int(session.scalar(_app_total_statement(query), _app_page_params(query)) or 0)
        assert total == _count(session, query), query
