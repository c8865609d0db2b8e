"""Spreadsheet 话术库 import: good files round-trip into clean packs, every
broken one is reported by row and writes nothing, writing is all or nothing."""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.packs import importer
from desktop.core.packs.importer import (
    MAX_CELL_CHARS,
    MAX_ROWS,
    ImportRefused,
    RowProblem,
    field_for_header,
    import_table,
    run_import,
    slug,
    write_pack,
)
from desktop.core.packs.importer import importing as importing_module
from desktop.core.packs.importer import writing as writing_module
from desktop.core.packs.loader import load_pack_file, load_packs
from desktop.core.packs.placeholders import KNOWN_PLACEHOLDERS

CORPUS_SCRIPT = Path(__file__).resolve().parents[1] / "data" / "import" / "make_corpus.py"
_spec = importlib.util.spec_from_file_location("make_corpus", CORPUS_SCRIPT)
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

HEADER = "场景,步骤,话术,标签,关键词,必做,要点,说明,描述,场景编号,步骤编号\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return corpus.build(tmp_path_factory.mktemp("corpus"))


def write_text(tmp_path: Path, text: str, name: str = "话术库.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def outline(scenarios) -> dict:
    return {
        s.id: (s.name, [(st.id, st.title, st.mandatory, [p.text for p in st.phrases]) for st in s.steps])
        for s in scenarios
    }


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- good files -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["xlsx", "utf8", "utf8-bom", "gbk", "tsv", "english", "merged", "title-row"])
def test_good_files_round_trip_into_clean_packs(files, tmp_path, name):
    result = import_table(files[name])
    assert result.ok, result.report_lines()
    assert [p.severity for p in result.problems] == ["warning"]  # {工作日} needs defaults
    assert result.rows_read == 7
    assert outline(result.scenarios) == corpus.EXPECTED

    out = tmp_path / "packs"
    written = write_pack(result, out)
    assert [p.name for p in written] == ["card-retained.yaml", "ji-fen-dui-huan.yaml", "atm-tun-chao.yaml"]
    assert listing(out) == sorted(p.name for p in written)  # no temporary files left behind
    loaded = load_packs([out])
    assert loaded.problems == []
    assert outline(loaded.library.scenarios) == corpus.EXPECTED

    card = loaded.library.get("card-retained")
    assert card.description == "ATM吞卡后的安抚与登记"
    assert card.keywords == ("吞卡", "ATM", "取款机", "卡被吞")  # union of the rows, in order
    soothe = card.step("an-fu")
    assert soothe.guidance == "先安抚再登记"
    assert soothe.facts == ("卡不会丢失", "不要反复插卡")
    assert [p.id for p in soothe.phrases] == ["an-fu-1", "an-fu-2"]
    assert soothe.phrases[1].tags == ("老年客户", "情绪激动")
    assert card.step("register").facts == ("网点", "设备编号")


def test_pack_file_is_readable_yaml_with_a_pack_header(files, tmp_path, monkeypatch):
    monkeypatch.setattr(importing_module, "_today", lambda: "2026-11-25")
    result = import_table(files["xlsx"])
    text = result.files["card-retained.yaml"]
    assert "吞卡处理" in text and "\\u" not in text  # Chinese not escaped
    assert "keywords: [吞卡, ATM, 取款机, 卡被吞]" in text
    info, _scenarios, problems = load_pack_file(write_pack(result, tmp_path)[0])
    assert problems == []
    assert (info.id, info.name, info.version, info.author, info.updated) == (
        "valid", "valid.xlsx", "1", "", "2026-11-25")


def test_preferred_sheet_else_the_first(tmp_path):
    rows = [["场景", "步骤", "话术"], ["甲", "一", "好的"]]
    path = corpus.write_xlsx(tmp_path / "a.xlsx", {"封面": [["x"]], "Phrases": [*rows]})
    assert import_table(path).sheet == "Phrases"
    path = corpus.write_xlsx(tmp_path / "b.xlsx", {"第一张": rows, "第二张": [["场景", "步骤", "话术"]]})
    result = import_table(path)
    assert result.sheet == "第一张" and result.ok


