"""Reading inputs within bounds: regular files only, inside the folder or archive given, never
larger than an export can be.

Every byte reportgen reads from an export goes through this module or through the sheet reader
(:mod:`.xlsx_read`, which streams a worksheet within :data:`MAX_SHEET_BYTES` and
:data:`MAX_ROW_BYTES`). A file is opened without blocking and checked on its open descriptor, so a
named pipe or a device named like a CSV is refused at once instead of hanging or filling memory.
A symbolic link is followed only when it stays inside the folder given. A zip archive is checked
from its central directory before anything is inflated, and each member again when it is read,
at every level (a workbook inside a zip is an archive of its own). The limits are far above
what RVTools or PowerShell write for the largest estates, and README publishes them.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import InputError

MiB = 1024**2
GiB = 1024**3

MAX_FILE_BYTES = 1 * GiB
"""A workbook or zip archive (on disk, or a workbook inflated from a zip into memory)."""
MAX_CSV_BYTES = 256 * MiB
"""A CSV file (on disk, or inflated from a zip); it is read whole."""
MAX_PART_BYTES = 256 * MiB
"""A workbook part that is read whole (shared strings, styles, the workbook's index)."""
MAX_SHEET_BYTES = 4 * GiB
"""One worksheet's XML, inflated (it is streamed, never held whole)."""
MAX_ROW_BYTES = 4 * MiB
"""One worksheet row's XML (RVTools writes rows of a few KiB)."""
MAX_CELL_CHARS = 32_767
"""One cell's text: Excel's own limit. Longer cells are cut to it, and the report says so."""
MAX_SHEET_TEXT_BYTES = 2 * GiB
"""The text of the columns read from one sheet (shared strings repeated many times add up)."""
MAX_INFLATED_BYTES = 16 * GiB
"""Everything in one zip archive or workbook, inflated."""
MAX_RATIO = 200
"""Inflated to compressed size of one archive member (real exports compress 5-20 times)."""
RATIO_FLOOR_BYTES = 64 * MiB
"""Members smaller than this are not checked for their ratio (tiny files compress well)."""
MAX_FINDINGS_BYTES = 1 * GiB
"""A findings JSON, read whole by ``check --from``, ``compare`` and ``accept-template`` alike (200,000 guests
write 24 MiB; the largest estates a few hundred MiB)."""
"""Members smaller than this are not checked for their ratio (tiny files compress well)."""

_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
"""The compression methods Excel, RVTools and PowerShell's Compress-Archive write."""


def size_text(size: int) -> str:
    """A byte count as people say it: 512 MiB, 3.2 GiB, 700 bytes."""
    if size >= GiB:
        return f"{size / GiB:.1f} GiB".replace(".0 ", " ")
    if size >= MiB:
        return f"{size / MiB:.1f} MiB".replace(".0 ", " ")
    return f"{size:,} bytes"


def kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is, for a message; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


NOT_A_FILE_HINT = "copy the export into a regular file first"
OUTSIDE_HINT = "copy the file into the export's folder instead of linking to it"


def _not_a_file(kind: str, where: str) -> InputError:
    return InputError(f"is {kind}, not a file; refused", where=where, hint=NOT_A_FILE_HINT)


def check_regular(path: Path, limit: int, where: str | None = None) -> os.stat_result:
    """The status of ``path`` (a symbolic link the user named is followed); InputError unless it
    is a regular file of at most ``limit`` bytes."""
    where = where or str(path)
    try:
        status = path.stat()
    except OSError as exc:
        raise InputError("no such file or folder", where=where, hint="check the path") from exc
    kind = kind_of(status.st_mode)
    if kind is not None:
        raise _not_a_file(kind, where)
    _check_size(status.st_size, limit, where)
    return status


def _check_size(size: int, limit: int, where: str) -> None:
    if size > limit:
        raise InputError(
            f"is {size_text(size)}, more than the {size_text(limit)} reportgen reads from one file; refused",
            where=where, hint="no RVTools or Hyper-V export is that large: check where the file came from",
        )


def open_regular(path: Path, limit: int, where: str, expect: os.stat_result | None = None) -> IO[bytes]:
    """Open a regular file for reading without blocking on a pipe; InputError if it is not one,
    is larger than ``limit``, or is no longer the file ``expect`` describes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"cannot be opened: {exc.strerror}", where=where, hint="check the path and its permissions") from exc
    try:
        status = os.fstat(fd)
        kind = kind_of(status.st_mode)
        if kind is not None:
            raise _not_a_file(kind, where)
        if expect is not None and (status.st_dev, status.st_ino) != (expect.st_dev, expect.st_ino):
            raise InputError("changed while it was being read; refused", where=where, hint="run the audit again")
        _check_size(status.st_size, limit, where)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return handle


def read_regular(path: Path, limit: int, where: str, expect: os.stat_result | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_regular`)."""
    with open_regular(path, limit, where, expect) as handle:
        return read_all(handle, limit, where)


def read_side_file(path: Path, limit: int, hint: str) -> bytes:
    """The bytes of a file given beside the exports (the configuration, an accept file, a findings JSON): like
    :func:`read_regular` (never a pipe or a device, at most ``limit`` bytes), with ``hint`` saying what to give."""
    where = str(path)
    try:
        return read_regular(path, limit, where)
    except InputError as exc:
        raise InputError(exc.message, where=where, hint=hint) from None


def read_findings_bytes(path: Path, hint: str) -> bytes:
    """The bytes of a findings JSON: a regular file of at most :data:`MAX_FINDINGS_BYTES`, for every command
    that reads one; a larger file is refused before it is read, naming both sizes in bytes."""
    where = str(path)
    limit = MAX_FINDINGS_BYTES
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", where=where, hint=hint) from exc
    if size > limit:
        raise InputError(f"is {size:,} bytes, more than any findings JSON reportgen writes ({limit:,} bytes, "
                         f"{size_text(limit)}, at most); refused", where=where, hint=hint)
    return read_side_file(path, limit, hint)


def read_all(handle: IO[bytes], limit: int, where: str) -> bytes:
    """The rest of an open file, refused if it holds more than ``limit`` bytes (it may have grown)."""
    try:
        data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", where=where, hint="copy it again") from exc
    _check_size(len(data), limit, where)
    return data


@dataclass(frozen=True)
class Entry:
    """One entry of an export folder, classified without opening it."""

    name: str
    """Path relative to the folder, with ``/``."""
    path: Path
    kind: str = "file"
    """``file`` (a regular file inside the folder, or a link to one), ``folder``, ``broken`` (a
    symbolic link to nothing), ``gone`` (vanished while listed): skipped and named; ``outside`` (a
    link out of the folder), ``special`` (a pipe, device or socket): refused if read."""
    detail: str = ""
    """What a ``special`` entry is, or where an ``outside`` link points."""
    status: os.stat_result | None = None
    """The file's status when listed (checked again when it is opened)."""

    @property
    def refused(self) -> bool:
        """Reading it is refused (exit 3) rather than skipped."""
        return self.kind in ("outside", "special")

    @property
    def problem(self) -> str | None:
        """Why the entry is not read, for a message; None for a file."""
        return {
            "file": None,
            "folder": "is a folder, not a file; skipped",
            "broken": "is a broken symbolic link; skipped",
            "gone": "disappeared while the folder was being read; skipped",
            "outside": f"is a symbolic link to {self.detail}, outside the folder given; refused",
            "special": f"is {self.detail}, not a file; refused",
        }[self.kind]

    def error(self, where: str) -> InputError:
        """Why the entry cannot be read, as the error to raise."""
        return InputError(str(self.problem), where=where, hint=OUTSIDE_HINT if self.kind == "outside" else
                          NOT_A_FILE_HINT if self.kind == "special" else "export it again")

    def read(self, limit: int, where: str) -> bytes:
        """The entry's bytes; InputError if it is not a regular file inside the folder."""
        if self.kind != "file":
            raise self.error(where)
        return read_regular(self.path, limit, where, self.status)


def _classify(root: Path, path: Path, name: str) -> Entry:
    try:
        link = path.lstat()
    except OSError:
        return Entry(name, path, "gone")
    if stat.S_ISDIR(link.st_mode):
        return Entry(name, path, "folder")
    if not stat.S_ISLNK(link.st_mode):
        kind = kind_of(link.st_mode)
        return Entry(name, path, status=link) if kind is None else Entry(name, path, "special", kind)
    try:
        target = path.resolve(strict=True)
        status = target.stat()
    except (OSError, RuntimeError):
        return Entry(name, path, "broken")
    if not target.is_relative_to(root):
        return Entry(name, path, "outside", str(target))
    kind = kind_of(status.st_mode)
    if kind == "a folder":
        return Entry(name, path, "folder")  # a link to a folder is not followed
    if kind is not None:
        return Entry(name, path, "special", f"a symbolic link to {kind}")
    return Entry(name, path, status=status)


def folder_entries(folder: Path, recursive: bool = False) -> list[Entry]:
    """Every entry of ``folder`` (and its sub-folders when ``recursive``), sorted by name.

    Nothing is opened. Sub-folders reached through symbolic links are not followed, and a folder
    named like a CSV is an entry (to be named and skipped), not a folder to walk.
    """
    root = folder.resolve()
    entries: list[Entry] = []
    pending = [(folder, "")]
    while pending:
        current, prefix = pending.pop()
        try:
            children = sorted(current.iterdir())
        except OSError as exc:
            raise InputError(f"cannot be listed: {exc.strerror}", where=str(current),
                             hint="check the folder's permissions") from exc
        for child in children:
            entry = _classify(root, child, prefix + child.name)
            if entry.kind == "folder" and recursive and not child.is_symlink() \
                    and not child.name.lower().endswith(".csv"):
                pending.append((child, entry.name + "/"))
            else:
                entries.append(entry)
    return sorted(entries, key=lambda e: e.name)


_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # a zip archive (an xlsx is one), or an empty one


def is_zip(head: bytes) -> bool:
    """Whether a file that starts with ``head`` is a zip archive (an xlsx workbook is one)."""
    return head[:4] in _ZIP


@contextmanager
def open_export(path: Path, where: str) -> Iterator[zipfile.ZipFile | IO[bytes]]:
    """An export file given on the command line, opened within :data:`MAX_FILE_BYTES`: a zip archive
    checked from its central directory (nothing inflated yet), else the plain file at its start."""
    with open_regular(path, MAX_FILE_BYTES, where) as handle:
        zipped = is_zip(handle.read(4))
        handle.seek(0)
        if not zipped:
            yield handle
            return
        check_archive(handle, where)
        handle.seek(0)
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"cannot read the zip archive: {exc}", where=where, hint="copy it again") from exc
        with archive:
            yield archive


