"""Import benchmark: validate + preview + apply of one file for 1,000 schools.

1,000 schools × 11 school indicators = 11,000 rows, each with a score and a document link
(22,000 values) and a comment on every third row, over a database that already holds last
year's values and this year's for half the schools (so the preview really compares).  Run with
``make bench`` or ``.venv/bin/python -m bench.import_bench``; writes the ``import`` entry of
``bench/results.json`` and prints the figures.

Also the refusal of a zip bomb: a real template whose «Оценки» sheet is a 4 MB part that would
inflate to 4 GiB (:func:`zip_bomb`, also used by ``tests/test_hostile_files.py``): the time and
the memory it takes to refuse it, read in-process and through the guarded child.
"""

from __future__ import annotations

import io
import json
import random
import resource
import statistics
import struct
import tempfile
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from indicators.catalog.tables import sync_catalog
from indicators.exchange.apply import apply_import
from indicators.exchange.check import plan_import
from indicators.exchange.guarded import read_guarded
from indicators.exchange.read import InvalidFile, read_file
from indicators.exchange.sheets import ASSESSMENT_COLUMNS, ASSESSMENTS
from indicators.exchange.workbook_guard import Limits, sheet_paths
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch

SCHOOLS = 1000
YEAR = 2024
RUNS = 3
RESULTS = Path(__file__).with_name("results.json")

BENCH = Actor(login="bench", name="бенчмарк", role="admin")


def build_database(path: Path) -> tuple[Database, list[str]]:
    db = Database(path)
    sync_catalog(db)
    units = [dict(id="mun", parent_id=None, kind="municipality", name="Муниципалитет",
                  short_name="Муниципалитет", ord=0)]
    units += [dict(id=f"s{n:04d}", parent_id="mun", kind="school", name=f"Школа № {n}",
                   short_name=f"Школа № {n}", ord=n) for n in range(1, SCHOOLS + 1)]
    codes = [r[0] for r in db.rows("SELECT id FROM indicator WHERE level = 'school' ORDER BY ord")]
    rng = random.Random(7)
    rows = [dict(org_unit_id=u["id"], indicator_id=c, period=p, score=float(rng.choice((0, 1, 2))),
                 not_applicable=False)
            for u in units[1:] for c in codes for p in (YEAR - 1, YEAR)
            if p == YEAR - 1 or int(u["id"][1:]) % 2 == 0]
    with batch(db, BENCH, "demo") as b:
        b.upsert("org_unit", ["id"], ["parent_id", "kind", "name", "short_name", "ord"],
                 pd.DataFrame(units, dtype=object))
        b.upsert("assessment", ["org_unit_id", "indicator_id", "period"],
                 ["score", "not_applicable"], pd.DataFrame(rows, dtype=object))
    return db, codes


def build_file(codes: list[str]) -> bytes:
    rng = random.Random(11)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(ASSESSMENTS)
    sheet.append([c.header for c in ASSESSMENT_COLUMNS])
    for n in range(1, SCHOOLS + 1):
        for k, code in enumerate(codes):
            sheet.append([f"s{n:04d}", f"Школа № {n}", "2024/25", code, "показатель", "группа",
                          "этап", "источник", 2, rng.choice((0, 1, 2, "да", "частично")),
                          f"https://s{n:04d}.example/{code}.pdf",
                          "комментарий" if k % 3 == 0 else None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- the zip bomb -------------------------------------------------------------------------------

MIB = 1024 * 1024
BOMB_SIZE = 4 * 1024 * MIB - MIB   # "4 GiB": the largest run a zip without zip64 can declare
_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
               b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
               b'<c r="A1" t="inlineStr"><is><t>')
_SHEET_TAIL = b"</t></is></c></row></sheetData></worksheet>"


def _deflated_run(size: int) -> tuple[bytes, int]:
    """Raw deflate of a sheet holding one cell of ``size`` letters, and the stream's length.

    Built without ever holding the run: after a full flush the compressor forgets what came
    before, so the compressed form of one MiB of «a» is the same every time and is repeated."""
    chunk = b"a" * MIB
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = comp.compress(_SHEET_HEAD) + comp.flush(zlib.Z_FULL_FLUSH)
    body = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.compress(_SHEET_TAIL) + comp.flush()
    runs = size // MIB
    return head + body * runs + tail, len(_SHEET_HEAD) + runs * MIB + len(_SHEET_TAIL)


def _run_crc(runs_of_mib: int, length: int | None = None) -> int:
    """CRC-32 of the sheet above (of its first ``length`` bytes when given)."""
    chunk = b"a" * MIB
    crc = zlib.crc32(_SHEET_HEAD)
    if length is not None:
        return zlib.crc32(b"a" * (length - len(_SHEET_HEAD)), crc)
    for _ in range(runs_of_mib):
        crc = zlib.crc32(chunk, crc)
    return zlib.crc32(_SHEET_TAIL, crc)


def _zip(entries: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """A zip written by hand from (name, method, stored bytes, crc, declared size): zipfile
    can't store an already-deflated stream, nor lie about a size."""
    out, central = io.BytesIO(), []
    for name, method, raw, crc, size in entries:
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(raw),
                              size, len(encoded), 0) + encoded + raw)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc,
                                   len(raw), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start, directory = out.tell(), b"".join(central)
    out.write(directory + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                                      len(directory), start, 0))
    return out.getvalue()


