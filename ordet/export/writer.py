"""The openpyxl writer: formats and neutralises, nothing else. Streams (write-only mode).

Every sheet is (title, headers, rows, formats). Rows are plain Python values; strings are
always written as text cells, so any text a borger can type is exported as that text:

- a comment beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is never a
  formula, and one that is exactly an Excel error literal (``#DIV/0!``, ``#N/A``, ``#NAME?``,
  ``#NULL!``, ``#NUM!``, ``#REF!``, ``#VALUE!``) is never an error cell: both are typed as
  text (``data_type = "s"``, an inline string) and shown exactly as written, with Excel's quote
  prefix, so editing the cell in Excel keeps it text too;
- the control characters an xlsx file cannot hold (U+0000–U+0008, U+000B, U+000C,
  U+000E–U+001F: openpyxl's ``ILLEGAL_CHARACTERS_RE``) are replaced by their Unicode "Control
  Pictures" (U+2400 + the code: ``\\x0b`` becomes ``␋`` U+240B, NUL becomes ``␀`` U+2400), so
  the rest of the text survives and the reader sees that something was there. Tab, line feed
  and carriage return are kept. A borger who types a control picture itself gets it back
  unchanged; the two cannot be told apart, which costs nothing a reader needs;
- the two noncharacters U+FFFE and U+FFFF (valid UTF-8 a form can send, but not XML: openpyxl
  would write a workbook no program opens) and lone surrogates become U+FFFD ``�``.

``visible`` and ``ERROR_LITERALS`` are shared with the raw data CSV (``rawcsv.py``).

List-like sheets become Excel tables (banded rows, the table's own filter buttons, a name to
refer to in pivot tables). Write-only mode cannot read the header back, so the table's
columns are given here; openpyxl warns about exactly that, and the warning is silenced.
"""

import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

PERCENT, DECIMAL, DATE, INTEGER = "0%", "0.00", "dd-mm-yyyy", "0"
POINTS = "0.0"  # percentage points (12.5), not a fraction
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ERROR_LITERALS = frozenset(ERROR_CODES)  # text Excel would read as an error value
RISKY = frozenset((*FORMULA_STARTS, "#"))  # first characters that need a closer look
CONTROL_PICTURES = 0x2400  # U+2400 SYMBOL FOR NULL; U+2401 for U+0001 and so on
NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
NUMBERS = frozenset({int, float, date, datetime})
PLAIN = NUMBERS | {type(None), bool}


@dataclass
class ChartSpec:
    """A bar chart of ``categories`` × ``values`` (1-based rows/cols of the sheet's data)."""

    title: str
    first_row: int
    last_row: int
    anchor: str


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: Iterable[list]
    formats: dict[int, str] = field(default_factory=dict)  # column index -> number format
    widths: list[int] | None = None
    charts: list[ChartSpec] = field(default_factory=list)
    filter: bool = True  # an Excel table (with its filter) over headers and rows
    notes: list[list] = field(default_factory=list)  # rows below the table, outside it


@dataclass(frozen=True)
class Formatted:
    """A value with its own number format (for sheets whose columns mix kinds)."""

    value: object
    format: str


def _picture(match: re.Match) -> str:
    return chr(CONTROL_PICTURES + ord(match.group()))


def visible(text: str) -> str:
    """``text`` with each control character an xlsx file cannot hold replaced by its
    Control Picture (``\\x0b`` -> ``\\u240b``), a character XML cannot hold by U+FFFD; tab,
    line feed and carriage return are kept."""
    if text.isprintable():  # the common case, in C: no control character at all
        return text
    return NOT_XML.sub("\ufffd", ILLEGAL_CHARACTERS_RE.sub(_picture, text))


def text_cell(ws, value: str) -> WriteOnlyCell:
    """A cell holding ``value`` as text, whatever it looks like (see the module docstring)."""
    value = visible(value)
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # never "f" or "e", whatever the text is
    if value.startswith(FORMULA_STARTS) or value in ERROR_LITERALS:
        cell.quotePrefix = True
    return cell


