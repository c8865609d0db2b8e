"""Trim the ICU data library that PySide6 ships to what Qt itself asks ICU for.

PySide6's Qt links ``libicudata.so.NN`` (about 31 MB): every locale, collation,
converter, break-iterator dictionary and transliterator ICU knows. Qt Core calls
only four parts of ICU (``nm -D --undefined-only libQt6Core.so.6``):

* collation (``ucol_*``: QCollator, locale-aware sorting and the file dialog);
* case mapping (``u_strToUpper``/``u_strToLower``: QLocale::toUpper/toLower);
* code-page converters (``ucnv_*``: QStringDecoder/QStringEncoder for non-UTF encodings);
* time-zone names (``ucal_*``: QTimeZone::displayName).

``trim`` keeps the items those need for Chinese and English (and ICU's root
data, the fallback of every other locale) and drops the rest; ``build_library``
wraps the result in a shared library exporting the same symbol under the same
soname, so ``libicuuc`` loads it unchanged. Used by ``build.spec``.

The package format is ICU's "common data" (``CmnD``): a header, a table of
contents (count, then name and data offsets relative to the table, names sorted
because ICU looks them up by binary search), the names, then the items, each
aligned to 16 bytes.
"""

from __future__ import annotations

import fnmatch
import re
import struct
import subprocess
import tempfile
from pathlib import Path

ALIGN = 16
PAD = b"\xaa"  # what ICU's own packager fills the gaps with

# What Qt's calls need, as patterns on the item name after the package prefix
# ("icudt73l/"). Locale files for zh (all scripts and regions), en and root;
# the supplemental data collation, calendars and locale fallback read, and the
# numbering systems the "GMT+8" time-zone names are written with; the time
# zone database and names; the converter alias table and the Chinese code pages
# a pasted or imported document may declare (GB18030, GBK, GB2312, Big5) plus
# windows-1252 (UTF-8/16/32, Latin-1 and ASCII are built into ICU's code; the
# windows-93x tables extend the IBM ones they name). Other locales fall back to
# root: their collation is the Unicode default order (Japanese Kanji by code
# point, not by reading), their time-zone names English.
KEEP = (
    "res_index.res", "pool.res", "root.res", "zh.res", "zh_*.res", "en.res", "en_*.res",
    "supplementalData.res", "metadata.res", "keyTypeData.res", "numberingSystems.res",
    "icuver.res", "icustd.res",
    "coll/res_index.res", "coll/pool.res", "coll/root.res", "coll/ucadata.icu",
    "coll/zh.res", "coll/zh_*.res", "coll/en.res", "coll/en_*.res",
    "zoneinfo64.res", "timezoneTypes.res", "metaZones.res", "windowsZones.res",
    "zone/res_index.res", "zone/pool.res", "zone/root.res", "zone/tzdbNames.res",
    "zone/zh.res", "zone/zh_*.res", "zone/en.res", "zone/en_*.res",
    "cnvalias.icu", "gb18030.cnv", "windows-936-2000.cnv", "ibm-1383_P110-1999.cnv", "ibm-1386_P100-2001.cnv",
    "windows-950-2000.cnv", "ibm-1373_P100-2002.cnv", "ibm-5348_P100-1997.cnv",
)


class IcuDataError(ValueError):
    """The bytes are not an ICU common data package this module understands."""


def read_package(data: bytes) -> tuple[bytes, dict[str, bytes]]:
    """The header (kept as it is) and the items, by full name, of a common data package."""
    if len(data) < 24 or data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD":
        raise IcuDataError("not an ICU common data package (no CmnD header)")
    if data[8] != 0:
        raise IcuDataError("big-endian ICU data is not supported")
    header_size = struct.unpack_from("<H", data, 0)[0]
    toc = data[header_size:]
    (count,) = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * k) for k in range(count)]
    items: dict[str, bytes] = {}
    for k, (name_offset, data_offset) in enumerate(entries):
        name = toc[name_offset:toc.index(b"\x00", name_offset)].decode("ascii")
        end = entries[k + 1][1] if k + 1 < count else len(toc)
        items[name] = toc[data_offset:end]
    return data[:header_size], items


