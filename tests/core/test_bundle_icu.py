"""scripts/bundle_icu.py: the ICU data package is rewritten exactly, and trimmed to what Qt uses."""

from __future__ import annotations

import importlib.util
import shutil
import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bundle_icu", ROOT / "scripts" / "bundle_icu.py")
assert _spec is not None and _spec.loader is not None
bundle_icu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundle_icu)


def package(items: dict[str, bytes]) -> bytes:
    """A common data package as ICU's packager lays it out (header padded to 32 bytes)."""
    info = struct.pack("<HHBBBB4s4s4s", 20, 0, 0, 0, 2, 0, b"CmnD", bytes([1, 0, 0, 0]), bytes([73, 0, 0, 0]))
    header = struct.pack("<HBB", 32, 0xDA, 0x27) + info
    header += b"\x00" * (32 - len(header))
    return bundle_icu.write_package(header, items)


def test_items_read_back_and_are_aligned():
    items = {"icudt73l/b.res": b"B" * 5, "icudt73l/a.res": b"A" * 17, "icudt73l/coll/zh.res": b"Z"}
    data = package(items)
    header, read = bundle_icu.read_package(data)
    assert len(header) == 32
    assert list(read) == ["icudt73l/a.res", "icudt73l/b.res", "icudt73l/coll/zh.res"]  # sorted, as ICU searches
    assert {name: item.rstrip(b"\xaa") for name, item in read.items()} == items
    (count,) = struct.unpack_from("<I", data, 32)
    offsets = [struct.unpack_from("<II", data, 36 + 8 * k)[1] for k in range(count)]
    assert all(offset % 16 == 0 for offset in offsets)
    assert bundle_icu.write_package(header, read) == data


def test_trim_keeps_only_the_patterns():
    items = {f"icudt73l/{name}": name.encode() for name in
             ("coll/zh.res", "coll/zh_Hant.res", "coll/ja.res", "zh.res", "fr.res", "brkitr/cjdict.dict",
              "gb18030.cnv", "ibm-943_P15A-2003.cnv", "coll/ucadata.icu", "unames.icu")}
    _header, kept = bundle_icu.read_package(bundle_icu.trim(package(items)))
    assert sorted(name.split("/", 1)[1] for name in kept) == [
        "coll/ucadata.icu", "coll/zh.res", "coll/zh_Hant.res", "gb18030.cnv", "zh.res"]


def test_not_a_package_is_refused():
    with pytest.raises(bundle_icu.IcuDataError):
        bundle_icu.read_package(b"\x00" * 64)


def _pyside_icu() -> Path:
    spec = importlib.util.find_spec("PySide6")  # located, not imported: these tests stay Qt-free
    if spec is None or spec.origin is None:
        pytest.skip("PySide6 is not installed")
    found = sorted((Path(spec.origin).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not sys.platform.startswith("linux") or not found or not all(shutil.which(t) for t in ("readelf", "as", "ld")):
        pytest.skip("needs PySide6's ICU on Linux and binutils")
    return found[0]


def test_pysides_icu_data_is_rewritten_byte_for_byte():
    library = _pyside_icu()
    _name, offset, size = bundle_icu.data_symbol(library)
    with library.open("rb") as f:
        f.seek(offset)
        data = f.read(size)
    header, items = bundle_icu.read_package(data)
    assert bundle_icu.write_package(header, items) == data


def test_the_trimmed_library_holds_what_qt_needs(tmp_path):
    library = _pyside_icu()
    out = tmp_path / library.name
    before, after = bundle_icu.build_library(library, out)
    assert before > 10 * after
    assert bundle_icu.soname(out) == bundle_icu.soname(library)
    name, offset, size = bundle_icu.data_symbol(out)
    assert name == bundle_icu.data_symbol(library)[0]
    with out.open("rb") as f:
        f.seek(offset)
        _header, items = bundle_icu.read_package(f.read(size))
    names = {item.split("/", 1)[1] for item in items}
    assert len(items) == after
    assert {"coll/zh.res", "coll/ucadata.icu", "coll/root.res", "zone/zh.res", "gb18030.cnv", "cnvalias.icu",
            "zoneinfo64.res", "numberingSystems.res"} <= names
    assert not names & {"coll/ja.res", "brkitr/cjdict.dict", "unames.icu", "fr.res"}
    assert out.stat().st_size < library.stat().st_size / 5
