"""Outputs that never destroy anything.

Every file reportgen writes (report, data files, history snapshot) is first written to a
temporary file in its target's folder (``.report.pdf.<random>.tmp``) and renamed into place only
when everything asked for has been written: a full disk, an error or an interrupt leaves the
earlier files as they were and removes the temporaries. A rename within one folder is atomic,
so a reader sees the old file or the new one, never half of one.

:func:`check_targets` refuses, before anything is read or written, an output that would replace
one of the inputs (whatever the spelling, a symbolic link or a hard link) or that two outputs share.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from .errors import RenderError, UsageError


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """The permissions a replaced file keeps; a new file gets the usual ones (0666 less the umask)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def destination(target: str | os.PathLike[str]) -> Path:
    """Where writing ``target`` puts the file: a symbolic link is written through, as before."""
    path = Path(target)
    return path.resolve() if path.is_symlink() else path


class Staging:
    """Files written to temporaries next to their targets, renamed into place by :meth:`commit`.

    Used as a context manager, it removes whatever was not committed when the block ends, by an
    error or an interrupt as much as normally.
    """

    def __init__(self) -> None:
        self._steps: list[tuple[Path, Path]] = []
        """(from, to) renames, in the order :meth:`commit` makes them."""
        self._temporaries: dict[Path, Path] = {}
        """temporary -> target, for the messages."""
        self._folders: list[Path] = []
        """Folders made for this run's files, removed again if the run fails."""

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def reserve(self, target: str | os.PathLike[str]) -> Path:
        """A new empty temporary file for ``target``, in its folder; RenderError if it cannot be made."""
        final = destination(target)
        try:
            fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent or ".")
        except OSError as exc:
            raise RenderError(f"cannot write here: {exc.strerror}", where=str(target),
                              hint="check that the folder exists and can be written") from exc
        temporary = Path(name)
        try:
            os.fchmod(fd, _mode_for(final))
        except OSError:
            pass  # the temporary's own permissions (0600) are safe if less convenient
        finally:
            os.close(fd)
        self._temporaries[temporary] = Path(target)
        self._steps.append((temporary, final))
        return temporary

    def make_folder(self, folder: Path) -> None:
        """Make ``folder`` (and its parents) for a file to come; :meth:`discard` removes what it made."""
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        self._folders += missing

    def move_aside(self, path: Path, aside: Path) -> None:
        """Rename ``path`` to ``aside`` at commit time, before the renames reserved after this call."""
        self._steps.append((path, aside))

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Errors raised while writing temporaries name their targets instead."""
        try:
            yield
        except RenderError as exc:
            raise self._named(exc) from exc

    def write(self, target: str | os.PathLike[str], write: Callable[[Path], object]) -> None:
        """Reserve a temporary for ``target`` and have ``write`` fill it."""
        temporary = self.reserve(target)
        with self.writing():
            write(temporary)

    def commit(self) -> None:
        """Rename every temporary into place, in the order they were reserved."""
        steps, self._steps = self._steps, []
        for done, (source, target) in enumerate(steps):
            try:
                os.replace(source, target)
            except OSError as exc:
                self._steps = steps[done + 1:]
                shown = self._temporaries.get(source, target)
                raise RenderError(f"cannot put the file in place: {exc.strerror}", where=str(shown)) from exc
            self._temporaries.pop(source, None)
        self._folders = []

    def discard(self) -> None:
        """Remove every temporary not committed (earlier files are left as they were)."""
        for temporary in list(self._temporaries):
            with contextlib.suppress(OSError):
                temporary.unlink()
        self._temporaries.clear()
        self._steps = []
        for folder in self._folders:  # the deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._folders = []

    def _named(self, exc: RenderError) -> RenderError:
        where, message = exc.where, exc.message
        for temporary, target in self._temporaries.items():
            where = where.replace(str(temporary), str(target)) if where else where
            message = message.replace(str(temporary), str(target))
        return RenderError(message, where=where, hint=exc.hint)


def write_atomically(target: str | os.PathLike[str], write: Callable[[Path], object]) -> None:
    """Have ``write`` fill a temporary next to ``target``, then rename it onto ``target``."""
    with Staging() as staging:
        staging.write(target, write)
        staging.commit()


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same place after links, or the same inode."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_targets(outputs: Mapping[str, str | None], inputs: Iterable[Path],
                  reads: Callable[[Path], bool] = lambda _: False) -> None:
    """UsageError if an output would replace an input, is shared by two outputs, or is not a file.

    ``outputs``: option -> path (None: not asked for); ``inputs``: every file the audit reads;
    ``reads``: whether a path that does not exist yet would be read by the audit (a file named
    like a tab, inside an export folder).
    """
    inputs = list(inputs)
    seen: list[tuple[str, Path]] = []
    for option, value in outputs.items():
        if not value:
            continue
        path = Path(value)
        for other, earlier in seen:
            if _same(path, earlier):
                raise UsageError(f"{other} and {option} name the same file", where=value,
                                 hint="give each output a path of its own")
        seen.append((option, path))
        if path.exists() and not path.resolve().is_file():
            raise UsageError(f"the {option} output is not a file (a folder or a device)", where=value,
                             hint="give the path of a file to write")
        for source in inputs:
            if _same(path, source):
                raise UsageError(f"the {option} output is an input of the audit ({source}); writing it would "
                                 "destroy it", where=value, hint="write the output somewhere else")
        if reads(path.resolve()):
            raise UsageError(f"the {option} output would be read as part of an export", where=value,
                             hint="write the output outside the export's folder")


def check_outputs(exports: Iterable[str | os.PathLike[str]], outputs: Mapping[str, str | None],
                  others: Iterable[str | os.PathLike[str] | None] = (), history: str | None = None) -> None:
    """Before anything is read or written: InputError for an export that cannot be read safely
    (:func:`~reportgen.importers.detect.detect`), UsageError for an output that would replace an
    export's file, the configuration, the logo or a history snapshot, or that two outputs share."""
    from .importers.detect import detect, export_files

    inputs = [Path(p) for p in others if p]
    readers: list[Callable[[Path], bool]] = []
    for export in exports:
        files, reads = export_files(Path(export), detect(Path(export)))
        inputs += files
        readers.append(reads)
    if history and Path(history).is_dir():
        inputs += sorted(Path(history).glob("*.json"))
    check_targets(outputs, inputs, lambda path: any(reads(path) for reads in readers))