def _row_maker(ws, sheet: Sheet) -> Callable[[list], list]:
    """A function turning a plain row into values and cells for ``ws.append``.

    Most cells pass through untouched (numbers, dates, safe text); the per-cell test is one
    comprehension. A column with a number format gets one ``WriteOnlyCell`` that takes each
    row's value in turn: write-only mode writes a row before the next is made, and a fresh
    styled cell per number (as openpyxl's docs show) costs a style lookup per cell.
    """
    columns: dict[int, WriteOnlyCell] = {}
    for index, number_format in sheet.formats.items():
        columns[index] = cell = WriteOnlyCell(ws)
        cell.number_format = number_format

    def convert(value):  # the rare cases: risky text, a value with its own format
        if isinstance(value, str):
            return text_cell(ws, value)
        if isinstance(value, Formatted):
            cell = WriteOnlyCell(ws, value=value.value)
            cell.number_format = value.format
            return cell
        return value

    def make(row: list) -> list:
        out = [
            v
            if v.__class__ in PLAIN
            or (v.__class__ is str and v[:1] not in RISKY and v.isprintable())
            else convert(v)
            for v in row
        ]
        for index, cell in columns.items():
            if index < len(out) and out[index].__class__ in NUMBERS:
                cell.value = out[index]
                out[index] = cell
        return out

    return make


def _widths(sheet: Sheet) -> list[int]:
    if sheet.widths:
        return sheet.widths
    return [min(max(len(h) + 2, 10), 60) for h in sheet.headers]


def table_name(title: str) -> str:
    """A workbook-unique, Excel-valid table name from a sheet title (letters, digits, _)."""
    plain = title.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    plain = plain.replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa")
    return "Tabel_" + re.sub(r"[^A-Za-z0-9_]", "_", plain)


def _add_table(ws, sheet: Sheet, last_row: int) -> None:
    ref = f"A1:{get_column_letter(len(sheet.headers))}{last_row}"
    table = Table(
        displayName=table_name(sheet.title),
        ref=ref,
        autoFilter=AutoFilter(ref=ref),
        tableColumns=[
            TableColumn(id=i, name=name) for i, name in enumerate(sheet.headers, start=1)
        ],
        tableStyleInfo=TableStyleInfo(name="TableStyleLight9", showRowStripes=True),
    )
    with warnings.catch_warnings():
        # "In write-only mode you must add table columns manually": done just above.
        warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
        ws.add_table(table)


def write_sheet(wb: Workbook, sheet: Sheet) -> None:
    ws = wb.create_sheet(sheet.title)
    for index, width in enumerate(_widths(sheet), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in sheet.headers:
        cell = text_cell(ws, title)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    ws.append(header)
    make = _row_maker(ws, sheet)
    count = 0
    for row in sheet.rows:
        ws.append(make(row))
        count += 1
    for row in sheet.notes:
        ws.append(make(row))
    if sheet.filter and sheet.headers:
        if count:
            _add_table(ws, sheet, count + 1)
        else:  # a table needs a data row; an empty sheet keeps a plain filter
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}1"
    for spec in sheet.charts:
        _add_chart(ws, spec)


def _add_chart(ws, spec: ChartSpec) -> None:
    chart = BarChart()
    chart.type = "bar"
    chart.title = visible(spec.title)  # a unit name, typed by an admin
    chart.y_axis.title = "Andel positive"
    chart.y_axis.numFmt = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.legend = None
    data = Reference(ws, min_col=3, min_row=spec.first_row, max_row=spec.last_row)
    labels = Reference(ws, min_col=2, min_row=spec.first_row, max_row=spec.last_row)
    chart.add_data(data, titles_from_data=False)
    chart.set_categories(labels)
    chart.height = max(6, 0.8 * (spec.last_row - spec.first_row + 1) + 3)
    ws.add_chart(chart, spec.anchor)


def atomic_write(path: Path, write: Callable[[Path], None], suffix: str) -> None:
    """Call ``write`` on a temporary file beside ``path``, then move it in: never a half file."""
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=".ordet-", suffix=suffix, dir=path.parent)
    os.close(handle)
    try:
        write(Path(temp))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_workbook(path: Path, sheets: Iterable[Sheet], title: str, creator: str) -> None:
    """Stream the sheets into a workbook at ``path`` (atomically)."""
    wb = Workbook(write_only=True)
    wb.properties.title = visible(title)
    wb.properties.creator = visible(creator)
    wb.properties.created = datetime.now(UTC).replace(tzinfo=None)
    for sheet in sheets:
        write_sheet(wb, sheet)
    atomic_write(path, lambda temp: wb.save(temp), ".xlsx")