def test_cells_may_be_numbers_dates_and_booleans(tmp_path):
    from datetime import datetime

    path = corpus.write_xlsx(tmp_path / "n.xlsx", {"S": [
        ["场景", "场景编号", "步骤", "步骤编号", "话术", "必做"],
        [2026, 7.0, "第1步", 1, 3.5, True],
        [2026, None, "第1步", None, datetime(2026, 11, 25), 1],
    ]})
    result = import_table(path)
    assert result.ok, result.report_lines()
    (scenario,) = result.scenarios
    assert (scenario.id, scenario.name) == ("7", "2026")
    (step,) = scenario.steps
    assert (step.id, step.title, step.mandatory) == ("1", "第1步", True)
    assert [p.text for p in step.phrases] == ["3.5", "2026-11-25"]


@pytest.mark.parametrize(("header", "field"), [
    ("场景", "scenario"), ("场景名称", "scenario"), (" Scenario ", "scenario"), ("SCENARIO NAME", "scenario"),
    ("场景编号", "scenario_id"), ("场景ID", "scenario_id"), ("Scenario Id", "scenario_id"), ("scenario_id", "scenario_id"),
    ("步骤名称", "step"), ("step", "step"), ("步骤编号", "step_id"), ("Step ID", "step_id"),
    ("话术内容", "phrase"), ("Text", "phrase"), ("Phrase", "phrase"), ("标签（多个用逗号分隔）", "tags"),
    ("关键字", "keywords"), ("Keywords", "keywords"), ("必做*", "mandatory"), ("是否必做(是/否)", "mandatory"),
    ("要点", "facts"), ("说明", "guidance"), ("描述", "description"), ("备注", None), ("", None),
])
def test_header_names(header, field):
    assert field_for_header(header) == field


def test_ids_are_generated_from_names_and_deduplicated(tmp_path):
    assert slug("吞卡处理") == "tun-ka-chu-li"
    assert slug("ATM吞钞（柜员机）") == "atm-tun-chao-gui-yuan-ji"
    assert slug("Café Crème") == "cafe-creme"
    assert slug("😀") == ""
    text = HEADER + (
        "吞卡处理,安抚,一\n"
        "吞卡 处理,安抚,二\n"  # another name with the same pinyin
        "吞卡-处理,安 抚,三\n"
        "别的,安抚,四\n"
        "别的,安-抚,五\n"
        "😀,😀,六\n"
        ",,\n"
        "明确,步骤,七,,,,,,,tun-ka-chu-li-3,\n"  # an explicit id is never taken by a generated one
    )
    result = import_table(write_text(tmp_path, text))
    assert result.ok, result.report_lines()
    assert [(s.id, [st.id for st in s.steps]) for s in result.scenarios] == [
        ("tun-ka-chu-li", ["an-fu"]),
        ("tun-ka-chu-li-2", ["an-fu"]),
        ("tun-ka-chu-li-4", ["an-fu"]),
        ("bie-de", ["an-fu", "an-fu-2"]),
        ("scenario", ["step"]),
        ("tun-ka-chu-li-3", ["bu-zhou"]),
    ]


def test_rows_group_by_first_appearance(tmp_path):
    text = HEADER + (
        "乙,二,b1\n"
        "甲,一,a1\n"
        "乙,一,b2\n"
        "乙,二,b3,,k1\n"
        "甲,一,a2,,k2、k1\n"
        "乙,一,b4,,k3\n"
    )
    result = import_table(write_text(tmp_path, text))
    assert outline(result.scenarios) == {
        "yi": ("乙", [("er", "二", False, ["b1", "b3"]), ("yi", "一", False, ["b2", "b4"])]),
        "jia": ("甲", [("yi", "一", False, ["a1", "a2"])]),
    }
    assert [s.keywords for s in result.scenarios] == [("k1", "k3"), ("k2", "k1")]


def test_multi_value_cells_split_on_every_separator(tmp_path):
    text = HEADER + '甲,一,好的,"a，b,c、d;e；f|g\nh , ,a",,,"x\r\ny"\n'
    (scenario,) = import_table(write_text(tmp_path, text)).scenarios
    assert scenario.steps[0].phrases[0].tags == tuple("abcdefgh")
    assert scenario.steps[0].facts == ("x", "y")


