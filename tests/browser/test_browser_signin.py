"""Signing in to the served app in headless Chromium: a password, «Выйти», a wrong password; and
the organisation's sign-in (OIDC) against a mock identity provider — a known e-mail lands
signed in, an unknown one on the Russian «не зарегистрирован».

Everything runs on the loopback: the app (``QUALITY_SERVE=network``, so sign-in is required)
and ``oidc-provider-mock`` each in a process of their own, on free ports, with bounded waits,
both stopped in the fixture's teardown.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from typing import Iterator

import pytest

from indicators.access.users import add_user
from indicators.store import database as db_module
from indicators.ready import ready_db
from indicators.synthetic.demo import MUNICIPALITY_ID
from tests.chromium import ARTIFACTS, free_port, page_errors, running, streamlit_args
from tests.staging import as_user

PASSWORD = "пароль-специалиста-1"
EMAIL = "orlova@uo.example"  # the organisation's sign-in of «Орлова О. О.»


@pytest.fixture(scope="module")
def served(demo_file, tmp_path_factory) -> Iterator[str]:
    """The app served for a network on a copy of the demo, with a password user and an
    organisation user, and the organisation's sign-in pointing at a mock provider; its URL."""
    where = tmp_path_factory.mktemp("signin")
    db_path = where / "served.duckdb"
    shutil.copy(demo_file, db_path)
    db = ready_db(db_path)
    admin = as_user("Администратор")
    add_user(db, admin, "petrova", "Петрова А. В.", "department_editor", MUNICIPALITY_ID, password=PASSWORD)
    add_user(db, admin, "orlova", "Орлова О. О.", "viewer", MUNICIPALITY_ID, email=EMAIL)
    db.close()
    db_module._open.pop(str(db_path), None)  # the server process opens the file now

    app_port, idp_port = free_port(), free_port()
    app_url, idp_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{idp_port}"
    secrets_file = where / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "quality-dashboard"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{idp_url}/.well-known/openid-configuration"\n', encoding="utf-8")
    env = dict(os.environ, QUALITY_DB=str(db_path), QUALITY_SERVE="network")
    idp = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(idp_port)]
    app = streamlit_args(app_port, "--secrets.files", str(secrets_file))
    with running(idp, where / "idp.log", f"{idp_url}/.well-known/openid-configuration"), \
            running(app, where / "app.log", f"{app_url}/_stcore/health", env):
        yield app_url


@pytest.fixture
def page(browser, served):
    """A fresh browser (no cookies) on the sign-in page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(served)
    page.wait_for_selector("h1:has-text('Вход')", timeout=90_000)
    yield page
    context.close()


def _sign_in(page, login: str, password: str) -> None:
    page.get_by_label("Логин").fill(login)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти", exact=True).click()


def _sidebar(page) -> str:
    return page.locator("[data-testid=stSidebar]").inner_text()


def test_sign_in_with_a_password_then_sign_out(page):
    assert page.locator(".js-plotly-plot").count() == 0
    assert "СОШ" not in page.locator("body").inner_text()  # no data before sign-in
    _sign_in(page, "petrova", PASSWORD)
    page.wait_for_selector("h1:has-text('Обзор за 2024/25 учебный год')")
    page.wait_for_selector(".js-plotly-plot")
    page.wait_for_selector("[data-testid=stSidebar] :text('Вы вошли: Петрова А. В.')")
    assert "Специалист управления" in _sidebar(page)
    assert page_errors(page) == []
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_selector("h1:has-text('Вход')")
    # The page's old elements stay (greyed) until the run ends, then go: no chart is left.
    page.wait_for_function("() => !document.querySelector('.js-plotly-plot')", timeout=30_000)
    assert page.get_by_label("Логин").is_visible()


def test_a_wrong_password_shows_the_error(page):
    page.get_by_label("Логин").fill("petrova")
    page.get_by_label("Пароль").click()
    page.keyboard.type("не тот пароль совсем")
    page.wait_for_timeout(300)
    assert "Press Enter" not in page.locator("body").inner_text()  # Streamlit's hint is English only
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Неверный логин или пароль")
    assert page.locator("h1").first.inner_text() == "Вход"
    assert page.locator(".js-plotly-plot").count() == 0


def test_the_sign_in_page_on_laptop_and_desktop_screens(page):
    """Screenshots to look at: the page is Russian and readable at both sizes."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 768), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(500)
        form = page.locator("[data-testid=stForm]")
        box = form.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
        assert page.get_by_role("button", name="Войти через организацию").is_visible()
        page.screenshot(path=str(ARTIFACTS / f"signin-{width}x{height}.png"))
    text = page.locator("body").inner_text()
    for english in ("Log in", "Login", "Sign in", "Password", "Submit", "Username"):
        assert english not in text, english


def _organisation_sign_in(page, subject: str) -> None:
    page.get_by_role("button", name="Войти через организацию").click()
    page.wait_for_selector("input[name=sub]")          # the mock provider's form
    page.fill("input[name=sub]", subject)                # its claims: {"email": subject}
    page.get_by_role("button", name="Authorize").click()


def _sign_out_at_the_provider(page) -> None:
    """«Выйти» ends the provider's session too (st.logout): the mock asks to confirm, then
    sends the browser back to the app."""
    page.get_by_role("button", name="Выйти").click()
    page.get_by_role("button", name="End session").click()
    page.wait_for_selector("h1:has-text('Вход')")


def test_the_organisation_sign_in_of_a_registered_user(page, served):
    _organisation_sign_in(page, EMAIL)
    page.wait_for_url(f"{served}/**")
    page.wait_for_selector("[data-testid=stSidebar] :text('Вы вошли: Орлова О. О.')")
    page.wait_for_selector("h1:has-text('Обзор за 2024/25')")
    assert "Просмотр" in _sidebar(page)
    assert page_errors(page) == []
    _sign_out_at_the_provider(page)
    assert "Вы вошли" not in page.locator("body").inner_text()


def test_the_organisation_sign_in_of_an_unknown_user(page, served):
    _organisation_sign_in(page, "stranger@uo.example")
    page.wait_for_url(f"{served}/**")
    page.wait_for_selector("text=не зарегистрирован в приложении")
    assert page.locator(".js-plotly-plot").count() == 0
    assert "Вы вошли" not in page.locator("body").inner_text()
    _sign_out_at_the_provider(page)