def check_archive(source: Path | IO[bytes], where: str | None = None) -> list[str]:
    """The names in a zip archive; InputError if it is damaged or would inflate beyond bounds.

    Reads only the central directory: nothing is inflated here.
    """
    where = where or str(source)
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            "is damaged or truncated (not a complete zip archive)", where=where,
            hint="copy or export it again; a workbook cut short by a transfer cannot be read",
        ) from exc
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise InputError(
                f"would inflate '{info.filename}' from {info.compress_size:,} to {info.file_size:,} bytes, "
                "which no real export does; refused", where=where,
                hint="check where the file came from; export it again from RVTools",
            )
    if total > MAX_INFLATED_BYTES:
        raise InputError(
            f"would inflate to {size_text(total)}, more than the {size_text(MAX_INFLATED_BYTES)} reportgen "
            "reads from one archive; refused", where=where,
            hint="split the export per vCenter, or check where the file came from",
        )
    return [member_name(i.filename) for i in infos]


def is_symlink_member(info: zipfile.ZipInfo) -> bool:
    """Whether a zip member was stored as a symbolic link (Unix mode in the external attributes)."""
    return stat.S_ISLNK(info.external_attr >> 16)


def check_member(info: zipfile.ZipInfo, limit: int, where: str) -> None:
    """InputError unless the member can be inflated within ``limit`` bytes by a method exports use."""
    if info.flag_bits & 0x1:
        raise InputError("is encrypted (a password-protected zip entry); refused", where=where,
                         hint="zip the export again without a password")
    if info.compress_type not in _METHODS:
        raise InputError(f"is compressed with a method exports do not use (zip method {info.compress_type}); refused",
                         where=where, hint="zip the export again with the standard (deflate) method")
    if info.file_size > limit:
        raise InputError(
            f"would inflate to {size_text(info.file_size)}, more than the {size_text(limit)} reportgen reads "
            "from one file; refused", where=where,
            hint="no RVTools or Hyper-V export is that large: check where the file came from",
        )


