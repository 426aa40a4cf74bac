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

from indicators.measures.compliance import compliance
from indicators.measures.cycle import stage_status
from indicators.measures.selection import persistent_gaps
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


def needing_support(db: Database, period: int, municipality_id: str,
                    thresholds: Thresholds | None = None) -> pd.DataFrame:
    """The municipality's schools that need support this year, with the draft for each.

    Columns: org_unit_id, name, short_name, compliance, level, break_stage, break_status,
    gaps (codes not met two years running), basis, draft.
    """
    t = thresholds or Thresholds.from_db(db)
    units = compliance(db, [period], thresholds=t, parent_id=municipality_id)
    units = units[units["expected"] > 0]
    stages = stage_status(db, period, parent_id=municipality_id)
    breaks = stages[stages["is_break"]].set_index("org_unit_id")
    gaps = persistent_gaps(db, period, parent_id=municipality_id)
    gap_codes = gaps.groupby("org_unit_id")["indicator_id"].agg(list).to_dict()
    facts = _school_facts(db, period, municipality_id)
    table = rules(db)
    rows = []
    for u in units.itertuples():
        brk = breaks.loc[u.org_unit_id] if u.org_unit_id in breaks.index else None
        unit_gaps = gap_codes.get(u.org_unit_id, [])
        if not (u.level == "low" or brk is not None or unit_gaps):
            continue
        draft = _draft(table, u.level, u.compliance, brk, unit_gaps,
                       facts[facts["org_unit_id"] == u.org_unit_id])
        rows.append(dict(org_unit_id=u.org_unit_id, name=u.name, short_name=u.short_name,
                         compliance=u.compliance, level=u.level,
                         break_stage=None if brk is None else brk["stage"],
                         break_status=None if brk is None else brk["status"],
                         gaps=unit_gaps, basis=draft.basis, draft=draft.text))
    columns = ["org_unit_id", "name", "short_name", "compliance", "level", "break_stage",
               "break_status", "gaps", "basis", "draft"]
    return pd.DataFrame(rows, columns=columns)


def _school_facts(db: Database, period: int, municipality_id: str) -> pd.DataFrame:
    """Every school indicator in force with its score (NULL: no data), in catalog order."""
    return db.read(
        """
        SELECT x.org_unit_id, i.id AS code, i.title, i.evidence_source, a.score,
               coalesce(a.not_applicable, FALSE) AS na
        FROM applicable_indicator((SELECT list(id) FROM org_unit
                                   WHERE kind = 'school' AND parent_id = $m), [$p]) x
        JOIN indicator i ON i.id = x.indicator_id
        LEFT JOIN assessment a ON a.org_unit_id = x.org_unit_id AND a.indicator_id = i.id
                              AND a.period = $p
        ORDER BY x.org_unit_id, i.ord
        """, {"p": int(period), "m": municipality_id})


def _draft(table: dict, level: str, share: float | None, brk, gaps: list[str],
           facts: pd.DataFrame) -> Draft:
    """The basis line and the numbered recommendations, from the rule table."""
    reasons, items = [], []
    if level == "low":
        reasons.append(f"низкий уровень ({share:.0%})".replace("%", "\u00a0%"))   # «18 %», as everywhere
        items.append(table.get(("level", "low")))
    if brk is not None:
        label = STAGE_LABELS[brk["stage"]]
        if brk["status"] == "missing":
            reasons.append(f"цикл прерывается на этапе «{label}»")
            items.append(table.get(("stage", brk["stage"])))
        else:
            reasons.append(f"нет данных на этапе «{label}»")
    if gaps:
        reasons.append("два года подряд не выполняются: " + ", ".join(gaps))
    for f in facts[(facts["score"] == 0) & ~facts["na"]].itertuples():
        values = _Safe(code=f.code, title=f.title, evidence=f.evidence_source or "документ")
        rule = None
        if f.code in gaps:
            rule = table.get(("persistent", f.code)) or table.get(("persistent", "*"))
        rule = rule or table.get(("indicator", f.code)) or table.get(("indicator", "*"))
        if rule:  # a text that doesn't name its indicator gets the code in front
            text = rule.format_map(values)
            items.append(text if "{code}" in rule else f"{f.code}: {text}")
    missing = facts[facts["score"].isna() & ~facts["na"]]["code"].tolist()
    if missing and (rule := table.get(("no_data", "*"))):
        items.append(rule.format_map(_Safe(codes=", ".join(missing))))
    items = [i for i in items if i]
    text = "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))
    basis = "; ".join(reasons)
    return Draft(basis[:1].upper() + basis[1:], text)


def recommendations(db: Database, period: int, municipality_id: str) -> pd.DataFrame:
    """Every school needing support this year, plus any school with a stored recommendation.

    The stored text wins over the draft; ``status`` is new (only drafted), draft (saved) or
    approved.  Columns: org_unit_id, name, short_name, compliance, level, basis, draft, text,
    status, approved_by, approved_at, needs_support.
    """
    needing = needing_support(db, period, municipality_id).assign(needs_support=True)
    stored = db.read(
        "SELECT r.org_unit_id, u.name, u.short_name, r.basis AS stored_basis, r.text AS stored_text, "
        "r.status, r.approved_by, r.approved_at FROM recommendation r "
        "JOIN org_unit u ON u.id = r.org_unit_id WHERE r.period = ? AND u.parent_id = ?",
        [int(period), municipality_id])
    out = needing.merge(stored, on=["org_unit_id", "name", "short_name"], how="outer")
    out["needs_support"] = out["needs_support"].astype("boolean").fillna(False).astype(bool)
    out["text"] = out["stored_text"].where(out["stored_text"].notna(), out["draft"])
    out["basis"] = out["stored_basis"].where(out["stored_basis"].notna(), out["basis"])
    out["status"] = out["status"].fillna("new")
    order = db.read("SELECT id AS org_unit_id, ord FROM org_unit WHERE parent_id = ?", [municipality_id])
    out = out.merge(order, on="org_unit_id").sort_values(["ord", "name"])
    return out.drop(columns=["stored_text", "stored_basis", "ord"]).reset_index(drop=True)


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
