"""Hand-made Hyper-V Export-Csv files that lost what ties their rows to VMs or hosts (found by the mutation
harness on the loose sample): the checks that need them are not assessed, never assessed on nothing."""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

LOOSE = Path(__file__).resolve().parents[2] / "samples" / "hyperv" / "loose"


def _rewrite(path: Path, change: Any) -> None:
    """Change the rows of one loose file (header first), keeping its #TYPE line; written back as UTF-8 with BOM."""
    data = path.read_bytes()
    text = data.decode("utf-16") if data.startswith(codecs.BOM_UTF16_LE) else data.decode("utf-8-sig")
    type_line, body = text.split("\n", 1) if text.startswith("#TYPE") else ("", text)
    delimiter = ";" if body.split("\n", 1)[0].count(";") > body.split("\n", 1)[0].count(",") else ","
    rows = change(list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)))
    out = io.StringIO()
    out.write(type_line.rstrip("\r") + "\r\n" if type_line else "")
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.write_bytes(codecs.BOM_UTF8 + out.getvalue().encode("utf-8"))


def _without(column: str, blank: bool = False) -> Any:
    def change(rows: list[list[str]]) -> list[list[str]]:
        at = rows[0].index(column)
        if blank:
            return [rows[0], *([*r[:at], "", *r[at + 1:]] for r in rows[1:])]
        return [[*r[:at], *r[at + 1:]] for r in rows]
    return change


