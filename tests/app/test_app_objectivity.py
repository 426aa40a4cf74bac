"""Объективность under AppTest on the demo's ВПР protocols (three planted cases): the index and
the flagged schools with their reasons, the school card's mark boundaries, a year without
protocols, a school's operator who sees only its own row; never an exception, never an English
word in the page's own text."""

from __future__ import annotations

import json
import re
from functools import partial

import pytest
from streamlit.testing.v1 import AppTest

import ui.auth
from indicators.access import signin
from indicators.access.users import add_user
from indicators.measures.objectivity import objectivity_index
from indicators.ready import ready_db
from indicators.synthetic.demo import MUNICIPALITY_ID
from tests.app.conftest import ROOT
from tests.staging import as_user, signed_in

PAGE = "app_pages/objectivity.py"
NOTES = ("Признаки необъективности — повод для проверки и методической помощи, а не вывод о нарушении.",
         "Результаты ВПР не используются для оценки работы учителей (письма Рособрнадзора о ВПР 2025 г.).")
LATIN = re.compile(r"[A-Za-z]{2,}")
ABBREVIATIONS: set[str] = set()   # none: even the method's IQR is said in Russian


def _open(app: AppTest, **params) -> AppTest:
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _texts(app: AppTest) -> list[str]:
    """The page's own words: titles, captions, text, notices, metrics, pickers (the sidebar and
    the demo notice are the app's frame, tested elsewhere)."""
    main = app.main
    found = [e.value for kind in ("title", "subheader", "caption", "markdown", "info", "warning", "success")
             for e in main.get(kind)]
    found += [m.label for m in main.get("metric")] + [m.value for m in main.get("metric")]
    found += [s.label for s in main.get("selectbox")] + [o for s in main.get("selectbox") for o in s.options]
    found += [e.label for e in main.get("expander")]
    return [t for t in found if "QUALITY_DB" not in t]


def _figures(app: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in app.main.get("plotly_chart")]


def _metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.main.get("metric") if m.label == label)


def test_the_page_shows_the_index_the_flagged_schools_and_their_reasons(app, demo_path):
    _open(app)
    expected = objectivity_index(ready_db(demo_path), 2024, municipality_id=MUNICIPALITY_ID)
    assert [t.value for t in app.title] == ["Объективность результатов ВПР, 2024/25"]
    assert any("эталон: муниципалитет" in c.value for c in app.caption)
    assert _metric(app, "Индекс объективности") == f"{expected['index']:.1f}".replace(".", ",") == "81,8"
    assert _metric(app, "Школ с признаками") == "2 из 11"
    assert _metric(app, "Из них второй год подряд") == "0"
    why = next(m.value for m in app.markdown if m.value.startswith("- **"))
    assert "**Кадетская школа**, Русский язык, 4 кл.: Нижняя граница доверительного интервала" in why
    assert "**Кадетская школа**, Математика, 4 кл." in why
    assert "**СОШ № 11**, Русский язык, 5 кл.: Отметки по журналу расходятся с первичными баллами ВПР" in why
    assert "Спирмена −0," in why
    assert "СОШ № 6" not in why                          # its cohort sign belongs to 2023
    info = " ".join(i.value for i in app.info)
    assert all(note in info for note in NOTES)
    text = " ".join(_texts(app))
    assert "None" not in text and "nan" not in text
    assert "вывод о нарушении" in text and "нарушил" not in text   # signs, never a verdict
    matrix = _figures(app)[0]
    assert "Признаки необъективности" in matrix["layout"]["title"]["text"]
    assert "Математика, 4 кл." in matrix["layout"]["xaxis"]["ticktext"]


def test_the_school_card_shows_the_mark_boundaries_and_the_cohort(app):
    _open(app, school="СОШ № 6", vpr="Математика, 5 кл.")
    assert app.selectbox(key="school").value == "sosh-6"
    assert app.selectbox(key="vpr").value == "math|5"
    figures = {f["layout"]["title"]["text"]: f for f in _figures(app)}
    histogram = next(f for t, f in figures.items() if "первичные баллы и границы отметок" in t)
    labels = [a["text"] for a in histogram["layout"]["annotations"]]
    assert labels == ["<b>2/3</b>", "<b>3/4</b>", "<b>4/5</b>"]
    assert [s["x0"] for s in histogram["layout"]["shapes"]] == [6.5, 11.5, 15.5]   # the 2024 scale: 7, 12, 16
    cohort = next(f for t, f in figures.items() if "параллель" in t)
    assert list(cohort["data"][0]["x"]) == ["4 кл., 2023/24", "5 кл., 2024/25"]
    assert any("Отметка по журналу" in t for t in figures)
    assert any("Индекс объективности" in t for t in figures)
    assert app.success and "Признаков необъективности по этой работе нет" in app.success[0].value


def test_a_flagged_card_says_why(app):
    _open(app, school="СОШ № 11", vpr="Русский язык, 5 кл.")
    assert app.warning and "1 признак необъективности" in app.warning[0].value
    assert "Спирмена" in app.warning[0].value


def test_the_cohort_sign_of_the_year_before(app):
    _open(app, year="2023/24")
    assert _metric(app, "Школ с признаками") == "1 из 11"
    why = next(m.value for m in app.markdown if m.value.startswith("- **"))
    assert "**СОШ № 6**, Математика, 4 кл.: Резкое снижение результатов той же параллели" in why


def test_a_year_without_protocols_says_what_to_load_and_where(app):
    _open(app, year="2021/22")
    info = " ".join(i.value for i in app.info)
    assert "результаты ВПР не загружены" in info
    assert "«Данные»" in info and "«Результаты ВПР (ФИС ОКО)»" in info
    assert not app.main.get("metric") and not _figures(app)


@pytest.mark.parametrize("year", ["2024/25", "2023/24", "2021/22"])
def test_no_english_on_the_page(app, year):
    _open(app, year=year)
    words = {w for t in _texts(app) for w in LATIN.findall(t)} - ABBREVIATIONS
    assert not words, words


def test_a_school_operator_sees_only_its_own_school(demo_copy, monkeypatch):
    monkeypatch.setenv("QUALITY_SERVE", "network")
    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    monkeypatch.setattr(ui.auth, "sign_in", partial(signin.sign_in, attempts=signin.Attempts()))
    db = ready_db(demo_copy)
    add_user(db, as_user("Администратор"), "operator11", "Одиннадцатова О. О.", "school_editor", "sosh-11",
             password="верный-пароль-2024")
    app = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "operator11",
                    "верный-пароль-2024")
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    assert _metric(app, "Школ с признаками") == "2 из 11"          # the municipality's figure, no names
    text = " ".join(_texts(app))
    assert "СОШ № 11" in text and "Кадетская" not in text
    assert app.selectbox(key="school").options == ["СОШ № 11"]
    matrix = _figures(app)[0]
    assert {y for trace in matrix["data"] for y in trace["y"]} == {"СОШ № 11"}
