"""Reading sources strictly and writing outputs atomically."""
from __future__ import annotations

import errno
import os
import secrets
import tempfile
from pathlib import Path

from pipeline.errors import UserError


def limit_bytes(max_mb: float) -> int:
    """How many bytes to read at most: one more than ``max_mb`` allows, so that too much shows."""
    return int(max_mb * 1024 * 1024) + 1


def _utf16_without_bom(data: bytes) -> bool:
    """Mostly-Latin UTF-16 text without a byte order mark: every other byte, and only those, is NUL."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    return len(data) >= 2 and len(data) % 2 == 0 and min(even, odd) == 0 and max(even, odd) >= 0.9 * len(data) / 2


def decode_source(data: bytes, name: str, max_mb: float) -> str:
    """The text of an issue (read with at most ``limit_bytes``), or a UserError saying why it cannot be one."""
    if len(data) > max_mb * 1024 * 1024:
        raise UserError(f"{name}: more than the {max_mb:g} MB input limit (segment.max_input_mb): split the file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        raise UserError(f"{name}: the file is UTF-16: convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)")
    if b"\x00" in data:
        raise UserError(f"{name}: looks like a binary file (contains NUL bytes): pass a Markdown or text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UserError(f"{name}: not valid UTF-8 (byte {error.start}): convert it to UTF-8") from None
    if not text.strip("\ufeff \t\r\n"):
        raise UserError(f"{name}: the file is empty: nothing to translate")
    return text


def read_source(path: Path, max_mb: float) -> str:
    try:
        if path.is_dir():
            raise UserError(f"{path}: is a directory: pass files, or a directory as the only input")
        size = path.stat().st_size
        if size > max_mb * 1024 * 1024:
            raise UserError(f"{path}: {size / 1048576:.1f} MB is over the {max_mb:g} MB input limit (segment.max_input_mb): split the file")
        with path.open("rb") as handle:  # bounded: a growing file or a device reports a size it does not keep
            data = handle.read(limit_bytes(max_mb))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except PermissionError:
        raise UserError(f"{path}: permission denied") from None
    return decode_source(data, str(path), max_mb)


def _keep_previous(path: Path, text: str) -> Path | None:
    """Hard-link an existing, different ``path`` to the first free `NAME.N.bak`; return it."""
    try:
        if not path.exists() or path.read_bytes() == text.encode("utf-8"):
            return None
    except OSError:
        return None
    for number in range(1, 10000):
        backup = path.with_name(f"{path.name}.{number}.bak")
        try:
            os.link(path, backup)
            return backup
        except FileExistsError:
            continue
    raise UserError(f"cannot keep the previous {path}: too many backups; move them away")


def _open_temp(path: Path) -> tuple[int, str | None]:
    """An unnamed file in ``path``'s folder (Linux O_TMPFILE: nothing is left if the process dies
    while writing), else a named temp file; returns the descriptor and the temp name, if any."""
    if hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd"):
        try:
            return os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o666), None
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                raise
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")


def _link(handle: int, name: Path) -> bool:
    """Give the complete unnamed file the name ``name``; False where a file has it already."""
    fds = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
    try:  # a dir fd makes os.link use linkat(AT_SYMLINK_FOLLOW), which links the open file itself
        os.link(str(handle), name, src_dir_fd=fds, follow_symlinks=True)
        return True
    except FileExistsError:
        return False
    finally:
        os.close(fds)


def _name_temp(handle: int, path: Path) -> str:
    """Give the complete unnamed file a temp name next to ``path`` (the step before the rename that replaces it)."""
    while not _link(handle, temp := path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")):
        pass
    return str(temp)


def write_atomic(path: Path, text: str, keep_previous: bool = True) -> Path | None:
    """Write ``text`` to ``path`` through a temp file and ``os.replace``: never a partial file.

    The text goes to an unnamed file that is named only once complete and synced, so a process
    killed at any point leaves the old file or the new one: a new file is named in one step, and one
    that replaces a file has a temp name only between two system calls. A different file
    already at ``path`` (a human translation, an edited one) is never lost: it is kept as
    `NAME.N.bak` first (``keep_previous=False`` for generated reports). Returns that backup's path, if one was made.
    """
    temp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = _open_temp(path)
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
            backup = _keep_previous(path, text) if keep_previous else None
            if temp is None and _link(out.fileno(), path):
                return backup  # a new file: named in one step, no temp name to leave behind
            temp = temp or _name_temp(out.fileno(), path)
        os.replace(temp, path)
        return backup
    except OSError as error:
        if temp:
            Path(temp).unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {error.strerror}") from None
