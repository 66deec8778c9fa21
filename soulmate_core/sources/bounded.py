"""Reading an input file within a byte budget, whatever it is: a regular file, a pipe, ``/dev/zero``.

A ``Budget`` is shared by every file of one import, so the cap holds for their total, and every
stream is read through ``Capped``, which counts the bytes really read (never a size a header
claims) and refuses the first byte over. Nothing here holds more than one chunk of a stream,
except ``settle``, which holds a pipe's bytes within the budget it is given.
"""

from __future__ import annotations

import io
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Protocol

from soulmate_core.errors import InputError

CHUNK = 1 << 20

Source = bytes | Path | IO[bytes]
"""An input: bytes already in memory, a file to open (each time it is read), or a seekable stream
the caller owns (an upload), read from its start each time and never copied whole."""


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class Budget:
    """How many more bytes one import may read, over all its files."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    @property
    def taken(self) -> int:
        return self.limit - self.left

    def take(self, size: int, where: str, refusal: str | None = None) -> None:
        self.left -= size
        if self.left < 0:
            raise InputError(refusal or f"the input is larger than the {self.limit // 2**20} MB cap", where)


class Capped(io.RawIOBase):
    """A read-only stream that charges every byte it returns to a ``Budget``."""

    def __init__(self, stream: Readable, budget: Budget, where: str, refusal: str | None = None) -> None:
        self._stream = stream
        self._budget = budget
        self._refusal = refusal
        self.where = where

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(min(len(buffer), CHUNK))
        self._budget.take(len(data), self.where, self._refusal)
        buffer[: len(data)] = data
        return len(data)


def is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def open_source(source: Source, where: str) -> IO[bytes]:
    """A binary stream over ``source`` from its start; an unreadable file is an ``InputError``
    naming it. Closing the stream leaves a caller's stream open."""
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if not isinstance(source, Path):
        return io.BufferedReader(_Borrowed(source))
    try:
        return source.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", where) from None


def size_of(source: Source) -> int | None:
    """How many bytes ``source`` holds, where that is known without reading it."""
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, Path):
        return source.stat().st_size if is_regular_file(source) else None
    return source.seek(0, io.SEEK_END)


def settle(source: Source, budget: Budget, where: str) -> Source:
    """``source`` as something that can be read twice: a pipe or a device is read once, charged
    to ``budget`` (so ``/dev/zero`` stops at the cap), and kept as bytes. Files and streams stay."""
    if not isinstance(source, Path) or is_regular_file(source):
        return source
    with open_source(source, where) as raw:
        return read_all(Capped(raw, budget, where))


def settle_all(files: Iterable[tuple[str, Source]], max_bytes: int) -> list[tuple[str, Source]]:
    """``settle`` for every file, the pipes among them held within one budget for all."""
    held = Budget(max_bytes)
    return [(name, settle(source, held, name)) for name, source in files]


def read_all(stream: Readable) -> bytes:
    """Everything ``stream`` holds, gathered without a second copy at the end."""
    gathered = io.BytesIO()
    while chunk := stream.read(CHUNK):
        gathered.write(chunk)
    return gathered.getvalue()


class _Borrowed(io.RawIOBase):
    """A caller's seekable stream, from its start; closing this one leaves that one open."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        stream.seek(0)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(min(len(buffer), CHUNK))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET, /) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()