def zip_bomb(workbook: bytes, sheet: str = ASSESSMENTS, size: int = BOMB_SIZE,
             declared: int | None = None, honest_crc: bool = True) -> bytes:
    """``workbook`` with ``sheet`` replaced by a part that inflates to ``size`` bytes.

    ``declared`` makes the central directory lie: it claims that many bytes (with the CRC of
    the stream's first ``declared`` bytes when ``honest_crc``, so a reader that trusts the
    claim sees a valid, short part)."""
    archive = zipfile.ZipFile(io.BytesIO(workbook))
    target = sheet_paths(archive)[sheet]
    entries = []
    for info in archive.infolist():
        if info.filename == target:
            raw, length = _deflated_run(size)
            if declared is None:
                entries.append((target, 8, raw, _run_crc(size // MIB), length))
            else:
                crc = _run_crc(0, declared) if honest_crc else 0
                entries.append((target, 8, raw, crc, declared))
            continue
        body = archive.read(info)
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        entries.append((info.filename, 8, comp.compress(body) + comp.flush(), zlib.crc32(body),
                        len(body)))
    return _zip(entries)


def _bomb_refusal(template: bytes) -> dict:
    """Time and memory of refusing the bomb: in-process (tracemalloc peak, growth of the peak
    RSS) and through the guarded child (wall time)."""
    bomb = zip_bomb(template)
    limit = Limits()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    try:
        read_file("бомба.xlsx", bomb, limit)
        raise AssertionError("the zip bomb was not refused")
    except InvalidFile as exc:
        message = str(exc)
    direct_s = time.perf_counter() - start
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    guarded_s = []
    for _ in range(2):   # the first starts the reading processes' server, the second finds it
        start = time.perf_counter()
        try:
            read_guarded("бомба.xlsx", bomb, limit)
            raise AssertionError("the zip bomb was not refused")
        except InvalidFile:
            guarded_s.append(time.perf_counter() - start)
    return {"file_mb": round(len(bomb) / MIB, 2), "inflates_to_mb": BOMB_SIZE // MIB,
            "refuse_s": round(direct_s, 4), "refuse_guarded_cold_s": round(guarded_s[0], 3),
            "refuse_guarded_s": round(guarded_s[1], 3),
            "traced_peak_mb": round(traced_peak / MIB, 2),
            "peak_rss_growth_mb": round(rss_growth / 1024, 1), "message": message}


def _small_workbook() -> bytes:
    book = Workbook()
    book.active.title = ASSESSMENTS
    book.active.append([c.header for c in ASSESSMENT_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> dict:
    bomb = _bomb_refusal(_small_workbook())   # first, while the process's peak RSS is still low
    plan_s, apply_s = [], []
    with tempfile.TemporaryDirectory() as folder:
        db, codes = build_database(Path(folder) / "seed.duckdb")
        data = build_file(codes)
        db.close()
        for run in range(RUNS):
            path = Path(folder) / f"run{run}.duckdb"
            path.write_bytes((Path(folder) / "seed.duckdb").read_bytes())
            db = Database(path)
            start = time.perf_counter()
            plan = plan_import(db, [("1000_школ.xlsx", data)], YEAR)
            plan_s.append(time.perf_counter() - start)
            assert plan.ok, [str(i) for i in plan.issues[:5]]
            start = time.perf_counter()
            apply_import(db, plan, BENCH)
            apply_s.append(time.perf_counter() - start)
            values = len(plan.assessments) * 2
            db.close()
    result = {
        "schools": SCHOOLS, "rows": int(len(plan.assessments)), "values": int(values),
        "file_mb": round(len(data) / 1024 / 1024, 2),
        "validate_preview_s": round(statistics.median(plan_s), 2),
        "apply_s": round(statistics.median(apply_s), 2),
        "total_s": round(statistics.median(p + a for p, a in zip(plan_s, apply_s)), 2),
        "target_s": 3.0, "runs": RUNS, "zip_bomb": bomb,
    }
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    stored["import"] = result
    RESULTS.write_text(json.dumps(stored, indent=2, ensure_ascii=False) + "\n")
    print("Импорт файла на 1000 школ (медиана из {runs} запусков):".format(**result))
    print(f"  строк {result['rows']}, значений {result['values']}, файл {result['file_mb']} МБ")
    print(f"  проверка + предпросмотр: {result['validate_preview_s']} с; запись: {result['apply_s']} с; "
          f"всего {result['total_s']} с (цель < {result['target_s']} с)")
    print(f"Zip-бомба {bomb['file_mb']} МБ → {bomb['inflates_to_mb']} МБ отклонена за "
          f"{bomb['refuse_s']} с (в дочернем процессе {bomb['refuse_guarded_s']} с, первый раз "
          f"{bomb['refuse_guarded_cold_s']} с), пик памяти "
          f"Python {bomb['traced_peak_mb']} МБ, рост пикового RSS {bomb['peak_rss_growth_mb']} МБ")
    return result


if __name__ == "__main__":
    main()
