"""Targeted recommendations (адресные рекомендации) for the schools that need support.

A school needs support in a school year when its level is low, its management cycle breaks
(a stage with no evidence or no data), or an indicator is not met two years running.  For each
such school the app drafts the recommendations from the rule table of the catalog
(``data/catalog/recommendation_rules.csv``: one plain-Russian text per level, cycle stage and
indicator, so a department rewrites them as data, not code).  The specialist edits the draft
and approves it; the stored text is what the School page, the council deck and the Excel export
show.  The approved recommendations are the evidence of the municipal indicator named by the
``evidence`` rule (Zaozersk: M11 «Подготовка адресных рекомендаций в ОО»), whose value is
recomputed, with the change log, whenever a recommendation is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.catalog.tables import STAGES
from indicators.measures.facts import AGG_COLUMNS, LEVEL_SQL
from indicators.measures.objectivity_rules import GIVEN_SIGN_CTES, SIGN_COLUMNS, SIGN_CTES, SIGNS_APART_SQL, sign_items
from indicators.measures.settings import Thresholds
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import Batch, batch
from indicators.words import LEVEL_LABELS, RECOMMENDATION_STATUS_LABELS, STAGE_LABELS, period_label

_FIELDS = ["basis", "text", "status", "approved_by", "approved_at"]


class _Safe(dict):
    """Placeholders a rule text may use; an unknown one stays as written, never an error."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def rules(db: Database) -> dict[tuple[str, str], str]:
    return {(t, k): text for t, k, text in db.rows("SELECT trigger, key, text FROM recommendation_rule")}


@dataclass(frozen=True)
class Draft:
    basis: str        # why the school needs support, in one line
    text: str         # the recommendations, numbered, one per line


_STAGE_ROWS = ", ".join(f"('{s}', {n})" for n, s in enumerate(STAGES, start=1))

