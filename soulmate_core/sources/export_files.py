"""The history JSON files of a Spotify export, as capped streams: loose JSON files and zip members.

Zips are read with caps on member count and on total uncompressed size, checked against the bytes
actually inflated, so a zip bomb is refused early. An encrypted, corrupt or oddly compressed member
is an ``InputError`` naming ``zip:member``, never a traceback.
"""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import PurePosixPath
from typing import IO

from soulmate_core.errors import InputError
from soulmate_core.sources.bounded import Budget, Capped, Source, open_source

_HISTORY_NAME = re.compile(
    r"^(StreamingHistory_music_\d+|StreamingHistory\d+|Streaming_History_Audio_[\d_-]+|endsong_\d+)\.json$",
    re.IGNORECASE,
)
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
    lzma.LZMAError,
)


def is_history_file(name: str) -> bool:
    return bool(_HISTORY_NAME.match(PurePosixPath(name).name))


def history_streams(
    files: Sequence[tuple[str, Source]], budget: Budget, max_members: int
) -> Iterator[tuple[str, IO[bytes]]]:
    """``(name, stream)`` of every history JSON in ``files``, each stream charged to ``budget``.
    A stream is valid until the next one is yielded."""
    for name, source in files:
        with ExitStack() as stack:
            raw = stack.enter_context(open_source(source, name))
            head = raw.read(4)
            raw.seek(0)
            if head == b"PK\x03\x04" or name.lower().endswith(".zip"):
                yield from _zip_members(name, raw, budget, max_members)
            elif name.lower().endswith(".json") or head.lstrip()[:1] in (b"[", b"{"):
                yield name, stack.enter_context(io.BufferedReader(Capped(raw, budget, name)))
            else:
                raise InputError("not a zip or a JSON file", name)


def _zip_members(
    name: str, raw: IO[bytes], budget: Budget, max_members: int
) -> Iterator[tuple[str, IO[bytes]]]:
    try:
        archive = zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InputError("not a valid zip file", name) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_members:
            raise InputError(f"the zip has {len(infos)} files; at most {max_members} are accepted", name)
        wanted = [i for i in infos if not i.is_dir() and is_history_file(i.filename)]
        if not wanted:
            raise InputError(
                "no streaming history in this zip: expected StreamingHistory_music_*.json, "
                "Streaming_History_Audio_*.json or endsong_*.json",
                name,
            )
        if sum(i.file_size for i in wanted) > budget.left:
            raise InputError(too_big(budget), name)
        for info in wanted:
            where = f"{name}:{info.filename}"
            if info.flag_bits & 0x1:
                raise InputError(
                    "this file in the zip is encrypted; export it again without a password", where
                )
            try:
                member = archive.open(info)
            except _ZIP_ERRORS as exc:
                raise InputError(f"cannot read this zip member: {exc}", where) from None
            with (
                member,
                io.BufferedReader(Capped(_Guarded(member, where), budget, where, too_big(budget))) as stream,
            ):
                yield PurePosixPath(info.filename).name, stream


class _Guarded:
    """A zip member whose read errors (bad CRC, bad deflate data, ...) are ``InputError``s."""

    def __init__(self, member: IO[bytes], where: str) -> None:
        self._member = member
        self._where = where

    def read(self, size: int = -1, /) -> bytes:
        try:
            return self._member.read(size)
        except _ZIP_ERRORS as exc:
            raise InputError(f"cannot read this zip member: {exc}", self._where) from None


def too_big(budget: Budget) -> str:
    return f"the export unpacks to more than {budget.limit // 2**20} MB; refusing it as a possible zip bomb"