def test_phrase_keeps_its_line_breaks(tmp_path):
    text = HEADER + '甲,一,"第一行\r\n第二行  ",\n'
    result = import_table(write_text(tmp_path, text))
    assert result.scenarios[0].steps[0].phrases[0].text == "第一行\n第二行"
    assert "|-" in result.files["jia.yaml"]


# -- broken files: the problem, the row, and nothing written ------------------------------


BROKEN_CSV = {
    "missing phrase": (HEADER + "甲,一,好的\n甲,一,\n", 3, "话术", "missing the phrase text"),
    "missing scenario": (HEADER + "甲,一,好的\n,一,好\n", 3, "场景", "missing the scenario name"),
    "missing step": (HEADER + "甲,一,好的\n甲,  ,好\n", 3, "步骤", "missing the step name"),
    "unknown placeholder": (HEADER + "甲,一,{姓名}您好\n", 2, "话术", "unknown placeholder '{姓名}'"),
    "bad mandatory": (HEADER + "甲,一,好的,,,也许\n", 2, "必做", "'也许' is not a 必做 value"),
    "bad scenario id": (HEADER + "甲,一,好的,,,,,,,Card_Retained\n", 2, "场景编号", "e.g. 'card-retained'"),
    "bad step id": (HEADER + "甲,一,好的,,,,,,,,第一步\n", 2, "步骤编号", "not a valid id"),
    "step id used for two names": (
        HEADER + "甲,一,好的,,,,,,,,calm\n甲,二,好,,,,,,,,calm\n", 3, "步骤编号",
        "the step id 'calm' is already used for step '一' of this scenario (row 2)"),
    "scenario id used for two names": (
        HEADER + "甲,一,好的,,,,,,,a\n乙,一,好,,,,,,,a\n", 3, "场景编号",
        "the id 'a' is already used for scenario '甲' (row 2)"),
    "one step, two ids": (
        HEADER + "甲,一,好的,,,,,,,,x\n甲,一,好,,,,,,,,y\n", 3, "步骤编号", "step '一' already has the id 'x' (row 2)"),
    "one step, two mandatory values": (
        HEADER + "甲,一,好的,,,是\n甲,一,好,,,否\n", 3, "必做", "marked 是 in row 2"),
    "cell too long": (HEADER + "甲,一," + "长" * (MAX_CELL_CHARS + 1) + "\n", 2, "话术", "limit 2,000"),
    "formula error shown": (HEADER + "甲,#REF!,好的\n", 2, "步骤", "formula error #REF!"),
    "no header row": ("甲,一,好的\n乙,二,好\n", 1, None, "no header row"),
    "missing required column": ("场景,步骤,标签\n甲,一,x\n", 1, "话术", "missing required column 话术"),
    "two columns for one field": ("场景,步骤,话术,话术内容\n甲,一,好,好\n", 1, "话术内容", "both mean 话术"),
    "empty file": ("", 1, None, "the file is empty"),
    "only blank rows": ("\n,,,\r\n  ,\n", 1, None, "the file is empty"),
    "header only": (HEADER + ",,\n", 1, None, "no rows under the header"),
}


@pytest.mark.parametrize("case", BROKEN_CSV)
def test_broken_csv_is_reported_by_row_and_writes_nothing(tmp_path, case):
    text, row, column, message = BROKEN_CSV[case]
    path = write_text(tmp_path, text)
    result = import_table(path)
    assert not result.ok
    assert any(p.row == row and p.column == column and message in p.message and p.severity == "error"
               for p in result.problems), result.report_lines()
    out = tmp_path / "out"
    with pytest.raises(ImportRefused):
        write_pack(result, out)
    report = io.StringIO()
    assert run_import(path, out, skip_invalid=False, overwrite=False, out=report) == 1
    assert listing(out) == []
    column_part = f"[{column}] " if column else ""
    assert f"{path}:{row}: {column_part}" in report.getvalue()
    assert "nothing written" in report.getvalue().splitlines()[-1]


@pytest.mark.parametrize(("name", "row", "message"), [
    ("formula-uncached", 3, "no computed value"),
    ("no-header-xlsx", 1, "no header row"),
    ("missing-column-xlsx", 1, "missing required column 步骤"),
    ("empty-xlsx", 1, "is empty"),
])
def test_broken_xlsx_is_reported_by_row(files, tmp_path, name, row, message):
    result = import_table(files[name])
    assert not result.ok and not result.unreadable
    assert any(p.row == row and message in p.message for p in result.errors), result.report_lines()
    assert run_import(files[name], tmp_path / "out", skip_invalid=False, overwrite=False, out=io.StringIO()) == 1
    assert listing(tmp_path / "out") == []