# Everything a school's draft is written from, one row per school of the municipality (or the
# one school asked for), in one statement: its compliance and level this year (as
# measures.compliance), where its cycle first breaks (as measures.cycle), the indicators not
# met two years running (as measures.selection.persistent_gaps), the values scored 0 with the
# rule text that fits each, the codes with no data, the level / stage / no-data rule texts,
# and the recommendation stored for the year.  A rule text is looked up here; its placeholders
# are filled in Python (``_draft``), for the schools that need support only.
_DRAFT_SQL = f"""
WITH {SIGN_CTES},
units AS (
    SELECT id, name, short_name, ord FROM org_unit
    WHERE kind = 'school' AND parent_id = $m AND ($s IS NULL OR id = $s)
),
rule AS (SELECT trigger, key, nullif(text, '') AS text FROM recommendation_rule),
own AS (   -- the units' values of the two years alone, not a join over every unit's values
    SELECT * FROM assessment WHERE org_unit_id IN (SELECT id FROM units) AND period IN ($p, $p - 1)
),
facts AS (
    SELECT x.org_unit_id, i.id AS code, i.title, i.evidence_source, i.stage, i.max_score, i.ord,
           a.score, coalesce(a.not_applicable, FALSE) AS na,
           -- scored 0 this year and the year before, both years expected: a persistent gap
           coalesce(y.indicator_id IS NOT NULL AND a.score = 0 AND b.score = 0
                    AND NOT a.not_applicable AND NOT b.not_applicable, FALSE) AS gap
    FROM applicable_indicator((SELECT list(id) FROM units), [$p]) x
    JOIN indicator i ON i.id = x.indicator_id
    LEFT JOIN own a ON a.org_unit_id = x.org_unit_id AND a.indicator_id = i.id AND a.period = $p
    LEFT JOIN applicable_indicator((SELECT list(id) FROM units), [$p - 1]) y
           ON y.org_unit_id = x.org_unit_id AND y.indicator_id = i.id
    LEFT JOIN own b ON b.org_unit_id = x.org_unit_id AND b.indicator_id = i.id
                   AND b.period = $p - 1
),
zeros AS (   -- each value scored 0 with its rule: the persistent-gap one first, then its own
    SELECT f.*, coalesce(CASE WHEN f.gap THEN coalesce(pc.text, ps.text) END, ic.text, iz.text) AS rule
    FROM facts f
    LEFT JOIN rule pc ON pc.trigger = 'persistent' AND pc.key = f.code
    LEFT JOIN rule ps ON ps.trigger = 'persistent' AND ps.key = '*'
    LEFT JOIN rule ic ON ic.trigger = 'indicator' AND ic.key = f.code
    LEFT JOIN rule iz ON iz.trigger = 'indicator' AND iz.key = '*'
    WHERE f.score = 0 AND NOT f.na
),
zero_lists AS (
    SELECT org_unit_id, list({{'code': code, 'title': title, 'evidence': evidence_source,
                              'rule': rule}} ORDER BY ord, code) AS zeros
    FROM zeros GROUP BY org_unit_id
),
totals AS (
    SELECT org_unit_id, {AGG_COLUMNS},
           list(code ORDER BY ord, code) FILTER (WHERE gap) AS gaps,
           list(code ORDER BY ord, code) FILTER (WHERE score IS NULL AND NOT na) AS missing
    FROM facts GROUP BY org_unit_id
),
levelled AS (   -- compliance, completeness and level as measures.compliance has them
    SELECT *, {LEVEL_SQL} AS level
    FROM (SELECT *, score_sum / nullif(max_sum, 0) AS compliance,
                 assessed::DOUBLE / nullif(expected, 0) AS completeness FROM totals)
),
stages(stage, stage_no) AS (VALUES {_STAGE_ROWS}),
stage_sets AS (
    SELECT f.org_unit_id, s.stage, s.stage_no,
           set_status(count(*) FILTER (WHERE NOT na), count(score) FILTER (WHERE NOT na),
                      count(*) FILTER (WHERE NOT na AND score > 0),
                      sum(score) FILTER (WHERE NOT na),
                      sum(max_score) FILTER (WHERE NOT na AND score IS NOT NULL)) AS status
    FROM facts f JOIN stages s USING (stage) GROUP BY ALL
),
breaks AS (  -- the first stage, in cycle order, with no evidence (not met) or no data
    SELECT org_unit_id, arg_min(stage, stage_no) AS break_stage,
           arg_min(CASE status WHEN 'not_met' THEN 'missing' ELSE status END, stage_no) AS break_status
    FROM stage_sets WHERE status IN ('not_met', 'no_data') GROUP BY org_unit_id
),
schools AS (
    SELECT u.id AS org_unit_id, u.name, u.short_name, u.ord, c.compliance, c.level,
           b.break_stage, b.break_status, coalesce(c.gaps, []) AS gaps,
           coalesce(c.missing, []) AS missing, coalesce(z.zeros, []) AS zeros,
           coalesce(c.expected > 0 AND (c.level = 'low' OR b.break_stage IS NOT NULL
                                        OR len(c.gaps) > 0), FALSE)
               OR coalesce(len(v.vpr_cells) > 0, FALSE) AS needs_support, v.vpr_cells,
           r.basis AS stored_basis, r.text AS stored_text, r.status, r.approved_by, r.approved_at
    FROM units u
    LEFT JOIN levelled c ON c.org_unit_id = u.id
    LEFT JOIN breaks b ON b.org_unit_id = u.id
    LEFT JOIN zero_lists z ON z.org_unit_id = u.id
    LEFT JOIN vpr_signs v ON v.org_unit_id = u.id
    LEFT JOIN recommendation r ON r.org_unit_id = u.id AND r.period = $p
)
SELECT s.*,
       (SELECT text FROM rule WHERE trigger = 'level' AND key = 'low') AS level_rule,
       (SELECT text FROM rule WHERE trigger = 'stage' AND key = s.break_stage) AS stage_rule,
       (SELECT text FROM rule WHERE trigger = 'no_data' AND key = '*') AS no_data_rule,
       (SELECT list(struct_pack(key := key, text := text)) FROM rule
        WHERE trigger = 'objectivity') AS vpr_rules,
       {SIGN_COLUMNS}
FROM schools s
WHERE s.needs_support OR ($stored AND s.stored_text IS NOT NULL)
ORDER BY s.ord, s.name
"""


def municipal_signs(db: Database, period: int, municipality_id: str) -> pd.DataFrame:
    """The municipality's ВПР signs of the year, per school, read apart (one statement): what
    :func:`recommendations` takes as ``signs`` to draft one school without the analysis."""
    return db.read(SIGNS_APART_SQL, {"p": int(period), "m": municipality_id})


def _schools(db: Database, period: int, municipality_id: str, school_id: str | None,
             thresholds: Thresholds | None, stored: bool,
             signs: pd.DataFrame | None = None) -> pd.DataFrame:
    """The schools needing support (and, with ``stored``, those with a stored recommendation):
    the rows of ``_DRAFT_SQL`` with ``basis`` and ``draft`` written for those needing support."""
    t = thresholds or Thresholds.from_db(db)
    sql = _DRAFT_SQL if signs is None else _DRAFT_SQL.replace(SIGN_CTES, GIVEN_SIGN_CTES, 1)
    frame = db.read(sql, {"p": int(period), "m": municipality_id, "s": school_id,
                          "stored": stored, "high": t.high, "medium": t.medium,
                          "min_completeness": t.min_completeness},
                    frames=None if signs is None else {"vpr_given": signs})
    drafts = [_draft(r) if r.needs_support else None for r in frame.itertuples()]
    frame["basis"] = pd.Series([d.basis if d else None for d in drafts], index=frame.index)
    frame["draft"] = pd.Series([d.text if d else None for d in drafts], index=frame.index)
    frame["gaps"] = frame["gaps"].map(list)
    return frame


