"""The raw data as CSV for analysts, and its code legend as a second CSV.

Format: UTF-8 with a byte order mark and ``;`` between fields. Danish Excel splits a CSV on
the list separator of the Danish locale, which is ``;`` (the comma is the decimal sign), and
reads a file without a BOM as Windows-1252, which garbles æ, ø and å. With BOM and ``;`` a
double-click opens the file in columns with the letters right; R (``read.csv2``), pandas
(``sep=";", encoding="utf-8-sig"``) and Python's ``csv`` read it as well.

The legend is a separate file, not a comment block above the header: a block of notes above
the header row breaks ``csv.DictReader``, ``read.csv2`` and Excel's filter on row 1.

Formula injection: a CSV cell cannot say "this is text", so a value beginning with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a ``'`` in front (OWASP's advice), and Excel
shows it as text with the ``'`` visible. To keep that reversible, a value that already begins
with ``'`` gets one too: every value beginning with ``'`` has exactly one added, so removing
the first character restores the text as written. A value that is exactly an Excel error
literal (``#DIV/0!``, ``#N/A``, ...) gets the same ``'``: Excel would read it as an error
value. The legend says so. (The workbook has no such mark: its cells are typed as text there,
so the text is shown exactly as written.) Control characters are replaced by their Control
Pictures, as in the workbook (``writer.visible``), so both files hold the same text.
"""

import csv
from collections.abc import Iterable
from pathlib import Path

from ..rounds.models import Round
from .raw import (
    COLUMN_NOTES,
    LEGEND_HEADERS,
    RAW_HEADERS,
    legend_rows,
    raw_keys,
    raw_labels,
    raw_rows,
    release_notes,
)
from .rows import VARIANT_NAMES
from .writer import ERROR_LITERALS, FORMULA_STARTS, atomic_write, visible

MARKED = (*FORMULA_STARTS, "'")
DIALECT = {"delimiter": ";", "lineterminator": "\r\n", "quoting": csv.QUOTE_MINIMAL}
PREFIX_NOTE = (
    "Tekst, der begynder med = + - @ ' tabulator eller linjeskift, og tekst, der er en af "
    "Excels fejlværdier (fx #DIV/0! eller #N/A), har fået et ' foran, så Excel ikke læser den "
    "som en formel eller en fejl. Fjern det første tegn for teksten, som den blev skrevet."
)


def neutralise(value: object) -> object:
    """``'`` before text Excel would read as a formula or an error value (and before text
    starting with ``'``); control characters as their Control Pictures."""
    if isinstance(value, str):
        value = visible(value)
        if value.startswith(MARKED) or value in ERROR_LITERALS:
            return "'" + value
    return value


def _writer(handle):
    return csv.writer(handle, **DIALECT)


def csv_columns(all_results) -> list[str]:
    """Question keys of every questionnaire in order; a key asked in two shares a column."""
    keys: dict[str, None] = {}
    for results, _views in all_results:
        keys |= dict.fromkeys(raw_keys(results))
    return list(keys)


def write_raw_csv(path: Path, all_results, allowed: set[int]) -> int:
    """One row per response of the release, in units the release shows; returns the rows."""
    keys = csv_columns(all_results)
    written = 0

    def write(temp: Path) -> None:
        nonlocal written
        with temp.open("w", encoding="utf-8-sig", newline="") as handle:
            out = _writer(handle)
            out.writerow(["Skema", *RAW_HEADERS, *keys])
            for results, _views in all_results:
                variant = VARIANT_NAMES.get(results.variant, results.variant)
                own = raw_keys(results)
                place = [keys.index(k) for k in own]
                labels = raw_labels(results, allowed)
                for row in raw_rows(results, labels, own):
                    out.writerow(_csv_row(variant, row, place, len(keys)))
                    written += 1

    atomic_write(path, write, ".csv")
    return written


def _csv_row(variant: str, row: list, place: list[int], width: int) -> list:
    answers: list = [None] * width
    fixed = len(RAW_HEADERS)
    for i, column in enumerate(place):
        answers[column] = row[fixed + i]
    return [neutralise(v) for v in (variant, *row[:fixed], *answers)]


def write_legend_csv(path: Path, all_results, round_: Round) -> None:
    """The codes of every question, what the fixed columns mean, what is left out, the ``'``."""

    def write(temp: Path) -> None:
        with temp.open("w", encoding="utf-8-sig", newline="") as handle:
            out = _writer(handle)
            out.writerow(LEGEND_HEADERS)
            out.writerows(_legend(all_results, round_))

    atomic_write(path, write, ".csv")


def _legend(all_results, round_: Round) -> Iterable[list]:
    for row in legend_rows([r.questionnaire for r, _v in all_results]):
        yield [neutralise(v) for v in row]
    for column, meaning in COLUMN_NOTES:
        yield ["", column, "", "", meaning, None]
    for variant, note in release_notes(all_results, round_):
        yield [variant, "(udgivelse)", "", "", note, None]
    yield ["", "(tekst med ')", "", "", PREFIX_NOTE, None]