def _audit(cli: Any, folder: Path, out: Path) -> dict[str, Any]:
    result = cli(["audit", folder, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    found: dict[str, Any] = json.loads(out.read_text())
    return found


@pytest.mark.parametrize("blank", [False, True], ids=["dropped", "blanked"])
def test_adapters_that_name_no_vm_leave_the_switch_checks_not_assessed(cli: Any, tmp_path: Path,
                                                                      blank: bool) -> None:
    """Before: the loose adapters (no VMId) lost VMName and every adapter was skipped as 'not in the Get-VM export';
    HYV-05/06 then found none of the Private and Internal switch VMs and were still reported assessed."""
    folder = tmp_path / "loose"
    shutil.copytree(LOOSE, folder)
    _rewrite(folder / "nics.csv", _without("VMName", blank))
    found = _audit(cli, folder, tmp_path / "f.json")
    coverage = {c["rule"]: c for c in found["coverage"]}
    for rule in ("HYV-05", "HYV-06"):
        assert coverage[rule]["status"] == "not-assessed", rule
        assert "Get-VMNetworkAdapter was not fully read" in coverage[rule]["reason"]
        assert "row(s) name no VM" in coverage[rule]["reason"]
    [skipped] = [i for i in found["data_quality"] if i["sheet"] == "nics.csv" and i["skipped"]]
    assert skipped["row"] == 3 and skipped["rows"] == 11
    assert "no VMId, nor VMName and ComputerName" in skipped["message"]


@pytest.mark.parametrize(("column", "rules"), [("State", ("HYV-05", "HYV-08", "HYV-12")),
                                               ("ConfigurationLocation", ("HYV-08",)),
                                               ("Version", ("HYV-14",))])
def test_a_get_vm_column_empty_in_one_hosts_file_is_unknown_for_the_object(cli: Any, tmp_path: Path, column: str,
                                                                          rules: tuple[str, ...]) -> None:
    """Before: blank in vms-hvsa02.csv but filled in vms-hvsa01.csv, the column counted as filled and the checks
    stayed assessed over HVSA02's VMs, whose values were unknown."""
    folder = tmp_path / "loose"
    shutil.copytree(LOOSE, folder)
    _rewrite(folder / "vms-hvsa02.csv", _without(column, blank=True))
    found = _audit(cli, folder, tmp_path / "f.json")
    coverage = {c["rule"]: c for c in found["coverage"]}
    for rule in rules:
        assert coverage[rule]["status"] == "not-assessed", rule
        assert f"Get-VM column '{column}' present but empty" in coverage[rule]["reason"]
    [note] = [i for i in found["data_quality"] if i["column"] == column and "present but empty" in i["message"]]
    assert note["sheet"] == "vms-hvsa02.csv" and note["level"] == "warning"


BUNDLE = LOOSE.parent / "hyperv-3node.zip"


def _bundle_without(tmp_path: Path, member: str, column: str) -> Path:
    """The collector's bundle with ``column`` dropped from ``member``."""
    target = tmp_path / "bundle.zip"
    with zipfile.ZipFile(BUNDLE) as source, zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == member:
                rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
                at = rows[0].index(column)
                buffer = io.StringIO()
                csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(
                    [[*r[:at], *r[at + 1:]] for r in rows])
                data = codecs.BOM_UTF8 + buffer.getvalue().encode()
            out.writestr(name, data)
    return target


@pytest.mark.parametrize(("member", "column", "rule"), [("Get-VMSan.csv", "SanName", "HYV-03"),
                                                        ("Get-ClusterAffinityRule.csv", "Groups", "HYV-16"),
                                                        ("Get-HgsClientConfiguration.csv", "Mode", "HYV-20")])
def test_a_file_that_lost_the_column_telling_its_object_is_named_with_that_column(
        cli: Any, tmp_path: Path, member: str, column: str, rule: str) -> None:
    """Before: the file was 'not a Hyper-V object export reportgen knows' and the coverage said the tab was missing,
    though the user gave it; now both say which column it lacks."""
    found = _audit(cli, _bundle_without(tmp_path, member, column), tmp_path / "f.json")
    kind = member.removesuffix(".csv")
    [note] = [i for i in found["data_quality"] if i["sheet"] == member]
    assert note["column"] == column and note["level"] == "warning"
    assert f"is meant to be {kind} output but lacks its column(s) '{column}'" in note["message"]
    assert "export it again with every column" in note["message"]
    reason = {c["rule"]: c for c in found["coverage"]}[rule]["reason"]
    assert f"{kind} was not fully read: {kind} failed on the whole export ({member} lacks its column(s) " \
           f"'{column}' and was not read)" in reason


def test_a_csv_of_something_else_in_the_folder_is_still_just_unknown(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "loose"
    shutil.copytree(LOOSE, folder)
    (folder / "inventory.csv").write_text("Name,State,Room\r\nHVSA01,Running,B12\r\n", encoding="utf-8")
    found = _audit(cli, folder, tmp_path / "f.json")
    [note] = [i for i in found["data_quality"] if i["sheet"] == "inventory.csv"]
    assert "not a Hyper-V object export reportgen knows" in note["message"]


def test_a_configuration_version_excel_turned_into_a_date_is_named_and_not_compared(cli: Any,
                                                                                    tmp_path: Path) -> None:
    """A de-DE Excel reads '9.1' as 9 January and saves '09. Jan': before, HYV-14 skipped that VM without a word and
    stayed assessed."""
    folder = tmp_path / "loose"
    shutil.copytree(LOOSE, folder)

    def dated(rows: list[list[str]]) -> list[list[str]]:
        at = rows[0].index("Version")
        return [rows[0], [*rows[1][:at], "09. Jan", *rows[1][at + 1:]], *rows[2:]]
    _rewrite(folder / "vms-hvsa01.csv", dated)
    found = _audit(cli, folder, tmp_path / "f.json")
    [note] = [i for i in found["data_quality"] if i["column"] == "Version" and "not understood" in i["message"]]
    assert (note["sheet"], note["row"]) == ("vms-hvsa01.csv", 3)
    assert "1 value(s) not understood (e.g. '09. Jan'); read as unknown" in note["message"]
    hyv14 = {c["rule"]: c for c in found["coverage"]}["HYV-14"]
    assert hyv14["status"] == "not-assessed"
    assert "Get-VM column 'Version' has values reportgen cannot read" in hyv14["reason"]