_NEEDING = ["org_unit_id", "name", "short_name", "compliance", "level", "break_stage",
            "break_status", "gaps", "basis", "draft"]


def needing_support(db: Database, period: int, municipality_id: str,
                    thresholds: Thresholds | None = None, *,
                    school_id: str | None = None) -> pd.DataFrame:
    """The municipality's schools that need support this year (or ``school_id`` alone, when
    it does), with the draft for each — one statement.

    Columns: org_unit_id, name, short_name, compliance, level, break_stage, break_status,
    gaps (codes not met two years running), basis, draft.
    """
    return _schools(db, period, municipality_id, school_id, thresholds, False)[_NEEDING]


def _draft(school) -> Draft:
    """The basis line and the numbered recommendations, from the rule table (the texts that
    fit, as ``_DRAFT_SQL`` found them)."""
    reasons, items = [], []
    if school.level == "low":
        reasons.append(f"низкий уровень ({school.compliance:.0%})".replace("%", "\u00a0%"))   # «18 %», as everywhere
        items.append(school.level_rule)
    if isinstance(school.break_stage, str):
        label = STAGE_LABELS[school.break_stage]
        if school.break_status == "missing":
            reasons.append(f"цикл прерывается на этапе «{label}»")
            items.append(school.stage_rule)
        else:
            reasons.append(f"нет данных на этапе «{label}»")
    gaps = list(school.gaps)
    if gaps:
        reasons.append("два года подряд не выполняются: " + ", ".join(gaps))
    for f in school.zeros:
        rule = f["rule"]
        if rule:  # a text that doesn't name its indicator gets the code in front
            text = rule.format_map(_Safe(code=f["code"], title=f["title"],
                                         evidence=f["evidence"] or "документ"))
            items.append(text if "{code}" in rule else f"{f['code']}: {text}")
    missing = list(school.missing)
    if missing and school.no_data_rule:
        items.append(school.no_data_rule.format_map(_Safe(codes=", ".join(missing))))
    reason, texts = sign_items(school.vpr_cells, school.vpr_rules, _Safe)
    if reason:
        reasons.append(reason)
    items += texts
    items = [i for i in items if i]
    text = "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))
    basis = "; ".join(reasons)
    return Draft(basis[:1].upper() + basis[1:], text)


