"""Hostile .xlsx files, built the way an attacker would: a real workbook with one part swapped."""

import io
import struct
import zipfile

from . import invitation_helpers as h

SHEET = "xl/worksheets/sheet1.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = '<row r="1">' + "".join(
    f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>'
    for col, text in (("A", "email"), ("B", "borger har valgt"))
)
HEADER += "</row>"


def row(number: int, email: str, chosen: str = "ja") -> str:
    return (
        f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{email}</t></is></c>'
        f'<c r="B{number}" t="inlineStr"><is><t>{chosen}</t></is></c></row>'
    )


def sheet(rows: str, dimension: str = "A1:B2", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{NS}">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def workbook(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A genuine openpyxl workbook with some of its parts replaced (or added)."""
    base = zipfile.ZipFile(io.BytesIO(h.xlsx([("a@example.dk", "", "", "ja")])))
    originals = {info.filename: base.read(info) for info in base.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, body in (originals | parts).items():
            archive.writestr(name, body)
    return out.getvalue()


def with_prolog(part: bytes, prolog: str) -> bytes:
    """``part`` with a DOCTYPE (or anything else) between its XML declaration and its root."""
    if part.startswith(b"<?xml"):
        end = part.index(b"?>") + 2
        return part[:end] + prolog.encode() + part[end:]
    return prolog.encode() + part


XXE_FILE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_DTD = '<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">'
XXE_PARAMETER = '<!DOCTYPE worksheet [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def deflate_bomb(path, megabytes: int, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A well-formed workbook whose sheet is ``megabytes`` MB of blanks between two rows,
    streamed into the zip at the strongest compression (never held in memory)."""
    base = zipfile.ZipFile(io.BytesIO(workbook({})))
    head, tail = sheet(HEADER + "\n" + row(2, "a@example.dk")).split(b"\n")
    blank = b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "w", method, compresslevel=9) as archive:
        for info in base.infolist():
            if info.filename != SHEET:
                archive.writestr(info.filename, base.read(info))
                continue
            with archive.open(SHEET, "w") as part:
                part.write(head)
                for _ in range(megabytes):
                    part.write(blank)
                part.write(tail)
    return path.read_bytes()


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """The same zip, but ``name``'s uncompressed size in both its headers says ``size``."""
    patched = bytearray(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(name)
    struct.pack_into("<I", patched, info.header_offset + 22, size)  # the local header
    position = archive.start_dir
    while patched[position : position + 4] == b"PK\x01\x02":  # the central directory
        name_length, extra_length, comment_length = struct.unpack_from(
            "<HHH", patched, position + 28
        )
        if patched[position + 46 : position + 46 + name_length] == name.encode():
            struct.pack_into("<I", patched, position + 24, size)
        position += 46 + name_length + extra_length + comment_length
    return bytes(patched)
