"""The list queries the console leans on use their indexes (PostgreSQL, generated rows).

Plans, not timings: ``EXPLAIN`` of each query on 20,000 apps must walk an index in the
requested order and never scan the apps table sequentially, whatever page is asked for.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg.sql import Literal as sql_literal
from sqlalchemy import Engine, event, insert
from sqlalchemy.orm import Session

from storage.database import create_db_engine, create_session_factory, postgresql_conninfo
from storage.models import ROLLUP_SPANS, App
from storage.observability import ObservabilityRepository, ViolationFilter, violation_page_sql
from storage.repositories import AppQuery, _app_page_json_sql, _app_page_params, app_page_shape
from storage.rollups import (
    METRICS_READ_SETTINGS,
    KeptFigures,
    RollupReader,
    Window,
    _psycopg_text_of,
    _Read,
)
from storage.run_listing import (
    RunListing,
    RunQuery,
    _count_sql,
    _count_statement,
    _page_sql,
    _page_statement,
    _shape,
)
from tests.storage.conftest import PG_ADMIN

ROWS = 20_000


@pytest.fixture(scope="module", params=["postgresql"])
def empty_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """PostgreSQL only: its planner is what production runs (SQLite's is not compared)."""
    name = f"hub_plans_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{PG_ADMIN['user']}@{PG_ADMIN['host']}:{PG_ADMIN['port']}/{name}"
    finally:
        with psycopg.connect(**PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def pg(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    engine = create_db_engine(database_url)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        {
            "id": f"app-plan{i:08x}",
            "name": f"Plan app {i:05d}",
            "description": "",
            "version": "1.0.0",
            "status": ("draft", "deployed", "archived")[i % 3],
            "team_id": f"team-{i % 20}",
            "created_at": start + timedelta(seconds=i),
            "updated_at": start + timedelta(seconds=i),
        }
        for i in range(ROWS)
    ]
    with create_session_factory(engine)() as session:
        session.execute(insert(App), rows)
        session.commit()
    engine.dispose()
    with psycopg.connect(postgresql_conninfo(database_url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE apps")
        yield conn


def plan_nodes(conn: psycopg.Connection[Any], query: AppQuery) -> list[dict[str, Any]]:
    # The statement GET /apps runs on PostgreSQL (the page's rows as JSON, the total).
    sql = "EXPLAIN (FORMAT JSON) " + _app_page_json_sql(app_page_shape(query))
    (plan,) = conn.execute(sql, _app_page_params(query)).fetchone() or [None]
    found: list[dict[str, Any]] = []
    stack = [plan[0]["Plan"] if isinstance(plan, list) else json.loads(plan)[0]["Plan"]]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.get("Plans", []))
    return found


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (AppQuery(), "ix_apps_created_id"),
        (AppQuery(offset=5_000), "ix_apps_created_id"),
        (
            AppQuery(after=(datetime(2024, 1, 1, 3, tzinfo=UTC), "app-plan00000100")),
            "ix_apps_created_id",
        ),
        (AppQuery(sort="name"), "ix_apps_lower_name_id"),
        (AppQuery(sort="-updated_at"), "ix_apps_updated_id"),
        # One team of 20 evenly spread over time: PostgreSQL walks the time index and
        # filters (the team index's rows are scattered over the heap). Either walk gives
        # the order; what matters is no sort, no sequential scan, and apps read once.
        (AppQuery(team_ids=("team-3",)), ("ix_apps_team_created_id", "ix_apps_created_at")),
        (
            AppQuery(team_ids=("team-3",), status="deployed"),
            ("ix_apps_team_created_id", "ix_apps_created_at"),
        ),
    ],
    ids=["first-page", "offset", "cursor", "by-name", "by-update", "one-team", "one-team-status"],
)
def test_app_pages_walk_their_index(
    pg: psycopg.Connection[Any], query: AppQuery, index: str | tuple[str, ...]
) -> None:
    nodes = plan_nodes(pg, query)
    scans = [(n["Node Type"], n.get("Relation Name"), n.get("Index Name")) for n in nodes]
    assert not any(kind == "Seq Scan" and table == "apps" for kind, table, _ in scans), scans
    indexes = (index,) if isinstance(index, str) else index
    assert any(name in indexes for _, _, name in scans), scans
    # The total comes from app_counts (migration 0016): apps are read once, for the page.
    assert [table for _, table, _ in scans if table == "apps"] == ["apps"], scans
    assert "app_counts" in {table for _, table, _ in scans}, scans
    assert not any(
        n["Node Type"] == "Sort" and n.get("Plans", [{}])[0].get("Relation Name") == "apps"
        for n in nodes
    ), scans


# ---------------------------------------------------------------------------------
# Observability at 100,000 runs: the metrics' reads (rollups + the window's raw edges)
# and the runs listing's per-page totals. Every statement the code runs is captured
# and EXPLAINed with its own parameters: none may scan a big table sequentially.
# ---------------------------------------------------------------------------------

RUNS = 100_000
BIG_TABLES = {"step_results", "run_summaries", "schema_violations"}
#: What the runs listing reads (migrations 0017 and 0019).
LISTING_TABLES = {"runs", "run_agent_types", "run_step_totals", "step_results"}


#: The rollup triggers of migration 0010 and the lifetime-total triggers of 0015, two per
#: big table.
ROLLUP_TRIGGERS = [
    (table, f"{table}_{kind}") for table in sorted(BIG_TABLES) for kind in ("rollup", "totals")
] + [("step_results", "step_results_run_totals")]
#: The hour of a row, as the triggers compute it.
HOUR = "date_trunc('hour', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
#: Each row counts under its app and under ``*`` (every app), as in the triggers.
APPS = "CROSS JOIN LATERAL (SELECT r.app_id AS app UNION ALL SELECT '*') AS apps"
#: A run counts under ``*`` and under each of its agent types, as in the triggers.
TYPES = (
    "(SELECT '*' AS value UNION SELECT json_array_elements_text(CASE WHEN "
    "json_typeof(r.agent_types::json) = 'array' THEN r.agent_types::json "
    "ELSE '[]'::json END)) AS types"
)

#: The rollups of the generated rows, summed set-wise: what the row triggers of
#: migration 0010 add up one row at a time (every generated run is a production run:
#: the evaluation runs are recorded after them, as the API does).
SET_WISE_ROLLUPS = (
    f"""INSERT INTO step_rollups (app_id, hour, agent_type, model, calls, failures, retries,
        input_tokens, output_tokens, cost_usd, schema_violations)
    SELECT apps.app, {HOUR.format(column="r.ended_at")}, r.agent_type, r.model, count(*),
        count(*) FILTER (WHERE r.status <> 'completed'), count(*) FILTER (WHERE r.attempt > 1),
        sum(r.input_tokens), sum(r.output_tokens), sum(r.cost_usd), 0
    FROM step_results r {APPS} GROUP BY 1, 2, 3, 4""",
    f"""INSERT INTO step_rollups (app_id, hour, agent_type, model, calls, failures, retries,
        input_tokens, output_tokens, cost_usd, schema_violations)
    SELECT apps.app, {HOUR.format(column="r.created_at")}, r.agent_type, '', 0, 0, 0, 0, 0, 0,
        count(*)
    FROM schema_violations r {APPS} WHERE r.severity = 'error' GROUP BY 1, 2, 3
    ON CONFLICT (app_id, hour, agent_type, model) DO UPDATE SET
        schema_violations = step_rollups.schema_violations + excluded.schema_violations""",
    f"""INSERT INTO step_latency_buckets (app_id, hour, agent_type, bucket, n)
    SELECT apps.app, {HOUR.format(column="r.ended_at")}, r.agent_type, r.latency_bucket,
        count(*)
    FROM step_results r {APPS}
    WHERE r.status = 'completed' AND r.latency_bucket IS NOT NULL GROUP BY 1, 2, 3, 4""",
    f"""INSERT INTO run_rollups (app_id, agent_type, hour, status, runs)
    SELECT apps.app, types.value, {HOUR.format(column="r.started_at")}, r.status, count(*)
    FROM run_summaries r {APPS} CROSS JOIN LATERAL {TYPES}
    GROUP BY 1, 2, 3, 4""",
    f"""INSERT INTO run_duration_buckets (app_id, agent_type, hour, bucket, n)
    SELECT apps.app, types.value, {HOUR.format(column="r.started_at")}, r.duration_bucket,
        count(*)
    FROM run_summaries r {APPS} CROSS JOIN LATERAL {TYPES}
    WHERE r.status <> 'running' AND r.duration_bucket IS NOT NULL GROUP BY 1, 2, 3, 4""",
)

#: Migration 0015's own set-wise sums of the lifetime totals (its back-fill).
LIFETIME_TOTALS_BACKFILL = tuple(
    import_module("storage.migrations.versions.0015_s3_22_lifetime_totals")._BACKFILL
)
#: Migration 0019's set-wise sum of each run's step totals (its back-fill).
RUN_STEP_TOTALS_BACKFILL = import_module(
    "storage.migrations.versions.0020_s5_runs_step_totals"
).BACKFILL


@pytest.fixture(scope="module")
def runs_engine(database_url: str) -> Iterator[Engine]:
    """100,000 runs of the last 30 hours (4 attempts each, a violation per 5 runs), a
    tenth of them evaluation runs, generated in SQL; then VACUUM ANALYZE.

    The rollup triggers are off while the rows go in (they would fire 520,000 times,
    most of the fixture's time) and the rollups are summed set-wise instead; the
    triggers are on again before any test runs. ``test_the_set_wise_rollups_match_the
    _triggers`` checks that both ways give the same rollups.
    """
    engine = create_db_engine(database_url)
    now = "now() - interval '30 hours'"
    with engine.begin() as conn:
        for table, trigger in ROLLUP_TRIGGERS:
            conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        conn.exec_driver_sql(
            f"""INSERT INTO run_summaries (run_id, app_id, app_version, agent_types, status,
                started_at, ended_at, duration_ms, duration_bucket)
            SELECT 'run-plan-' || i, 'app-plan' || mod(i, 40), '1.0.0',
                '["extractor", "mapper"]'::json, CASE WHEN mod(i, 20) = 0 THEN 'failed'
                ELSE 'completed' END, {now} + i * interval '1 second' * 1.08,
                {now} + i * interval '1 second' * 1.08 + interval '4 seconds', 4000, 417
            FROM generate_series(1, {RUNS}) AS i"""
        )
        conn.exec_driver_sql(
            f"""INSERT INTO step_results (run_id, app_id, app_version, step_id, activity_id,
                agent_id, agent_type, task_queue, status, attempt, retries, started_at,
                ended_at, latency_ms, latency_bucket, input_tokens, output_tokens, cost_usd,
                model, provider, prompt_versions)
            SELECT 'run-plan-' || i, 'app-plan' || mod(i, 40), '1.0.0', 's' || s, 's' || s,
                'agent', (ARRAY['extractor', 'mapper', 'judge', 'summarizer'])[s], 'q',
                'completed', 1, 0, {now} + i * interval '1 second' * 1.08,
                {now} + i * interval '1 second' * 1.08 + s * interval '1 second', 250, 278,
                100, 20, 0.001, 'gpt-4o-mini', 'openai', '{{}}'::json
            FROM generate_series(1, {RUNS}) AS i, generate_series(1, 4) AS s"""
        )
        conn.exec_driver_sql(
            f"""INSERT INTO schema_violations (run_id, app_id, step_id, activity_id, agent_id,
                agent_type, attempt, seq, repair_attempt, pointer, message, severity,
                created_at)
            SELECT 'run-plan-' || i, 'app-plan' || mod(i, 40), 's1', 's1', 'agent',
                'extractor', 1, 0, 1, '/x', 'bad', 'error',
                {now} + i * interval '1 second' * 1.08
            FROM generate_series(1, {RUNS}, 5) AS i"""
        )
        # Summed before the evaluation runs are recorded, as the triggers would have.
        for statement in (*SET_WISE_ROLLUPS, *LIFETIME_TOTALS_BACKFILL, RUN_STEP_TOTALS_BACKFILL):
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(
            f"""INSERT INTO evaluation_runs (run_id, evaluation_id, item_index)
            SELECT 'run-plan-' || i, 'eval-plan', i FROM generate_series(1, {RUNS}, 10) AS i"""
        )
        # The runs table as production fills it (migration 0017): a row per run with its
        # trigger, version, agent types (a rare one in 1 run of 100) and evaluation flag.
        conn.exec_driver_sql(
            """INSERT INTO apps (id, name, description, version, status, created_at,
                updated_at)
            SELECT 'app-plan' || a, 'Runs plan app ' || a, '', '1.0.0', 'deployed', now(),
                now()
            FROM generate_series(0, 39) AS a"""
        )
        conn.exec_driver_sql(
            f"""INSERT INTO runs (id, app_id, workflow_id, status, inputs, created_at,
                updated_at, ended_at, trigger_kind, app_version, agent_types, evaluation)
            SELECT 'run-plan-' || i, 'app-plan' || mod(i, 40), 'run-plan-' || i,
                CASE WHEN i > {RUNS} - 30 THEN 'running' WHEN mod(i, 20) = 0 THEN 'failed'
                ELSE 'completed' END, '{{}}'::json, {now} + i * interval '1 second' * 1.08,
                {now} + i * interval '1 second' * 1.08,
                {now} + i * interval '1 second' * 1.08 + interval '4 seconds',
                CASE mod(i, 10) WHEN 0 THEN 'schedule' WHEN 3 THEN 'cli' WHEN 5 THEN 'webhook'
                ELSE 'api' END, '1.0.0',
                CASE WHEN mod(i, 100) = 7 THEN '["extractor", "judge", "mapper"]'::json
                ELSE '["extractor", "mapper"]'::json END, mod(i, 10) = 1
            FROM generate_series(1, {RUNS}) AS i"""
        )
        conn.exec_driver_sql(
            """INSERT INTO run_agent_types (run_id, agent_type, created_at)
            SELECT r.id, t.value, r.created_at FROM runs r
            CROSS JOIN LATERAL json_array_elements_text(r.agent_types) AS t(value)"""
        )
        for table, trigger in ROLLUP_TRIGGERS:
            conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    with psycopg.connect(postgresql_conninfo(database_url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    yield engine
    engine.dispose()


def captured_plans(engine: Engine, read: Callable[[Session], object]) -> list[list[Any]]:
    """Run ``read`` and EXPLAIN every statement it executed, with its parameters."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with create_session_factory(engine)() as session:
            read(session)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    plans = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            plans.append(plan_of(conn, statement, parameters))
    assert plans, "the read ran no SELECT"
    return plans


def plan_of(conn: Any, statement: str, parameters: Any) -> list[tuple[str, Any, Any]]:
    """``(node type, table, index)`` of every node of ``statement``'s plan."""
    (plan,) = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).one()
    return explained_nodes(plan)


def explained_nodes(plan: Any) -> list[tuple[str, str | None, str | None]]:
    """An ``EXPLAIN (FORMAT JSON)`` plan's nodes: kind, table, index."""
    stack, nodes = [plan[0]["Plan"]], []
    while stack:
        node = stack.pop()
        nodes.append((node["Node Type"], node.get("Relation Name"), node.get("Index Name")))
        stack.extend(node.get("Plans", []))
    return nodes


def assert_no_big_seq_scan(plans: list[list[Any]]) -> None:
    for nodes in plans:
        assert not any(kind == "Seq Scan" and table in BIG_TABLES for kind, table, _ in nodes), (
            nodes
        )


#: ``(minutes, app_id, agent_type)`` of the metrics windows the plans are checked for.
METRICS_WINDOWS = [
    (24 * 60, None, None),
    (24 * 60, "app-plan7", None),
    (6 * 60 + 7, None, "mapper"),
    (45, None, None),
    (24 * 60 + 20, None, None),
    (6 * 60 + 40, "app-plan7", "mapper"),
    (50, None, None),
    (7 * 24 * 60, None, None),
    (30 * 24 * 60, "app-plan7", None),
    (30 * 24 * 60 + 20, None, "mapper"),
]
METRICS_WINDOW_IDS = [
    "24h-platform",
    "24h-app",
    "6h-agent-type",
    "45min",
    "ends-now-24h-platform",
    "ends-now-6h-app-agent-type",
    "ends-now-50min",
    "ends-now-7d-platform",
    "ends-now-30d-app",
    "ends-now-30d-agent-type",
]


def metrics_window(request: pytest.FixtureRequest, minutes: int) -> Window:
    """The window of a :data:`METRICS_WINDOWS` case: ending 13 minutes ago, read then
    (``ends-now``: what a dashboard reads) or later."""
    ends_now = "ends-now" in request.node.callspec.id
    until = datetime.now(UTC) - timedelta(minutes=13)
    window = Window.of(until - timedelta(minutes=minutes), until, now=until if ends_now else None)
    if ends_now:
        assert window.cuts
    return window


@pytest.mark.parametrize(
    ("minutes", "app_id", "agent_type"), METRICS_WINDOWS, ids=METRICS_WINDOW_IDS
)
def test_metrics_reads_use_rollups_and_indexed_edges(
    request: pytest.FixtureRequest,
    runs_engine: Engine,
    minutes: int,
    app_id: str | None,
    agent_type: str | None,
) -> None:
    """Edges (raw slices added) and cuts (raw slices of a rollup hour taken away, as a
    window ending now reads its last hour) both walk the time indexes; the whole read
    is one statement, and windows of days read the daily rows (migration 0018)."""
    window = metrics_window(request, minutes)

    def read(session: Session) -> None:
        RollupReader(session).figures(window, app_id=app_id, agent_type=agent_type)

    plans = captured_plans(runs_engine, read)
    assert len(plans) == 1, plans
    assert_no_big_seq_scan(plans)
    if minutes >= 7 * 24 * 60:
        touched = {table for _kind, table, _index in plans[0]}
        assert {"step_latency_buckets_1d", "run_duration_buckets_1d"} <= touched, touched
    # Read again with no write between: the rollup part is kept (migration 0019), so
    # one statement of the raw slices and the versions of the window's hours.
    again = captured_plans(runs_engine, read)
    assert len(again) == 1, again
    assert_no_big_seq_scan(again)
    touched = {table for _kind, table, _index in again[0]}
    assert "rollup_versions" in touched and not touched & set(ROLLUPS), touched


@pytest.mark.parametrize(
    ("minutes", "app_id", "agent_type"), METRICS_WINDOWS, ids=METRICS_WINDOW_IDS
)
def test_the_apis_metrics_statements_have_indexed_generic_plans(
    request: pytest.FixtureRequest,
    runs_engine: Engine,
    database_url: str,
    minutes: int,
    app_id: str | None,
    agent_type: str | None,
) -> None:
    """The API reads the metrics through connections that plan each statement once,
    generically (:data:`~storage.rollups.METRICS_READ_SETTINGS`): the plans it keeps for
    the whole read and the kept read (prepared as psycopg prepares them, ``EXPLAIN
    EXECUTE``d with the read's values) never scan a big table either."""
    window = metrics_window(request, minutes)
    kept = KeptFigures()
    conninfo = make_conninfo(
        postgresql_conninfo(database_url),
        options=" ".join(f"-c {k}={v}" for k, v in METRICS_READ_SETTINGS.items()),
    )
    with psycopg.connect(conninfo, autocommit=True, prepare_threshold=0) as conn:
        plans = []
        for step in ("whole", "kept"):
            read = _Read(window, app_id, agent_type, "postgresql", kept)
            statement = read.statement() if step == "whole" else read.kept_statement()
            assert statement is not None
            shape, values = statement
            sql = _psycopg_text_of(shape)
            rows = conn.execute(sql, values).fetchall()
            if step == "whole":
                read.from_all(rows)
            (name,) = conn.execute(
                "SELECT name FROM pg_prepared_statements ORDER BY prepare_time DESC LIMIT 1"
            ).fetchone() or [None]
            # psycopg numbers the parameters by their first appearance in the text.
            names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))
            literals = ", ".join(sql_literal(values[n]).as_string(conn) for n in names)
            (plan,) = conn.execute(
                f"EXPLAIN (FORMAT JSON) EXECUTE {name}({literals})"
            ).fetchone() or [None]
            plans.append(explained_nodes(plan))
        generic = conn.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements")
        assert all(custom == 0 for _generic, custom in generic.fetchall())
    assert_no_big_seq_scan(plans)
    touched = {table for _kind, table, _index in plans[1]}
    assert "rollup_versions" in touched and not touched & set(ROLLUPS), touched


