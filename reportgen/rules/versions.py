"""GEN-03: version gates. ESXi, VM hardware and RVTools versions as comparable numbers.

Versions are parsed with polars expressions so that gates apply to whole tables at once:
``esxi_number`` turns '5.5.0' or 'VMware ESXi 7.0.3 build-…' into 505 / 703 (major * 100 +
minor), ``hw_number`` turns 'vmx-19' or '19' into 19. A version that cannot be parsed is
null, and a gate on a null version is *unknown*, never passed.
"""

from __future__ import annotations

import polars as pl

from .records import Need, RuleInfo, Severity

ESXI_WSFC_VMOTION = 600
"""vSphere 6.0: first release supporting vMotion of WSFC nodes on physical-mode RDMs."""
HW_WSFC_VMOTION = 11
"""VM hardware version 11 (vSphere 6.0), required for that vMotion."""
ESXI_CLUSTERED_VMDK = 700
"""vSphere 7.0: clustered VMDK (physicalSharing on shared VMDKs on VMFS)."""

GEN03 = RuleInfo(
    id="GEN-03",
    title="Version gates could not be applied",
    severity=Severity.INFO,
    effects=frozenset(),
    summary=(
        "Some ties depend on versions (ESXi of the host, VM hardware version): physical bus sharing with "
        "physical-mode RDMs can be moved with vMotion from ESXi 6.0 and hardware 11, clustered VMDKs need "
        "ESXi 7.0. Where the export does not show the version, the tie is treated as blocking and this "
        "note says so."
    ),
    remediation=(
        "Export the vHost tab (ESX Version) and vInfo's HW version column, or check the versions of the "
        "hosts and guests named here by hand."
    ),
    references=(
        "https://knowledge.broadcom.com/external/article/316595/build-numbers-and-versions-of-vmware-esx.html",
    ),
    needs=(
        Need("vsphere", "vHost", ("ESX Version",), "the ESXi version of each host"),
        Need("vsphere", "vInfo", ("HW version",), "the VM hardware version of each guest"),
    ),
    detection=(
        "vHost 'ESX Version' (e.g. 'VMware ESXi 7.0.3 build-21930508') and vInfo 'HW version' ('vmx-19' or "
        "'19') are parsed for every guest that a version-gated rule (VMW-02, VMW-03) looks at."
    ),
)


def esxi_number(column: str) -> pl.Expr:
    """'VMware ESXi 7.0.3 build-…' or '7.0.3' -> 703; null when unparsable."""
    parts = pl.col(column).str.extract_groups(r"(\d+)\.(\d+)")
    major = parts.struct.field("1").cast(pl.Int32, strict=False)
    minor = parts.struct.field("2").cast(pl.Int32, strict=False)
    return major * 100 + minor


def hw_number(column: str) -> pl.Expr:
    """'vmx-19' or '19' -> 19; null when unparsable."""
    return pl.col(column).str.extract(r"(\d+)", 1).cast(pl.Int32, strict=False)


def esxi_text(number: pl.Expr) -> pl.Expr:
    """703 -> '7.0' (for evidence)."""
    return pl.concat_str((number // 100).cast(pl.String), pl.lit("."), (number % 100).cast(pl.String))

