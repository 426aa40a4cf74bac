"""Trust no upload: a workbook's zip parts are measured before anything parses them.

An .xlsx is a zip of XML parts.  A hostile or broken one can declare a 4 GiB sheet in 4 MB (a
"zip bomb"), hold thousands of parts, or lie in its central directory about how big a part is.
So, before the readers (calamine, openpyxl) see a byte:

1. :func:`check_parts` reads only the zip's central directory (nothing is decompressed) and
   refuses a workbook with too many parts, a part or a total too big once unpacked, or a
   compression ratio no spreadsheet has;
2. :func:`repack` then decompresses every part itself, in chunks, stopping the moment a part or
   the total passes its limit (whatever the directory claimed), and writes what it read into a
   new, uncompressed package: the readers parse only bytes that were counted on the way in.

The limits are rows of the ``setting`` table (``data/catalog/settings.csv``): :func:`limits`.
The same module names what a preview should mention about a package: macros and links to other
workbooks (:func:`package_notes`).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, fields
from xml.etree import ElementTree

MB = 1024 * 1024
CHUNK = MB          # decompressed at most this much at a time
GRACE = MB          # a part (or a whole package) this small can't hurt, whatever its ratio
SHOWN = 5           # cells named in a note before «и ещё N»
_ZIP32_MAX = 0xFFFFFFFF - 1   # the repacked zip has no zip64 records


@dataclass(frozen=True)
class Limits:
    """What an upload may be; plain values, so the reading child process gets a copy."""

    upload_mb: float = 10       # the file as uploaded
    part_mb: float = 100        # one part once unpacked
    unpacked_mb: float = 200    # all parts once unpacked
    parts: int = 500            # number of parts in the zip
    ratio: float = 100          # unpacked / packed, per part and overall
    memory_mb: float = 1024     # address space the reading process may add
    timeout_s: float = 60       # time the reading process may take


SETTINGS = {"upload_mb": "import_max_mb", "part_mb": "part_max_mb",
            "unpacked_mb": "unpacked_max_mb", "parts": "max_parts", "ratio": "max_ratio",
            "memory_mb": "parse_memory_mb", "timeout_s": "parse_timeout_s"}


def limits(db, upload_mb: float | None = None) -> Limits:
    """The limits in force: the ``setting`` rows, a default for any row missing."""
    keys = list(SETTINGS.values())
    stored = dict(db.rows("SELECT key, value FROM setting WHERE list_contains(?, key)", [keys]))
    values = {}
    for f in fields(Limits):
        value = stored.get(SETTINGS[f.name])
        if value is not None and value > 0:
            values[f.name] = int(value) if f.type in (int, "int") else float(value)
    if upload_mb:
        values["upload_mb"] = float(upload_mb)
    return Limits(**values)


class Refused(Exception):
    """A package the limits don't allow; the message is Russian and names limit and numbers."""


def _mb(size: float) -> str:
    """Megabytes with as many decimals as a small number needs: 4095, 9.4, 0.03."""
    mb = size / MB
    text = f"{mb:.{0 if mb >= 100 else 1 if mb >= 1 else 2}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def check_parts(archive: zipfile.ZipFile, limit: Limits) -> None:
    """Refuse, from the central directory alone, a package past any limit."""
    infos = archive.infolist()
    if len(infos) > min(limit.parts, 65535):
        raise Refused(f"в книге {len(infos)} частей (внутренних файлов zip) при допустимых "
                      f"{limit.parts}. Так не выглядит заполненный шаблон; сохраните его в Excel "
                      "заново.")
    total = packed = 0
    for info in infos:
        size, squeezed = info.file_size, max(info.compress_size, 1)
        if size > limit.part_mb * MB:
            raise Refused(f"{_part(archive, info.filename)} после распаковки заняла бы {_mb(size)} МБ при допустимых "
                          f"{limit.part_mb:g} МБ на одну часть. Такой файл не похож на заполненный "
                          "шаблон; если это большая таблица, разделите её по школам.")
        if size > GRACE and size > limit.ratio * squeezed:
            raise Refused(f"{_part(archive, info.filename)} сжата в {size / squeezed:.0f} раз ({_mb(squeezed)} МБ → "
                          f"{_mb(size)} МБ) при допустимом сжатии не больше чем в "
                          f"{limit.ratio:g} раз: так устроены «zip-бомбы», а не таблицы. "
                          "Попросите школу прислать файл, сохранённый в Excel.")
        total += size
        packed += squeezed
    if total > limit.unpacked_mb * MB:
        raise Refused(f"после распаковки книга заняла бы {_mb(total)} МБ при допустимых "
                      f"{limit.unpacked_mb:g} МБ. Разделите файл по школам.")
    if total > GRACE and total > limit.ratio * packed:
        raise Refused(f"книга сжата в {total / packed:.0f} раз ({_mb(packed)} МБ → {_mb(total)} МБ) "
                      f"при допустимом сжатии не больше чем в {limit.ratio:g} раз: так устроены "
                      "«zip-бомбы», а не таблицы.")


