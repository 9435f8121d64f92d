"""The openpyxl writer: formats and neutralises, nothing else. Streams (write-only mode).

Every sheet is (title, headers, rows, formats). Rows are plain Python values; strings are
always written as text cells, so a comment beginning with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is never a formula and is shown exactly as written (with Excel's quote
prefix, so editing the cell in Excel keeps it text too).
"""

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

PERCENT, DECIMAL, DATE, INTEGER = "0%", "0.00", "dd-mm-yyyy", "0"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    filter: bool = True


@dataclass(frozen=True)
class Formatted:
    """A value with its own number format (for sheets whose columns mix kinds)."""

    value: object
    format: str


def text_cell(ws, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # never "f", whatever the text begins with
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _cells(ws, row: list, formats: dict[int, str]) -> Iterator:
    for index, value in enumerate(row):
        if isinstance(value, str):
            # Plain strings are text already; only risky ones need a cell of their own.
            yield text_cell(ws, value) if value.startswith(FORMULA_STARTS) else value
        elif isinstance(value, Formatted):
            cell = WriteOnlyCell(ws, value=value.value)
            cell.number_format = value.format
            yield cell
        elif index in formats and value is not None:
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = formats[index]
            yield cell
        else:
            yield value


def _widths(sheet: Sheet) -> list[int]:
    if sheet.widths:
        return sheet.widths
    return [min(max(len(h) + 2, 10), 60) for h in sheet.headers]


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
    count = 0
    for row in sheet.rows:
        ws.append(list(_cells(ws, row, sheet.formats)))
        count += 1
    if sheet.filter and sheet.headers:
        last = get_column_letter(len(sheet.headers))
        ws.auto_filter.ref = f"A1:{last}{count + 1}"
    for spec in sheet.charts:
        chart = BarChart()
        chart.type = "bar"
        chart.title = spec.title
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


def write_workbook(path: Path, sheets: Iterable[Sheet], title: str, creator: str) -> None:
    """Write to a temporary file beside ``path`` and move it in place: never a half file."""
    wb = Workbook(write_only=True)
    wb.properties.title = title
    wb.properties.creator = creator
    wb.properties.created = datetime.now(UTC).replace(tzinfo=None)
    for sheet in sheets:
        write_sheet(wb, sheet)
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=".ordet-", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        wb.save(temp)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