UNREADABLE = {
    "xls": ("old .xls workbook", None),
    "corrupt": ("not a readable .xlsx workbook", None),
}


@pytest.mark.parametrize("name", UNREADABLE)
def test_unreadable_workbooks_exit_1(files, tmp_path, name):
    report = io.StringIO()
    assert run_import(files[name], tmp_path / "out", skip_invalid=True, overwrite=False, out=report) == 1
    assert UNREADABLE[name][0] in report.getvalue()
    assert listing(tmp_path / "out") == []


@pytest.mark.parametrize(("raw", "message"), [
    (b"\x81\x20\xff,\x80\n", "neither UTF-8 nor GBK/GB18030"),
    (("场景,步骤,话术\n" + "吞卡处理,安抚,您好\n" * 5).encode("utf-8") + b"\xff\xfe\n", "UTF-8 text with invalid bytes on line 7"),
    (b"a,b\x00c\n", "NUL bytes"),
])
def test_text_that_does_not_decode_is_reported(tmp_path, raw, message):
    path = tmp_path / "x.csv"
    path.write_bytes(raw)
    result = import_table(path)
    assert result.unreadable and not result.ok
    assert message in result.problems[0].message
    assert run_import(path, tmp_path / "out", skip_invalid=False, overwrite=False, out=io.StringIO()) == 1


def test_report_lines_and_summary(tmp_path):
    path = write_text(tmp_path, HEADER + "甲,一,{姓名}\n甲,一,好\n甲,一,好\n")
    report = io.StringIO()
    assert run_import(path, tmp_path / "out", skip_invalid=False, overwrite=False, out=report) == 1
    lines = report.getvalue().splitlines()
    known = "、".join("{%s}" % name for name in KNOWN_PLACEHOLDERS)
    assert known.startswith("{称呼}、{工作日}、{坐席工号}") and "{年化利率}" in known
    assert lines[0] == f"{path}:2: [话术] unknown placeholder '{{姓名}}' (known: {known})"
    assert lines[1] == f"{path}:4: [话术] warning: the same phrase as row 3 in step '一'; left out"
    assert lines[2] == (f"{path}: 3 rows read; 1 error, 1 warning; nothing written "
                        "(--skip-invalid imports the valid rows)")
    assert str(RowProblem(5, None, "x")) == "5: x"


def test_warnings_alone_do_not_stop_the_import(tmp_path):
    path = write_text(tmp_path, "序号,场景,步骤,话术,备注\n1,甲,一,好的 { 称呼 },x\n2,甲,一,好\n3,甲,一,好\n4,甲,一,｛称呼｝\n")
    result = import_table(path)
    assert result.ok
    assert [(p.row, p.column) for p in result.warnings] == [(1, "备注"), (2, "话术"), (4, "话术"), (5, "话术")]
    assert [p.text for p in result.scenarios[0].steps[0].phrases] == ["好的 { 称呼 }", "好", "｛称呼｝"]
    assert run_import(path, tmp_path / "out", skip_invalid=False, overwrite=False, out=io.StringIO()) == 0


def test_first_description_and_guidance_win_with_a_warning(tmp_path):
    result = import_table(write_text(tmp_path, HEADER + "甲,一,a,,,,,g1,d1\n甲,一,b,,,,,g2,d1\n甲,二,c,,,,,,d2\n"))
    assert result.ok
    assert [(p.row, p.column) for p in result.warnings] == [(3, "说明"), (4, "描述")]
    assert result.scenarios[0].description == "d1" and result.scenarios[0].steps[0].guidance == "g1"


def test_control_characters_are_removed_with_a_warning(tmp_path):
    result = import_table(write_text(tmp_path, HEADER + "甲,一,好\x07的\x1b\n"))
    assert result.ok and result.scenarios[0].steps[0].phrases[0].text == "好的"
    assert [p.row for p in result.warnings] == [2]


# -- skipping invalid rows ------------------------------------------------------------------


