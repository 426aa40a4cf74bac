"""Synthetic data at three scales, for the benchmark and for trying the app on a region.

``municipal``: 1 region, 1 municipality, 15 schools; ``regional``: 1 region, 48 municipalities,
1,000 schools (a regional institute's app); ``national``: 85 regions, 2,500 municipalities,
40,000 schools.  Each over ten school years (2015/16–2024/25) on the catalog's indicators, with
the submissions and the roadmap statuses.  Everything is generated inside DuckDB from hashes of
the keys, so the same scale gives the same database on every machine, and the national one
(4.8 million values) takes seconds, not hours.

A generated database is synthetic: it is written in one transaction, and the change log gets
one line per table saying how many rows were generated, not one line per value.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.catalog.adoption import is_municipal_event, is_school_event
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch

PERIODS = tuple(range(2015, 2025))
USER = Actor(login="generate", name="генератор", role="admin")


@dataclass(frozen=True)
class Scale:
    regions: int
    municipalities: int
    schools: int


SCALES = {
    "municipal": Scale(1, 1, 15),
    "regional": Scale(1, 48, 1_000),
    "national": Scale(85, 2_500, 40_000),
}
SCHOOL_KINDS = ("СОШ", "Гимназия", "Лицей", "ООШ", "НОШ", "ЦО")


class GenerateError(ValueError):
    """The database is not empty, or the scale is unknown (Russian message)."""


def _u(expr: str, salt: str) -> str:
    """A uniform number in [0, 1) from the hash of ``expr``, stable across runs."""
    return f"((hash({expr} || '{salt}') % 1000003) / 1000003.0)"


def generate(db: Database, scale: str) -> dict[str, int]:
    """Fill an empty database with the ``scale``; return the row counts per table."""
    if scale not in SCALES:
        raise GenerateError(f"неизвестный масштаб «{scale}»; есть: {', '.join(SCALES)}")
    if db.scalar("SELECT count(*) FROM org_unit"):
        raise GenerateError(f"база {db.path} уже содержит данные; синтетические данные "
                            "добавляются только в пустую базу")
    s = SCALES[scale]
    p0, p1 = PERIODS[0], PERIODS[-1]
    with batch(db, USER, "generate") as b:
        cur = b.cur  # set-based INSERTs: the batch logs their counts below
        cur.execute(f"""
            INSERT INTO org_unit (id, parent_id, kind, name, short_name, ord)
            SELECT printf('r%03d', i), NULL, 'region',
                   CASE WHEN {s.regions} = 1 THEN 'Синтетическая область' ELSE printf('Регион № %d', i) END,
                   CASE WHEN {s.regions} = 1 THEN 'Область' ELSE printf('Регион № %d', i) END, i
            FROM range(1, {s.regions} + 1) t(i)""")
        cur.execute(f"""
            INSERT INTO org_unit (id, parent_id, kind, name, short_name, ord)
            SELECT printf('m%04d', i), printf('r%03d', (i - 1) % {s.regions} + 1), 'municipality',
                   printf('Управление образования муниципального округа № %d', i),
                   printf('Округ № %d', i), i
            FROM range(1, {s.municipalities} + 1) t(i)""")
        # Schools go to municipalities unevenly (a big town, many villages), numbered within each.
        cur.execute(f"""
            INSERT INTO org_unit (id, parent_id, kind, name, short_name, school_type,
                                  opened_period, closed_period, ord)
            WITH placed AS (
                SELECT i, 1 + floor(power({_u('i::VARCHAR', 'm')}, 1.6) * {s.municipalities})::INT AS m,
                       list_extract({list(SCHOOL_KINDS)}, 1 + (i % {len(SCHOOL_KINDS)})::INT) AS k
                FROM range(1, {s.schools} + 1) t(i)
            )
            SELECT printf('s%05d', i), printf('m%04d', m), 'school',
                   printf('МБОУ «%s № %d»', k, row_number() OVER (PARTITION BY m ORDER BY i)),
                   printf('%s № %d', k, row_number() OVER (PARTITION BY m ORDER BY i)), k,
                   CASE WHEN i % 97 = 0 THEN {p0 + 3} END,
                   CASE WHEN i % 89 = 0 THEN {p1 - 1} END,
                   row_number() OVER (PARTITION BY m ORDER BY i)
            FROM placed""")
        # The catalog's indicators start with the 2020 orders; in a synthetic database they
        # count from the first synthetic year, so that all ten years are comparable.
        moved = cur.execute(f"UPDATE indicator SET first_period = {p0} WHERE first_period > {p0}").fetchone()[0]
        b.log("indicator", "*", "first_period", f"{moved} показателей позже {p0}", str(p0))
        # Every unit has a starting quality and a yearly drift; a few skip a year entirely,
        # and the latest year is still coming in for some.
        cur.execute(f"""
            CREATE TEMP TABLE _quality AS
            SELECT u.id AS unit, p.period,
                   least(0.98, greatest(0.05, 0.25 + 0.6 * {_u('u.id', 'q')}
                         + (p.period - {p0}) * (0.06 * {_u('u.id', 'd')} - 0.02))) AS q,
                   {_u("u.id || p.period::VARCHAR", 's')} AS skip
            FROM org_unit u, (SELECT unnest({list(PERIODS)}) AS period) p
            WHERE u.kind IN ('municipality', 'school')
              AND (u.opened_period IS NULL OR p.period >= u.opened_period)
              AND (u.closed_period IS NULL OR p.period < u.closed_period)""")
        cur.execute(f"""
            INSERT INTO assessment (org_unit_id, indicator_id, period, score, not_applicable,
                                    evidence_url, comment, updated_at, updated_by)
            SELECT unit, indicator_id, period,
                   CASE WHEN na THEN NULL WHEN h < q THEN max_score
                        WHEN h < q + 0.15 THEN max_score / 2 ELSE 0 END,
                   na,
                   CASE WHEN NOT na AND h < q + 0.15
                        THEN printf('https://%s.example/docs/%d/%s.pdf', unit, period, indicator_id) END,
                   NULL, TIMESTAMP '{p1 + 1}-06-15', '{USER.name}'
            FROM (
                SELECT q.unit, q.period, q.q, i.id AS indicator_id, i.max_score,
                       {_u("q.unit || i.id || q.period::VARCHAR", 'a')} AS h,
                       i.level = 'school' AND i.number = 9 AND {_u('q.unit', 'na')} < 0.03 AS na
                FROM _quality q
                JOIN applicable_indicator((SELECT list(id) FROM org_unit), {list(PERIODS)}) x
                  ON x.org_unit_id = q.unit AND x.period = q.period
                JOIN indicator i ON i.id = x.indicator_id
                WHERE q.skip >= CASE WHEN q.period = {p1} THEN 0.08 ELSE 0.02 END
            )
            ORDER BY period, unit, indicator_id""")
        cur.execute(f"""
            INSERT INTO submission (org_unit_id, period, status, received_at, accepted_by, accepted_at)
            SELECT org_unit_id, period,
                   CASE WHEN period < {p1} OR {_u('org_unit_id', 'acc')} < 0.4 THEN 'accepted' ELSE 'received' END,
                   make_timestamp(period + 1, 6, 10, 0, 0, 0),
                   CASE WHEN period < {p1} OR {_u('org_unit_id', 'acc')} < 0.4 THEN 'Специалист УО' END,
                   CASE WHEN period < {p1} OR {_u('org_unit_id', 'acc')} < 0.4
                        THEN make_timestamp(period + 1, 6, 24, 0, 0, 0) END
            FROM (SELECT DISTINCT org_unit_id, period FROM assessment)""")
        _event_statuses(cur)
        counts = {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("org_unit", "assessment", "submission", "event_status")}
        counts["roadmap_adoption"] = cur.execute("SELECT count(*) FROM roadmap_adoption").fetchone()[0]
        for table, rows in counts.items():
            b.log(table, scale, "rows", None, str(rows))
        cur.execute("DROP TABLE _quality")
        b.set_meta("synthetic", scale)
        b.set_meta("auto_demo", "0")
    return counts


def _event_statuses(cur) -> None:
    """Who adopted which roadmap — each municipality one municipal roadmap (in turn), each
    region the regional ones — and the statuses of the events each unit reports on
    (``catalog.adoption.follows``: a department its own plan whole and what the regional plan
    names for МОУО, a school what names ОО), over the school years each adoption covers."""
    events = cur.execute("SELECT e.id, e.direction_id, e.responsible, d.period_from, d.period_to, "
                         "d.scope FROM roadmap_event e JOIN direction d ON d.id = e.direction_id").df()
    events["school"] = events["responsible"].map(is_school_event)
    events["municipal"] = events["responsible"].map(is_municipal_event)
    cur.register("_events", events[["id", "direction_id", "school", "municipal"]])
    scopes = events.drop_duplicates("direction_id").set_index("direction_id")["scope"]
    regional = sorted(d for d, scope in scopes.items() if scope == "region")
    local = sorted(d for d, scope in scopes.items() if scope != "region") or regional
    cur.execute(f"""
        INSERT INTO roadmap_adoption (unit_id, direction_id, period_from, period_to, basis,
                                      updated_at, updated_by)
        WITH adopted AS (
            SELECT m.id AS unit_id, list_extract({local}, 1 + (row_number() OVER (ORDER BY m.id) - 1)
                   % {len(local)})::VARCHAR AS direction_id
            FROM org_unit m WHERE m.kind = 'municipality'
            UNION ALL
            SELECT r.id, unnest({regional or ['']}) FROM org_unit r WHERE r.kind = 'region'
        )
        SELECT a.unit_id, a.direction_id, d.period_from - 1, d.period_to, NULL,
               TIMESTAMP '{PERIODS[-1] + 1}-06-15', '{USER.name}'
        FROM adopted a JOIN direction d ON d.id = a.direction_id""")
    cur.execute(f"""
        INSERT INTO event_status (event_id, org_unit_id, period, status, evidence_url, done_on,
                                  comment, updated_at, updated_by)
        WITH units AS (     -- adopted by the unit and by its region too: its own adoption rules
            SELECT unit_id, unit_kind, direction_id, bool_or(own) AS own,
                   min(year_from) AS year_from, max(year_to) AS year_to
            FROM unit_roadmap((SELECT list(id) FROM org_unit WHERE kind IN ('municipality', 'school')))
            GROUP BY ALL
        ),
        rows AS (
            SELECT e.id AS event_id, u.unit_id AS unit, q.period, q.q,
                   {_u("e.id || u.unit_id || q.period::VARCHAR", 'e')} AS h
            FROM units u
            JOIN _events e ON e.direction_id = u.direction_id
                          AND (u.own OR (u.unit_kind = 'school' AND e.school)
                               OR (u.unit_kind = 'municipality' AND e.municipal))
            JOIN _quality q ON q.unit = u.unit_id
            WHERE q.period BETWEEN u.year_from AND u.year_to
        )
        SELECT event_id, unit, period,
               CASE WHEN h < q + 0.05 THEN 'done' WHEN h < q + 0.15 THEN 'in_progress' ELSE 'not_done' END,
               CASE WHEN h < q + 0.05 THEN printf('https://%s.example/roadmap/%s/%d.pdf', unit, event_id, period) END,
               CASE WHEN h < q + 0.05 THEN make_date(period + 1, 1 + (h * 1000)::INT % 6, 1 + (h * 10000)::INT % 28) END,
               NULL, TIMESTAMP '{PERIODS[-1] + 1}-06-15', '{USER.name}'
        FROM rows ORDER BY period, unit, event_id""")
    cur.unregister("_events")
