"""«Результаты ВПР (ФИС ОКО)» on the Data page under AppTest: a protocol uploaded, previewed,
loaded (the success message names the batch), undone; a bad file is refused in Russian and
changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from indicators.ready import ready_db
from indicators.synthetic.vpr_files import random_participants, write_protocol

ROOT = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCHOOLS = [("sosh-1", "МБОУ «Средняя общеобразовательная школа № 1»"), ("gymn-3", "МБОУ «Гимназия № 3»")]


@pytest.fixture
def app(demo_copy, monkeypatch) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _protocol(tmp_path, bad_cell: str | None = None) -> bytes:
    frame = random_participants(SCHOOLS, per_school=5, test_max=20, seed=7)
    path = write_protocol(tmp_path / "Математика 4.xlsx", frame, subject="math", grade=4, period=2021, test_max=20)
    if bad_cell is None:
        return path.read_bytes()
    book = load_workbook(path)
    book["Протокол"][bad_cell] = 9
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _count(demo_copy) -> int:
    return ready_db(demo_copy).scalar("SELECT count(*) FROM vpr_participant WHERE period = 2021")


def test_upload_preview_load_and_undo(app, tmp_path, demo_copy):
    app.file_uploader(key="vpr-upload-0").set_value(("Математика 4.xlsx", _protocol(tmp_path), XLSX)).run()
    assert not app.exception, [e.value for e in app.exception]
    assert next(m for m in app.metric if m.label == "Школ").value == "2"
    assert _count(demo_copy) == 0
    app.button(key="vpr-apply").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Результаты ВПР записаны (загрузка №" in s.value for s in app.success)
    assert _count(demo_copy) == 10
    app.button(key="vpr-undo").click().run()
    assert any("отменена" in s.value for s in app.success)
    assert _count(demo_copy) == 0


def test_a_bad_protocol_is_refused_in_russian(app, tmp_path, demo_copy):
    app.file_uploader(key="vpr-upload-0").set_value(("Математика 4.xlsx", _protocol(tmp_path, "I3"), XLSX)).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Ничего не записано" in e.value for e in app.error)
    text = " ".join(m.value for m in app.markdown)
    assert "лист «Протокол», строка 3, столбец I «1 (2б)»" in text
    assert not [b for b in app.button if b.key == "vpr-apply"]
    assert _count(demo_copy) == 0