def test_skip_invalid_writes_the_valid_part_and_reports_the_skipped_rows(tmp_path):
    path = write_text(tmp_path, HEADER + (
        "甲,一,好的\n"
        "甲,一,{姓名}\n"
        "乙,二,可以\n"
        ",一,没有场景\n"
        "乙,二,好,,,也许\n"
        "\n"
        "丙,三,{称呼}您好,,,是\n"
    ))
    strict = import_table(path)
    assert not strict.ok and strict.skipped_rows == []
    result = import_table(path, skip_invalid=True)
    assert result.ok
    assert result.skipped_rows == [3, 5, 6]
    assert outline(result.scenarios) == {
        "jia": ("甲", [("yi", "一", False, ["好的"])]),
        "yi": ("乙", [("er", "二", False, ["可以"])]),
        "bing": ("丙", [("san", "三", True, ["{称呼}您好"])]),
    }
    report = io.StringIO()
    out = tmp_path / "out"
    assert run_import(path, out, skip_invalid=True, overwrite=False, out=report) == 0
    text = report.getvalue()
    assert f"{path}:3: [话术] unknown placeholder '{{姓名}}'" in text and "(row skipped)" in text
    assert "3 rows skipped; wrote 3 files to" in text.splitlines()[-1]
    assert listing(out) == ["bing.yaml", "jia.yaml", "yi.yaml"]
    assert load_packs([out]).problems == []


def test_skip_invalid_does_not_skip_a_broken_header(tmp_path):
    result = import_table(write_text(tmp_path, "场景,步骤\n甲,一\n"), skip_invalid=True)
    assert not result.ok and result.skipped_rows == []


def test_skip_invalid_with_every_row_invalid_writes_nothing(tmp_path):
    result = import_table(write_text(tmp_path, HEADER + "甲,一,{x}\n,一,a\n"), skip_invalid=True)
    assert not result.ok and result.skipped_rows == [2, 3]
    assert any("no valid rows" in p.message for p in result.errors)


def test_skipped_conflicting_row_keeps_the_earlier_definition(tmp_path):
    result = import_table(write_text(tmp_path, HEADER + "甲,一,a,,,,,,,,x\n甲,二,b,,,,,,,,x\n甲,二,c\n"),
                          skip_invalid=True)
    assert result.ok and result.skipped_rows == [3]
    assert outline(result.scenarios) == {"jia": ("甲", [("x", "一", False, ["a"]), ("er", "二", False, ["c"])])}


# -- writing: all or nothing ----------------------------------------------------------------


@pytest.fixture
def three(files):
    result = import_table(files["utf8"])
    assert len(result.files) == 3
    return result


def test_a_failure_while_writing_the_second_file_leaves_no_file(three, tmp_path, monkeypatch):
    calls = []
    real = writing_module.atomic_write

    def failing(path, write, encoding):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(path, write, encoding)

    monkeypatch.setattr(writing_module, "atomic_write", failing)
    out = tmp_path / "out"
    with pytest.raises(OSError):
        write_pack(three, out)
    assert listing(out) == []
    report = io.StringIO()
    calls.clear()
    assert run_import(three.source, out, skip_invalid=False, overwrite=False, out=report) == 1
    assert "cannot write: No space left on device" in report.getvalue()
    assert listing(out) == []


def test_a_failure_while_renaming_undoes_the_files_already_in_place(three, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "ji-fen-dui-huan.yaml").write_text("old", encoding="utf-8")
    real = os.replace
    renames = []

    def failing(src, dst):
        if ".import-" in str(src) and str(dst).endswith(".yaml"):  # not atomic_write's own rename
            renames.append(dst)
            if len(renames) == 3:
                raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError):
        write_pack(three, out, overwrite=True)
    assert listing(out) == ["ji-fen-dui-huan.yaml"]
    assert (out / "ji-fen-dui-huan.yaml").read_text(encoding="utf-8") == "old"


def test_existing_files_are_not_overwritten_unless_asked(three, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "atm-tun-chao.yaml").write_text("mine", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"atm-tun-chao\.yaml"):
        write_pack(three, out)
    assert listing(out) == ["atm-tun-chao.yaml"]
    report = io.StringIO()
    assert run_import(three.source, out, skip_invalid=False, overwrite=False, out=report) == 1
    assert "--overwrite" in report.getvalue()
    assert (out / "atm-tun-chao.yaml").read_text(encoding="utf-8") == "mine"
    assert run_import(three.source, out, skip_invalid=False, overwrite=True, out=io.StringIO()) == 0
    assert listing(out) == ["atm-tun-chao.yaml", "card-retained.yaml", "ji-fen-dui-huan.yaml"]
    assert load_packs([out]).problems == []


