"""Bounds on an uploaded list, checked before and while it is read (issue 18, point 3).

An .xlsx file is a zip of XML parts, and a 1.5 KB one can promise a sheet of 17 billion cells
or unpack to gigabytes. So, in this order:

1. the zip's directory: number of parts, their compression method, declared sizes and ratios,
   before anything is unpacked (``zipfile`` never returns more than a part declares, and a part
   that holds more fails its CRC check);
2. every XML part, streamed through ``defusedxml`` (no DTDs, so no entities: no XXE, no
   billion laughs), counting elements, rows, cells in a row, attributes and depth;
3. only then openpyxl (which itself parses with ``defusedxml`` once installed), in read-only
   mode, with the sheet's own ``<dimension>`` thrown away and rows and columns bounded here;
4. a bound on the CPU time of the whole reading, for whatever the counts above do not foresee
   (CPU time, not the wall clock: a busy server must not refuse a list a quiet one reads).

A CSV file gets the same row, column and time bounds. Every refusal is an ``UploadError`` with
a Danish message; nothing is stored.
"""

import io
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from flask_babel import lazy_gettext as _l

# The list: what a person can upload (the form and the template say "højst 50.000 rækker").
MAX_ROWS = 50_000
MAX_LINES = MAX_ROWS + 1 + 1_000  # the header, the rows and some blank lines between them
MAX_COLUMNS = 50  # columns read; the four the list needs must be among them
MAX_SECONDS = 20  # of this thread's CPU time: the work the file costs, whatever the load

# The zip, from its directory. A 50,000-row list from Excel or openpyxl unpacks to about
# 10-25 MB, each part squeezed at most ~15 times.
MAX_PARTS = 100
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # all parts together
MAX_RATIO = 100  # uncompressed : compressed, for parts above the grace size (as Apache POI)
RATIO_GRACE_BYTES = 1024 * 1024
METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}  # what Excel writes; bzip2 ignores bounds

# The XML inside. Sheets and shared strings hold the cells; every other part is small.
MAX_CELL_ELEMENTS = 2_000_000
MAX_OTHER_ELEMENTS = 100_000
MAX_CELLS_PER_ROW = 16_384  # Excel's own column limit
MAX_ATTRIBUTES = 64  # per element; a real one has at most some 25
MAX_EQUALS = 1_000  # "=" between one "<" and the next, counted before any parser sees them
MAX_DEPTH = 64
CHUNK = 64 * 1024

UNREADABLE = _l("Regnearket kan ikke læses. Gem det igen som .xlsx.")
PACKED_ODDLY = _l(
    "Regnearket er pakket på en måde, som Excel ikke bruger. Gem det igen som .xlsx i Excel."
)
TOO_BIG = _l(
    "Regnearket fylder for meget, når det pakkes ud. En liste over pårørende fylder meget "
    "mindre. Gem den igen som .xlsx, eller brug .csv."
)
TOO_COMPLEX = _l(
    "Regnearket indeholder for meget til at være en liste over pårørende. Slet ekstra ark, "
    "kolonner og formatering, eller gem listen som .csv."
)
FORBIDDEN = _l(
    "Regnearket indeholder XML-definitioner (DTD), som vi af sikkerhedshensyn ikke læser. "
    "Gem det igen som .xlsx i Excel."
)
TOO_SLOW = _l("Det tog for lang tid at læse filen. Del listen op i flere filer, eller brug .csv.")

# What zipfile, expat and openpyxl raise on a damaged or hostile file.
READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    IndexError,
    ValueError,  # includes defusedxml's refusals
    TypeError,
    AttributeError,
    SyntaxError,  # ElementTree's ParseError
    NotImplementedError,
    RuntimeError,  # an encrypted part
)


class UploadError(ValueError):
    """The file as a whole cannot be read; the message says why, in Danish."""


def too_many_rows() -> UploadError:
    limit = f"{MAX_ROWS:,}".replace(",", ".")  # Danish thousands: 50.000
    return UploadError(
        _l("Filen har mere end %(limit)s rækker. Del den op i flere filer.", limit=limit)
    )


class Deadline:
    """``MAX_SECONDS`` of this thread's CPU time from now."""

    def __init__(self) -> None:
        self.at = time.thread_time() + MAX_SECONDS

    def check(self) -> None:
        if time.thread_time() > self.at:
            raise UploadError(TOO_SLOW)


