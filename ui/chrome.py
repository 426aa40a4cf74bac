"""Streamlit's own words on screen, in Russian where the framework lets a page change them.

Streamlit 1.67 has no setting for the language of its interface: its buttons and messages are
English text in its JavaScript.  What a stylesheet can do, it does here: hide an English text
(size zero) and write the Russian one in its place with ``::after``, or hide a control whose
words can't be changed and that the app doesn't need.  What no stylesheet reaches (tooltips,
the connection-lost dialog) is listed in the README, «What Streamlit does not let us change».
app.py draws this once per run, before the page.
"""

from __future__ import annotations

import streamlit as st

# (selector of the English text, the Russian words), the text hidden and the words drawn after it
REPLACED = [
    # the uploader's button («Upload»); its size limit is written by ui.blocks.file_uploader
    ("[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p", "Выбрать файлы"),
    ("[data-testid=stFileUploaderDropzoneInstructions] span", None),
    # a picker's list with nothing matching what was typed («No results»)
    ("[role=listbox][data-empty=true] [role=option] > span", "Ничего не найдено"),
    # the busy indicator's «Stop» (top right while a page runs)
    ("[data-testid=stStatusWidgetRunningIcon] + span button", "Остановить"),
    # the same corner when the app's code changed on disk («File change. Rerun / Always rerun»)
    ("[data-testid=stStatusWidget] label", "Код приложения изменился."),
    ("[data-testid=stStatusWidget] label + span button > div", "Перезапустить"),
    ("[data-testid=stStatusWidget] label + span + span button > div", "Перезапускать всегда"),
]
HIDDEN = [
    # the hint under a text field («Press Enter to submit form»)
    "[data-testid=InputInstructions]",
    # the main menu (⋮): «Print», «Record screen», «Made with Streamlit» — the browser prints
    "[data-testid=stMainMenu]",
    # a table's «Download as CSV»: every table has its Russian .xlsx download instead
    "[data-testid=stElementToolbarButton]:has(button[aria-label='Download as CSV'])",
]


def stylesheet() -> str:
    rules = [f"{s} {{ display: none !important; }}" for s in HIDDEN]
    for selector, words in REPLACED:
        rules.append(f"{selector} {{ font-size: 0 !important; }}")
        rules.append(f"{selector}::after {{ font-size: 0.875rem; line-height: 1.6; }}")
        if words:
            rules.append(f"{selector}::after {{ content: '{words}'; }}")
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def russian_chrome() -> None:
    """The stylesheet above, on every page (app.py)."""
    st.html(stylesheet())