@pytest.mark.parametrize(
    "where",
    [
        # The console dashboard's read: the errors of the last 24 hours, newest 50.
        ViolationFilter(since=datetime.now(UTC) - timedelta(hours=24), severity="error"),
        ViolationFilter(),
        ViolationFilter(app_id="app-plan7"),
        ViolationFilter(run_id="run-plan-50000"),
        ViolationFilter(
            since=datetime.now(UTC) - timedelta(hours=20),
            until=datetime.now(UTC) - timedelta(hours=10),
        ),
    ],
    ids=["dashboard", "all", "app", "run", "window"],
)
def test_the_violations_page_uses_an_index(runs_engine: Engine, where: ViolationFilter) -> None:
    """``GET /observability/violations``'s one ``SELECT`` (the async read pool's text)
    never scans ``schema_violations`` whole."""
    sql, values = violation_page_sql(where, after_id=None, limit=51)
    with runs_engine.connect() as conn:
        nodes = plan_of(conn, sql, values)
    assert_no_big_seq_scan([nodes])
    assert any(index for _kind, _table, index in nodes), nodes


def test_a_step_results_totals_recompute_reads_the_runs_rows_by_index(
    runs_engine: Engine,
) -> None:
    """The trigger of migration 0020 sums one run's step results on every write: the
    statement it runs walks an index led by ``run_id`` (EXPLAIN of the function's
    statement, for one run of the 100,000)."""
    migration = import_module("storage.migrations.versions.0020_s5_runs_step_totals")
    statement = migration.recompute("'run-plan-50000'")
    with runs_engine.connect() as conn, conn.begin() as transaction:
        (plan,) = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}").one()
        transaction.rollback()
    nodes = explained_nodes(plan)
    assert not any(kind == "Seq Scan" for kind, _, _ in nodes), nodes
    by_run = {"ix_step_results_run_id", "uq_step_results_attempt"}
    assert any(index in by_run for _, table, index in nodes if table == "step_results"), nodes
    assert any(index == "run_step_totals_pkey" for _, _, index in nodes), nodes


