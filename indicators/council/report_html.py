"""The council as one self-contained HTML file: interactive Plotly charts that work offline
(plotly.js is inlined once), for the department's website, and a print view in the same file.

Printed (or saved as PDF from a browser) it is A4 landscape: a title page that lists the
filters and the date of the data, then one slide per page; a slide never breaks across pages,
because each is laid out to fit one page and forced onto its own.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd
import plotly.io as pio

from indicators.charts.base import keep_together
from indicators.council.content import Council
from indicators.council.figures import slide_figure
from indicators.council.slides import SLIDES, Slide

CHART_WIDTH, CHART_HEIGHT = 1000, 470   # px: fits A4 landscape's printable width and a page

# A slide's own look, shared with the app's preview and presentation mode (ui.council_slide):
# every size is a multiple of --s, 1 here, larger on a projector.
SLIDE_CSS = """
.council-slide { font-size: calc(16px * var(--s)); color: #222; line-height: 1.3; }
.council-slide h2 { font-size: calc(30px * var(--s)); margin: 0; padding: 0; line-height: 1.2; }
.council-slide .subtitle { color: #666; margin: 0 0 .5em; }
.council-slide .figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: calc(12px * var(--s)); }
.council-slide .figure { background: #f3f6f9; padding: calc(10px * var(--s)) calc(14px * var(--s)); border-radius: 4px; }
.council-slide .figure .value { font-size: calc(46px * var(--s)); font-weight: bold; color: #0072B2; line-height: 1.15; }
.council-slide .figure .label { font-size: 1.15em; }
.council-slide .up { color: #007a5a; } .council-slide .down { color: #b34700; } .council-slide .flat { color: #666; }
.council-slide table { border-collapse: collapse; width: 100%; font-size: calc(14px * var(--s)); }
.council-slide th { background: #0072B2; color: white; text-align: left; padding: .3em .4em; }
.council-slide td { padding: .25em .4em; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
.council-slide p.text { margin: .3em 0; line-height: 1.35; }
.council-slide.only-text p.text { font-size: 1.3em; }
.council-footer { color: #666; font-size: calc(12px * var(--s)); }
"""
CSS = SLIDE_CSS + """
body { font-family: Arial, 'Segoe UI', sans-serif; color: #222; margin: 0; background: #f4f5f7; }
main { max-width: 1060px; margin: 0 auto; padding: 16px; }
section.slide { background: white; margin: 16px 0; padding: 24px 28px; border-radius: 6px;
                box-shadow: 0 1px 3px rgba(0,0,0,.12); --s: 1; }
h1 { font-size: 34px; margin: 40px 0 12px; }
.footer { color: #666; font-size: 12px; margin-top: 10px; border-top: 1px solid #eee; padding-top: 6px; }
.council-slide table { margin: 8px 0; }
dl.filters { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; font-size: 17px; }
dl.filters dt { color: #666; } dl.filters dd { margin: 0; }
.chart { width: """ + str(CHART_WIDTH) + """px; max-width: 100%; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { background: white; }
  main { max-width: none; padding: 0; }
  section.slide { box-shadow: none; border-radius: 0; margin: 0; padding: 0;
                  break-after: page; page-break-after: always; break-inside: avoid;
                  page-break-inside: avoid; height: 186mm; overflow: hidden; position: relative; }
  section.slide:last-child { break-after: auto; page-break-after: auto; }
  .footer { position: absolute; bottom: 0; left: 0; right: 0; }
  .modebar-container { display: none !important; }
}
"""


def build_html(council: Council, deck: list[Slide], include: list[str] | tuple[str, ...] | None = None,
               today: date | None = None) -> str:
    """The report as one HTML document (UTF-8 text)."""
    today = today or date.today()
    parts = [_cover(council, include, today)]
    first_chart = True
    for s in deck:
        if s.key == "title":
            continue
        chart = ""
        if s.chart:
            fig = slide_figure(s.chart, height=CHART_HEIGHT, width=CHART_WIDTH)
            chart = pio.to_html(fig, full_html=False, include_plotlyjs=first_chart,
                                config={"displaylogo": False, "responsive": False},
                                div_id=f"chart-{len(parts)}")
            chart = f'<div class="chart">{chart}</div>'
            first_chart = False
        parts.append(_section(s, chart))
    title = f"{council.municipality}: итоги {council.year} учебного года"
    return ("<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>"
            + "\n".join(parts) + "</main></body></html>")


def _cover(c: Council, include, today: date) -> str:
    chosen = [SLIDES[k] for k in SLIDES if include is None or k in include]
    rows = [("Муниципалитет", c.municipality), ("Учебный год", c.year),
            ("Данные", c.data_date.capitalize()), ("Подготовлено", f"{today:%d.%m.%Y}"),
            ("Разделы", ", ".join(chosen))]
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return (f'<section class="slide council-slide cover"><h1>Объективность и качество оценки: итоги учебного '
            f'года</h1><p class="subtitle">Августовский педагогический совет</p>'
            f'<dl class="filters">{items}</dl>'
            f'<div class="footer">{_e(c.municipality)} · {_e(c.data_date)}</div></section>')


def _section(s: Slide, chart: str) -> str:
    sub = f'<p class="subtitle">{_e(s.subtitle)}</p>' if s.subtitle else ""
    return (f'<section class="slide council-slide" data-key="{s.key}"><h2>{_e(s.title)}</h2>{sub}'
            + figures_html(s) + text_html(s) + chart
            + (table_html(s.table) if s.table is not None else "")
            + f'<div class="footer">{_e(s.footer)}</div></section>')


def figures_html(s: Slide) -> str:
    """Key figures as tiles: the number, its label, its change with an arrow and a colour."""
    if not s.figures:
        return ""
    tiles = []
    for f in s.figures:
        cls = "up" if f.trend > 0 else "down" if f.trend < 0 else "flat"
        arrow = "▲ " if f.trend > 0 else "▼ " if f.trend < 0 else ""
        change = f'<div class="{cls}">{arrow}{_e(f.change)}</div>' if f.change else ""
        tiles.append(f'<div class="figure"><div class="value">{_e(f.value)}</div>'
                     f'<div class="label">{_e(f.label)}</div>{change}</div>')
    return f'<div class="figures">{"".join(tiles)}</div>'


def text_html(s: Slide) -> str:
    return "".join(f'<p class="text">{_e(t)}</p>' for t in s.text)


def table_html(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_e('' if pd.isna(v) else v)}</td>" for v in r) + "</tr>"
                   for r in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _e(value: object) -> str:
    """Text for the page, escaped, with «СОШ № 1» and «91 %» kept on one line when printed."""
    return html.escape(keep_together(value))
