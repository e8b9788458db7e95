"""Writing a results folder all at once or not at all.

A folder of results is trusted as a whole (``summary.json`` next to the ``monthly.parquet``
it summarises), so it must never mix two runs or hold a truncated file. Everything is written
into a hidden temporary folder beside the target (same parent, hence same file system) and
renamed into place only when complete; a run it replaces is moved aside first and deleted
last. The target is checked before any simulating, so a bad ``--out`` costs seconds, not the
whole run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from sim.errors import InputError

PARTIAL = ".partial-"  # marks our temporary folders: ".<name>.partial-XXXX"


def check_target(folder: Path, force: bool, option: str = "--out") -> None:
    """Refuse (:class:`InputError`) a target that could not take a new results folder.

    Refused: an existing file; an existing non-empty folder unless ``force``; a parent that
    is not a folder or in which nothing can be created (checked by creating and removing a
    temporary folder there, since permission bits say nothing for root or read-only mounts).
    """
    folder = Path(folder)
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir():
            raise InputError(f"{option}: {folder} exists and is not a folder")
        entries = sorted(p.name for p in folder.iterdir())
        if entries and not force:
            shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
            raise InputError(
                f"{option}: {folder} already holds files ({shown}); give --force to replace "
                "it, or choose another folder"
            )
    parent = _existing_ancestor(folder.absolute().parent)
    if not parent.is_dir():
        raise InputError(f"{option}: cannot create {folder}: {parent} is not a folder")
    try:
        with _signals_deferred():  # a stop between the two would leave the probe behind
            probe = tempfile.mkdtemp(prefix=f".{folder.name}.probe-", dir=parent)
            os.rmdir(probe)
    except OSError as exc:
        raise InputError(
            f"{option}: cannot write {folder}: {exc.strerror or exc} in {parent}"
        ) from None


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


WRITTEN = "written"  # note on a stop that landed after the new folder was put in place


def write_folder(folder: Path, write: Callable[[Path], None], force: bool = False) -> None:
    """Call ``write(tmp)`` to fill a temporary folder, then put it at ``folder`` atomically.

    On any error or interruption (Ctrl-C, SIGTERM) the temporary folder is removed and what
    was at ``folder`` before is left as it was. With ``force`` an existing folder is
    replaced; without it a non-empty one is refused (as in :func:`check_target`).
    """
    folder = Path(folder)
    check_target(folder, force)
    folder.absolute().parent.mkdir(parents=True, exist_ok=True)
    tmp: Path | None = None
    swapped = False
    try:
        with _signals_deferred():  # a stop lands once ``tmp`` is known, so it is removed
            tmp = Path(
                tempfile.mkdtemp(prefix=f".{folder.name}{PARTIAL}", dir=folder.absolute().parent)
            )
        write(tmp)
        _sync(tmp)
        with _signals_deferred():
            _swap(tmp, folder)
            swapped = True
    except BaseException as exc:
        if swapped:  # the stop came during the swap and lands after it: the new run is there
            exc.add_note(WRITTEN)
        elif tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise


def _sync(folder: Path) -> None:
    """Flush the files to disk before the rename makes them visible (a power cut after the
    rename must not leave a complete-looking folder of empty files)."""
    for path in folder.iterdir():
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _swap(tmp: Path, folder: Path) -> None:
    """Rename ``tmp`` to ``folder``; an existing ``folder`` is moved aside, then deleted."""
    if not (folder.exists() or folder.is_symlink()):
        os.rename(tmp, folder)
        return
    old = folder.with_name(f".{folder.name}.old-{uuid.uuid4().hex[:8]}")
    os.rename(folder, old)
    try:
        os.rename(tmp, folder)
    except BaseException:
        os.rename(old, folder)
        raise
    if old.is_symlink():
        old.unlink()
    else:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the two renames, so that a stop lands before or after the
    swap, never between them (when the old run is aside and the new one not yet in place).

    Only the main thread can set handlers; elsewhere (e.g. a Streamlit script thread) the
    swap runs unprotected, which is as before.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in previous:
        signal.signal(s, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        for s, handler in previous.items():
            if handler is not None:  # None: set outside Python; nothing to restore
                signal.signal(s, handler)
        if caught:
            signal.raise_signal(caught[0])  # now handled as it would have been
