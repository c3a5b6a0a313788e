"""Short titles for vendor references, so that the report shows a clickable title, not a raw URL.

The title is made from the address itself (publisher, product version, guide or article), so a
reference added to the catalogue gets a title without anyone writing one.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_GUIDES = {
    "vsphere-windows-server-failover": "WSFC on vSphere",
    "com.vmware.vsphere.wsfc.doc": "WSFC on vSphere",
    "com.vmware.vsphere.mscs.doc": "MSCS on vSphere",
    "vsphere-resource-management": "resource management",
    "com.vmware.vsphere.resmgmt.doc": "resource management",
    "vsphere-networking": "networking",
    "com.vmware.vsphere.networking.doc": "networking",
    "com.vmware.vsphere.storage.doc": "storage",
    "vsphere-availability": "availability",
    "vsphere-vcenter-esxi-management": "vCenter and host management",
    "com.vmware.vsphere.vcenterhost.doc": "vCenter and host management",
    "vsphere-lifecycle-manager": "Lifecycle Manager",
    "com.vmware.vsphere-lifecycle-manager.doc": "Lifecycle Manager",
    "com.vmware.vsphere.vm_admin.doc": "virtual machine administration",
}
_PAGES = {
    "GUID-7291B20B-33A6-4E9C-A041-72ED68D385BB": "shared-storage support",
    "GUID-6AA6AECB-73D3-4B0F-9CAA-D5F9446D3601": "vMotion of clustered guests",
    "GUID-6BD834AE-69BB-4D0E-B0B6-7E176907E0C7": "limitations",
    "GUID-1F39CF51-CDA5-40B7-B5AA-8CBA37C65314": "DRS groups",
    "GUID-97B054E2-2EB0-4E10-855B-521A38776F39": "clustered VMDK",
    "GUID-26F7CA5F-61F2-4789-A24B-D09172BF040C": "vVols",
}
"""What a guide's page is about, where one guide's pages are cited side by side (their addresses say only a GUID)."""
MAX_TITLE = 70


def _words(slug: str) -> str:
    text = re.sub(r"\(.*?\)|\.html?$", "", slug).replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _short(text: str) -> str:
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1].rsplit(" ", 1)[0] + "…"


def reference_title(url: str) -> str:
    """'VMware vSphere 8.0: WSFC on vSphere', 'Broadcom KB 313527: Enabling or disabling …' and so on."""
    parts = urlsplit(url)
    host, path = parts.netloc.lower(), [p for p in parts.path.split("/") if p]
    if host == "docs.vmware.com" and len(path) >= 4:
        version, page = path[2], _PAGES.get(path[-1].removesuffix(".html").upper())
        guide = _GUIDES.get(path[3], _words(path[3]))
        return _short(f"VMware vSphere {version}: {guide}" + (f", {page}" if page else ""))
    if host == "developer.broadcom.com" and path:
        name = path[-1].removesuffix(".html").rsplit(".", 1)[-1]
        version = next((p for p in path if re.match(r"^\d", p)), "")
        return _short(f"vSphere API {version}: {name}".replace("  ", " "))
    if host == "knowledge.broadcom.com" and "article" in path:
        i = path.index("article")
        number = path[i + 1] if len(path) > i + 1 else ""
        slug = _words(path[i + 2]) if len(path) > i + 2 else ""
        return _short(f"Broadcom KB {number}: {slug}" if slug else f"Broadcom KB {number}")
    if host == "learn.microsoft.com" and path:
        last = path[-1]
        if path[0] == "previous-versions":
            return _short(f"Microsoft Learn: Windows Server 2012 R2 ({re.sub(r'[(].*', '', last)})")
        return _short(f"Microsoft Learn: {_words(last)}")
    if host.startswith("mskb.") and path:
        return f"Microsoft KB {path[-1]}"
    if host.startswith("blogs.vmware.com") and path:
        return _short(f"VMware blog: {_words(path[-1])}")
    return _short(host + ("/" + "/".join(path[:2]) if path else ""))


def titled_links(urls: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(title, address) per reference; titles repeated on one page are numbered."""
    seen: dict[str, int] = {}
    links = []
    for url in urls:
        title = reference_title(url)
        seen[title] = seen.get(title, 0) + 1
        links.append((title if seen[title] == 1 else f"{title} ({seen[title]})", url))
    return tuple(links)
