"""Evidence text as polars expressions: the rows and names of a group, "Label = value", and the
tab and rows a finding was read from (:func:`at_rows`, :func:`located`)."""

from __future__ import annotations

import polars as pl


def rows_text(column: str = "row", limit: int = 5) -> pl.Expr:
    """Aggregation: 'row 12' / 'rows 12, 13, 14 and 3 more' of the spreadsheet rows in a group."""
    rows = pl.col(column).drop_nulls().unique().sort()
    listed = rows.head(limit).cast(pl.String).str.join(", ")
    more = rows.len().cast(pl.Int64) - limit
    return (
        pl.when(rows.len() == 1).then(pl.concat_str(pl.lit("row "), listed))
        .otherwise(pl.concat_str(
            pl.lit("rows "), listed,
            pl.when(more > 0).then(pl.concat_str(pl.lit(" and "), more.cast(pl.String), pl.lit(" more")))
            .otherwise(pl.lit("")),
        ))
    )


def names_text(column: str = "name", limit: int = 4) -> pl.Expr:
    """Aggregation: 'a, b, c and 2 more' of distinct values in a group."""
    values = pl.col(column).drop_nulls().unique().sort()
    listed = values.head(limit).str.join(", ")
    more = values.len().cast(pl.Int64) - limit
    return pl.concat_str(
        listed,
        pl.when(more > 0).then(pl.concat_str(pl.lit(" and "), more.cast(pl.String), pl.lit(" more")))
        .otherwise(pl.lit("")),
    )


def at_rows(tab: str | pl.Expr, rows: pl.Expr) -> dict[str, pl.Expr]:
    """Columns ``source_tab`` and ``source_rows``: where a finding's evidence was read."""
    return {"source_tab": pl.lit(tab) if isinstance(tab, str) else tab, "source_rows": rows}


def at_row(tab: str, column: str = "row") -> dict[str, pl.Expr]:
    """:func:`at_rows` of one spreadsheet row: 'vInfo', 'row 12'."""
    return at_rows(tab, pl.concat_str(pl.lit("row "), pl.col(column).cast(pl.String)))


def located() -> pl.Expr:
    """Evidence text of the columns :func:`at_rows` made: 'vDisk rows 12, 13'."""
    return pl.concat_str(pl.col("source_tab"), pl.lit(" "), pl.col("source_rows"))


def value(label: str, column: str) -> pl.Expr:
    """Evidence fragment "Label = value" ('(empty)' for a null)."""
    return pl.concat_str(pl.lit(f"{label} = "), pl.col(column).cast(pl.String).fill_null("(empty)"))
