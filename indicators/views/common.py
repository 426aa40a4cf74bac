"""Lists the filters offer: school years, municipalities, schools, directions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.catalog.adoption import adopted_roadmaps, follows
from indicators.measures.compliance import compliance, periods
from indicators.store.database import Database
from indicators.text import safe_link
from indicators.views.scope import Scope
from indicators.words import EVENT_STATUS_LABELS, STAGE_LABELS, STATUS_LABELS, period_label

DRAWN = 15   # with more than 2 × DRAWN units, a chart draws the best and the last DRAWN


def best_and_last(frame: pd.DataFrame, column: str, n: int = DRAWN) -> pd.DataFrame:
    """The rows a chart draws: all of them, or — past 2 × ``n`` — the ``n`` highest and the ``n``
    lowest by ``column`` (rows without a value after them), highest first.  The full list
    stays in the chart's table.  ``left_out`` says where the chart leaves a gap: on the row
    after which the rows not drawn would stand, their number (0 on every other row)."""
    ranked = frame.sort_values(column, ascending=False, na_position="last")
    if len(frame) <= 2 * n:
        return ranked.reset_index(drop=True).assign(left_out=0)
    valued = ranked[ranked[column].notna()]
    drawn = pd.concat([valued.head(n), valued.tail(n)]).drop_duplicates().reset_index(drop=True)
    gap = [0] * len(drawn)
    gap[n - 1 if len(valued) > 2 * n else len(drawn) - 1] = len(frame) - len(drawn)
    return drawn.assign(left_out=gap)


def best_and_last_words(drawn: int, total: int) -> str | None:
    """«15 лучших и 15 отстающих из 95» when a chart draws part of its list, else None."""
    if drawn >= total:
        return None
    return f"{drawn // 2} лучших и {drawn - drawn // 2} отстающих из {total}"


def database_flags(db: Database) -> dict[str, str]:
    """What kind of data the database holds: ``demo`` = "1" for the demo, ``synthetic`` = the
    generated scale."""
    return dict(db.rows("SELECT key, value FROM meta WHERE key IN ('demo', 'synthetic')"))


def available_periods(db: Database) -> list[int]:
    return periods(db)


def regions(db: Database) -> pd.DataFrame:
    """Regions that have municipalities (a database may hold one or a whole country)."""
    return db.read("SELECT r.id, r.name, r.short_name FROM org_unit r WHERE r.kind = 'region' "
                   "AND EXISTS (SELECT 1 FROM org_unit m WHERE m.parent_id = r.id) ORDER BY r.ord, r.name")


def municipalities(db: Database, region_id: str | None = None) -> pd.DataFrame:
    """The municipalities (of one region, when given), as the filter lists them."""
    return db.read("SELECT id, name, short_name, parent_id FROM org_unit WHERE kind = 'municipality' "
                   "AND (? IS NULL OR parent_id = ?) ORDER BY ord, name", [region_id, region_id])


def schools(db: Database, municipality_id: str) -> pd.DataFrame:
    """The municipality's schools, closed ones included (their history stays browsable)."""
    return db.read(
        "SELECT id, name, short_name, school_type, opened_period, closed_period FROM org_unit "
        "WHERE kind = 'school' AND parent_id = ? ORDER BY ord, name",
        [municipality_id],
    )


def directions(db: Database) -> pd.DataFrame:
    """Directions that have indicators (the ones the criteria filters apply to)."""
    return db.read(
        "SELECT d.id, d.title FROM direction d WHERE EXISTS "
        "(SELECT 1 FROM indicator i WHERE i.direction_id = d.id) ORDER BY d.id"
    )


def roadmaps(db: Database, municipality_id: str) -> pd.DataFrame:
    """The roadmaps the municipality runs — its own, then its region's — for the picker, with
    who adopted each and the school years it covers."""
    frame = adopted_roadmaps(db, municipality_id)
    frame["adopted"] = [
        f"принята: {who}" + ("" if pd.isna(lo) or pd.isna(hi) else
                             f", {period_label(int(lo))}–{period_label(int(hi))}")
        for who, lo, hi in zip(frame["adopted_by_name"], frame["year_from"], frame["year_to"])]
    return frame.rename(columns={"direction_id": "id"})[
        ["id", "title", "short_title", "authority", "adopted", "own", "year_from", "year_to", "basis"]]


# The roadmap events linked to each indicator (catalog event_indicators.csv) that the unit
# reports on that year, with its status of each: the candidates of every roadmap the unit, its
# municipality or its region adopted for the year, its own adoption first; ``follows`` then
# keeps the events the unit reports on.
_LINKS_SQL = """
    maps AS (
        SELECT p.period, r.direction_id, bool_or(r.own) AS own,
               min(CASE WHEN r.own THEN 0 WHEN r.adopted_by = u.parent_id THEN 1 ELSE 2 END) AS depth
        FROM unit_roadmap([$u]) r JOIN org_unit u ON u.id = r.unit_id
        JOIN (SELECT unnest($periods::INTEGER[]) AS period) p
          ON (r.year_from IS NULL OR p.period >= r.year_from) AND (r.year_to IS NULL OR p.period <= r.year_to)
        GROUP BY p.period, r.direction_id
    ),
    links AS (
        SELECT m.period, l.indicator_id,
               list({'label': coalesce(d.short_title, d.id) || ' ' || e.number,
                     'responsible': e.responsible, 'own': m.own, 'status': s.status}
                    ORDER BY m.depth, e.direction_id, e.ord) AS links
        FROM event_indicator l
        JOIN roadmap_event e ON e.id = l.event_id
        JOIN maps m ON m.direction_id = e.direction_id
        JOIN direction d ON d.id = e.direction_id
        LEFT JOIN event_status s ON s.event_id = e.id AND s.org_unit_id = $u AND s.period = m.period
        GROUP BY m.period, l.indicator_id
    )"""


