"""Indicator 9 «Критерии показателя объективности проведения процедур» (stage «Мониторинг») from
the ВПР protocols: the app proposes the score, the specialist confirms it.

The monitoring exists for a municipality's school year when the protocols of that year are loaded
for every school that takes the ВПР (a school whose S09 is «не применяется» does not) and the
analysis can be made from them (``objectivity.objectivity_index``): proposed score 2.  Only the
report tables, or protocols of part of the schools: 1.  Nothing loaded: no proposal (the score
is the specialist's to enter as before).  For one school (S09) the same rule on the school alone.

Nothing is written by a proposal; :func:`confirm_proposal` writes it as an edit through the write
door (logged, refused to a role or a unit that may not), with the evidence in the comment.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures import objectivity
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch
from indicators.words import counted, period_label


@dataclass(frozen=True)
class Proposal:
    unit_id: str
    period: int
    indicator_id: str              # M09 or S09
    score: float | None            # None: nothing loaded, nothing to propose
    expected: int                  # schools that take the ВПР
    protocols: int                 # of them, with a protocol of the year
    reports: int                   # with report tables only
    flagged: int | None            # with at least one sign (None: no analysis)
    index: float | None
    text: str                      # the evidence, in Russian
    current: float | None          # the score stored now (None: none)

    @property
    def confirmed(self) -> bool:
        return self.score is not None and self.current == self.score


_SCHOOLS = """
SELECT u.id, me.kind AS unit_kind, me.parent_id AS unit_parent,
       (SELECT score FROM assessment c WHERE c.org_unit_id = me.id AND c.period = $period
          AND c.indicator_id = CASE me.kind WHEN 'school' THEN 'S09' ELSE 'M09' END) AS current,
       EXISTS (SELECT 1 FROM vpr_participant p WHERE p.org_unit_id = u.id AND p.period = $period) AS protocol,
       EXISTS (SELECT 1 FROM vpr_school_report r WHERE r.org_unit_id = u.id AND r.period = $period) AS report
FROM org_unit me LEFT JOIN org_unit u ON u.kind = 'school' AND (u.id = me.id OR u.parent_id = me.id)
WHERE me.id = $unit
  AND (u.opened_period IS NULL OR u.opened_period <= $period)
  AND (u.closed_period IS NULL OR u.closed_period > $period)
  AND NOT EXISTS (SELECT 1 FROM assessment a WHERE a.org_unit_id = u.id AND a.indicator_id = 'S09'
                  AND a.period = $period AND a.not_applicable)
"""


def _index(db: Database, unit: pd.Series, period: int) -> dict | None:
    """The analysis of the year (None when it cannot be made)."""

    if unit["kind"] == "school":
        risk = objectivity.school_risk(db, period, municipality_id=unit["parent_id"])
        mine = risk[risk["org_unit_id"] == unit["id"]]
        if mine.empty:
            return None
        flagged = int(mine["signs_this_year"].iloc[0] > 0)
        return {"schools": 1, "flagged": flagged, "index": 100.0 * (1 - flagged)}
    found = objectivity.objectivity_index(db, period, municipality_id=unit["id"])
    return found if found and found.get("schools") else None


def proposal(db: Database, unit_id: str, period: int, analysis: dict | None = None) -> Proposal:
    """The proposed score of indicator 9 for a municipality (M09) or a school (S09) — one
    statement; ``analysis`` is the year's objectivity index when the caller has it already (the
    page does), else it is computed."""
    found_rows = db.read(_SCHOOLS, {"unit": unit_id, "period": int(period)})
    if found_rows.empty or found_rows["unit_kind"].iloc[0] not in ("municipality", "school"):
        raise ValueError(f"unknown municipality or school {unit_id!r}")
    unit = pd.Series({"id": unit_id, "kind": found_rows["unit_kind"].iloc[0],
                      "parent_id": found_rows["unit_parent"].iloc[0]})
    code = "S09" if unit["kind"] == "school" else "M09"
    schools = found_rows[found_rows["id"].notna()]
    schools = schools.assign(protocol=schools["protocol"].astype(bool), report=schools["report"].astype(bool))
    expected, protocols = len(schools), int(schools["protocol"].sum())
    reports = int((schools["report"] & ~schools["protocol"]).sum())
    current = found_rows["current"].iloc[0]
    current = None if current is None or pd.isna(current) else float(current)
    year = period_label(int(period))
    if not protocols and not reports:
        return Proposal(unit_id, int(period), code, None, expected, 0, 0, None, None,
                        f"Мониторинг объективности ВПР: за {year} учебный год протоколы ВПР не загружены.",
                        current)
    if analysis is not None and code == "M09" and analysis.get("schools"):
        found = analysis
    else:
        found = _index(db, unit, int(period)) if protocols else None
    full = found is not None and protocols == expected
    score = 2.0 if full else 1.0
    parts = [f"Мониторинг объективности ВПР за {year} учебный год: загружены протоколы "
             f"{counted(protocols, 'школы', 'школ', 'школ')} из {expected}"]
    if reports:
        parts.append(f"только отчётные таблицы — у {counted(reports, 'школы', 'школ', 'школ')}")
    if found is not None:
        parts.append(f"признаки необъективности — у {counted(int(found['flagged']), 'школы', 'школ', 'школ')}")
        if code == "M09":
            parts.append(f"индекс объективности {_number(found['index'])}")
    return Proposal(unit_id, int(period), code, score, expected, protocols, reports,
                    None if found is None else int(found["flagged"]),
                    None if found is None else float(found["index"]), "; ".join(parts) + ".", current)


def _number(x: float) -> str:
    text = f"{float(x):.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def confirm_proposal(db: Database, actor: Actor, unit_id: str, period: int) -> Proposal:
    """Write the proposed score as the specialist's edit (source «edit», logged) and return the
    proposal.  Refused (ValueError) when there is nothing to propose; the door refuses a role or
    a unit out of the actor's reach (``AccessDenied``, in Russian)."""
    found = proposal(db, unit_id, period)
    if found.score is None:
        raise ValueError("Нет загруженных протоколов ВПР за этот год: оценку показателя 9 "
                         "предложить нельзя.")
    row = pd.DataFrame([dict(org_unit_id=unit_id, indicator_id=found.indicator_id, period=int(period),
                             score=found.score, not_applicable=False,
                             evidence_url=f"Протоколы ВПР {period_label(int(period))} (ФИС ОКО), "
                                          "страница «Объективность»",
                             comment=f"Оценка подтверждена специалистом по предложению системы. {found.text}")])
    with batch(db, actor, "edit") as b:
        b.upsert("assessment", ["org_unit_id", "indicator_id", "period"],
                 ["score", "not_applicable", "evidence_url", "comment"], row)
    return proposal(db, unit_id, period)
