"""User text stays text in every file the product writes: the Excel export, the council deck
and the charts' embedded workbooks, the HTML report — with hostile school names planted in the
tiny municipality.  (The pages are checked in tests/test_app_text.py.)"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from indicators.council.content import build
from indicators.council.deck_pptx import build_pptx
from indicators.council.report_html import build_html
from indicators.council.slides import slides
from indicators.exchange.export import frames_to_xlsx
from indicators.text import markdown_text, plotly_text, safe_link, spreadsheet_text
from tests.staging import staged

HOSTILE = {
    "sch-a": "=HYPERLINK(\"http://evil.example\",\"Школа А\")",
    "sch-b": "<a href=\"http://evil.example\">Школа Б</a>",
    "sch-c": "[Школа В](http://evil.example) **жирная** :red[красная]",
}


@pytest.fixture
def hostile_db(tiny_db):
    with staged(tiny_db) as cur:
        for unit, name in HOSTILE.items():
            cur.execute("UPDATE org_unit SET name = ?, short_name = ? WHERE id = ?", [name, name, unit])
    return tiny_db


def test_the_excel_export_quotes_formula_like_text():
    data = frames_to_xlsx({"Данные": pd.DataFrame({"Школа": [HOSTILE["sch-a"], "+7 999", "@SUM(A1)",
                                                                "-1", "обычная"], "Балл": [1, 2, 3, 4, 5]})})
    sheet = load_workbook(io.BytesIO(data))["Данные"]
    for row in range(2, 6):
        cell = sheet.cell(row, 1)
        assert cell.data_type == "s" and cell.quotePrefix, f"{cell.value!r} must be text with the quote prefix"
    assert not sheet.cell(6, 1).quotePrefix and sheet.cell(6, 1).value == "обычная"


def test_the_deck_and_its_chart_workbooks_hold_no_formula(hostile_db):
    deck = slides(build(hostile_db, 2024, "mun"))
    data = build_pptx(deck)
    with zipfile.ZipFile(io.BytesIO(data)) as pptx:
        books = [n for n in pptx.namelist() if n.endswith(".xlsx")]
        assert books, "the deck has native charts with embedded workbooks"
        names_seen = False
        for name in books:
            book = load_workbook(io.BytesIO(pptx.read(name)))
            for sheet in book:
                for row in sheet.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", f"{name} {cell.coordinate} is a formula: {cell.value!r}"
                        names_seen |= str(cell.value).startswith("=HYPERLINK")
        assert names_seen, "the hostile name is in a chart workbook as the very text it is"


def test_the_html_report_shows_names_as_text(hostile_db):
    council = build(hostile_db, 2024, "mun")
    page = build_html(council, slides(council))
    assert '<a href="http://evil.example">' not in page
    assert "&lt;a href=" in page
    assert "http://evil.example" not in re.findall(r'href="([^"]+)"', page)
    # inside the Plotly charts' data the names arrive escaped (Plotly would render a raw <a>)
    assert "&lt;a href=" in "".join(re.findall(r'"y":\[[^\]]*\]', page)).replace("\\u003c", "<").replace("\\u0026", "&")


def test_the_text_helpers():
    assert plotly_text("<a href='x'>Школа</a> & Ко") == "&lt;a href='x'&gt;Школа&lt;/a&gt; &amp; Ко"
    assert markdown_text("[x](http://e) **b** :red[c] <b>") == \
        "\\[x\\](http\\://e) \\*\\*b\\*\\* \\:red\\[c\\] \\<b\\>"
    assert markdown_text("1. Пункт\nвторая строка") == "1\\. Пункт вторая строка"
    assert markdown_text("строка 2, столбец J: значение «5»") == "строка 2, столбец J: значение «5»"
    assert markdown_text("www.evil.example") == "www\\.evil.example"
    assert spreadsheet_text("=1+1") == "\u200b=1+1" and spreadsheet_text("ok") == "ok"
    assert safe_link("javascript:alert(1)") is None and safe_link("file:///c:/x") is None
    assert safe_link("  https://x.example/a.pdf ") == "https://x.example/a.pdf"


def test_every_chart_builder_escapes_its_names():
    """A new chart can't forget: every public builder of a figure in indicators/charts (the
    layout helpers of base.py aside) is wrapped by plain_text_figure."""
    import importlib
    import inspect
    import pkgutil

    import plotly.graph_objects as go

    import indicators.charts as charts

    unwrapped = []
    for info in pkgutil.iter_modules(charts.__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"indicators.charts.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                returns = inspect.signature(fn).return_annotation
                if returns in (go.Figure, "go.Figure") and not hasattr(fn, "__wrapped__"):
                    unwrapped.append(f"{info.name}.{name}")
    assert not unwrapped, f"chart builders without plain_text_figure: {unwrapped}"


def test_a_chart_shows_a_hostile_name_as_text():
    from indicators.charts.overview import compliance_bars

    frame = pd.DataFrame({"org_unit_id": ["a"], "short_name": ['<a href="http://evil.example">A</a>'],
                          "name": ["<b>A</b>"], "compliance": [0.5], "completeness": [1.0],
                          "level": ["medium"]})
    fig = compliance_bars(frame, "Соответствие <i>2024/25</i>")
    dumped = json.dumps(json.loads(fig.to_json()), ensure_ascii=False)  # the figure as Plotly gets it
    assert "<a href" not in dumped and "<i>" not in dumped
    assert "&lt;a href" in dumped and "<b>&lt;b&gt;A&lt;/b&gt;</b>" in dumped and "&lt;i&gt;" in dumped