def test_a_round_trip_failure_is_an_error(files, monkeypatch):
    monkeypatch.setattr(importing_module, "pack_yaml", lambda info, scenario, name: "scenarios: [oops\n")
    result = import_table(files["utf8"])
    assert not result.ok and result.files == {}
    assert any("does not load cleanly" in p.message for p in result.errors)


def test_loader_warnings_on_the_generated_file_stay_warnings(files, monkeypatch):
    real = importer.pack_yaml
    monkeypatch.setattr(importing_module, "pack_yaml", lambda *args: real(*args) + "extra: 1\n")
    result = import_table(files["utf8"])
    assert result.ok
    assert sum("unknown top-level field 'extra'" in p.message for p in result.warnings) == 3


# -- limits ---------------------------------------------------------------------------------


def test_a_file_over_20_mb_is_refused_at_once(tmp_path):
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(importer.MAX_FILE_BYTES + 1)  # sparse: costs no disk and no time
    report = io.StringIO()  # its time is measured in benchmarks/limits.py
    with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("the file was opened")):
        assert run_import(path, tmp_path / "out", skip_invalid=True, overwrite=False, out=report) == 1
    assert "too large" in report.getvalue() and "limit 20,971,520" in report.getvalue()


def test_more_than_50000_rows_is_refused_quickly(tmp_path):
    path = write_text(tmp_path, HEADER + "甲,一,好\n" * (MAX_ROWS + 1))
    result = import_table(path)  # its time is measured in benchmarks/limits.py
    assert result.unreadable and "more than 50,000 rows" in result.problems[0].message


def test_missing_file_is_unreadable(tmp_path):
    report = io.StringIO()
    assert run_import(tmp_path / "nope.csv", tmp_path / "out", skip_invalid=False, overwrite=False, out=report) == 1
    assert "cannot read the file" in report.getvalue()


# -- properties -----------------------------------------------------------------------------

COLUMNS = ["场景", "场景编号", "步骤", "步骤编号", "话术", "标签", "关键词", "必做", "要点", "说明", "描述", "备注"]
TRICKY = ["{称呼}", "{未知}", "{", "}", "{}", "{ 称呼 }", "｛称呼｝", "是", "否", "maybe", "a\nb", "吞卡", "Card_ID",
          "x-1", " ", "，、;", "#REF!", "yes", "null", "- a", "&amp;", "'", '"', ": x", "\t", "1e3", "0x1"]
text_cell = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
cell = st.one_of(
    st.none(),
    st.sampled_from(TRICKY),
    st.sampled_from(["甲", "乙", "一", "二", "a", "b"]),  # repeated names so rows group
    text_cell,
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.lists(st.sampled_from([*TRICKY, "甲", "x"]), max_size=4).map("".join),
)


@st.composite
def wild_tables(draw):
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8, unique=True))
    if draw(st.booleans()):
        header = ["场景", "步骤", "话术", *[c for c in header if c not in ("场景", "步骤", "话术")]]
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), max_size=8))
    return header, rows


name_cell = st.one_of(st.sampled_from(["甲", "乙", "一", "二", "a", "吞卡处理", "2026"]), text_cell, st.integers(0, 9))
PLAUSIBLE = {
    "场景": name_cell,
    "步骤": name_cell,
    "话术": st.tuples(text_cell, st.sampled_from(["", "{称呼}", "{日期}", "｛称呼｝", "{ x }", "\n"]), text_cell).map("".join),
    "场景编号": st.one_of(st.none(), st.sampled_from(["a", "b-1", "x2"])),
    "步骤编号": st.one_of(st.none(), st.sampled_from(["s", "s-2"])),
    "必做": st.one_of(st.none(), st.sampled_from(["是", "否", "Y", "n", "TRUE", 1, 0])),
}