def check_directory(archive: zipfile.ZipFile) -> None:
    """Refuse from the zip's directory alone: nothing is unpacked yet."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise UploadError(TOO_COMPLEX)
    total = 0
    for part in parts:
        if part.compress_type not in METHODS or part.flag_bits & 0x1:  # 0x1: encrypted
            raise UploadError(PACKED_ODDLY)
        total += part.file_size
        if total > MAX_UNPACKED_BYTES:
            raise UploadError(TOO_BIG)
        if part.file_size > RATIO_GRACE_BYTES and (
            part.file_size > MAX_RATIO * max(part.compress_size, 1)
        ):
            raise UploadError(TOO_BIG)


class _Counter:
    """A parser target that counts what openpyxl would have to build, refusing past limits."""

    def __init__(self, left: dict[str, int]) -> None:
        self.left, self.kind = left, "other"
        self.depth = self.rows = self.cells = 0

    def start(self, tag: str, attrib: dict) -> None:
        name = tag.rpartition("}")[2]
        if self.depth == 0 and name in ("worksheet", "sst"):
            self.kind = "cells"
        self.depth += 1
        self.left[self.kind] -= 1
        if self.depth > MAX_DEPTH or self.left[self.kind] < 0 or len(attrib) > MAX_ATTRIBUTES:
            raise UploadError(TOO_COMPLEX)
        if name == "row":
            self.rows, self.cells = self.rows + 1, 0
            if self.rows > MAX_LINES:
                raise too_many_rows()
        elif name == "c":
            self.cells += 1
            if self.cells > MAX_CELLS_PER_ROW:
                raise UploadError(TOO_COMPLEX)

    def end(self, tag: str) -> None:
        self.depth -= 1

    def close(self) -> None:
        return None


def _equals_in_open_tag(chunk: bytes, carried: int) -> int:
    """Bound the attributes of every tag before expat builds them all in one go (a tag with a
    million attributes costs seconds and hundreds of MB before any callback could refuse it).

    An attribute value cannot hold a literal ``<``, so a tag's attributes lie between its ``<``
    and the next; each has one ``=``. Returns the ``=`` count of the last, still open, stretch.
    """
    first, *rest = chunk.split(b"<")
    counts = [carried + first.count(b"=")]
    counts += [s.count(b"=") for s in rest if len(s) > MAX_EQUALS]  # only long ones can
    if max(counts) > MAX_EQUALS:
        raise UploadError(TOO_COMPLEX)
    return rest[-1].count(b"=") if rest else counts[0]


def _looks_like_xml(head: bytes) -> bool:
    return head[:1] in (b"<", b"\xef", b"\xfe", b"\xff", b" ", b"\t", b"\r", b"\n") or (
        head[:2] == b"\x00<"
    )


def scan_parts(archive: zipfile.ZipFile, deadline: Deadline) -> None:
    """Stream every XML part through a hardened parser, counting; bounded by the directory."""
    left = {"cells": MAX_CELL_ELEMENTS, "other": MAX_OTHER_ELEMENTS}
    for part in archive.infolist():
        with archive.open(part) as stream:
            chunk = stream.read(CHUNK)
            if not _looks_like_xml(chunk):
                continue
            parser = DefusedXMLParser(target=_Counter(left), forbid_dtd=True)
            carried = 0
            try:
                while chunk:
                    carried = _equals_in_open_tag(chunk, carried)
                    parser.feed(chunk)
                    deadline.check()
                    chunk = stream.read(CHUNK)
                parser.close()
            except DefusedXmlException as error:
                raise UploadError(FORBIDDEN) from error
            except ParseError as error:
                # Excel's legacy drawings (.vml) are not well-formed XML; openpyxl never parses
                # them. Every part it does parse is named .xml or .rels.
                if part.filename.lower().endswith((".xml", ".rels")):
                    raise UploadError(UNREADABLE) from error


def bounded(rows: Iterable[list[object]], deadline: Deadline) -> Iterator[list[object]]:
    """At most ``MAX_LINES`` rows of at most ``MAX_COLUMNS`` cells, within the deadline."""
    for number, values in enumerate(rows, start=1):
        if number > MAX_LINES:
            raise too_many_rows()
        deadline.check()
        yield list(values[:MAX_COLUMNS])


def xlsx_rows(data: bytes, deadline: Deadline) -> Iterator[list[object]]:
    """The first sheet's rows, after the checks above; never trusting its ``<dimension>``."""
    from openpyxl import load_workbook

    workbook = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_directory(archive)
            scan_parts(archive, deadline)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_row=MAX_LINES + 1, max_col=MAX_COLUMNS, values_only=True)
        yield from bounded(rows, deadline)
    except UploadError:
        raise
    except DefusedXmlException as error:
        raise UploadError(FORBIDDEN) from error
    except READ_ERRORS as error:
        raise UploadError(UNREADABLE) from error
    finally:
        if workbook is not None:
            workbook.close()
