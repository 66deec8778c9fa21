"""The histories among an import's files, as capped streams with their format: loose files and zip
members alike.

A loose file must be a format ``formats`` knows, or it is refused with the list of those accepted.
In a zip, the members that may hold a history (the export formats' names; ``.csv``, ``.tsv``,
``.txt``, ``.log`` and ``.jsonl`` files) are told apart by content, and the rest (a Spotify
export's ``Userdata.json``, ListenBrainz's ``user.json`` and ``feedback.jsonl``) are passed over.

Zips are read with caps on member count and on total uncompressed size, checked against the bytes
actually inflated, so a zip bomb is refused early. An encrypted, corrupt or oddly compressed member
is an ``InputError`` naming ``zip:member``, never a traceback.
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from soulmate_core.errors import InputError
from soulmate_core.sources.bounded import Budget, Capped, Source, open_source, size_of
from soulmate_core.sources.formats import (
    ACCEPTED,
    HEAD_BYTES,
    LISTENBRAINZ_MEMBER,
    Format,
    detect,
    is_spotify_name,
    unknown,
)

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".log", ".jsonl")
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


@dataclass(frozen=True)
class Input:
    """One history file: the name its errors give, a stream valid until the next one, its format."""

    name: str
    stream: IO[bytes]
    format: Format


def input_streams(files: Sequence[tuple[str, Source]], budget: Budget, max_members: int) -> Iterator[Input]:
    """Every history in ``files``, each stream charged to ``budget``."""
    for name, source in files:
        with ExitStack() as stack:
            raw = stack.enter_context(open_source(source, name))
            if _is_zip(name, raw):
                yield from _zip_members(name, raw, budget, max_members)
                continue
            stream = stack.enter_context(io.BufferedReader(Capped(raw, budget, name), HEAD_BYTES))
            head = stream.peek(HEAD_BYTES)[:HEAD_BYTES]
            if not head.strip():
                raise InputError("empty file", f"{name}:1")
            found = detect(name, head)
            if found is None:
                raise unknown(f"{name}:1")
            yield Input(name, stream, found)


def formats_of(files: Sequence[tuple[str, Source]], max_bytes: int, max_members: int) -> set[Format]:
    """The formats of the histories in ``files`` (settled: see ``bounded.settle_all``), read from
    their first bytes only; raises ``InputError`` for a file of no known format."""
    return {found.format for found in input_streams(files, Budget(max_bytes), max_members)}


def expected_bytes(files: Sequence[tuple[str, Source]]) -> int:
    """About how many bytes reading ``files`` takes (a zip's members unpacked), for a progress bar."""
    total = 0
    for name, source in files:
        try:
            with open_source(source, name) as raw:
                if _is_zip(name, raw):
                    with zipfile.ZipFile(raw) as archive:
                        total += sum(i.file_size for i in archive.infolist() if _may_hold(i))
                else:
                    total += size_of(source) or 0
        except (InputError, *_ZIP_ERRORS):
            continue  # reading it says what is wrong
    return total


def _is_zip(name: str, raw: IO[bytes]) -> bool:
    head = raw.read(4)
    raw.seek(0)
    return head == b"PK\x03\x04" or name.lower().endswith(".zip")


def _may_hold(info: zipfile.ZipInfo) -> bool:
    path = info.filename
    if info.is_dir() or path.startswith("__MACOSX/"):
        return False
    return (
        is_spotify_name(path)
        or bool(LISTENBRAINZ_MEMBER.search(path))
        or path.lower().endswith(_TEXT_SUFFIXES)
    )


def _zip_members(name: str, raw: IO[bytes], budget: Budget, max_members: int) -> Iterator[Input]:
    try:
        archive = zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InputError("not a valid zip file", name) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_members:
            raise InputError(f"the zip has {len(infos)} files; at most {max_members} are accepted", name)
        wanted = [i for i in infos if _may_hold(i)]
        if sum(i.file_size for i in wanted) > budget.left:
            raise InputError(too_big(budget), name)
        found = False
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
            shown = PurePosixPath(info.filename).name if is_spotify_name(info.filename) else info.filename
            guarded = Capped(_Guarded(member, where), budget, where, too_big(budget))
            with member, io.BufferedReader(guarded, HEAD_BYTES) as stream:
                kind = detect(shown, stream.peek(HEAD_BYTES)[:HEAD_BYTES])
                if kind is not None:
                    found = True
                    yield Input(shown, stream, kind)
        if not found:
            raise InputError("no listening history in this zip. Accepted: " + "; ".join(ACCEPTED), name)


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
