"""The canonical schema: conform() casts, fills optional columns and names what is missing."""

from __future__ import annotations

import pyarrow as pa
import pytest

from reportgen import schema
from reportgen.errors import SchemaError


def test_conform_orders_casts_and_fills_optional_columns() -> None:
    table = pa.table({"name": ["esx01"], "host_key": ["vc/esx01"], "platform": ["vsphere"],
                      "source_id": pa.array([0], pa.int64()), "cores": ["48"], "unknown": [1]})
    result = schema.conform("hosts", table)
    assert result.schema == schema.SCHEMAS["hosts"]
    row = result.to_pylist()[0]
    assert row["cores"] == 48 and row["cluster"] is None and "unknown" not in row


def test_conform_names_missing_required_columns() -> None:
    with pytest.raises(SchemaError) as err:
        schema.conform("guests", pa.table({"name": ["vm1"]}))
    text = str(err.value)
    assert "guest_key" in text and "platform" in text and "source_id" in text


def test_conform_rejects_nulls_in_required_columns_and_bad_casts() -> None:
    with pytest.raises(SchemaError, match="guest_key"):
        schema.conform("guests", pa.table({"guest_key": [None], "name": ["a"], "platform": ["vsphere"],
                                           "source_id": [0]}))
    with pytest.raises(SchemaError, match="vcpus"):
        schema.conform("guests", pa.table({"guest_key": ["k"], "name": ["a"], "platform": ["vsphere"],
                                           "source_id": [0], "vcpus": ["two"]}))


def test_every_table_has_a_schema_and_an_empty_form() -> None:
    for name in schema.TABLES:
        assert schema.empty(name).num_rows == 0
        assert any(not f.nullable for f in schema.SCHEMAS[name])


def test_unknown_table() -> None:
    with pytest.raises(SchemaError, match="unknown canonical table"):
        schema.conform("vms", pa.table({}))