HOURLY = ("step_rollups", "step_latency_buckets", "run_rollups", "run_duration_buckets")
#: The hourly rollups and their 6-hour and daily rows (kept from the hourly ones), and
#: each run's step totals (migration 0020).
ROLLUPS = (
    HOURLY
    + tuple(f"{table}_{span}" for table in HOURLY for span in ROLLUP_SPANS)
    + ("run_step_totals",)
)


def rollup_rows(conn: Any) -> dict[str, list[Any]]:
    return {
        table: [
            tuple(row) for row in conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1, 2, 3, 4")
        ]
        for table in ROLLUPS
    }


def test_the_set_wise_rollups_match_the_triggers(runs_engine: Engine) -> None:
    """The fixture's shortcut is sound: on varied rows (failures, retries, running runs,
    missing buckets, warnings, repeated and absent agent types), the rollups the row
    triggers keep equal those summed set-wise — the hourly rows, and the 6-hour and
    daily rows kept from them. In a transaction that is rolled back."""
    now = "now() - interval '5 hours'"
    with runs_engine.connect() as conn, conn.begin() as transaction:
        conn.exec_driver_sql(f"TRUNCATE {', '.join((*BIG_TABLES, *ROLLUPS))}")
        conn.exec_driver_sql(
            f"""INSERT INTO run_summaries (run_id, app_id, app_version, agent_types, status,
                started_at, duration_ms, duration_bucket)
            SELECT 'check-' || i, 'app-check' || mod(i, 3), '1.0.0',
                (ARRAY['["extractor", "mapper"]', '["mapper", "mapper"]', '[]', '{{}}'])
                    [1 + mod(i, 4)]::json,
                CASE WHEN mod(i, 7) = 0 THEN 'failed' WHEN mod(i, 11) = 0 THEN 'running'
                ELSE 'completed' END, {now} + i * interval '17 seconds', 1000 + i,
                CASE WHEN mod(i, 13) = 0 THEN NULL ELSE mod(i, 9) END
            FROM generate_series(1, 1000) AS i"""
        )
        conn.exec_driver_sql(
            f"""INSERT INTO step_results (run_id, app_id, app_version, step_id, activity_id,
                agent_id, agent_type, task_queue, status, attempt, retries, ended_at,
                latency_ms, latency_bucket, input_tokens, output_tokens, cost_usd, model,
                provider, prompt_versions)
            SELECT 'check-' || i, 'app-check' || mod(i, 3), '1.0.0', 's' || s, 's' || s,
                'agent', (ARRAY['extractor', 'mapper', 'judge'])[s], 'q',
                CASE WHEN mod(i + s, 6) = 0 THEN 'failed' ELSE 'completed' END, a, a - 1,
                {now} + i * interval '17 seconds' + s * interval '1 second', 250,
                CASE WHEN mod(i, 10) = 0 THEN NULL ELSE mod(i + s, 8) END, i, s, 0.25 * s,
                (ARRAY['gpt-4o-mini', 'claude'])[1 + mod(i, 2)], 'openai', '{{}}'::json
            FROM generate_series(1, 1000) AS i, generate_series(1, 3) AS s,
                generate_series(1, 1 + mod(i, 3)) AS a"""
        )
        conn.exec_driver_sql(
            f"""INSERT INTO schema_violations (run_id, app_id, step_id, activity_id, agent_id,
                agent_type, attempt, seq, repair_attempt, pointer, message, severity,
                created_at)
            SELECT 'check-' || i, 'app-check' || mod(i, 3), 's1', 's1', 'agent', 'extractor',
                1, q, 1, '/x', 'bad',
                (ARRAY['error', 'warning'])[1 + mod(i + q, 2)],
                {now} + i * interval '17 seconds'
            FROM generate_series(1, 1000, 3) AS i, generate_series(0, 2) AS q"""
        )
        by_triggers = rollup_rows(conn)
        conn.exec_driver_sql(f"TRUNCATE {', '.join(ROLLUPS)}")
        for statement in (*SET_WISE_ROLLUPS, RUN_STEP_TOTALS_BACKFILL):
            conn.exec_driver_sql(statement)
        set_wise = rollup_rows(conn)
        transaction.rollback()
    assert all(by_triggers.values()), by_triggers
    assert set_wise == by_triggers


