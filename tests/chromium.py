"""Helpers for the browser tests: a cold Streamlit server and Debian's headless Chromium.

No browser is ever downloaded: Playwright drives ``/usr/bin/chromium``.  Without it the tests
skip locally, but fail in CI (``REQUIRE_BROWSER=1``), so they can never pass by not running.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"


def require_chromium() -> None:
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail("Chromium is required here (REQUIRE_BROWSER=1): apt-get install -y chromium")
    pytest.skip("Debian chromium is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer: {log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


@contextmanager
def running(args: list[str], log: Path, health: str, env: dict | None = None) -> Iterator[None]:
    """A process (a server) on the loopback, once ``health`` answers 200; stopped on exit."""
    with open(log, "w") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_for(health, proc, log)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def streamlit_args(port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false", *extra]


@contextmanager
def cold_server(db_path: Path) -> Iterator[str]:
    """Start ``streamlit run app.py`` in a fresh process on an empty database; yield its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running(streamlit_args(port), db_path.with_suffix(".log"), f"{url}/_stcore/health",
                 dict(os.environ, QUALITY_DB=str(db_path))):
        yield url


def page_errors(page) -> list[str]:
    """Texts of every error box Streamlit shows on the page."""
    boxes = page.locator("[data-testid=stException], [data-testid=stAlertContentError]")
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


def open_app(browser, url: str, height: int = 1600):
    """A new page on ``url``, returned once a chart has been drawn (a cold start may be slow)."""
    page = browser.new_page(viewport={"width": 1400, "height": height})
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot", timeout=90_000)
    return page


def choose(page, option: str, *, where: str = "[data-testid=stMain]", nth: int = 0) -> None:
    """Pick ``option`` in the ``nth`` selectbox of ``where`` (the sidebar or the page)."""
    page.locator(f"{where} [data-testid=stSelectbox]").nth(nth).click()
    page.get_by_role("option", name=option).click()


def menu(page, title: str) -> None:
    """Open a page from the sidebar menu."""
    page.locator(f"[data-testid=stSidebarNav] a:has-text('{title}')").click()
