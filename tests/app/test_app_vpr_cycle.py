"""The ВПР cycle of issue 16 under AppTest, on a writable copy of the demo: Объективность
proposes indicator 9 («2 из 2») and its button writes M09 as the local user's logged edit; the
School page of «Кадетская школа» recommends what to do about its ВПР sign; the council page
offers the slide «Объективность результатов ВПР»."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.ready import ready_db
from indicators.store.actors import LOCAL
from indicators.store.door import batch
from indicators.synthetic.demo import MUNICIPALITY_ID
from tests.app.conftest import ROOT

PROPOSED = ("Предлагаемая оценка показателя 9 «Критерии показателя объективности проведения процедур»: "
            "**2 из 2**.")


@pytest.fixture
def app(demo_copy, monkeypatch) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def _open(app: AppTest, page: str, **params) -> AppTest:
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _m09(db) -> float | None:
    return db.scalar("SELECT score FROM assessment WHERE org_unit_id = ? AND indicator_id = 'M09' "
                     "AND period = 2024", [MUNICIPALITY_ID])


def test_the_proposal_for_indicator_9_is_confirmed_with_one_click(app, demo_copy):
    db = ready_db(demo_copy)
    # The demo already stores M09 = 2: make it 1, so that the box has something to confirm.
    with batch(db, LOCAL, "edit") as b:
        b.upsert("assessment", ["org_unit_id", "indicator_id", "period"], ["score"],
                 pd.DataFrame([dict(org_unit_id=MUNICIPALITY_ID, indicator_id="M09", period=2024, score=1.0)]))
    assert _m09(db) == 1
    logged = db.scalar("SELECT count(*) FROM change_log")
    _open(app, "app_pages/objectivity.py")
    assert "Показатель 9: мониторинг объективности" in [s.value for s in app.subheader]
    box = next(m.value for m in app.markdown if m.value.startswith("Предлагаемая оценка показателя 9"))
    assert box == PROPOSED + " Сейчас в базе: 1."
    assert any("загружены протоколы 11 школ из 11" in c.value for c in app.caption)
    app.button(key="vpr-confirm-9").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert _m09(db) == 2
    lines = db.read("SELECT user_name, user_login, source, entity, field, old_value, new_value FROM change_log "
                    "ORDER BY id").iloc[logged:]
    score = lines[(lines["entity"] == "assessment") & (lines["field"] == "score")]
    assert len(score) == 1, lines
    line = score.iloc[0]
    assert (line["user_name"], line["user_login"], line["source"]) == ("Локальный пользователь", "local", "edit")
    assert float(line["old_value"]) == 1 and float(line["new_value"]) == 2
    assert any(s.value.startswith("Оценка показателя 9 (2) записана.") for s in app.success)
    box = next(m.value for m in app.markdown if m.value.startswith("Предлагаемая оценка показателя 9"))
    assert box == PROPOSED + " Сейчас в базе: 2."
    assert "Оценка совпадает с предложенной." in [c.value for c in app.caption]
    assert not [b for b in app.button if b.key == "vpr-confirm-9"]


def test_the_cadet_schools_recommendations_name_its_vpr_sign(app):
    _open(app, "app_pages/school.py", school="Кадетская школа")
    assert app.selectbox(key="school").value == "cadet"
    assert "Адресные рекомендации, 2024/25" in [s.value for s in app.subheader]
    shown = "\n".join(m.value for m in app.markdown)
    assert "Признак необъективности ВПР «результаты выше эталона»" in shown
    assert "Руководителю ОО проверить организацию ВПР в этих классах" in shown
    assert "Русский язык, 4 кл." in shown and "Математика, 4 кл." in shown
    assert "None" not in shown and "nan" not in shown


def test_the_council_offers_the_objectivity_slide(app):
    _open(app, "app_pages/council.py")
    assert app.selectbox(key="council_year").value == 2024
    picker = app.selectbox(key="council_preview")
    titles = list(picker.options)   # the shown titles, «n. …»
    found = [n for n, t in enumerate(titles) if "Объективность результатов ВПР, 2024/25" in t]
    assert found, titles
    picker.set_value(found[0]).run()
    assert not app.exception, [e.value for e in app.exception]
    shown = "\n".join(h.proto.body for h in app.get("html")).replace("\xa0", " ")   # «СОШ №\xa011»
    assert "Объективность результатов ВПР, 2024/25" in shown
    assert "Индекс объективности 81,8 · школ с признаками 2 из 11" in shown
    assert "Русский язык, 4 кл.: результаты выше эталона" in shown
    assert "Кадетская школа" in shown and "СОШ № 11" in shown
    assert "None" not in shown and "nan" not in shown
