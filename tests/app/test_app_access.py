"""The served app under AppTest (``QUALITY_SERVE=network``): nobody sees data before signing in,
wrong passwords and a locked login say so in Russian, each role sees and may press only what
it should, a session ends on «Выйти» or by time, and hostile school names stay text on screen.
"""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

import ui.auth
from indicators.access import signin
from indicators.access.users import add_user
from indicators.exchange.apply import apply_import
from indicators.exchange.check import plan_import
from indicators.ready import ready_db
from indicators.synthetic.demo import MUNICIPALITY_ID
from tests.app.test_app_data import XLSX, _filled
from tests.staging import as_user, signed_in, staged

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.name for p in (ROOT / "app_pages").glob("*.py"))
PASSWORD = "верный-пароль-2024"
SCHOOL = "sosh-6"
USERS = {  # login: (name, role, unit)
    "zritel": ("Зрителева В. В.", "viewer", MUNICIPALITY_ID),
    "operator6": ("Шестакова О. Ш.", "school_editor", SCHOOL),
    "specialist": ("Иванова И. И.", "department_editor", MUNICIPALITY_ID),
}
HOSTILE = '[x](http://evil.example) **жирная** <a href="http://evil.example">a</a>'
FORMULA = "=1+1"
# Markup that escaping must have disarmed: a link, emphasis, an HTML tag not preceded by «\».
LIVE_MARKUP = re.compile(r"(?<!\\)\]\(http|(?<!\\)\*\*жирная|(?<!\\)<a href")
WRITE_BUTTONS = ("apply", "undo", "submission-accept", "submission-unlock", "catalog-apply")


@pytest.fixture
def db(demo_copy, monkeypatch):
    """A served app on a copy of the demo; failed sign-ins counted afresh for this test."""
    monkeypatch.setenv("QUALITY_SERVE", "network")
    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    monkeypatch.setattr(ui.auth, "sign_in", partial(signin.sign_in, attempts=signin.Attempts()))
    return ready_db(demo_copy)


@pytest.fixture
def users(db):
    for login, (name, role, unit) in USERS.items():
        add_user(db, as_user("Администратор"), login, name, role, unit, password=PASSWORD)
    return db


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def keys(at: AppTest, kind: str) -> set[str]:
    return {w.key for w in at.get(kind) if getattr(w, "key", None)}


def texts(at: AppTest) -> list[str]:
    """The Markdown sources of everything on screen that Streamlit renders as Markdown."""
    found = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "warning", "info", "error",
                 "success", "toast"):
        found += [e.value for e in getattr(at, kind)]
    return found


def elements(at: AppTest):
    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)
    return list(walk(at._tree))


def screen_dump(at: AppTest) -> str:
    """Everything the page holds as text: Markdown, widget options, tables and charts."""
    parts = []
    for node in elements(at):
        if type(node).__name__ == "Block":
            parts.append(str(node.proto))
        elif node.type == "dataframe":
            parts.append(node.value.to_csv())
        elif node.type == "plotly_chart":
            parts.append(json.loads(node.proto.spec).__repr__())
        else:
            parts.append(str(getattr(node, "proto", "")))
    return "\n".join(parts)


def charts(at: AppTest) -> list[str]:
    """Each Plotly chart's figure JSON, as the browser receives it."""
    return [c.proto.spec for c in at.get("plotly_chart")]