def test_the_lifetime_counters_read_no_big_table(runs_engine: Engine) -> None:
    """``GET /metrics``'s counters come from the lifetime tables (migration 0015), never
    from ``step_results``, ``run_summaries`` or ``schema_violations``."""
    plans = captured_plans(
        runs_engine, lambda session: ObservabilityRepository(session).lifetime_totals()
    )
    touched = {table for nodes in plans for _kind, table, _index in nodes}
    assert touched and not touched & BIG_TABLES, touched


# ---------------------------------------------------------------------------------
# The runs listing (GET /observability/runs) from the runs table at 100,000 runs: each
# filter's statement walks its index newest first (no sequential scan, no sort of the
# table), the first page and a later one alike; the page's totals by run id.
# ---------------------------------------------------------------------------------

LATER = (datetime.now(UTC) - timedelta(hours=16), "run-plan-50000")


@pytest.mark.parametrize(
    ("query", "after", "index"),
    [
        (RunQuery(), None, "ix_runs_created_id"),
        (RunQuery(), LATER, "ix_runs_created_id"),
        (RunQuery(include_evaluations=True), LATER, "ix_runs_created_id"),
        (RunQuery(app_id="app-plan7"), None, "ix_runs_app_created_id"),
        (RunQuery(app_id="app-plan7"), LATER, "ix_runs_app_created_id"),
        (RunQuery(status="failed"), LATER, "ix_runs_status_created_id"),
        (RunQuery(status="running"), None, "ix_runs_status_created_id"),
        # A tenth of the runs: walking every run newest first finds 51 soonest.
        (RunQuery(trigger_kind="cli"), LATER, "ix_runs_trigger_created_id|ix_runs_created_id"),
        (RunQuery(trigger_kind="batch"), None, "ix_runs_trigger_created_id"),
        (RunQuery(agent_type="judge"), None, "ix_run_agent_types_type_created"),
        (RunQuery(agent_type="mapper"), LATER, "ix_run_agent_types_type_created"),
        (
            RunQuery(
                since=datetime.now(UTC) - timedelta(hours=20),
                until=datetime.now(UTC) - timedelta(hours=10),
            ),
            None,
            "ix_runs_created_id",
        ),
        # Two filters: the rows of both indexes (ANDed bitmaps), a few hundred, sorted.
        (RunQuery(app_id="app-plan7", status="failed"), LATER, None),
        (RunQuery(app_ids=[f"app-plan{i}" for i in range(5)]), LATER, "ix_runs_created_id"),
    ],
    ids=[
        "first-page",
        "later-page",
        "with-evaluations",
        "app-first",
        "app-later",
        "status-failed",
        "status-running",
        "trigger-cli",
        "trigger-batch-none",
        "rare-agent-type",
        "agent-type-later",
        "window",
        "app-and-status",
        "team-apps",
    ],
)
def test_runs_listing_pages_walk_their_index(
    runs_engine: Engine, query: RunQuery, after: Any, index: str | None
) -> None:
    # The API's reader runs this statement's text, compiled once per filter shape.
    shape = _shape(query, after, postgresql=True)
    assert str(_page_statement(shape).compile(dialect=runs_engine.dialect)) == _page_sql(shape)

    def read(session: Session) -> None:
        RunListing(session).page(query, after=after, limit=51)

    plans = captured_plans(runs_engine, read)
    # One statement: the page and its runs' totals (by run id), no step_results read.
    assert len(plans) == 1, plans
    for nodes in plans:
        assert not any(
            kind == "Seq Scan" and table in LISTING_TABLES for kind, table, _ in nodes
        ), nodes
    assert {table for _, table, _ in plans[0]} & {"step_results"} == set(), plans[0]
    assert any(name == "run_step_totals_pkey" for _, _, name in plans[0]), plans[0]
    page_plan = {name for _kind, _table, name in plans[0]}
    if index is not None:
        # The page comes off one index in order: nothing sorts the runs.
        assert not any(kind in ("Sort", "Incremental Sort") for kind, _, _ in plans[0]), plans
        assert page_plan & set(index.split("|")), plans[0]
    else:
        assert (
            not any(kind == "Bitmap Heap Scan" for kind, _, _ in plans[0])
            or len({name for kind, _, name in plans[0] if kind == "Bitmap Index Scan"}) >= 2
        ), plans[0]


