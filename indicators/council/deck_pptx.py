"""The council deck as a PowerPoint file (16:9) with native, editable charts (python-pptx).

Each :class:`~indicators.council.Slide` becomes one slide: title, subtitle, then figures,
a native chart (its numbers live in the chart's embedded workbook, so the head can restyle
or correct them in PowerPoint), a table or text, and a footer with the date of the data.
Text is sized to its box by :func:`fit_size` (an estimate on the conservative side) and, as
a backstop, marked shrink-on-overflow for PowerPoint and LibreOffice.
"""

from __future__ import annotations

import io
import math
import textwrap
from contextlib import contextmanager

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt
from xlsxwriter import Workbook as XlsxWorkbook

from indicators.charts.base import keep_together
from indicators.council.figures import label_sides
from indicators.council.slides import ChartSpec, Slide

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
INK, MUTED, ACCENT = "222222", "666666", "0072B2"
FONT = "Arial"
# An average glyph of Arial in Russian text is about 0.55 em wide; a line is 1.2 em tall.
CHAR_EM, LINE_EM = 0.55, 1.2
# «75 %» as the app and the report write it (a no-break space; Excel's «0%» wrote «75%»)
PERCENT = '0"\u00a0"%'
_SIDES = {"above": XL_LABEL_POSITION.ABOVE, "below": XL_LABEL_POSITION.BELOW,
          "right": XL_LABEL_POSITION.RIGHT}


def fit_size(text: str, width: Emu, height: Emu, largest: int, smallest: int) -> tuple[int, str]:
    """The largest font size (pt) at which ``text`` wraps into the box, and the text itself,
    cut with an ellipsis when even ``smallest`` doesn't fit."""
    for size in range(largest, smallest - 1, -1):
        if _lines(text, width, size) * size * LINE_EM <= Emu(height).pt:
            return size, text
    room = int(Emu(height).pt // (smallest * LINE_EM))
    per_line = _per_line(width, smallest)
    kept = textwrap.wrap(text, per_line)[:max(room, 1)]
    return smallest, " ".join(kept)[: room * per_line - 1].rstrip() + "…"


def _per_line(width: Emu, size: int) -> int:
    return max(1, int((Emu(width).pt - 14) / (size * CHAR_EM)))  # less the box's inner margins


def _lines(text: str, width: Emu, size: int) -> int:
    per_line = _per_line(width, size)
    return sum(max(1, len(textwrap.wrap(p, per_line))) for p in text.split("\n"))


def build_pptx(deck: list[Slide]) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    blank = prs.slide_layouts[6]
    for n, s in enumerate(deck, start=1):
        slide = prs.slides.add_slide(blank)
        if s.key == "title":
            _title_slide(slide, s)
        else:
            _content_slide(slide, s)
        _text(slide, s.footer, MARGIN, HEIGHT - Inches(0.5), WIDTH - 2 * MARGIN - Inches(0.8),
              Inches(0.35), 11, 9, color=MUTED)
        _text(slide, str(n), WIDTH - MARGIN - Inches(0.6), HEIGHT - Inches(0.5), Inches(0.6),
              Inches(0.35), 11, 11, color=MUTED, align=PP_ALIGN.RIGHT)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _title_slide(slide, s: Slide) -> None:
    band = slide.shapes.add_shape(1, 0, 0, WIDTH, Inches(0.3))  # 1: rectangle
    band.fill.solid()
    band.fill.fore_color.rgb = RGBColor.from_string(ACCENT)
    band.line.fill.background()
    _text(slide, s.title, MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(1.6), 40, 28, bold=True)
    _text(slide, s.subtitle, MARGIN, Inches(3.8), WIDTH - 2 * MARGIN, Inches(2.2), 24, 16, color=MUTED)


def _content_slide(slide, s: Slide) -> None:
    _text(slide, s.title, MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.75), 30, 20, bold=True)
    if s.subtitle:
        _text(slide, s.subtitle, MARGIN, Inches(1.05), WIDTH - 2 * MARGIN, Inches(0.5), 16, 11,
              color=MUTED)
    top, bottom = Inches(1.65), HEIGHT - Inches(0.65)
    width = WIDTH - 2 * MARGIN
    if s.figures:
        _figures(slide, s, top, bottom)
        return
    text_height = 0
    if s.text and (s.chart or s.table is not None):  # the lines the text needs at 16 pt, boxed
        text_height = Pt(_lines("\n".join(s.text), width, 16) * 16 * LINE_EM + 16)
    body = bottom - top - text_height
    if s.chart:
        _chart(slide, s.chart, MARGIN, top, width, body)
    elif s.table is not None:
        _table(slide, s.table, MARGIN, top + text_height, width, body)
    if s.text:
        if s.chart:
            _paragraphs(slide, s.text, MARGIN, top + body, width, text_height, 16, 11)
        elif s.table is not None:
            _paragraphs(slide, s.text, MARGIN, top, width, text_height, 16, 11)
        else:
            _paragraphs(slide, s.text, MARGIN, top, width, bottom - top, 20, 10)


