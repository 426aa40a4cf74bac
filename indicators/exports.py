"""Excel files out of the app: the table behind a chart, an export of the database.

Any text a user typed that starts with ``=``, ``+``, ``-`` or ``@`` is stored as a text cell, so
Excel never runs it as a formula (CSV/formula injection).
"""

from __future__ import annotations

import io
import math
from typing import Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

_FORMULA_START = ("=", "+", "-", "@")
_MAX_SHEET_NAME = 31


def frames_to_xlsx(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per DataFrame (the mapping key is the sheet name), header bold and frozen."""
    book = Workbook()
    book.remove(book.active)
    for name, frame in frames.items():
        sheet = book.create_sheet(_sheet_name(name))
        sheet.append([str(c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([_plain(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                    cell.data_type = TYPE_STRING
        sheet.freeze_panes = "A2"
        for idx, column in enumerate(frame.columns, start=1):
            longest = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.column_dimensions[get_column_letter(idx)].width = min(60, max(10, longest + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plain(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _sheet_name(name: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:_MAX_SHEET_NAME] or "Лист"