def recommendations(db: Database, period: int, municipality_id: str,
                    thresholds: Thresholds | None = None, *,
                    school_id: str | None = None, signs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every school needing support this year, plus any school with a stored recommendation
    (or ``school_id`` alone, when it is one of them) — one statement, the drafts made for the
    schools that need support only.

    The stored text wins over the draft; ``status`` is new (only drafted), draft (saved) or
    approved.  A school with a stored text that no longer needs support has no level, basis
    or draft of the year.  Columns: org_unit_id, name, short_name, compliance, level,
    break_stage, break_status, gaps, basis, draft, needs_support, status, approved_by,
    approved_at, text; vpr_cells (the school's tests with ВПР signs), vpr_schools (schools of the
    municipality with ВПР results this year), vpr_region (the reference is the region).
    """
    frame = _schools(db, period, municipality_id, school_id, thresholds, True, signs)
    needs = frame["needs_support"].astype(bool)
    out = frame[["org_unit_id", "name", "short_name"]].copy()
    for col in ("compliance", "level", "break_stage", "break_status", "gaps"):
        out[col] = frame[col].where(needs)
    out["basis"] = frame["stored_basis"].where(frame["stored_basis"].notna(), frame["basis"])
    out["draft"] = frame["draft"]
    out["needs_support"] = needs
    out["status"] = frame["status"].fillna("new")
    out["approved_by"] = frame["approved_by"]
    out["approved_at"] = frame["approved_at"]
    out["text"] = frame["stored_text"].where(frame["stored_text"].notna(), frame["draft"])
    for col in ("vpr_cells", "vpr_schools", "vpr_region"):   # the ВПР signs (objectivity_rules)
        out[col] = frame[col]
    for col in ("level", "break_stage", "break_status", "basis", "draft", "approved_by", "text"):
        # a missing value is NaN (never None), whichever rows the frame holds
        out[col] = out[col].where(out[col].notna())
    return out.reset_index(drop=True)


def recommendation_table(frame: pd.DataFrame, period: int) -> pd.DataFrame:
    """The recommendations with Russian headers, for the Excel export and the page tables."""
    return pd.DataFrame({
        "Учебный год": period_label(period),
        "Школа": frame["name"],
        "Уровень": frame["level"].map(lambda lv: LEVEL_LABELS.get(lv, "") if isinstance(lv, str) else ""),
        "Основание": frame["basis"],
        "Рекомендации": frame["text"],
        "Статус": frame["status"].map(RECOMMENDATION_STATUS_LABELS),
        "Кем утверждено": frame["approved_by"],
        "Когда утверждено": pd.to_datetime(frame["approved_at"]).dt.strftime("%d.%m.%Y"),
    })


def save(db: Database, school_id: str, period: int, text: str, basis: str | None, *,
         approve: bool, user: Actor) -> str:
    """Store a school's recommendations as a draft or approved, and recompute the municipal
    indicator they evidence, in one logged transaction; return what was done, in Russian.

    Editing an approved text takes it back to draft: what the department approved is exactly
    what is stored.
    """
    text = (text or "").strip()
    if not text:
        raise ValueError("Текст рекомендаций пуст: напишите хотя бы одну рекомендацию.")
    if len(text) > 10_000:
        raise ValueError("Текст рекомендаций длиннее 10 000 знаков: сократите его.")
    municipality_id = db.scalar("SELECT parent_id FROM org_unit WHERE id = ? AND kind = 'school'",
                                [school_id])
    if municipality_id is None:
        raise ValueError(f"Школа «{school_id}» не найдена.")
    now = pd.Timestamp.now().floor("s")
    row = pd.DataFrame([dict(org_unit_id=school_id, period=int(period), basis=basis, text=text,
                             status="approved" if approve else "draft",
                             approved_by=user.name if approve else None,
                             approved_at=now if approve else None)], dtype=object)
    needing = set(needing_support(db, period, municipality_id)["org_unit_id"])
    with batch(db, user, "recommendation") as b:
        b.upsert("recommendation", ["org_unit_id", "period"], _FIELDS, row)
        note = _evidence(b, municipality_id, int(period), needing)
    name = db.scalar("SELECT short_name FROM org_unit WHERE id = ?", [school_id])
    done = "утверждены" if approve else "сохранены как черновик"
    return f"Рекомендации для «{name}» за {period_label(period)} {done}." + (f" {note}" if note else "")


def _evidence(b: Batch, municipality_id: str, period: int, needing: set[str]) -> str | None:
    """Set the municipal indicator the approved recommendations evidence: full score when every
    school needing support has approved recommendations, half when some have, none when an
    approval was withdrawn; the comment says for how many.  Not written while nothing was ever
    approved, and skipped (with a note) when the department's values for the year are accepted."""
    cur = b.cur
    found = cur.execute("SELECT key FROM recommendation_rule WHERE trigger = 'evidence'").fetchone()
    if found is None:
        return None
    code = found[0]
    ind = cur.execute("SELECT i.max_score, i.title FROM applicable_indicator([?], [?]) x "
                      "JOIN indicator i ON i.id = x.indicator_id WHERE i.id = ?",
                      [municipality_id, period, code]).fetchone()
    if ind is None or not needing:
        return None
    max_score, title = ind
    approved = {r[0] for r in cur.execute(
        "SELECT org_unit_id FROM recommendation WHERE period = ? AND status = 'approved'",
        [period]).fetchall()} & needing
    if cur.execute("SELECT count(*) FROM submission WHERE org_unit_id = ? AND period = ? "
                   "AND status = 'accepted'", [municipality_id, period]).fetchone()[0]:
        return (f"Показатель {code} не обновлён: данные управления за {period_label(period)} "
                "приняты и заблокированы.")
    existing = cur.execute("SELECT evidence_url FROM assessment WHERE org_unit_id = ? "
                           "AND indicator_id = ? AND period = ?", [municipality_id, code, period]).fetchone()
    if not approved and existing is None:
        return None  # nothing approved yet: a draft doesn't assess the indicator
    score = max_score if approved == needing else (max_score / 2 if approved else 0.0)
    comment = (f"Адресные рекомендации утверждены для {len(approved)} из {len(needing)} ОО, "
               "нуждающихся в поддержке (раздел «Педсовет»).")
    frame = pd.DataFrame([dict(org_unit_id=municipality_id, indicator_id=code, period=period,
                               score=score, not_applicable=False,
                               evidence_url=existing[0] if existing else None, comment=comment)],
                         dtype=object)
    b.upsert("assessment", ["org_unit_id", "indicator_id", "period"],
             ["score", "not_applicable", "evidence_url", "comment"], frame)
    return f"Показатель {code} «{title}»: {len(approved)} из {len(needing)} ОО с утверждёнными рекомендациями."
