"""vTPM facts of a Hyper-V export: which VMs have a virtual TPM (Get-VMSecurity), the guardians of each
such VM's key protector (Get-VMKeyProtector, decoded by the collector with ConvertTo-HgsKeyProtector), and
the guardians each host holds (Get-HgsGuardian) and its HGS client mode (Get-HgsClientConfiguration).

A guardian is matched by the thumbprint of its encryption certificate, never by its name: every host in
local mode has its own guardian called 'UntrustedGuardian'. Unknown stays unknown: a VM without a
key-protector row has no guardian list, and a host has none unless Get-HgsGuardian rows name it or the
collector's manifest says it was read there completely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from . import hyperv_values as H
from . import values as V
from .hyperv_affinity import ok_nodes

if TYPE_CHECKING:
    from .hyperv_map import HyperVMapper

SECURITY, PROTECTORS, GUARDIANS, CLIENT = ("Get-VMSecurity", "Get-VMKeyProtector", "Get-HgsGuardian",
                                           "Get-HgsClientConfiguration")
HGS_MODES = {"local": "local", "hostguardianservice": "hgs", "1": "local", "2": "hgs"}
"""Get-HgsClientConfiguration Mode as the cmdlet shows it, or as the number of MSFT_HgsClientConfiguration's
uint16 Mode (documented: 1 Local Mode, 2 Secure Hosting Service Mode, i.e. Host Guardian Service; 0 Unknown
stays unknown)."""
_LIST = pl.List(pl.String)


def vm_security(m: HyperVMapper, guests: pl.DataFrame) -> pl.DataFrame:
    """``guests`` with ``tpm_enabled``, ``shielded``, ``key_guardians`` and ``key_guardian_names``."""
    guests = guests.with_columns(tpm_enabled=pl.lit(None, pl.Boolean), shielded=pl.lit(None, pl.Boolean),
                                 key_guardians=pl.lit(None, _LIST), key_guardian_names=pl.lit(None, _LIST))
    f = m.obj(SECURITY)
    if f is not None and "TpmEnabled" in f.columns:
        m.unparsed(SECURITY, f, {c: V.boolean(c) for c in ("TpmEnabled", "Shielded") if c in f.columns})
        rows = m.attach(SECURITY, f, guests).select(
            "guest_key", __tpm=H.boolean(f, "TpmEnabled"), __shielded=H.boolean(f, "Shielded")
        ).unique(subset=["guest_key"], keep="first")
        m.used[SECURITY] = rows.height
        guests = guests.join(rows, on="guest_key", how="left").with_columns(
            tpm_enabled=pl.col("__tpm"), shielded=pl.col("__shielded")).drop("__tpm", "__shielded")
    f = m.obj(PROTECTORS)
    if f is not None and "OwnerThumbprint" in f.columns:
        rows = m.attach(PROTECTORS, f, guests).select(
            "guest_key",
            __thumbs=pl.concat_list(_split(f, "OwnerThumbprint", upper=True), _split(f, "GuardianThumbprints", upper=True)),
            __names=pl.concat_list(_split(f, "Owner"), _split(f, "Guardians")),
        ).unique(subset=["guest_key"], keep="first")
        m.used[PROTECTORS] = rows.height
        guests = guests.join(rows, on="guest_key", how="left").with_columns(
            key_guardians=pl.col("__thumbs"), key_guardian_names=pl.col("__names")).drop("__thumbs", "__names")
    return guests


def host_guardians(m: HyperVMapper) -> pl.DataFrame:
    """Per host key: ``guardians`` (thumbprints held with their private keys; empty: none; null: not read)
    and ``hgs_mode`` (local / hgs; null: unknown)."""
    schema: dict[str, pl.DataType] = {"host_key": pl.String(), "guardians": _LIST, "hgs_mode": pl.String()}
    frames = []
    f = m.obj(GUARDIANS)
    if f is not None and {"ComputerName", "EncryptionThumbprint"} <= set(f.columns):
        # A guardian whose private signing key is absent (an HGS's, or one imported without its keys) unlocks nothing.
        private = H.boolean(f, "HasPrivateSigningKey") if "HasPrivateSigningKey" in f.columns else pl.lit(None, pl.Boolean)
        rows = f.select(host_key=H.host_key(V.text("ComputerName")), thumb=_thumb(H.text(f, "EncryptionThumbprint")),
                        private=private).filter(pl.col("host_key").is_not_null())
        m.used[GUARDIANS] = rows.height
        read = pl.DataFrame({"node": ok_nodes(m.raw.manifest, GUARDIANS)}, schema={"node": pl.String})
        known = pl.concat([rows.select("host_key"), read.select(host_key=H.host_key(pl.col("node")))]).unique(
            maintain_order=True)
        held = rows.filter(pl.col("thumb").is_not_null() & pl.col("private").fill_null(True)).group_by(
            "host_key").agg(guardians=pl.col("thumb").unique(maintain_order=True))
        frames.append(known.join(held, on="host_key", how="left").with_columns(
            guardians=pl.col("guardians").fill_null(pl.lit([], _LIST))))
    f = m.obj(CLIENT)
    if f is not None and {"ComputerName", "Mode"} <= set(f.columns):
        m.unparsed(CLIENT, f, {"Mode": V.enum("Mode", HGS_MODES)})
        modes = f.select(host_key=H.host_key(V.text("ComputerName")), hgs_mode=V.enum("Mode", HGS_MODES)).filter(
            pl.col("host_key").is_not_null()).unique(subset=["host_key"], keep="first")
        m.used[CLIENT] = modes.height
        frames.append(modes)
    if not frames:
        return pl.DataFrame(schema=schema)
    out = frames[0]
    for other in frames[1:]:
        out = out.join(other, on="host_key", how="full", coalesce=True)
    for column, dtype in schema.items():
        if column not in out.columns:
            out = out.with_columns(pl.lit(None, dtype).alias(column))
    return out.select(list(schema))


def _split(f: pl.DataFrame, column: str, upper: bool = False) -> pl.Expr:
    """'a; b' -> ['a', 'b']; an empty cell -> []; no column -> []."""
    if column not in f.columns:
        return pl.lit([], _LIST)
    parts = H.text(f, column).fill_null("").str.split(";").list.eval(
        pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != ""))
    return parts.list.eval(_thumb(pl.element())) if upper else parts


def _thumb(expr: pl.Expr) -> pl.Expr:
    """A thumbprint in one spelling: upper case hex without spaces."""
    return expr.str.replace_all(r"\s", "").str.to_uppercase()