def _text(slide, text: str, left, top, width, height, largest: int, smallest: int, *,
          bold: bool = False, color: str = INK, align=PP_ALIGN.LEFT, spacing: int = 0):
    text = keep_together(text)   # «СОШ № 1», «91 %» never broken across lines
    size, text = fit_size(text, width, height - Pt(spacing * (text.count("\n") + 1)), largest, smallest)
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for n, line in enumerate(text.split("\n")):
        p = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        p.alignment = align
        p.space_after = Pt(spacing)
        run = p.add_run()
        run.text = line
        _font(run.font, size, color, bold)
    return box


def _paragraphs(slide, paragraphs: list[str], left, top, width, height, largest: int, smallest: int) -> None:
    """Several paragraphs in one box, at the one size at which all of them fit."""
    _text(slide, "\n".join(paragraphs), left, top, width, height, largest, smallest, spacing=6)


def _font(font, size: int, color: str = INK, bold: bool = False) -> None:
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor.from_string(color)


def _figures(slide, s: Slide, top, bottom) -> None:
    """Key figures as tiles, four to a row: the number large, its label and change below."""
    cols = 4
    rows = math.ceil(len(s.figures) / cols)
    gap = Inches(0.25)
    w = (WIDTH - 2 * MARGIN - gap * (cols - 1)) // cols
    h = (bottom - top - gap * (rows - 1)) // rows
    for i, f in enumerate(s.figures):
        x = MARGIN + (w + gap) * (i % cols)
        y = top + (h + gap) * (i // cols)
        tile = slide.shapes.add_shape(1, x, y, w, h)
        tile.fill.solid()
        tile.fill.fore_color.rgb = RGBColor.from_string("F3F6F9")
        tile.line.fill.background()
        _text(slide, f.value, x + Inches(0.15), y + Inches(0.15), w - Inches(0.3), Inches(0.9), 40, 24,
              bold=True, color=ACCENT)
        _text(slide, f.label, x + Inches(0.15), y + Inches(1.05), w - Inches(0.3), h - Inches(1.55), 18, 11)
        if f.change:
            color = "009E73" if f.trend > 0 else "D55E00" if f.trend < 0 else MUTED
            arrow = "▲ " if f.trend > 0 else "▼ " if f.trend < 0 else ""
            _text(slide, arrow + f.change, x + Inches(0.15), y + h - Inches(0.65), w - Inches(0.3),
                  Inches(0.55), 16, 10, color=color)


class _TextOnlyWriter(CategoryWorkbookWriter):
    """The chart's embedded workbook (what PowerPoint opens on «Изменить данные») with every
    string a string: python-pptx's XlsxWriter would otherwise turn a school named «=…» into a
    live formula.  (Overrides python-pptx 1.0.2's workbook opener; tests/test_text_stays_text.py
    reopens the workbook and checks.)"""

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        workbook = XlsxWorkbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class _ChartData(CategoryChartData):
    @property
    def _workbook_writer(self):
        return _TextOnlyWriter(self)


_CHART_TYPES = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "column": XL_CHART_TYPE.COLUMN_STACKED,
                "line": XL_CHART_TYPE.LINE_MARKERS}