def test_the_reconcile_reads_running_rows_by_index(runs_engine: Engine) -> None:
    """The sync's turn through rows still running: ``(status, created_at, id)``."""
    plans = captured_plans(
        runs_engine,
        lambda session: RunListing(session).running_after(
            (datetime.now(UTC) - timedelta(days=3), ""), before=datetime.now(UTC), limit=100
        ),
    )
    assert all(any(i == "ix_runs_status_created_id" for _, _, i in nodes) for nodes in plans)
    assert not any(kind == "Seq Scan" for nodes in plans for kind, _, _ in nodes), plans


@pytest.mark.parametrize(
    "query",
    [
        RunQuery(status="running", since=datetime.now(UTC) - timedelta(hours=24)),
        RunQuery(
            status="running", app_id="app-plan7", since=datetime.now(UTC) - timedelta(hours=24)
        ),
        RunQuery(
            status="running",
            since=datetime.now(UTC) - timedelta(hours=20),
            until=datetime.now(UTC) - timedelta(hours=10),
        ),
        RunQuery(
            status="running", agent_type="judge", since=datetime.now(UTC) - timedelta(hours=24)
        ),
    ],
    ids=["platform", "app", "closed-window", "agent-type"],
)
def test_the_metrics_running_counts_read_no_big_table_sequentially(
    runs_engine: Engine, query: RunQuery
) -> None:
    """``GET /observability/metrics``'s running runs (issue 22): one count on an index of
    the listing's, no sequential scan of ``runs`` or ``run_agent_types``."""
    shape = _shape(query, None, postgresql=True)
    assert str(_count_statement(shape).compile(dialect=runs_engine.dialect)) == _count_sql(shape)
    plans = captured_plans(runs_engine, lambda session: RunListing(session).count(query))
    assert len(plans) == 1, plans
    assert not any(kind == "Seq Scan" and table in LISTING_TABLES for kind, table, _ in plans[0]), (
        plans[0]
    )
    assert {table for _, table, _ in plans[0]} & {"step_results", "run_step_totals"} == set()
