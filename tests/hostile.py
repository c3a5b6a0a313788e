"""Hostile exports, built at test time and small on disk: zips whose members inflate to hundreds of
megabytes or more, without compressing those megabytes (a compressed block is repeated)."""

from __future__ import annotations

import base64
import random
import stat
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

MiB = 1024**2


@dataclass(frozen=True)
class Member:
    """A zip member: its name, raw deflate stream (or stored bytes), CRC and inflated size."""

    name: str
    data: bytes
    crc: int
    size: int
    method: int = 8
    symlink: bool = False


def deflated(name: str, content: bytes) -> Member:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, c.compress(content) + c.flush(), zlib.crc32(content), len(content))


def stored(name: str, content: bytes, symlink: bool = False) -> Member:
    return Member(name, content, zlib.crc32(content), len(content), method=0, symlink=symlink)


def repeated(name: str, head: bytes, block: bytes, count: int, tail: bytes, crc: bool = True) -> Member:
    """``head + block * count + tail``, deflated by repeating one fully flushed block.

    Without ``crc`` the checksum is left 0: for members refused before they are inflated.
    """
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    one = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(block) + c.flush(zlib.Z_FULL_FLUSH) == one  # a flushed block does not depend on the past
    last = c.compress(tail) + c.flush(zlib.Z_FINISH)
    checksum = 0
    if crc:
        checksum = zlib.crc32(head)
        for _ in range(count):
            checksum = zlib.crc32(block, checksum)
        checksum = zlib.crc32(tail, checksum)
    return Member(name, first + one * count + last, checksum, len(head) + len(block) * count + len(tail))


def write_zip(path: Path, members: list[Member]) -> Path:
    """A zip archive of ``members`` (sizes below 4 GiB each, no zip64)."""
    central = b""
    with path.open("wb") as out:
        for m in members:
            offset = out.tell()
            name = m.name.encode()
            out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, m.method, 0, 0x21,
                                  m.crc, len(m.data), m.size, len(name), 0))
            out.write(name)
            out.write(m.data)
            mode = (stat.S_IFLNK | 0o777) if m.symlink else (stat.S_IFREG | 0o644)
            central += struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, m.method, 0, 0x21,
                                   m.crc, len(m.data), m.size, len(name), 0, 0, 0, 0, mode << 16, offset) + name
        start = out.tell()
        out.write(central)
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), start, 0))
    return path


def noisy_block(size: int = MiB, seed: int = 1) -> bytes:
    """XML-safe text that deflates about 150 times: below the 200:1 guard, like a crafted export."""
    rnd = random.Random(seed)
    out = bytearray()
    while len(out) < size:
        out += b"lorem ipsum dolor sit amet "
        if rnd.random() < 0.001:
            out += base64.b64encode(rnd.randbytes(100))
    return bytes(out[:size])


VINFO_HEADER = ("VM", "Powerstate", "VM ID", "VI SDK Server", "VI SDK UUID")


def _cells(values: tuple[str, ...], row: int) -> bytes:
    return b"".join(f'<c r="{chr(65 + i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>'.encode()
                    for i, v in enumerate(values))


def workbook_members(sheet: Member) -> list[Member]:
    """The parts of an xlsx workbook around one sheet, vInfo, at xl/worksheets/sheet1.xml."""
    return [
        deflated("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/content-types"/>'),
        deflated("xl/workbook.xml", b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                 b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                 b'relationships"><sheets><sheet name="vInfo" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        deflated("xl/_rels/workbook.xml.rels", b'<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                 b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                 b'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                 b'</Relationships>'),
        sheet,
    ]


def one_huge_row_workbook(path: Path, row_mib: int = 512) -> Path:
    """A vInfo sheet whose second row is one cell of ``row_mib`` MiB of text, deflated about 150:1."""
    head = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData><row r=\"1\">" + _cells(VINFO_HEADER, 1) + b'</row><row r="2"><c r="A2" t="inlineStr"><is><t>')
    tail = b"</t></is></c></row></sheetData></worksheet>"
    sheet = repeated("xl/worksheets/sheet1.xml", head, noisy_block(), row_mib, tail)
    return write_zip(path, workbook_members(sheet))


def zeros_bomb_workbook(path: Path, gib: int = 3) -> Path:
    """A workbook whose sheet is ``gib`` GiB of zeros (about 1000:1): refused before it is inflated."""
    sheet = repeated("xl/worksheets/sheet1.xml", b"", bytes(MiB), gib * 1024, b"", crc=False)
    return write_zip(path, workbook_members(sheet))


def zipped(path: Path, *files: Path) -> Path:
    """A zip that stores ``files`` as they are (a workbook is compressed already)."""
    return write_zip(path, [stored(f.name, f.read_bytes()) for f in files])
