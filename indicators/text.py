"""User text stays text: how a string someone typed (a school's name, a comment, a file name,
a recommendation, a URL parameter) is made inert before a renderer that reads markup sees it.

Each renderer has its own markup: Streamlit's Markdown (links, emphasis, ``:red[…]`` colour
directives, ``:material/…:`` icons), Plotly's HTML subset in labels and hovers (``<a href>``,
``<b>``, ``<br>``), HTML in the report, formulas in spreadsheets.  The functions here are the
one place that knows them; the tests throw the same hostile names at every page, chart, report
and file.
"""

from __future__ import annotations

import html
import re

NAME_LIMIT = 200       # characters of a unit's name or short name (catalog file, template)
TEXT_LIMIT = 2000      # characters of a comment or a link
FORMULA_START = ("=", "+", "-", "@")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~$&])")   # emphasis, links, HTML, tables, maths, entities
_DIRECTIVE = re.compile(r":(?=[A-Za-z_]|//)")      # :red[…], :material/…:, :emoji:, http:// (autolink)
_WWW = re.compile(r"(?i)\b(www)\.")                # www.… is autolinked too
_LINE_START = re.compile(r"^([-+#>])")              # a list, a heading, a quote at the start
_ORDERED = re.compile(r"^(\d+)([.)])")              # «1. …» would start a numbered list


def markdown_text(value: object) -> str:
    """A string for ``st.markdown`` and friends (titles, captions, toasts, alerts) that renders
    as exactly its characters: every mark Markdown, HTML or Streamlit's directives could read
    is backslash-escaped (and only those, so ordinary punctuation stays as typed), and line
    breaks become spaces."""
    text = " ".join(str("" if value is None else value).split())
    text = _WWW.sub(r"\1\\.", _DIRECTIVE.sub(r"\\:", _MARKDOWN.sub(r"\\\1", text)))
    return _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", text))


def plotly_text(value: object) -> str:
    """A string for a Plotly label, tick, legend or hover: Plotly reads a subset of HTML
    (``<a href>``, ``<b>``, ``<br>``) and entities in them, so ``&``, ``<`` and ``>`` are escaped."""
    return html.escape(str("" if value is None else value), quote=False)


def spreadsheet_text(value: object) -> object:
    """Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first), made inert
    where only the value can be set: a leading zero-width space.  Where the cell can be styled,
    ``exchange.export`` keeps the text as it is and sets Excel's quote prefix instead."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "\u200b" + value
    return value


# What a document link is, once for the page and the measures: a web address (http or https)
# with something after «://», spaces around it aside.  «Spaces» are the same characters in both
# (ASCII white space and the no-break space), written so that Python's ``re`` and DuckDB's RE2
# read the pattern alike: the evidence-coverage share and the list of values without a link
# can't disagree about a link typed after a tab.
_SPACE = r"[ \t\n\r\f\v\xa0]"
_LINK = rf"^{_SPACE}*(?i:https?)://[^ \t\n\r\f\v\xa0]"
LINK_SQL = "regexp_matches(coalesce({0}, ''), '" + _LINK + "')"   # the same rule, in SQL


def safe_link(url: object) -> str | None:
    """The link if it is a web address (http or https) and nothing else: a ``javascript:`` or
    ``file:`` link is never made clickable.  ``LINK_SQL`` is the same rule for the measures."""
    if not isinstance(url, str) or not re.match(_LINK, url):
        return None
    return url.strip(" \t\n\r\f\v\xa0")
