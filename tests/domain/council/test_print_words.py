"""The council on paper and in PowerPoint: «СОШ № 1» and «91 %» never break across lines (the
space in them is a no-break one), percentages look the same everywhere («75 %»: PowerPoint's
axis and labels too, not «75%»), and the line chart's numbers never sit on each other."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from pptx import Presentation

from indicators.council.content import build
from indicators.council.deck_pptx import build_pptx
from indicators.council.figures import label_sides, slide_figure
from indicators.council.report_html import build_html
from indicators.council.slides import ChartSpec, Series, slides
from indicators.ready import ready_db
from indicators.synthetic.demo import MUNICIPALITY_ID

NBSP = "\u00a0"
BREAKABLE = re.compile(r"№ \d|\d %|\d п\.п\.")      # an ordinary space where no break may fall


@pytest.fixture(scope="module")
def council(demo_file):
    from indicators.store import database as db_module

    db = ready_db(demo_file)
    content = build(db, 2024, MUNICIPALITY_ID)
    yield content, slides(content)
    db.close()
    db_module._open.pop(str(demo_file), None)


def test_the_report_keeps_names_and_numbers_together(council):
    content, deck = council
    page = build_html(content, deck)
    text = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    assert not BREAKABLE.findall(text), sorted(set(BREAKABLE.findall(text)))[:10]
    assert f"№{NBSP}1" in text and re.search(rf"\d{NBSP}%", text)
    for figure in re.findall(r'"text":\[(.*?)\]', page):        # the charts' own labels
        assert not BREAKABLE.search(figure.encode().decode("unicode_escape")), figure[:200]


def _texts(prs) -> list[str]:
    found = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                found += [r.text for p in shape.text_frame.paragraphs for r in p.runs]
            if shape.has_table:
                found += [c.text for row in shape.table.rows for c in row.cells]
            if shape.has_chart:
                chart = shape.chart
                found += [str(c) for c in chart.plots[0].categories]
                for series in chart.plots[0].series:
                    for point in range(len(series.values)):
                        label = series.points[point].data_label
                        if label.has_text_frame:
                            found.append(label.text_frame.text)
    return found


def test_the_deck_keeps_names_and_numbers_together(council, tmp_path):
    _, deck = council
    prs = Presentation(_save(deck, tmp_path))
    texts = _texts(prs)
    bad = [t for t in texts if BREAKABLE.search(t)]
    assert bad == [], bad[:10]
    assert any(f"№{NBSP}" in t for t in texts)


def test_the_deck_writes_percentages_as_the_app_does(council, tmp_path):
    """«75 %» on the axis and on the labels (PowerPoint's «0%» wrote «75%»)."""
    _, deck = council
    prs = Presentation(_save(deck, tmp_path))
    formats = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                xml = etree.tostring(shape.chart._chartSpace, encoding="unicode")
                formats += re.findall(r'formatCode="([^"]*%[^"]*)"', xml)
    assert formats, "no percentage chart"
    assert all(NBSP in f for f in formats), set(formats)


def _save(deck, tmp_path):
    path = tmp_path / "deck.pptx"
    path.write_bytes(build_pptx(deck))
    return path


def test_close_lines_put_their_numbers_on_opposite_sides():
    spec = ChartSpec("line", ["2022/23", "2023/24", "2024/25"], [
        Series("Соответствие по школам", [0.71, 0.73, 0.75], "#0072B2"),
        Series("Управление образования", [0.73, 0.82, 0.91], "#CC79A7"),
        Series("Доля школ высокого уровня", [0.25, 0.40, 0.55], "#009E73"),
    ], "Доля, %")
    sides = label_sides(spec)
    assert sides[1][0] == "above" and sides[0][0] == "below"       # 73 % over 71 %
    assert sides[1][2] == "above" and sides[0][2] == "above"       # 91 % and 75 %: far apart
    fig = slide_figure(spec)
    positions = [list(t.textposition) for t in fig.data]
    assert positions[1][0] == "top center" and positions[0][0] == "bottom center"


def test_the_deck_places_line_labels_the_same_way(council, tmp_path):
    _, deck = council
    trend = next(s for s in deck if s.key == "trends")
    prs = Presentation(_save([trend], tmp_path))
    chart = next(sh.chart for sh in prs.slides[0].shapes if sh.has_chart)
    xml = etree.tostring(chart._chartSpace, encoding="unicode")
    placed = re.findall(r'<c:dLblPos val="(t|b)"/>', xml)
    expected = [s for series in label_sides(trend.chart) for s, v in
                zip(series, [None] * len(series))]
    assert len(placed) >= len([s for s in expected if s]) > 0
    assert "b" in placed and "t" in placed
