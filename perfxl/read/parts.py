"""The parts of a zip workbook, inflated from memory within bounds and verified.

Every part a parser reads passes through here once: inflated (with ISA-L when the isal wheel is
installed, else zlib; methods other than stored and deflated through :mod:`zipfile`), never to
more than the part limit whatever its directory entry says, and then checked against the
CRC-32 and the uncompressed size its directory entry declares — the checks :mod:`zipfile`
makes, so that a flipped bit is a damaged file and never different data. The parts inflated
whole are kept, so that no part is inflated twice (see :func:`stored_archive`).

This module knows no policy: it raises :class:`PartTooLarge` or :class:`PartDamaged`, and
:mod:`perfxl.read.guard` says what that means to the person who sent the file.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any, cast

KiB = 1024
MiB = 1024 * 1024

PART_CHUNK = 1 * MiB  # a part larger than this is inflated this much at a time
_INFLATE_INPUT = 64 * KiB  # compressed bytes handed to the inflater at a time

_decompressobj: Callable[[int], Any] = zlib.decompressobj
_crc32: Callable[[bytes, int], int] = zlib.crc32
INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error,)
try:  # ISA-L inflates deflate streams about 1.5 times as fast as zlib: most of the guard's time
    from isal import isal_zlib

    _decompressobj = isal_zlib.decompressobj
    _crc32 = isal_zlib.crc32
    INFLATE_ERRORS = (zlib.error, cast("type[Exception]", isal_zlib.error))
except ImportError:  # pragma: no cover - a platform without an isal wheel
    pass

_INFLATABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # others are left to zipfile


class PartTooLarge(Exception):
    """A part inflates to more than the limit it was read with."""

    def __init__(self, info: zipfile.ZipInfo):
        super().__init__(info.filename)
        self.info = info


class PartDamaged(Exception):
    """A part is not what its directory entry says: another size, another CRC-32, or a
    compressed stream that ends early."""

    def __init__(self, info: zipfile.ZipInfo, reason: str, size: int = 0):
        super().__init__(f"{info.filename}: {reason}")
        self.info = info
        self.reason = reason
        self.size = size  # the bytes it inflated to, as far as they were inflated


class Parts:
    """The members of one zip archive held in memory (``data``, at most the file limit).

    ``whole`` returns a part inflated in one step and keeps it; ``chunks`` streams a part too
    large to hold. Either way no part yields more than ``max_part_bytes``, and a part that
    does not match its directory entry raises :class:`PartDamaged`."""

    def __init__(self, data: bytes, zf: zipfile.ZipFile, max_part_bytes: int):
        self.data = data
        self._zf = zf
        self._max = max_part_bytes
        self._kept: dict[str, tuple[zipfile.ZipInfo, bytes]] = {}

    def whole(self, info: zipfile.ZipInfo) -> bytes:
        """The part, inflated at once to at most the part limit, verified and kept."""
        kept = self._kept.get(info.filename)
        if kept is not None:
            return kept[1]
        if info.compress_type in _INFLATABLE:
            body = self._inflate(info)
        else:
            body = b"".join(self._zipfile_chunks(info, PART_CHUNK))
        if len(body) > self._max:
            raise PartTooLarge(info)
        _verify(info, len(body), _crc32(body, 0))
        self._kept[info.filename] = (info, body)
        return body

    def chunks(self, info: zipfile.ZipInfo, size: int = PART_CHUNK) -> Iterator[bytes]:
        """The part in pieces of at most ``size`` bytes; verified once the last has been
        read (a caller that stops early has read unverified bytes, and must not use them)."""
        pieces = (
            self._inflated_chunks(info, size)
            if info.compress_type in _INFLATABLE
            else self._zipfile_chunks(info, size)
        )
        total, crc = 0, 0
        for piece in pieces:
            total += len(piece)
            if total > self._max:
                raise PartTooLarge(info)
            crc = _crc32(piece, crc)
            yield piece
        _verify(info, total, crc)

    def kept(self) -> list[tuple[zipfile.ZipInfo, bytes]]:
        """The parts read whole so far, in the order they were read."""
        return list(self._kept.values())

    # -- inflating ---------------------------------------------------------------------------

    def _span(self, info: zipfile.ZipInfo) -> tuple[int, int]:
        """Where the compressed bytes of a member lie in the archive."""
        data, offset = self.data, info.header_offset
        if data[offset : offset + 4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header of {info.filename}")
        name_len, extra_len = struct.unpack_from("<HH", data, offset + 26)
        start = offset + 30 + name_len + extra_len
        end = start + info.compress_size
        if end > len(data):
            raise PartDamaged(info, "truncated")
        return start, end

    def _inflate(self, info: zipfile.ZipInfo) -> bytes:
        """A stored or deflated member, at most one byte more than the part limit of it."""
        start, end = self._span(info)
        limit = self._max + 1
        if info.compress_type == zipfile.ZIP_STORED:
            return self.data[start : min(end, start + limit)]
        inflater = _decompressobj(-15)
        body = inflater.decompress(memoryview(self.data)[start:end], limit)
        if len(body) < limit and not inflater.eof:
            raise PartDamaged(info, "the compressed stream ends early")
        return bytes(body)

    def _inflated_chunks(self, info: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
        start, end = self._span(info)
        source = memoryview(self.data)[start:end]
        if info.compress_type == zipfile.ZIP_STORED:
            for pos in range(0, len(source), size):
                yield source[pos : pos + size].tobytes()
            return
        inflater, pos = zlib.decompressobj(-15), 0
        tail: bytes | memoryview = b""
        while not inflater.eof:
            if not tail:
                if pos >= len(source):
                    raise PartDamaged(info, "the compressed stream ends early")
                tail = source[pos : pos + _INFLATE_INPUT]
                pos += len(tail)
            piece = inflater.decompress(tail, size)
            tail = inflater.unconsumed_tail
            if piece:
                yield piece

    def _zipfile_chunks(self, info: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
        """Methods other than stored and deflated (bzip2, lzma): zipfile inflates them, never
        more than one piece at a time."""
        read = 0
        with self._zf.open(info) as part:
            while piece := part.read(size):
                read += len(piece)
                yield piece
                if read > self._max:
                    return  # the caller refuses the part; zipfile need inflate no more


def _verify(info: zipfile.ZipInfo, size: int, crc: int) -> None:
    if size != info.file_size:
        raise PartDamaged(info, f"{size} bytes where the directory says {info.file_size}", size)
    if crc != info.CRC:
        raise PartDamaged(info, "CRC-32 mismatch", size)


_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_CENTRAL_HEADER = struct.Struct("<IHHHHHHIIIHHHHHII")
_END_RECORD = struct.Struct("<IHHHHIIH")
_UTF8_NAMES = 0x800  # general purpose flag: file names are UTF-8
_DOS_DATE = 0x21  # 1980-01-01


def stored_archive(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    """An uncompressed zip of verified ``parts`` (each keeps its CRC-32), for a reader that
    would otherwise inflate them a second time."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for info, body in parts:
        name = info.filename.encode("utf-8")
        size = len(body)
        local = (0x04034B50, 20, _UTF8_NAMES, 0, 0, _DOS_DATE, info.CRC, size, size, len(name), 0)
        chunks += (_LOCAL_HEADER.pack(*local), name, body)
        entry = (0x02014B50, 20, 20, _UTF8_NAMES, 0, 0, _DOS_DATE, info.CRC, size, size)
        central += (_CENTRAL_HEADER.pack(*entry, len(name), 0, 0, 0, 0, 0, offset), name)
        offset += _LOCAL_HEADER.size + len(name) + size
    directory = b"".join(central)
    end = _END_RECORD.pack(0x06054B50, 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return b"".join((*chunks, directory, end))
