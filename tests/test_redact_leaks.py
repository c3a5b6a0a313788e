"""--redact tested like an anonymiser: no value of the inputs in any output, on samples and real exports.

One redacted audit per input (module-scoped) writes the PDF, HTML, JSON, XLSX and a history
snapshot; each test looks for every identifying input value (:mod:`tests.leaks`) in one output.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportgen.cli import main
from tests.conftest import REAL, SAMPLES
from tests.leaks import Value, html_text, input_values, leaks, pdf_texts, xlsx_text

INPUTS: dict[str, tuple[Path, ...]] = {
    "vsphere": (SAMPLES / "rvtools" / "acme-vc01.xlsx",),
    "same-vcenter-twice": (SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "rvtools-csv" / "acme-vc01"),
    "hyperv-cluster": (SAMPLES / "hyperv" / "hyperv-3node.zip",),
    "hyperv-estate": (*sorted((SAMPLES / "hyperv" / "estate").glob("*.zip")), SAMPLES / "hyperv" / "loose"),
    "real-exports": tuple(sorted(REAL.glob("*.xlsx"))),
}
OUTPUTS = ("PDF text", "PDF metadata", "HTML", "JSON", "XLSX", "history")


@dataclass(frozen=True)
class Redacted:
    values: dict[str, Value]
    outputs: dict[str, str]
    stderr: str


_AUDITS: dict[str, Redacted] = {}


def audit(name: str, tmp_path_factory: pytest.TempPathFactory) -> Redacted:
    """The redacted audit of ``INPUTS[name]`` with every output, run once per test session."""
    if name in _AUDITS:
        return _AUDITS[name]
    inputs = INPUTS[name]
    if not inputs:
        pytest.skip("no real export (../shared/real-exports is absent)")
    out = tmp_path_factory.mktemp(name)
    config = out / "audit.toml"
    config.write_text('[redact]\nkey = "a secret of the firm"\n', encoding="utf-8")
    err = io.StringIO()
    code = main(["audit", *map(str, inputs), "--redact", "--config", str(config), "-q", "-o", str(out / "r.pdf"),
                 "--html", str(out / "r.html"), "--json", str(out / "r.json"), "--xlsx", str(out / "r.xlsx"),
                 "--history", str(out / "history")], stderr=err, stdout=io.StringIO())
    assert code == 0, err.getvalue()
    snapshots = list((out / "history").iterdir())
    assert len(snapshots) == 1
    outputs = {**pdf_texts(out / "r.pdf"), "HTML": html_text(out / "r.html"),
               "JSON": (out / "r.json").read_text(encoding="utf-8"), "XLSX": xlsx_text(out / "r.xlsx"),
               "history": snapshots[0].name + "\n" + snapshots[0].read_text(encoding="utf-8")}
    _AUDITS[name] = Redacted(input_values(inputs), outputs, err.getvalue())
    return _AUDITS[name]


@pytest.fixture(scope="module", params=list(INPUTS))
def redacted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Redacted:
    return audit(request.param, tmp_path_factory)


@pytest.mark.parametrize("output", OUTPUTS)
def test_no_input_value_in_the_output(redacted: Redacted, output: str) -> None:
    found = leaks(redacted.values, redacted.outputs[output], wrapped=output == "PDF text")
    assert not found, "\n".join(f"{v.text!r} (from {v.where})" for v in found[:20])


def test_the_inputs_hold_names_to_hide(redacted: Redacted) -> None:
    """The check has something to find: host and guest names and UUIDs are among the values."""
    assert len(redacted.values) > 50
    assert any("-" in v.text and len(v.text) == 36 for v in redacted.values.values())  # a UUID or VMId


def test_a_key_of_ones_own_gives_no_warning(redacted: Redacted) -> None:
    assert "warning: --redact without a redact.key" not in redacted.stderr


def test_the_check_finds_names_in_an_output_that_is_not_redacted(cli, tmp_path: Path) -> None:
    """Without --redact the same check fails: it can see a leak when there is one."""
    inputs = INPUTS["same-vcenter-twice"]
    assert cli(["audit", *inputs, "--json", tmp_path / "plain.json", "-q"]).code == 0  # JSON only: quick
    found = {v.text for v in leaks(input_values(inputs), (tmp_path / "plain.json").read_text(encoding="utf-8"))}
    assert {"hq-esx0101.acme.local", "hqsqlcl01-n1", "acme-vc01.acme.local", "HQ-PROD-01", "Backup status"} <= found


def test_the_same_vcenter_twice_is_said_with_pseudonyms(tmp_path_factory: pytest.TempPathFactory) -> None:
    document = json.loads(audit("same-vcenter-twice", tmp_path_factory).outputs["JSON"])
    said = [i["message"] for i in document["data_quality"] if "the same vCenter" in i["message"]]
    assert len(said) == 1
    assert "(server-" in said[0] and "VI SDK UUID uuid-" in said[0] and " in file-" in said[0], said[0]
