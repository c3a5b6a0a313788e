"""Generate the synthetic Hyper-V samples in this folder (deterministic: same bytes every run).

    python samples/hyperv/generate.py            # rewrite the samples
    python samples/hyperv/generate.py --check    # exit 1 if a committed sample differs

Writes:
- ``hyperv-3node.zip``: what ``reportgen collector hyperv`` writes on a 3-node failover cluster
  (UTF-8 CSVs with exactly the collector's columns, a manifest), with the ties described in README.md.
- ``estate/``: a larger estate, one collector bundle per cluster as the collector writes them: two
  4-node failover clusters (``hvcl-a.zip`` from Windows PowerShell 5.1, ``hvcl-b.zip`` from
  PowerShell 7) and a standalone host (``hvstd01.zip``).
- ``loose/``: CSVs as users make them by hand with ``Get-VM | Export-Csv`` on two standalone hosts,
  showing the Export-Csv quirks (``#TYPE`` line, every field quoted, ASCII / UTF-8 BOM / UTF-16,
  ``;`` from -UseCulture, culture-formatted dates, nested objects as type names, empty vs $null).

Property names and values follow the Hyper-V module's documented objects; names, GUIDs and
paths are invented.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from hyperv_estate import CLUSTER, LOOSE_HOSTS, NODES, cluster_estate, estate_bundles, loose_estate  # noqa: E402

ZIP_TIME = (2026, 3, 2, 9, 15, 0)


def collector_columns() -> dict[str, list[str]]:
    """The columns the collector writes per object, read from the shipped script itself."""
    from reportgen.collector import collector_script

    text = collector_script("hyperv")
    block = text[text.index("$Properties = [ordered]@{"): text.index("# -- end of the property list")]
    columns: dict[str, list[str]] = {}
    for name, body in re.findall(r"'([\w-]+)'\s*=\s*@\(([^)]*)\)", block):
        columns[name] = re.findall(r"'([^']+)'", body)
    return columns


def render(columns: list[str], rows: list[dict[str, object]], *, delimiter: str = ",",
           type_name: str | None = None) -> str:
    """Export-Csv text: every field quoted, $null (None) written as nothing, "" as ""."""
    lines = []
    if type_name:
        lines.append(f"#TYPE {type_name}")
    lines.append(delimiter.join(f'"{c}"' for c in columns))
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            if value is None:
                cells.append("")
            else:
                text = str(value).replace('"', '""')
                cells.append(f'"{text}"')
        lines.append(delimiter.join(cells))
    return "\r\n".join(lines) + "\r\n"


def bundle_bytes(objects: dict[str, list[dict[str, object]]] | None = None, cluster: str | None = CLUSTER,
                 nodes: tuple[str, ...] = NODES, powershell: str = "5.1.20348.2849") -> bytes:
    """A collector bundle as zip bytes (default: the 3-node cluster).

    Windows PowerShell 5.1 ('Export-Csv -Encoding UTF8', 'Out-File -Encoding UTF8') writes a byte
    order mark; PowerShell 7 writes UTF-8 without one. Cluster objects only exist on a cluster.
    """
    objects = cluster_estate() if objects is None else objects
    bom = b"\xef\xbb\xbf" if powershell.startswith("5.") else b""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        files: dict[str, int] = {}
        for name, cols in collector_columns().items():
            if cluster is None and name.startswith("Get-Cluster"):
                continue
            rows = objects.get(name, [])
            files[f"{name}.csv"] = len(rows)
            _add(archive, f"{name}.csv", bom + render(cols, rows).encode("utf-8"))
        manifest = {
            "collector": "reportgen Hyper-V collector", "collector_version": "2.0.0", "format": 2,
            "created": "2026-03-02T09:12:41.0000000Z", "finished": "2026-03-02T09:14:03.0000000Z", "complete": True,
            "run_on": nodes[0], "powershell": powershell, "culture": "en-US", "elevated": True,
            "hyperv_administrator": False,
            "preflight": [{"check": check, "ok": True, "message": ""} for check in ("elevated", "hyper-v module",
                                                                                  "cluster")],
            "partial_allowed": False, "clustered": cluster is not None, "cluster": cluster,
            "cluster_status": "ok" if cluster else "not-a-cluster", "cluster_error": "",
            "nodes_reached": list(nodes), "nodes_not_reached": [], "status": _status(objects, cluster, nodes),
            "files": files, "errors": [],
        }
        _add(archive, "manifest.json", bom + json.dumps(manifest, indent=4).encode("utf-8"))
    return buffer.getvalue()


# The column naming the node of each row, per object the collector reads node by node.
_NODE_COLUMN = {"Win32_Processor": "SystemName", "Win32_OperatingSystem": "CSName"}


def _status(objects: dict[str, list[dict[str, object]]], cluster: str | None,
            nodes: tuple[str, ...]) -> list[dict[str, object]]:
    """The manifest's status: every object read completely ('ok') on every node, and on the cluster."""
    records: list[dict[str, object]] = []
    for name in collector_columns():
        rows = objects.get(name, [])
        if name.startswith("Get-Cluster"):
            if cluster is not None:
                records.append({"object": name, "node": cluster, "status": "ok", "rows": len(rows), "errors": 0,
                                "message": None})
            continue
        column = _NODE_COLUMN.get(name, "ComputerName")
        for node in nodes:
            count = sum(1 for row in rows if str(row.get(column) or "").upper() == node.upper())
            records.append({"object": name, "node": node, "status": "ok", "rows": count, "errors": 0,
                            "message": None})
    return records


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def loose_files() -> dict[str, bytes]:
    """Hand-made exports from two standalone hosts, one quirk or more per file."""
    est = loose_estate()
    out: dict[str, bytes] = {}
    # HVSA01, en-US, Windows PowerShell 5.1 defaults: #TYPE line, ASCII, every field quoted.
    vm_cols = est["vm_columns"]
    out["vms-hvsa01.csv"] = render(vm_cols, est["vms"][LOOSE_HOSTS[0]],
                                   type_name="Microsoft.HyperV.PowerShell.VirtualMachine").encode("ascii", "replace")
    # HVSA02, de-DE: -UseCulture (';'), -Encoding UTF8 (BOM), German dates and decimals.
    out["vms-hvsa02.csv"] = b"\xef\xbb\xbf" + render(
        vm_cols, est["vms"][LOOSE_HOSTS[1]], delimiter=";",
        type_name="Microsoft.HyperV.PowerShell.VirtualMachine").encode("utf-8")
    # Disks of both hosts: PowerShell 7 defaults (no #TYPE, UTF-8 without BOM).
    out["disks.csv"] = render(est["disk_columns"], est["disks"]).encode("utf-8")
    # NICs: -Encoding Unicode (UTF-16 LE with BOM), after Select-Object (Selected.* type name).
    out["nics.csv"] = ("\ufeff" + render(est["nic_columns"], est["nics"],
                                         type_name="Selected.Microsoft.HyperV.PowerShell.VMNetworkAdapter")
                       ).encode("utf-16-le")
    # Switches: ASCII, #TYPE, all properties.
    out["switches.csv"] = render(est["switch_columns"], est["switches"],
                                 type_name="Microsoft.HyperV.PowerShell.VMSwitch").encode("ascii")
    out["dvd.csv"] = render(est["dvd_columns"], est["dvds"]).encode("utf-8")
    return out


def write(check: bool) -> int:
    targets = {HERE / "hyperv-3node.zip": bundle_bytes()}
    # The larger estate: cluster A and the standalone host as Windows PowerShell 5.1 wrote them, B as 7.
    for name, (cluster, nodes, objects) in estate_bundles().items():
        shell = "7.4.6" if name == "hvcl-b" else "5.1.17763.6414" if name == "hvstd01" else "5.1.20348.2849"
        targets[HERE / "estate" / f"{name}.zip"] = bundle_bytes(objects, cluster, nodes, shell)
    targets.update({HERE / "loose" / name: data for name, data in loose_files().items()})
    stale = []
    for path, data in targets.items():
        if check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if stale:
        print("out of date: " + ", ".join(str(p.relative_to(HERE)) for p in stale), file=sys.stderr)
        return 1
    if not check:
        print(f"wrote {len(targets)} files under {HERE}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed samples, write nothing")
    return write(parser.parse_args().check)


if __name__ == "__main__":
    raise SystemExit(main())