def member_target(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> zipfile.ZipInfo:
    """The member itself, or the member a symbolic-link member points to inside the archive."""
    seen = 0
    while is_symlink_member(info):
        seen += 1
        try:
            link = archive.read(info)[:4096].decode("utf-8")
        except (zipfile.BadZipFile, zlib.error, UnicodeDecodeError, OSError, EOFError) as exc:
            raise InputError("is a damaged symbolic link inside the archive", where=where) from exc
        base = info.filename.rsplit("/", 1)[0] + "/" if "/" in info.filename else ""
        target = os.path.normpath(base + link).replace(os.sep, "/") if not link.startswith("/") else None
        found = archive.NameToInfo.get(target) if target and not target.startswith("../") else None
        if found is None or seen > 8:
            raise InputError(f"is a symbolic link to {link!r}, which is not a file inside the archive; refused",
                             where=where, hint="zip the export's files themselves")
        info = found
    return info


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, where: str) -> bytes:
    """The inflated bytes of one member, within ``limit``; InputError if it cannot be read."""
    info = member_target(archive, info, where)
    check_member(info, limit, where)
    try:
        return archive.read(info)  # zipfile never inflates beyond the member's declared size
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise InputError(f"is damaged inside the archive ({exc})", where=where,
                         hint="copy or export it again; the archive may be cut short") from exc


def member_name(name: str) -> str:
    """A member's name with '/' between folders, also where the archive was written with Windows' '\\' (as
    Compress-Archive of Windows PowerShell 5.1 writes a folder's files: 'export\\RVTools_tabvInfo.csv')."""
    return name.replace("\\", "/")


def archive_files(archive: zipfile.ZipFile) -> Sequence[zipfile.ZipInfo]:
    """The members that are files (not folders), in name order, each named by :func:`member_name`."""
    for info in archive.infolist():
        info.filename = member_name(info.filename)  # zipfile checks the member's own header by orig_filename
    return sorted((i for i in archive.infolist() if not i.is_dir()), key=lambda i: i.filename)
