"""The council's slide «Объективность результатов ВПР»: in the deck (read back with python-pptx)
and the HTML report when the year has protocols, absent without them; a snapshot keeps it, and a
snapshot from before it still loads (the frames empty, no slide)."""

from __future__ import annotations

import io
import zipfile

import pytest
from pptx import Presentation

from indicators.council.content import build
from indicators.council.deck_pptx import build_pptx
from indicators.council.report_html import build_html
from indicators.council.slides import SLIDES, slides
from indicators.council.snapshots import from_bytes, to_bytes
from indicators.store.database import Database


@pytest.fixture(scope="module")
def demo(demo_file, tmp_path_factory):
    import shutil
    path = tmp_path_factory.mktemp("council-vpr") / "demo.duckdb"
    shutil.copy(demo_file, path)
    db = Database(path)
    yield db
    db.close()


def _texts(pptx: bytes) -> list[str]:
    out = []
    for slide in Presentation(io.BytesIO(pptx)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        out.append("\n".join(parts).replace("\xa0", " "))   # «№ 11» keeps its number on the line
    return out


def test_the_slide_is_in_the_deck_and_the_report(demo):
    council = build(demo, 2024, "zaozerny")
    assert list(council.objectivity["org_unit_id"]) == ["cadet", "sosh-11"]
    deck = slides(council, include=["title", "objectivity"])
    assert [s.key for s in deck] == ["title", "objectivity"] and "objectivity" in SLIDES
    texts = _texts(build_pptx(deck))
    slide = texts[1]
    assert "Объективность результатов ВПР, 2024/25" in slide
    assert "Индекс объективности 81,8 · школ с признаками 2 из 11 · эталон — муниципалитет" in slide
    assert "Кадетская школа" in slide and "Русский язык, 4 кл.: результаты выше эталона" in slide
    assert "СОШ № 11" in slide and "отметки противоречат результатам ВПР" in slide
    assert "не используются для оценки работы учителей" in slide
    html = build_html(council, slides(council))
    assert 'data-key="objectivity"' in html and "Кадетская школа" in html


def test_no_protocols_no_slide_and_old_snapshots_load(demo):
    council = build(demo, 2021, "zaozerny")
    assert council.objectivity_index.empty
    assert not [s for s in slides(council) if s.key == "objectivity"]
    kept = from_bytes(to_bytes(build(demo, 2024, "zaozerny")), snapshot_id=1)
    assert list(kept.objectivity["short_name"]) == ["Кадетская школа", "СОШ № 11"]
    assert [s.key for s in slides(kept, include=["objectivity"])] == ["objectivity"]
    # a snapshot written before the slide existed: no objectivity frames in the zip
    old, new = io.BytesIO(to_bytes(council)), io.BytesIO()
    with zipfile.ZipFile(old) as z, zipfile.ZipFile(new, "w") as out:
        for name in z.namelist():
            if not name.startswith("objectivity"):
                out.writestr(name, z.read(name))
    loaded = from_bytes(new.getvalue(), snapshot_id=2)
    assert loaded.objectivity.empty and not slides(loaded, include=["objectivity"])


def test_without_a_school_needing_support_the_signs_are_asked_apart(demo):
    from indicators.measures.recommendations import recommendations
    whole = build(demo, 2024, "zaozerny")
    none = recommendations(demo, 2024, "zaozerny").iloc[0:0]
    apart = build(demo, 2024, "zaozerny", recommended=none)
    assert apart.objectivity.equals(whole.objectivity)
    assert apart.objectivity_index.equals(whole.objectivity_index)