def write_package(header: bytes, items: dict[str, bytes]) -> bytes:
    """A common data package of ``items`` (names sorted bytewise, items 16-byte aligned)."""
    names = sorted(items, key=lambda n: n.encode("ascii"))
    table_size = 4 + 8 * len(names)
    name_offsets = []
    blob = bytearray()
    for name in names:
        name_offsets.append(table_size + len(blob))
        blob += name.encode("ascii") + b"\x00"
    offset = table_size + len(blob)
    offset += -offset % ALIGN
    body = bytearray()
    data_offsets = []
    for name in names:
        data_offsets.append(offset + len(body))
        body += items[name]
        body += PAD * (-len(body) % ALIGN)
    toc = bytearray(struct.pack("<I", len(names)))
    for name_offset, data_offset in zip(name_offsets, data_offsets):
        toc += struct.pack("<II", name_offset, data_offset)
    toc += blob
    toc += PAD * (offset - len(toc))
    return bytes(header) + bytes(toc) + bytes(body)


def kept(name: str, keep: tuple[str, ...] = KEEP) -> bool:
    """Whether the item ``name`` ("icudt73l/coll/zh.res") matches one of the ``keep`` patterns."""
    _prefix, _, rest = name.partition("/")
    return any(fnmatch.fnmatchcase(rest, pattern) for pattern in keep)


def trim(data: bytes, keep: tuple[str, ...] = KEEP) -> bytes:
    """The package ``data`` with only the items ``keep`` names."""
    header, items = read_package(data)
    return write_package(header, {name: item for name, item in items.items() if kept(name, keep)})


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def data_symbol(library: Path) -> tuple[str, int, int]:
    """The ``icudtNN_dat`` symbol of ICU's data library: name, file offset and size."""
    symbols = _run("readelf", "-W", "--dyn-syms", str(library))
    match = re.search(r"^\s*\d+:\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+(\d+)\s+(icudt\d+_dat)$",
                      symbols, re.MULTILINE)
    if match is None:
        raise IcuDataError(f"{library.name}: no icudtNN_dat symbol")
    address, size, section, name = int(match[1], 16), int(match[2], 0), int(match[3]), match[4]
    sections = _run("readelf", "-W", "--section-headers", str(library))
    row = re.search(rf"^\s*\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections, re.MULTILINE)
    if row is None:
        raise IcuDataError(f"{library.name}: section {section} of {name} not found")
    return name, address - int(row[1], 16) + int(row[2], 16), size


def soname(library: Path) -> str:
    found = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", _run("readelf", "-d", str(library)))
    if found is None:
        raise IcuDataError(f"{library.name}: no soname")
    return found[1]


def build_library(original: Path, output: Path, keep: tuple[str, ...] = KEEP) -> tuple[int, int]:
    """Write to ``output`` a copy of ICU's data library ``original`` holding only ``keep``.

    Needs binutils (readelf, as, ld). Returns the item counts before and after.
    """
    name, offset, size = data_symbol(original)
    with original.open("rb") as f:
        f.seek(offset)
        data = f.read(size)
    _header, items = read_package(data)
    trimmed = trim(data, keep)
    after = len(read_package(trimmed)[1])
    with tempfile.TemporaryDirectory(prefix="icu-data-") as tmp:
        work = Path(tmp)
        (work / "data.dat").write_bytes(trimmed)
        (work / "data.s").write_text(
            "\t.section .rodata\n"
            f"\t.globl {name}\n"
            f"\t.type {name}, @object\n"
            f"\t.balign {ALIGN}\n"
            f"{name}:\n"
            '\t.incbin "data.dat"\n'
            f"\t.size {name}, . - {name}\n"
            '\t.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii",
        )
        subprocess.run(["as", "-o", "data.o", "data.s"], cwd=work, check=True)
        output.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["ld", "-shared", "-soname", soname(original), "-o", str(output.resolve()), "data.o"],
                       cwd=work, check=True)
    return len(items), after
