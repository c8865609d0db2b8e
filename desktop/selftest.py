"""What ``seatside --self-test`` checks beyond starting the panel: every part the
one-folder build (``build.spec``) trims or leaves out on purpose still works.

Each check exercises the real thing, in the running program, so a build that
left out a library, a data file or a Qt plugin the panel needs fails here:

* the phrase search with pinyin, initials, a typo (rapidfuzz) and Traditional
  input (OpenCC ``t2s``), on the built-in scenarios;
* the secret store's libraries (keyring's backends, SecretService's AES session);
* an Ed25519-signed pack bundle opened, and a tampered one refused;
* an XLSX export written (xlsxwriter) and read back (openpyxl), GB18030 text decoded;
* Qt's ICU data: Chinese collation (pinyin order), the Chinese code pages, time-zone names;
* the Qt plugins the panel loads on X11 (xcb, the IBus and compose input methods,
  SVG) and Qt's own Chinese strings.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.app import Seatside

# (query, text the best phrase must contain): one query per way the search reads input.
SEARCHES = (
    ("tunka", "吞"),  # full pinyin (pypinyin's readings)
    ("jfsc", "积分商城"),  # initials
    ("tnuka", "吞"),  # a transposed letter (rapidfuzz's OSA distance)
    ("積分", "积分"),  # Traditional characters (OpenCC t2s)
)

# Surnames in the order of their pinyin (a, li, qian, sun, wang, zhang, zhao): ICU's zh collation.
PINYIN_ORDER = ("阿", "李", "钱", "孙", "王", "张", "赵")

# Qt plugins the panel loads on Linux (folder, file name without "lib" and ".so").
LINUX_PLUGINS = (
    ("platforms", "qxcb"),
    ("platforminputcontexts", "ibusplatforminputcontextplugin"),
    ("platforminputcontexts", "composeplatforminputcontextplugin"),
    ("imageformats", "qsvg"),
    ("iconengines", "qsvgicon"),
)


def _search(app: Seatside) -> str:
    for query, expected in SEARCHES:
        found = app.phrases.search(query, limit=1)
        if not found or expected not in found[0].text:
            best = found[0].text if found else "nothing"
            raise AssertionError(f"searching {query!r} finds {best!r}, not a phrase with {expected!r}")
    return f"{len(SEARCHES)} searches"


def _secret_store(_app: Seatside) -> str:
    from importlib.metadata import entry_points

    from desktop.core.privacy import keystore

    backends = {entry.name for entry in entry_points(group="keyring.backends")}
    wanted = {"Windows"} if sys.platform == "win32" else {"SecretService", "chainer"}
    if not wanted <= backends:
        raise AssertionError(f"keyring backends missing: {sorted(wanted - backends)}")
    name = keystore.backend_name()
    if name.startswith("none"):
        raise AssertionError(f"keyring does not load: {name}")
    if sys.platform.startswith("linux"):
        import os

        import secretstorage  # noqa: F401 - keyring's SecretService backend is off without it
        from cryptography.hazmat.primitives import padding
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        # The session secretstorage opens with the secret service: AES-128-CBC, PKCS#7.
        key, iv = os.urandom(16), os.urandom(16)
        padder = padding.PKCS7(128).padder()
        plain = padder.update(b"seatside") + padder.finalize()
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        sealed = encryptor.update(plain) + encryptor.finalize()
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        if decryptor.update(sealed) + decryptor.finalize() != plain:
            raise AssertionError("AES-CBC does not round-trip")
    return f"keyring ({name})"


def _pack_signature(_app: Seatside) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from desktop.core.hubclient.hub_protocol import BundleError, encode_bundle, open_bundle

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    bundle = encode_bundle("self-test", 1, {"self-test.yaml": "id: self-test\n"}, note="",
                           published_at="2026-01-01T00:00:00Z")
    signature = key.sign(bundle)
    if open_bundle(public, bundle, signature).files != {"self-test.yaml": "id: self-test\n"}:
        raise AssertionError("a signed bundle opens with other files")
    try:
        open_bundle(public, bundle.replace(b"self-test", b"self-tesT", 1), signature)
    except BundleError:
        return "Ed25519 signatures"
    raise AssertionError("a tampered pack bundle was accepted")


def _xlsx_export(_app: Seatside) -> str:
    import openpyxl

    from desktop.core.records.export import COLUMNS, export_xlsx
    from desktop.core.records.texts import texts

    if "积分卡".encode("gb18030").decode("gb18030") != "积分卡":  # the importer's fallback for CSV
        raise AssertionError("GB18030 does not round-trip")
    t = texts("zh")
    with tempfile.TemporaryDirectory(prefix="seatside-self-test-") as tmp:
        path = Path(tmp) / "shift.xlsx"
        export_xlsx([], path, lang="zh")
        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            names = workbook.sheetnames
            header = next(workbook[names[0]].iter_rows(max_row=1, values_only=True))
        finally:
            workbook.close()
    if names != [t("xlsx.sheet.calls"), t("xlsx.sheet.summary")] or header[0] != COLUMNS[0].title("zh"):
        raise AssertionError(f"the exported workbook reads back as sheets {names}, header {header[:1]}")
    return "XLSX export"


def _icu(_app: Seatside) -> str:
    from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QStringEncoder, QTimeZone

    chinese = QLocale("zh_CN")
    collator = QCollator(chinese)
    order = tuple(sorted(reversed(PINYIN_ORDER), key=collator.sortKey))
    if order != PINYIN_ORDER:
        raise AssertionError(f"Chinese collation sorts {''.join(order)}, not by pinyin")
    for name in ("GB18030", "GBK", "Big5"):
        if not (QStringDecoder(name).isValid() and QStringEncoder(name).isValid()):
            raise AssertionError(f"no {name} converter")
    zone = QTimeZone(b"Asia/Shanghai")
    shown = zone.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, chinese)
    short = zone.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.ShortName, chinese)
    if (shown, short) != ("中国标准时间", "GMT+8"):
        raise AssertionError(f"Asia/Shanghai is called {shown!r} ({short!r})")
    return "ICU"


def _qt_plugins(_app: Seatside) -> str:
    from PySide6.QtCore import QLibraryInfo, QPluginLoader, QTranslator
    from PySide6.QtGui import QIcon

    from desktop.core.base.paths import resources_dir

    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not QTranslator().load("qtbase_zh_CN", translations):
        raise AssertionError(f"Qt's Chinese strings are not in {translations}")
    if QIcon(str(resources_dir() / "icons" / "seatside.svg")).pixmap(32, 32).isNull():
        raise AssertionError("the SVG icon does not render")
    if not sys.platform.startswith("linux"):
        return "Qt translations"
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    for folder, name in LINUX_PLUGINS:
        loader = QPluginLoader(str(plugins / folder / f"lib{name}.so"))
        if not loader.load():
            raise AssertionError(f"the Qt plugin {folder}/{name} does not load: {loader.errorString()}")
    return f"{len(LINUX_PLUGINS)} Qt plugins"


def _win32(_app: Seatside) -> str:
    """On Windows: every declared Win32 function exists, INPUT has this pointer size's
    layout, and the read-only calls answer (foreground window, own integrity level)."""
    if sys.platform != "win32":
        return "no Win32 (not Windows)"
    from desktop.platform import win32_api
    from desktop.platform.windows import WindowsInserter, integrity_level

    problem = win32_api.check_abi()
    if problem:
        raise AssertionError(problem)
    api = win32_api.load()  # AttributeError names a function a DLL lacks
    level = integrity_level(api, api.kernel32.GetCurrentProcess())
    if level is None:
        raise AssertionError("the process's integrity level cannot be read")
    WindowsInserter(api).active_window()
    declared = len(win32_api.USER32) + len(win32_api.KERNEL32) + len(win32_api.ADVAPI32)
    return f"{declared} Win32 functions, integrity {level:#x}"


CHECKS: tuple[Callable[[Seatside], str], ...] = (
    _search, _secret_store, _pack_signature, _xlsx_export, _icu, _qt_plugins, _win32,
)


def run_checks(app: Seatside) -> tuple[list[str], list[str]]:
    """Run every check on the built ``app``: (what passed, what failed and why)."""
    passed: list[str] = []
    failed: list[str] = []
    for check in CHECKS:
        try:
            passed.append(check(app))
        except Exception as exc:  # noqa: BLE001 - a missing library shows as any kind of error
            failed.append(f"{check.__name__.strip('_')}: {exc.__class__.__name__}: {exc}")
    return passed, failed