def repack(archive: zipfile.ZipFile, limit: Limits) -> bytes:
    """Every part decompressed here, chunk by chunk under the limits, into a new uncompressed
    package (the readers then parse only what was counted).  A part that unpacks past a limit
    or differs from what the directory says about it is refused.

    The new zip is written by hand (a header patched once its part is read) rather than with
    ``zipfile``'s writer: a ``MemoryError`` then reaches the caller as itself."""
    out, central = io.BytesIO(), []
    total, cap_total = 0, limit.unpacked_mb * MB
    for info in archive.infolist():
        if info.is_dir():
            continue
        cap = min(limit.part_mb * MB, info.file_size, _ZIP32_MAX)
        name = info.filename.encode("utf-8")
        flags = 0 if name.isascii() else 0x800   # bit 11: the name is UTF-8
        offset = out.tell()
        out.write(bytes(30 + len(name)))          # the local header, filled in below
        crc = read = 0
        try:
            source = archive.open(info)
            while chunk := source.read(CHUNK):
                read += len(chunk)
                total += len(chunk)
                if read > cap or total > cap_total:
                    raise Refused(f"{_part(archive, info.filename)} распаковывается больше, чем "
                                  f"заявлено в файле (больше {_mb(cap)} МБ): файл повреждён или "
                                  "подделан. Попросите школу прислать файл заново.")
                crc = zlib.crc32(chunk, crc)
                out.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                NotImplementedError, ValueError) as exc:
            cause = "ошибка сжатия" if isinstance(exc, zlib.error) else type(exc).__name__
            raise Refused(f"файл повреждён: {_part(archive, info.filename)} не распаковывается "
                          f"({cause}). Попросите школу прислать файл заново.") from None
        if read != info.file_size:
            raise Refused(f"файл повреждён: {_part(archive, info.filename)} короче, чем заявлено. "
                          "Попросите школу прислать файл заново.")
        end = out.tell()
        out.seek(offset)
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, 0, 0, 0x21, crc, read, read,
                              len(name), 0) + name)
        out.seek(end)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, 0, 0, 0x21, crc,
                                   read, read, len(name), 0, 0, 0, 0, 0, offset) + name)
    directory, start = b"".join(central), out.tell()
    out.write(directory + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                                      len(directory), start, 0))
    return out.getvalue()


def _part(archive: zipfile.ZipFile, path: str) -> str:
    """«часть «xl/worksheets/sheet2.xml» (лист «Оценки»)» when the sheet is known."""
    sheet = {v: k for k, v in sheet_paths(archive).items()}.get(path)
    return f"часть «{path}»" + (f" (лист «{sheet}»)" if sheet else "")


# -- what the package holds --------------------------------------------------------------------

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def small_part(archive: zipfile.ZipFile, path: str, cap: int = GRACE) -> bytes:
    """A part that must be small (workbook, relationships), read only if it is; else b""."""
    try:
        info = archive.getinfo(path.lstrip("/"))
        if info.file_size > cap:
            return b""
        with archive.open(info) as part:
            return part.read(cap + 1)[:cap]
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError, ValueError):
        return b""


