"""What every page says, in AppTest: no table draws a missing value as «None», the commands the
app tells you to type work after `make run`, the change log and the import preview count and
name what they list, the uploader takes the import's own size limit, titles agree in Russian."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.ready import ready_db

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.name for p in (ROOT / "app_pages").glob("*.py"))


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("screens") / "demo.duckdb"
    ready_db(path)
    return str(path)


@pytest.fixture
def app(demo_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", demo_path)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def _open(app: AppTest, page: str) -> AppTest:
    app.run()
    if page != "overview.py":
        app.switch_page(f"app_pages/{page}").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _none_cells(app: AppTest) -> list[str]:
    """Tables (read-only or editors) that would draw a missing value as «None», or hold the
    text «None»/«nan» itself."""
    bad = []
    for table in app.dataframe:
        frame = table.value
        where = f"{table.key or ''} {list(frame.columns)[:4]}"
        # unset (Streamlit's default) draws «None»; set, it is what the page chose («—»)
        if frame.isna().to_numpy().any() and not (table.proto.HasField("placeholder")
                                                  and table.proto.placeholder in ("—", "")):
            bad.append(f"{where}: missing values drawn as «None»")
        words = frame.astype(str).isin(["None", "nan", "NaN", "NaT", "<NA>"])
        shown = frame.isna()
        if (words & ~shown).to_numpy().any():
            bad.append(f"{where}: the text «None» in a cell")
    return bad


@pytest.mark.parametrize("page", PAGES)
def test_no_table_draws_a_missing_value_as_none(app, page):
    _open(app, page)
    if page == "school.py":                              # the editor too
        app.toggle(key="edit_mode").set_value(True).run()
    if page == "roadmap.py":
        app.toggle(key="roadmap_edit").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    assert _none_cells(app) == []


def test_the_demo_notice_gives_commands_that_work_after_make_run(app):
    _open(app, "overview.py")
    notice = " ".join(i.value for i in app.info if "демонстрационные" in i.value)
    commands = re.findall(r"`([^`]*python[^`]*)`", notice)
    assert commands, notice
    assert all(".venv/bin/python -m indicators" in c for c in commands), commands


def test_the_change_log_counts_and_names_what_it_lists(app):
    _open(app, "log.py")
    said = " ".join(m.value for m in app.markdown)
    log = next(d.value for d in app.dataframe if "Запись" in d.value.columns)
    assert f"Показано строк журнала: **{len(log)}**" in said, said
    assert not any("|" in r or re.search(r"\b[a-z]+-\d+\b", r) for r in log["Запись"]), \
        list(log["Запись"])[:5]
    assert any(re.search(r"\b20\d\d/\d\d\b", r) for r in log["Запись"])


def test_the_uploader_takes_the_imports_limit(app):
    _open(app, "data.py")
    uploader = app.get("file_uploader")[0]
    assert uploader.proto.max_upload_size_mb == 10


def test_titles_agree_in_russian(app):
    """«Доля школ, выполняющих группа …» read as a slip: a group is named in a form that
    agrees with the sentence around it."""
    _open(app, "by_indicator.py")
    titles = []
    import json
    for chart in app.get("plotly_chart"):
        titles.append(json.loads(chart.proto.spec)["layout"]["title"]["text"])
    assert not any(re.search(r"выполняющих группа", t) for t in titles), titles


def test_the_events_behind_an_indicator_fit_their_cell():
    """The Overview's and School's tables name each roadmap once and group events by status,
    so that four events fit the cell of a laptop's table."""
    from ui.blocks import compact_events

    cell = ("Заозерск 4 (выполнено); Заозерск 5 (срок не наступил); Заозерск 6 (срок не наступил); "
            "Заозерск 14 (срок не наступил)")
    assert compact_events(cell) == "Заозерск 4 (выполнено); 5, 6, 14 (срок не наступил)"
    assert compact_events("Губаха 2.2 (выполнено)") == "Губаха 2.2 (выполнено)"
    assert compact_events("") == "" and compact_events(None) is None
