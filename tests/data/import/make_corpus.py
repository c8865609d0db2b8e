"""Build the spreadsheet corpus of the importer tests: good and broken 话术库 files.

Nothing binary is kept in the repository: the tests call :func:`build` into a
temporary folder. To look at the files yourself (e.g. open them in Excel/WPS):

    .venv/bin/python tests/data/import/make_corpus.py [OUT_DIR]   # default: tests/data/import/generated/
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from pathlib import Path

import openpyxl

#: The sample 话术库 in the Chinese header names a team lead would use.
HEADER = ["场景名称", "场景编号", "步骤", "步骤编号", "话术内容", "标签", "关键词", "必做", "要点", "说明", "描述"]
ENGLISH_HEADER = [" Scenario ", "scenario_id", "STEP", "Step ID", "Text", "Tags", "Keywords", "Mandatory", "Facts",
                  "Guidance", "Description"]

ROWS: list[list[object]] = [
    # 场景名称 场景编号 步骤 步骤编号 话术内容 标签 关键词 必做 要点 说明 描述
    ["吞卡处理", "card-retained", "安抚", None, "{称呼}，您先别着急，卡被机器收走了是安全的。", "老年客户",
     "吞卡，ATM、取款机", "是", "卡不会丢失", "先安抚再登记", "ATM吞卡后的安抚与登记"],
    ["吞卡处理", None, "登记", "register", "请问是哪个网点的哪台机器？", None, "卡被吞", "否",
     "网点\n设备编号", None, None],
    ["积分兑换", None, "查询积分", "check-points", "我帮您查一下积分，请稍等。", None, "积分;兑换", None, None, None, None],
    # the same step again, not adjacent: it groups with row 2
    ["吞卡处理", None, "安抚", None, "您不用一直在机器旁边等着。", "老年客户|情绪激动", None, None,
     "不要反复插卡；卡不会丢失", None, None],
    [None, None, None, None, None, None, None, None, None, None, None],  # a blank row
    ["积分兑换", None, "兑换", None, "您的积分可以兑换{工作日}个工作日内到账的礼品。", None, None, 0, None, None, None],
    ["吞卡处理", None, "解挂提醒", None, "卡取回后记得到柜台办理解挂。", None, None, "Y", None, None, None],
    ["ATM吞钞", None, "安抚", None, "{称呼}，钱不会丢的。", None, "吞钞", True, None, None, None],
]

#: What the sample imports into: scenario id → name, [(step id, title, mandatory, [phrase texts])].
EXPECTED = {
    "card-retained": ("吞卡处理", [
        ("an-fu", "安抚", True, ["{称呼}，您先别着急，卡被机器收走了是安全的。", "您不用一直在机器旁边等着。"]),
        ("register", "登记", False, ["请问是哪个网点的哪台机器？"]),
        ("jie-gua-ti-xing", "解挂提醒", True, ["卡取回后记得到柜台办理解挂。"]),
    ]),
    "ji-fen-dui-huan": ("积分兑换", [
        ("check-points", "查询积分", False, ["我帮您查一下积分，请稍等。"]),
        ("dui-huan", "兑换", False, ["您的积分可以兑换{工作日}个工作日内到账的礼品。"]),
    ]),
    "atm-tun-chao": ("ATM吞钞", [
        ("an-fu", "安抚", True, ["{称呼}，钱不会丢的。"]),
    ]),
}


def _text(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "TRUE"
    return str(value)


def csv_text(header: list[str], rows: list[list[object]], delimiter: str = ",") -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return out.getvalue()


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    path.write_bytes(csv_text(header, rows, delimiter).encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook with the given sheets (title → rows, header included), in order."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for ref in (merges or {}).get(title, []):
            sheet.merge_cells(ref)
    workbook.save(path)
    return path


def cache_formula_results(path: Path, results: dict[str, str]) -> Path:
    """Store a computed result for formula cells, as Excel does when it saves (openpyxl cannot)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        xml = parts[name].decode("utf-8")
        for ref, value in results.items():
            xml = re.sub(
                rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/>',
                lambda m, value=value, ref=ref: f'<c r="{ref}"{m.group(1)} t="str"><f>{m.group(2)}</f><v>{value}</v>',
                xml,
            )
        parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _merged_sample() -> tuple[list[list[object]], list[str]]:
    """The sample with 场景名称 merged down over each run of equal names, as team leads do."""
    rows = [list(r) for r in ROWS]
    merges = []
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][0] != rows[start][0]:
            if i - start > 1 and rows[start][0]:
                merges.append(f"A{start + 2}:A{i + 1}")  # +2: sheet rows start at 1 and the header is row 1
                for j in range(start + 1, i):
                    rows[j][0] = None
            start = i
    return rows, merges


def build(out: Path) -> dict[str, Path]:
    """Write the corpus into ``out``; returns name → path."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def add(name: str, path: Path) -> None:
        files[name] = path

    # -- good files: all import into EXPECTED ------------------------------------------------
    add("utf8", write_csv(out / "valid-utf8.csv", HEADER, ROWS))
    add("utf8-bom", write_csv(out / "valid-utf8-bom.csv", HEADER, ROWS, "utf-8-sig"))
    add("gbk", write_csv(out / "valid-gbk.csv", HEADER, ROWS, "gbk"))
    add("tsv", write_csv(out / "valid.tsv", HEADER, ROWS, "utf-8", "\t"))
    add("english", write_csv(out / "english.csv", ENGLISH_HEADER, ROWS))
    add("xlsx", write_xlsx(out / "valid.xlsx", {"说明": [["请在“话术库”表中填写"]], "话术库": [HEADER, *ROWS]}))
    merged_rows, merges = _merged_sample()
    add("merged", write_xlsx(out / "merged.xlsx", {"Sheet1": [HEADER, *merged_rows]}, {"Sheet1": merges}))
    # a title row above the header, and the scenario name of row 4 computed by a formula
    titled = [list(r) for r in ROWS]
    titled[1][0] = "=A3"
    path = write_xlsx(out / "title-row.xlsx", {"Sheet1": [["信用卡中心话术库 2026版"], HEADER, *titled]})
    add("title-row", cache_formula_results(path, {"A4": "吞卡处理"}))

    # -- broken files ---------------------------------------------------------------------
    uncached = [list(r) for r in ROWS]
    uncached[1][0] = "=A2"  # openpyxl saves no computed value: Excel or WPS would
    add("formula-uncached", write_xlsx(out / "formula-uncached.xlsx", {"Sheet1": [HEADER, *uncached]}))
    add("no-header-xlsx", write_xlsx(out / "no-header.xlsx", {"Sheet1": [r for r in ROWS if any(r)]}))
    add("missing-column-xlsx", write_xlsx(out / "missing-column.xlsx",
                                          {"Sheet1": [[h for h in HEADER if h != "步骤"],
                                                      *[[v for i, v in enumerate(r) if i != 2] for r in ROWS]]}))
    add("empty-xlsx", write_xlsx(out / "empty.xlsx", {"Sheet1": []}))
    old = out / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    add("xls", old)
    corrupt = out / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"this is not a zip archive" * 10)
    add("corrupt", corrupt)
    return files


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "generated"
    for name, path in build(out).items():
        print(f"{name:20} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