def _xml(data: bytes):
    try:
        return ElementTree.fromstring(data) if data else None
    except ElementTree.ParseError:
        return None


def _targets(archive: zipfile.ZipFile, rels_path: str) -> dict[str, str]:
    rels = _xml(small_part(archive, rels_path))
    if rels is None:
        return {}
    return {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}


def sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part, from the workbook and its relationships."""
    workbook = _xml(small_part(archive, "xl/workbook.xml"))
    if workbook is None:
        return {}
    targets = _targets(archive, "xl/_rels/workbook.xml.rels")
    paths = {}
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        paths[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return paths


def shown(items: list[str]) -> str:
    """«J2, J3, J4, J5, J6 и ещё 7»."""
    head = ", ".join(items[:SHOWN])
    return head + (f" и ещё {len(items) - SHOWN}" if len(items) > SHOWN else "")


def has_macros(archive: zipfile.ZipFile, name: str) -> bool:
    names = {n.lower() for n in archive.namelist()}
    types = small_part(archive, "[Content_Types].xml").lower()
    return (any(n.endswith("vbaproject.bin") for n in names) or b"macroenabled" in types
            or name.lower().endswith((".xlsm", ".xltm")))


def external_books(archive: zipfile.ZipFile) -> dict[str, str]:
    """External-link number ([1], [2]… in formulas) → the other workbook's path."""
    workbook = _xml(small_part(archive, "xl/workbook.xml"))
    if workbook is None:
        return {}
    targets = _targets(archive, "xl/_rels/workbook.xml.rels")
    books = {}
    for n, ref in enumerate(workbook.findall("m:externalReferences/m:externalReference", _NS), 1):
        part = targets.get(ref.get(f"{{{_NS['r']}}}id"), "")
        part = part.lstrip("/") if part.startswith("/") else f"xl/{part}"
        folder, _, file = part.rpartition("/")
        link = _targets(archive, f"{folder}/_rels/{file}.rels")
        books[str(n)] = next(iter(link.values()), "") or part
    if not books:  # no list in the workbook: the parts themselves
        for path in sorted(n for n in archive.namelist() if n.startswith("xl/externalLinks/")
                           and n.endswith(".xml")):
            number = re.search(r"(\d+)\.xml$", path)
            books[number.group(1) if number else path] = path
    return books


_FORMULA = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<f\b[^>]*>([^<]*)</f>')
_EXTERNAL = re.compile(rb"\[(\d+)\]")


def external_cells(sheet_xml: bytes) -> list[tuple[str, str]]:
    """(cell, link number) of each formula that refers to another workbook ([1]Лист!A1)."""
    found = []
    for cell, formula in _FORMULA.findall(sheet_xml):
        link = _EXTERNAL.search(formula)
        if link:
            found.append((cell.decode(), link.group(1).decode()))
    return found


def package_notes(name: str, archive: zipfile.ZipFile, sheets: dict[str, bytes]) -> list[str]:
    """What the preview should say about the package: macros, links to other workbooks (with
    the cells of the read sheets that use them)."""
    notes = []
    if has_macros(archive, name):
        notes.append(f"Файл «{name}»: в книге есть макросы (VBA). Они не запускаются и не "
                     "загружаются — берутся только значения клеток.")
    books = external_books(archive)
    used = set()
    for sheet, xml in sheets.items():
        cells = external_cells(xml)
        if not cells:
            continue
        links = sorted({n for _, n in cells})
        used.update(links)
        where = "; ".join(f"[{n}] — «{books.get(n, 'неизвестная книга')}»" for n in links)
        notes.append(f"Файл «{name}», лист «{sheet}»: в клетках {shown([c for c, _ in cells])} "
                     f"формулы ссылаются на другую книгу ({where}). Загружены значения, "
                     "сохранённые в файле при последнем пересчёте: проверьте, что они актуальны.")
    rest = [f"«{path}»" for n, path in books.items() if n not in used]
    if rest:
        notes.append(f"Файл «{name}»: книга связана с другими книгами ({shown(rest)}); на "
                     "загружаемые листы эти связи не влияют.")
    return notes
