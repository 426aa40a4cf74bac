"""The Педсовет page and the recommendations on the School page, under AppTest: the figures the
page shows are the council's, a snapshot freezes them, the presentation mode moves slide by
slide and gives the page back as it was, and approving recommendations is stored and logged."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.council.content import build
from indicators.council.slides import count_slides, slides
from indicators.measures.recommendations import needing_support
from indicators.ready import ready_db
from indicators.synthetic.demo import MUNICIPALITY_ID
from indicators.text import markdown_text
from indicators.words import period_label

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(demo_copy, monkeypatch) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/council.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def _button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r} among {[b.label for b in at.button]}"
    return found[0]


def test_the_page_shows_the_councils_numbers(app, demo_copy):
    expected = build(ready_db(demo_copy), 2024, MUNICIPALITY_ID)
    deck = slides(expected)
    assert app.selectbox(key="council_year").value == 2024
    assert app.markdown[0].value.startswith(f"**{count_slides(len(deck))}** · данные на ")
    app.selectbox(key="council_preview").set_value(1).run()       # the key-figures slide
    shown = _html(app)
    assert "Главные цифры 2024/25 учебного года" in shown
    for figure in deck[1].figures:
        assert f'<div class="value">{figure.value}</div>' in shown


def test_a_snapshot_freezes_the_numbers(app, demo_copy):
    _button(app, "Зафиксировать данные сейчас").click().run()
    assert app.selectbox(key="council_snapshot").value == 1
    assert "(снимок № 1)" in app.markdown[0].value
    db = ready_db(demo_copy)
    assert db.scalar("SELECT count(*) FROM council_snapshot") == 1
    assert db.scalar("SELECT count(*) FROM change_log WHERE entity = 'council_snapshot'") == 1


def test_presentation_moves_slide_by_slide_and_gives_the_page_back(app):
    app.multiselect(key="council_slides").set_value(["title", "key_figures", "schools"]).run()
    _button(app, "▶ Начать показ").click().run()
    assert not app.exception
    assert "Слайд 1 из 3" in app.markdown[0].value
    assert not app.title                                   # nothing but the slide on screen
    app.button(key="present-next").click().run()
    assert "Слайд 2 из 3" in app.markdown[0].value
    assert "Главные цифры" in _html(app)
    app.button(key="present-next").click().run()
    assert app.button(key="present-next").disabled
    app.button(key="present-prev").click().run()
    assert "Слайд 2 из 3" in app.markdown[0].value
    app.button(key="present-exit").click().run()
    assert app.title[0].value == "Педсовет"
    assert app.multiselect(key="council_slides").value == ["title", "key_figures", "schools"]


def test_approving_recommendations_from_the_council_page(app, demo_copy):
    db = ready_db(demo_copy)
    first = needing_support(db, 2024, MUNICIPALITY_ID).iloc[0]
    school = first["org_unit_id"]
    app.text_area(key=f"rec-text-{school}-2024").set_value("1. Провести педсовет по анализу.")
    app.button(key=f"rec-approve-{school}-2024").click().run()
    assert not app.exception
    assert any("утверждены" in s.value for s in app.success)
    row = db.rows("SELECT text, status FROM recommendation WHERE org_unit_id = ? AND period = 2024", [school])
    assert row == [("1. Провести педсовет по анализу.", "approved")]
    assert db.scalar("SELECT score FROM assessment WHERE org_unit_id = ? AND indicator_id = 'M11' "
                     "AND period = 2024", [MUNICIPALITY_ID]) == 1.0   # one of several approved
    app.text_area(key=f"rec-text-{school}-2024").set_value("   ")
    app.button(key=f"rec-draft-{school}-2024").click().run()
    assert any("пуст" in e.value for e in app.error)


def test_the_school_page_shows_its_recommendations(demo_copy, monkeypatch):
    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    db = ready_db(demo_copy)
    first = needing_support(db, 2024, MUNICIPALITY_ID).iloc[0]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["school"] = first["short_name"]
    at.run()
    at.switch_page("app_pages/school.py").run()
    assert not at.exception
    assert f"Адресные рекомендации, {period_label(2024)}" in [h.value for h in at.subheader]
    shown = "\n".join(m.value for m in at.markdown)
    assert "Статус: черновик (не сохранён)" in shown
    assert markdown_text(first["draft"].splitlines()[0]) in shown  # shown as text, not as Markdown
