"""The accept file: what a valid entry holds, what is refused (and how the refusal names the entry and key),
and each status on a given day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reportgen.accept import AcceptEntry, load_acceptances, parse_acceptances
from reportgen.errors import ConfigError

SIGN_OFF = 'reason = "vendor support needs RDM"\nowner = "dba team"\napproved_by = "CAB"\nexpires = 2027-03-31\n'


def test_an_entry_with_every_key_is_read() -> None:
    text = ('# quarterly sign-off\n\n[[accept]]\nguests = ["sql01", "sql02"]\nids = ["vc/vm-1", "vc/vm-2"]\n'
            'host = "esx01*"\ncluster = "Prod"\nrule = "VMW-*"\ncause = "san*"\nticket = "CHG-1"\n' + SIGN_OFF)
    (entry,) = parse_acceptances(text)
    assert entry == AcceptEntry(position=1, line=3, guests=("sql01", "sql02"), host="esx01*", cluster="Prod",
                                rule="VMW-*", cause="san*", ids=("vc/vm-1", "vc/vm-2"),
                                reason="vendor support needs RDM", owner="dba team", approved_by="CAB",
                                expires=dt.date(2027, 3, 31), ticket="CHG-1")
    assert entry.what == "guests sql01, sql02; host esx01*; cluster Prod; rule VMW-*; cause san*"


@pytest.mark.parametrize("key", ["reason", "owner", "approved_by", "expires"])
def test_an_entry_without_a_sign_off_key_is_refused_naming_entry_and_key(key: str) -> None:
    kept = "".join(line + "\n" for line in SIGN_OFF.splitlines() if not line.startswith(key))
    text = f'[[accept]]\nguest = "a"\n{SIGN_OFF}\n[[accept]]\nguest = "web*"\n{kept}'
    with pytest.raises(ConfigError) as caught:
        parse_acceptances(text, "accept.toml")
    assert str(caught.value).startswith(f"accept.toml: entry 2 (line 8: guest = \"web*\"): key '{key}' is missing")


def test_an_empty_sign_off_text_counts_as_missing() -> None:
    with pytest.raises(ConfigError, match="entry 1 .*key 'owner'"):
        parse_acceptances('[[accept]]\nguest = "a"\n' + SIGN_OFF.replace('"dba team"', '""'))


@pytest.mark.parametrize(("body", "message"), [
    ('gest = "sql01"\n', "unknown key 'gest'"),
    ('', "says nothing it accepts"),
    ('guest = 3\n', "key 'guest' must be a text in quotes"),
    ('guest = " "\n', "key 'guest' is empty"),
    ('guests = []\n', "key 'guests' must be a list of non-empty texts"),
    ('guests = ["a", "b"]\nids = ["x"]\n', "key 'ids' must give one identity per guest"),
])
def test_a_malformed_entry_is_refused(body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=f"entry 1 \\(line 1: .*\\): {message}"):
        parse_acceptances("[[accept]]\n" + body + SIGN_OFF)


def test_expires_must_be_a_toml_date() -> None:
    with pytest.raises(ConfigError, match="key 'expires' must be a TOML date"):
        parse_acceptances('[[accept]]\nguest = "a"\n' + SIGN_OFF.replace("2027-03-31", '"2027-03-31"'))
    with pytest.raises(ConfigError, match="key 'expires' must be a TOML date"):
        parse_acceptances('[[accept]]\nguest = "a"\n' + SIGN_OFF.replace("2027-03-31", "2027-03-31T10:00:00"))


def test_invalid_toml_and_other_tables_are_refused() -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_acceptances("[[accept]\n")
    with pytest.raises(ConfigError, match="unknown key 'except'"):
        parse_acceptances("[[except]]\n")


def test_an_empty_file_accepts_nothing() -> None:
    assert parse_acceptances("# nothing accepted yet\n") == ()


@pytest.mark.parametrize(("matched", "expires", "status"), [
    (3, dt.date(2027, 1, 1), "active"),
    (3, dt.date(2026, 5, 30), "due"),  # 90 days after 2026-03-01
    (3, dt.date(2026, 5, 31), "active"),
    (3, dt.date(2026, 3, 1), "due"),  # the last day it accepts
    (3, dt.date(2026, 2, 28), "expired"),
    (0, dt.date(2027, 1, 1), "stale"),
    (0, dt.date(2020, 1, 1), "stale"),
])
def test_status_on_the_audit_day(matched: int, expires: dt.date, status: str) -> None:
    entry = AcceptEntry(position=1, line=1, guest="a", reason="r", owner="o", approved_by="a", expires=expires)
    assert entry.status(matched, dt.date(2026, 3, 1)) == status


ENTRY = '[[accept]]\nguest = "hqdb02"\n' + SIGN_OFF


def test_a_bracket_is_no_wildcard_only_star_and_question_mark_are() -> None:
    from reportgen.accept import matches

    assert matches("web[1]", "WEB[1]")
    assert not matches("web[1]", "web1")
    assert not matches("hq[a-z]*", "hqdb02")
    assert matches("hq*0?", "hqdb02") and matches("**", "anything")
    assert matches("web[*]1", "web*1") and not matches("web[*]1", "web21")
    assert matches("what[?]", "what?") and matches("a[[]b]", "a[b]")


def test_a_byte_order_mark_is_read_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "accept.toml"
    path.write_bytes(b"\xef\xbb\xbf" + ENTRY.encode())
    (entry,) = load_acceptances(path).entries
    assert (entry.guest, entry.line) == ("hqdb02", 1)


def test_a_file_not_in_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "accept.toml"
    path.write_bytes(ENTRY.replace("vendor", "caf\xe9 vendor").encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        load_acceptances(path)
    assert str(caught.value) == f"{path}: line 3 is not UTF-8 text (byte 0xE9) (save the file as UTF-8)"


def test_a_folder_or_a_findings_json_is_refused_as_no_accept_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder, not an accept file"):
        load_acceptances(tmp_path)
    json_file = tmp_path / "findings.json"
    json_file.write_text('{\n  "schema_version": 1\n}\n')
    with pytest.raises(ConfigError, match="is a JSON file, not an accept file.*accept-template"):
        load_acceptances(json_file)


@pytest.mark.parametrize(("written", "shown"), [
    ('"2027-03-31"', 'the text "2027-03-31"'),
    ("2027-03-31T10:00:00", "the date and time 2027-03-31T10:00:00"),
    ("10:00:00", "the time 10:00:00"),
    ("20270331", "the number 20270331"),
])
def test_an_expiry_that_is_no_date_says_what_was_written(written: str, shown: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_acceptances(ENTRY.replace("2027-03-31", written))
    assert str(caught.value).endswith(f"key 'expires' must be a TOML date such as 2027-03-31 (without quotes), "
                                      f"got {shown}")