def sign_in_form(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input(key="signin-login").input(login)
    at.text_input(key="signin-password").input(password)
    return next(b for b in at.button if b.label == "Войти").click().run()


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"app_pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# -- before signing in ------------------------------------------------------------------------

def test_the_app_opens_on_sign_in_and_shows_no_data(users):
    at = app()
    at.run()
    assert not at.exception
    assert titles(at) == ["Вход"]
    assert keys(at, "text_input") == {"signin-login", "signin-password"}
    assert [b.label for b in at.button] == ["Войти"]
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric
    assert not at.sidebar.selectbox and not at.sidebar.multiselect
    assert "СОШ № 6" not in screen_dump(at) and "Заозёрный" not in screen_dump(at)


def test_a_wrong_password_is_refused_in_russian(users):
    at = app()
    at.run()
    sign_in_form(at, "zritel", "не тот пароль")
    assert titles(at) == ["Вход"]
    assert [e.value for e in at.error] == ["Неверный логин или пароль (или учётная запись отключена)."]
    assert not at.get("plotly_chart") and not at.metric


def test_five_failures_lock_the_login(users):
    at = app()
    at.run()
    for n in range(5):
        sign_in_form(at, "zritel", f"попытка номер {n}")
        assert "Неверный логин или пароль" in at.error[0].value
    sign_in_form(at, "zritel", PASSWORD)  # the right password, too late
    assert titles(at) == ["Вход"]
    assert "Слишком много неудачных попыток входа" in at.error[0].value
    assert not at.get("plotly_chart")
    # Another login is not locked by someone else's failures.
    sign_in_form(at, "specialist", PASSWORD)
    assert titles(at) != ["Вход"], [e.value for e in at.error]


def test_with_no_users_the_page_says_how_to_create_the_first_administrator(db):
    at = app()
    at.run()
    assert not at.exception
    assert titles(at) == ["Вход"]
    message = " ".join(e.value for e in at.error)
    assert "ещё нет ни одного пользователя" in message
    assert "python -m indicators user add admin" in message and "--role admin" in message
    assert not at.text_input and not at.button  # no form to fill in


# -- what each role sees ----------------------------------------------------------------------

def _an_import_to_undo(db) -> None:
    """A file of СОШ № 6 applied by the specialist: «Отменить последнюю загрузку» has something
    to offer (to those who may undo)."""
    plan = plan_import(db, [("сош6.xlsx", _filled(db.path, change={"J2": 0}))], 2024)
    assert plan.ok
    apply_import(db, plan, as_user("Иванова И. И.", "department_editor", MUNICIPALITY_ID))


def test_a_viewer_sees_every_page_and_no_write_control(users):
    _an_import_to_undo(users)
    at = signed_in(app(), "zritel", PASSWORD)
    assert "Вы вошли: **Зрителева В. В.** · Просмотр" in [c.value for c in at.sidebar.caption]
    for name in PAGES:
        page(at, name.removesuffix(".py"))
        assert at.title, name

    page(at, "data")
    at.file_uploader[0].set_value(("сош6.xlsx", _filled(users.path, change={"J3": 0}), XLSX)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Ваша роль позволяет только просматривать" in i.value for i in at.info)
    assert not keys(at, "button") & set(WRITE_BUTTONS), keys(at, "button")
    assert "accept_unit" not in keys(at, "selectbox")
    assert len(at.file_uploader) == 1  # the import's preview; no catalog upload
    assert any("может администратор" in i.value for i in at.info)

    page(at, "school")
    at.selectbox(key="school").select(SCHOOL).run()
    at.toggle(key="edit_mode").set_value(True).run()
    assert not at.exception
    assert not [k for k in keys(at, "button") if k.startswith(("save-", "rec-"))], keys(at, "button")
    assert not at.get("arrow_data_editor") and not at.text_area
    assert any("только просматривать" in c.value for c in at.caption)

    page(at, "roadmap")
    at.toggle(key="roadmap_edit").set_value(True).run()
    assert not [k for k in keys(at, "button") if k.startswith(("save-", "due"))], keys(at, "button")


def test_the_department_editor_sees_the_whole_municipality_and_its_write_controls(users):
    _an_import_to_undo(users)
    at = signed_in(app(), "specialist", PASSWORD)
    schools = users.rows("SELECT short_name FROM org_unit WHERE parent_id = ? AND kind = 'school' "
                         "ORDER BY ord", [MUNICIPALITY_ID])
    assert at.multiselect(key="schools").options == [s for (s,) in schools]
    page(at, "data")
    assert {"undo", "submission-accept", "submission-unlock"} <= keys(at, "button")
    template_for = at.selectbox(key="template_for").options
    assert template_for[0] == "Все школы и управление образования" and len(template_for) == len(schools) + 1
    # the data import and the ВПР protocols; the catalog's upload is an administrator's
    assert "catalog-apply" not in keys(at, "button")
    assert {u.key for u in at.file_uploader} == {"upload-0", "vpr-upload-0"}

    page(at, "school")
    at.selectbox(key="school").select(SCHOOL).run()
    at.toggle(key="edit_mode").set_value(True).run()
    assert f"save-{SCHOOL}-2024" in keys(at, "button")

    at.button(key="signout").click().run()
    assert titles(at) == ["Вход"]
    assert not at.get("plotly_chart") and not at.sidebar.multiselect
    page_after = app()  # a new browser session is not signed in either
    page_after.run()
    assert titles(page_after) == ["Вход"]


def test_a_school_editor_sees_its_own_school_only(users):
    at = signed_in(app(), "operator6", PASSWORD)
    assert at.multiselect(key="schools").options == ["СОШ № 6"]
    others = users.rows("SELECT short_name, name FROM org_unit WHERE kind = 'school' AND id <> ?", [SCHOOL])
    assert others

    def no_other_school(where: str) -> None:
        shown = screen_dump(at)
        leaked = sorted({s for pair in others for s in pair if s in shown})
        assert not leaked, f"{where} names other schools: {leaked}"

    page(at, "overview")
    table = next(d.value for d in at.dataframe if "Организация" in d.value.columns)
    assert list(table["Организация"]) == ["МБОУ «Средняя общеобразовательная школа № 6»"]
    no_other_school("the Overview")

    page(at, "data")
    assert at.selectbox(key="template_for").options == ["СОШ № 6"]
    assert "submission-accept" not in keys(at, "button")
    no_other_school("the Data page")

    page(at, "school")
    assert at.selectbox(key="school").options == ["СОШ № 6"]
    at.toggle(key="edit_mode").set_value(True).run()
    assert f"save-{SCHOOL}-2024" in keys(at, "button")  # its own values it may correct
    assert not [k for k in keys(at, "button") if k.startswith("rec-")]  # recommendations: the department's

    page(at, "log")
    assert at.selectbox(key="log_unit").options == ["СОШ № 6"]
    no_other_school("the change log")
    page(at, "roadmap")
    assert at.selectbox(key="roadmap_unit").options == ["СОШ № 6"]
    no_other_school("the roadmap")
    with pytest.raises(Exception):   # the council is the department's talk: not in a school's menu
        at.switch_page("app_pages/council.py").run()
        assert "Педсовет" in titles(at)


# -- session expiry ---------------------------------------------------------------------------

def test_an_idle_session_ends_and_says_so(users, monkeypatch):
    at = signed_in(app(), "zritel", PASSWORD)
    later = ui.auth.time.time() + 61 * 60  # an hour and a minute without a click
    monkeypatch.setattr(ui.auth, "time", SimpleNamespace(time=lambda: later))
    at.run()
    assert titles(at) == ["Вход"]
    assert any("Сеанс завершён по времени" in i.value for i in at.info)
    assert not at.get("plotly_chart") and not at.sidebar.multiselect
    sign_in_form(at, "zritel", PASSWORD)  # and one signs in again
    assert titles(at) != ["Вход"]


def test_the_idle_limit_is_read_from_the_settings(users):
    at = signed_in(app(), "specialist", PASSWORD)
    with staged(users) as cur:
        cur.execute("INSERT OR REPLACE INTO setting (key, value, description) "
                    "VALUES ('session_idle_minutes', 0, 'тест')")
    at.run()
    assert titles(at) == ["Вход"]
    assert any("Сеанс завершён по времени" in i.value for i in at.info)


# -- hostile names ----------------------------------------------------------------------------

@pytest.fixture
def hostile(users):
    with staged(users) as cur:
        cur.execute("UPDATE org_unit SET name = ?, short_name = ? WHERE id = ?", [HOSTILE, HOSTILE, SCHOOL])
        cur.execute("UPDATE org_unit SET name = ?, short_name = ? WHERE id = 'sosh-2'", [FORMULA, FORMULA])
    return users


def assert_inert(at: AppTest, where: str) -> list[str]:
    """No Markdown on screen carries live markup from a name; the texts naming the school."""
    live = [t for t in texts(at) + [c.value for c in at.sidebar.caption] if LIVE_MARKUP.search(t)]
    assert not live, f"{where}: markup rendered from a name: {live}"
    for chart in charts(at):
        assert "<a href" not in chart, f"{where}: a live link in a chart"
    return [t for t in texts(at) if "evil.example" in t]


def test_hostile_school_names_stay_text_on_every_page(hostile):
    at = signed_in(app(), "specialist", PASSWORD)
    for name in PAGES:
        page(at, name.removesuffix(".py"))
        assert_inert(at, name)

    page(at, "overview")
    named = assert_inert(at, "overview")
    assert named and all(r"\[x\](http\://evil.example) \*\*жирная\*\*" in t for t in named), named
    assert any(f"- {FORMULA}" in t for t in texts(at))  # the formula-like name, as typed
    assert charts(at)
    for chart in charts(at):  # every chart of the Overview names the schools
        assert "&lt;a href" in chart and '<a href=\\"http://evil' not in chart
        assert FORMULA in chart

    page(at, "school")
    at.selectbox(key="school").select(SCHOOL).run()
    assert_inert(at, "school")
    assert titles(at) ==  [
        r'\[x\](http\://evil.example) \*\*жирная\*\* \<a href="http\://evil.example"\>a\</a\>']
    at.selectbox(key="school").select("sosh-2").run()
    assert titles(at) == [FORMULA]


def test_a_hostile_display_name_is_shown_as_text(db):
    add_user(db, as_user("Администратор"), "hacker", "[Иванова](http://evil.example)", "viewer",
             MUNICIPALITY_ID, password=PASSWORD)
    at = signed_in(app(), "hacker", PASSWORD)
    assert r"Вы вошли: **\[Иванова\](http\://evil.example)** · Просмотр" in [c.value for c in at.sidebar.caption]


def test_a_hostile_url_parameter_is_shown_as_text_in_the_toast(users):
    at = signed_in(app(), "specialist", PASSWORD)
    at.query_params["schools"] = "[x](http://evil.example)"
    at.run()
    assert not at.exception
    toasts = [t.value for t in at.toast]
    assert len(toasts) == 1 and r"\[x\](http\://evil.example)" in toasts[0], toasts
    assert not LIVE_MARKUP.search(toasts[0])
    assert "такого значения нет" in toasts[0]