def _link_words(kind: str, links: object) -> str:
    """«Губаха 2.2 (выполнено); …»: the linked events the unit reports on, with its status."""
    if not isinstance(links, (list, tuple, np.ndarray)):  # no event linked (NULL: None, NA or NaN)
        return ""
    return "; ".join(
        f"{link['label']} ({EVENT_STATUS_LABELS.get(link['status'], 'нет данных') if isinstance(link['status'], str) else 'нет данных'})"
        for link in links if follows(kind, bool(link["own"]), link["responsible"]))


def unit_indicators(db: Database, unit_id: str, period: int,
                    direction: str | None = None) -> pd.DataFrame:
    """Every indicator of the unit's level in force that year, with its status in words, the
    roadmap events that produce its evidence, and whether it is a persistent gap (scored 0 this
    year and the year before, both years counting) — one statement.

    No data, not met and not applicable are three different statuses, never a silent zero.
    """
    return unit_indicator_years(db, unit_id, [period], direction).drop(columns=["period"])


def unit_indicator_years(db: Database, unit_id: str, periods_: list[int],
                         direction: str | None = None) -> pd.DataFrame:
    """:func:`unit_indicators` for several school years at once (a ``period`` column added):
    one statement, so that a page can hold every year of a unit and show any of them."""
    frame = db.read(
        f"""
        WITH {_LINKS_SQL},
        own AS (  -- the unit's values alone: a point read, not a join over every unit's values
            SELECT * FROM assessment WHERE org_unit_id = $u
        ),
        app AS (  -- the years asked and each one's year before (a persistent gap needs both)
            SELECT * FROM applicable_indicator([$u], list_distinct(
                list_concat($periods::INTEGER[], [p - 1 FOR p IN $periods::INTEGER[]])))
        )
        SELECT x.period, i.id AS code, i.title, i.stage, c.title AS criterion, i.max_score,
               a.score, coalesce(a.not_applicable, FALSE) AS na, a.evidence_url, a.comment,
               value_status(a.score, i.max_score, a.not_applicable) AS status,
               coalesce(y.indicator_id IS NOT NULL AND a.score = 0 AND b.score = 0
                        AND NOT a.not_applicable AND NOT b.not_applicable, FALSE) AS gap,
               u.kind, k.links
        FROM app x
        JOIN org_unit u ON u.id = x.org_unit_id
        JOIN indicator i ON i.id = x.indicator_id
        JOIN criterion c ON c.id = i.criterion_id
        LEFT JOIN own a ON a.indicator_id = i.id AND a.period = x.period
        LEFT JOIN app y ON y.indicator_id = i.id AND y.period = x.period - 1
        LEFT JOIN own b ON b.indicator_id = i.id AND b.period = x.period - 1
        LEFT JOIN links k ON k.indicator_id = i.id AND k.period = x.period
        WHERE list_contains($periods::INTEGER[], x.period) AND ($d IS NULL OR i.direction_id = $d)
        ORDER BY x.period, i.ord, i.id
        """,
        {"u": unit_id, "periods": sorted({int(p) for p in periods_}), "d": direction},
    )
    return pd.DataFrame({
        "period": frame["period"],
        "Код": frame["code"],
        "Показатель": frame["title"],
        "Группа критериев": frame["criterion"],
        "Этап цикла": frame["stage"].map(STAGE_LABELS),
        "Оценка": frame["status"].map(STATUS_LABELS),
        "Балл": frame["score"],
        "Подтверждение": frame["evidence_url"].map(safe_link),
        "Комментарий": frame["comment"],
        "Мероприятия дорожных карт": [_link_words(kind, links)
                                      for kind, links in zip(frame["kind"], frame["links"])],
        "status": frame["status"],
        "evidence_raw": frame["evidence_url"],
        "max_score": frame["max_score"],
        "gap": frame["gap"].astype(bool),
    })


INTERNAL_COLUMNS = ["status", "evidence_raw", "max_score", "gap"]  # for the editor, not for display


def school_scope(db: Database, scope: Scope) -> list[str]:
    """The schools the sidebar filters keep: the chosen ones (all when none), narrowed to the
    chosen levels of this school year."""
    frame = schools(db, scope.municipality_id)
    ids = [i for i in frame["id"] if not scope.school_ids or i in scope.school_ids]
    if scope.levels:
        year = compliance(db, [scope.period], direction=scope.direction,
                          parent_id=scope.municipality_id)
        keep = set(year.loc[year["level"].isin(scope.levels), "org_unit_id"])
        ids = [i for i in ids if i in keep]
    return ids


def linked_events(db: Database, unit_id: str, period: int) -> dict[str, str]:
    """Indicator code → the roadmap events that produce its evidence (catalog
    event_indicators.csv), with the unit's status of each that year: «Губаха 2.2 (выполнено)».
    Only the events the unit reports on that year (of the roadmaps it or its municipality or
    region adopted)."""
    frame = db.read(f"WITH {_LINKS_SQL} SELECT k.indicator_id, u.kind, k.links FROM links k, org_unit u "
                    "WHERE u.id = $u", {"u": unit_id, "periods": [int(period)]})
    words = {code: _link_words(kind, links) for code, kind, links in frame.itertuples(index=False)}
    return {code: text for code, text in sorted(words.items()) if text}