@st.composite
def plausible_tables(draw):
    optional = draw(st.lists(st.sampled_from([c for c in COLUMNS if c not in ("场景", "步骤", "话术")]),
                             max_size=5, unique=True))
    header = draw(st.permutations(["场景", "步骤", "话术", *optional]))
    rows = draw(st.lists(st.tuples(*[PLAUSIBLE.get(c, cell) for c in header]).map(list), min_size=1, max_size=8))
    return header, rows


tables = st.one_of(wild_tables(), plausible_tables(), plausible_tables())


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _save(folder: Path, header, rows, form: str) -> Path:
    if form == "xlsx":
        def fix(value):
            return _ILLEGAL_XLSX.sub("", value) if isinstance(value, str) else value
        return corpus.write_xlsx(folder / "t.xlsx", {"话术库": [header, *[[fix(v) for v in r] for r in rows]]})
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerows([header, *[["" if v is None else str(v) for v in r] for r in rows]])
    path = folder / "t.csv"
    path.write_bytes(out.getvalue().encode({"utf8": "utf-8", "bom": "utf-8-sig", "gb": "gb18030"}[form]))
    return path


def _check_outcome(result, out: Path) -> None:
    if not result.ok:
        with pytest.raises(ImportRefused):
            write_pack(result, out)
        assert listing(out) == []
        return
    written = write_pack(result, out)
    assert listing(out) == sorted(p.name for p in written)
    ids = set()
    for path in written:
        _, scenarios, problems = load_pack_file(path)
        # A phrase that states a bare number is a warning (it may be a fact about one caller).
        assert [p for p in problems if not (p.severity == "warning" and "states the number" in p.message)] == []
        assert len(scenarios) == 1 and scenarios[0].id not in ids
        ids.add(scenarios[0].id)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables, form=st.sampled_from(["utf8", "bom", "gb", "xlsx"]), skip=st.booleans())
def test_any_table_imports_cleanly_or_is_refused(tmp_path_factory, table, form, skip):
    folder = tmp_path_factory.mktemp("prop")
    path = _save(folder, *table, form)
    result = import_table(path, skip_invalid=skip)  # never raises
    assert result.rows_read <= len(table[1])
    assert all(p.row >= 1 and p.severity in ("error", "warning") for p in result.problems)
    if result.ok and not skip:
        assert result.skipped_rows == [] and result.errors == []
    _check_outcome(result, folder / "out")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=plausible_tables(), fail_at=st.integers(1, 4), stage=st.sampled_from(["write", "rename"]))
def test_a_failure_anywhere_in_writing_leaves_no_partial_output(tmp_path_factory, table, fail_at, stage):
    folder = tmp_path_factory.mktemp("fail")
    result = import_table(_save(folder, *table, "utf8"), skip_invalid=True)
    if not result.ok:
        return
    out = folder / "out"
    count = 0
    real_write, real_replace = writing_module.atomic_write, os.replace

    def write(path, writer, encoding):
        nonlocal count
        count += stage == "write"
        if count == fail_at:
            raise OSError(28, "disk full")
        return real_write(path, writer, encoding)

    def replace(src, dst):
        nonlocal count
        count += stage == "rename" and ".import-" in str(src) and str(dst).endswith(".yaml")
        if count == fail_at:
            raise OSError(5, "I/O error")
        return real_replace(src, dst)

    with mock.patch.object(writing_module, "atomic_write", write), mock.patch.object(os, "replace", replace):
        try:
            write_pack(result, out)
        except OSError:
            assert listing(out) == []
            return
    assert len(listing(out)) == len(result.files)


def test_import_into_writes_a_valid_table_and_nothing_of_a_broken_one(files, tmp_path):
    from desktop.core.packs.importer import import_into

    done = import_into(files["xlsx"], tmp_path / "packs")
    assert done.result.ok and done.error == ""
    assert [p.name for p in done.written] == ["card-retained.yaml", "ji-fen-dui-huan.yaml", "atm-tun-chao.yaml"]
    broken = write_text(tmp_path, "场景,步骤,话术\n挂失,,\n")
    refused = import_into(broken, tmp_path / "other")
    assert not refused.result.ok and refused.written == [] and listing(tmp_path / "other") == []
    again = import_into(files["xlsx"], tmp_path / "packs")  # the same packs again: refused, not overwritten
    assert again.written == [] and again.error