def _chart(slide, spec: ChartSpec, left, top, width, height) -> None:
    # A bar chart draws its first category at the bottom: reverse, so the list reads top down.
    flip = spec.kind == "bar"
    order = list(range(len(spec.categories)))[::-1] if flip else list(range(len(spec.categories)))
    data = _ChartData(number_format=PERCENT if spec.percent else "0")
    data.categories = [keep_together(spec.categories[i]) for i in order]
    for series in spec.series:
        data.add_series(series.name, [series.values[i] for i in order])
    chart = slide.shapes.add_chart(_CHART_TYPES[spec.kind], left, top, width, height, data).chart
    chart.font.size = Pt(14)
    chart.font.name = FONT
    chart.has_title = False
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(14)
    axis = chart.value_axis
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = RGBColor.from_string("DDDDDD")
    axis.tick_labels.font.size = Pt(12)
    axis.tick_labels.number_format = PERCENT if spec.percent else "0"
    axis.tick_labels.number_format_is_linked = False
    axis.has_title = True
    axis.axis_title.text_frame.text = spec.value_title
    _font(axis.axis_title.text_frame.paragraphs[0].runs[0].font, 12, MUTED)
    if spec.percent:
        axis.minimum_scale, axis.maximum_scale = 0, 1
    chart.category_axis.tick_labels.font.size = Pt(13 if len(spec.categories) <= 10 else 11)
    plot = chart.plots[0]
    if spec.kind != "line":
        plot.gap_width = 50
    if spec.kind == "column":
        plot.overlap = 100
    for series, source in zip(plot.series, spec.series):
        fmt = series.format
        if spec.kind == "line":
            fmt.line.color.rgb = RGBColor.from_string(source.color.lstrip("#"))
            fmt.line.width = Pt(3)
            series.smooth = False
            series.marker.size = 9
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = RGBColor.from_string(source.color.lstrip("#"))
        else:
            fmt.fill.solid()
            fmt.fill.fore_color.rgb = RGBColor.from_string(source.color.lstrip("#"))
        if source.point_colors:
            for i, j in enumerate(order):
                point = series.points[i]
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = RGBColor.from_string(source.point_colors[j].lstrip("#"))
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.font.size = Pt(12)
    labels.number_format = PERCENT if spec.percent else "0;-0;;"   # a zero count gets no label
    labels.number_format_is_linked = False
    if spec.kind == "line":   # two lines close together: their numbers on opposite sides
        for series, sides in zip(plot.series, label_sides(spec)):
            for i, j in enumerate(order):
                if sides[j]:
                    series.points[i].data_label.position = _SIDES[sides[j]]
    if spec.labels:
        series = plot.series[0]
        for i, j in enumerate(order):
            if spec.series[0].values[j] is not None:
                series.points[i].data_label.text_frame.text = keep_together(spec.labels[j])
                _font(series.points[i].data_label.text_frame.paragraphs[0].runs[0].font, 12)


def _table(slide, table: pd.DataFrame, left, top, width, height) -> None:
    rows, cols = len(table) + 1, len(table.columns)
    size = 14 if rows <= 9 else 12
    row_h = Inches(0.42 if size == 14 else 0.36)
    # Column widths follow the longest text in each column, within bounds.
    lengths = [max([len(str(c))] + [len(str(v)) for v in table[c]]) for c in table.columns]
    weights = [min(max(n, 12), 60) for n in lengths]
    widths = [int(width * w / sum(weights)) for w in weights]
    head_lines = max(_lines(str(name), w - Inches(0.1), size) for name, w in zip(table.columns, widths))
    head_h = max(row_h, Pt(head_lines * size * LINE_EM + 8))
    body_h = max(row_h, (height - head_h) // max(rows - 1, 1))
    shape = slide.shapes.add_table(rows, cols, left, top, width, head_h + body_h * (rows - 1))
    grid = shape.table
    grid.rows[0].height = head_h
    for i, w in enumerate(widths):
        grid.columns[i].width = w
    for c, name in enumerate(table.columns):
        _cell(grid.cell(0, c), str(name), widths[c], head_h, size, bold=True)
    for r, values in enumerate(table.itertuples(index=False), start=1):
        grid.rows[r].height = body_h
        for c, value in enumerate(values):
            _cell(grid.cell(r, c), "" if pd.isna(value) else str(value), widths[c], body_h, size)


def _cell(cell, text: str, width, height, size: int, bold: bool = False) -> None:
    size, text = fit_size(keep_together(text), width - Inches(0.1), height, size, 9)
    cell.text = ""
    frame = cell.text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    _font(run.font, size, "FFFFFF" if bold else INK, bold)
    cell.margin_left = cell.margin_right = Inches(0.05)
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    if bold:
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor.from_string(ACCENT)
