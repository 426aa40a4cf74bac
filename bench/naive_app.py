"""The naive app: what a competent analyst would write instead of the product, kept as the
benchmark's reference (``bench/README.md``).

The usual recipe: load the whole tables once into pandas under ``st.cache_data``, pick a year,
a municipality and a school in the sidebar, and compute each page with a pandas ``groupby``,
drawn with ``plotly.express``.  Two pages: «Обзор» (every school's compliance for the year, a
bar chart and a school × criterion heatmap) and «Школа» (one school's compliance per year
against the municipal average, and its criteria against the municipality's).

Compliance is the product's: Σ score / Σ max score over the assessed values, the ones marked
not applicable left out, counting only the indicators in force that year (first/last period)
in the years the school is open (opened/closed period).

Run it alone: ``QUALITY_DB=bench/regional.duckdb .venv/bin/streamlit run bench/naive_app.py``.
"""

from __future__ import annotations

import os

import duckdb
import pandas as pd
import plotly.express as px
import streamlit as st

DB = os.environ.get("QUALITY_DB", "data/quality.duckdb")
PAGES = ("Обзор", "Школа")

VALUES_SQL = """
    SELECT a.org_unit_id AS school_id, a.indicator_id, a.period, a.score, a.not_applicable,
           i.criterion_id, i.max_score, i.first_period, i.last_period,
           u.parent_id AS municipality_id, u.opened_period, u.closed_period
    FROM assessment a
    JOIN indicator i ON i.id = a.indicator_id
    JOIN org_unit u ON u.id = a.org_unit_id
    WHERE u.kind = 'school'
"""


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(path, read_only=True)
    except duckdb.ConnectionException:  # the file is already open in this process (the benchmark)
        return duckdb.connect(path)


@st.cache_data(show_spinner="Загружаю данные…")
def load(path: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every school's values (the ones that count), the units and the criteria."""
    con = _connect(path)
    try:
        values = con.execute(VALUES_SQL).df()
        units = con.execute("SELECT id, parent_id, kind, short_name, ord FROM org_unit "
                            "ORDER BY ord, name").df()
        criteria = con.execute("SELECT id AS criterion_id, title AS criterion, ord FROM criterion").df()
    finally:
        con.close()
    p = values["period"]
    in_force = (p >= values["first_period"]) & (values["last_period"].isna() | (p <= values["last_period"]))
    is_open = ((values["opened_period"].isna() | (p >= values["opened_period"]))
               & (values["closed_period"].isna() | (p < values["closed_period"])))
    counted = in_force & is_open & ~values["not_applicable"] & values["score"].notna()
    values = values[counted].drop(columns=["not_applicable", "first_period", "last_period",
                                           "opened_period", "closed_period"])
    return values.reset_index(drop=True), units, criteria


def compliance(values: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Σ score / Σ max score per group."""
    sums = values.groupby(by, as_index=False)[["score", "max_score"]].sum()
    return sums.assign(compliance=sums["score"] / sums["max_score"])


def overview_table(values: pd.DataFrame, municipality_id: str, year: int) -> pd.DataFrame:
    """Every school of the municipality with values that year: its compliance."""
    mine = values[(values["municipality_id"] == municipality_id) & (values["period"] == year)]
    return compliance(mine, ["school_id"])


def school_history(values: pd.DataFrame, municipality_id: str, school_id: str) -> pd.DataFrame:
    """The school's compliance per year and the municipal average (pooled) beside it."""
    muni = values[values["municipality_id"] == municipality_id]
    own = compliance(muni[muni["school_id"] == school_id], ["period"])
    pooled = compliance(muni, ["period"]).rename(columns={"compliance": "municipal"})
    return own.merge(pooled[["period", "municipal"]], on="period", how="left")


def label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def overview_page(values, criteria, names, municipality_id: str, year: int) -> None:
    st.title(f"Обзор за {label(year)}")
    table = overview_table(values, municipality_id, year)
    table["school"] = table["school_id"].map(names)
    total = table["score"].sum() / table["max_score"].sum() if len(table) else None
    st.metric("Соответствие по школам", "—" if total is None else f"{total:.0%}")
    table = table.sort_values("compliance")
    st.plotly_chart(px.bar(table, x="compliance", y="school", orientation="h",
                           title="Соответствие школ", range_x=[0, 1]))
    year_values = values[(values["municipality_id"] == municipality_id) & (values["period"] == year)]
    cells = compliance(year_values, ["school_id", "criterion_id"]).merge(criteria, on="criterion_id")
    cells["school"] = cells["school_id"].map(names)
    heat = cells.pivot_table(index="school", columns="criterion", values="compliance")
    st.plotly_chart(px.imshow(heat, zmin=0, zmax=1, aspect="auto", title="Школы × критерии"))
    st.dataframe(table[["school_id", "school", "compliance"]], hide_index=True)


def school_page(values, criteria, names, municipality_id: str, school_id: str, year: int) -> None:
    st.title(names.get(school_id, school_id))
    history = school_history(values, municipality_id, school_id)
    st.plotly_chart(px.line(history.melt("period", ["compliance", "municipal"]), x="period",
                            y="value", color="variable", markers=True,
                            title="Соответствие по годам и среднее по муниципалитету"))
    year_values = values[(values["municipality_id"] == municipality_id) & (values["period"] == year)]
    own = compliance(year_values[year_values["school_id"] == school_id], ["criterion_id"])
    pooled = compliance(year_values, ["criterion_id"]).rename(columns={"compliance": "municipal"})
    crit = own.merge(pooled[["criterion_id", "municipal"]], on="criterion_id").merge(criteria)
    st.plotly_chart(px.bar(crit.melt("criterion", ["compliance", "municipal"]), x="criterion",
                           y="value", color="variable", barmode="group", title=f"Критерии, {label(year)}"))
    st.dataframe(history, hide_index=True)


def main() -> None:
    values, units, criteria = load(DB)
    munis = units[units["kind"] == "municipality"]
    with st.sidebar:
        page = st.radio("Страница", PAGES, key="page")
        years = sorted(values["period"].unique().tolist())
        year = st.selectbox("Учебный год", [label(y) for y in years], index=len(years) - 1, key="year")
        muni_names = dict(zip(munis["id"], munis["short_name"]))
        municipality = st.selectbox("Муниципалитет", list(muni_names), format_func=muni_names.get,
                                    key="muni")
        schools = units[(units["kind"] == "school") & (units["parent_id"] == municipality)]
        names = dict(zip(schools["id"], schools["short_name"]))
        school = st.selectbox("Школа", list(names), format_func=names.get, key="school")
    period = years[[label(y) for y in years].index(year)]
    if page == "Обзор":
        overview_page(values, criteria, names, municipality, period)
    else:
        school_page(values, criteria, names, municipality, school, period)


if __name__ == "__main__":
    main()
