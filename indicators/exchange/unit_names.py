"""Is the school named in a row the school of its code?  A mismatch is a *question*, not an error.

The template fills «Организация» beside «Код организации»; a school that copied another
school's rows, typed over the code, or sent a renamed file shows up as a name that is not the
one stored under the code.  The import can't know which of the two is right, so the plan asks
(``ImportPlan.questions``) and :func:`indicators.exchange.apply.apply_import` writes only once
the user confirms.  Names are compared loosely: case, quotes («», "", „“), ё/е, spaces and the
sign № don't matter, and the full or the short name both match.
"""

from __future__ import annotations

import re

from indicators.exchange.read import Issue, column_label
from indicators.exchange.sheets import is_blank, normal

_DROP = {ord(c): None for c in "«»\"'„“”‘’`№"}


def name_key(text: object) -> str:
    """«МБОУ „СОШ №6“» and «мбоу сош № 6» give the same key."""
    return re.sub(r"\s+", "", normal(text).translate(_DROP))


def _rows_word(n: int) -> str:
    return "строке" if n % 10 == 1 and n % 100 != 11 else "строках"


class NameQuestions:
    """Collects, per file, sheet, unit and typed name, the rows whose name doesn't match."""

    def __init__(self, names: dict[str, tuple[str, str]]) -> None:
        self.names = names   # unit id → (name, short name)
        self._keys = {u: {name_key(n) for n in pair if n} for u, pair in names.items()}
        self._seen: dict[tuple, list] = {}

    def see(self, row: dict, sheet: str, columns, unit_id: str) -> None:
        typed = row.get("unit_name")
        if is_blank(typed) or unit_id not in self.names:
            return
        key = name_key(typed)
        if key in self._keys[unit_id]:
            return
        found = self._seen.setdefault((row["source_file"], sheet, unit_id, key),
                                      [row["source_row"], str(typed).strip(), columns, 0])
        found[3] += 1

    def questions(self) -> list[Issue]:
        out = []
        for (file, sheet, unit_id, _), (row, typed, columns, count) in self._seen.items():
            name, short = self.names[unit_id]
            stored = f"«{name}»" + (f" (кратко «{short}»)" if short and short != name else "")
            also = f" (и ещё в {count - 1} {_rows_word(count - 1)})" if count > 1 else ""
            out.append(Issue(file, f"в файле организация «{typed}», а под кодом «{unit_id}» в "
                                   f"базе {stored}{also}. Проверьте, что это данные именно этой "
                                   "организации, и подтвердите загрузку (или исправьте код).",
                             sheet, row, column_label(columns, "unit_name")))
        return out
