"""Read an invitation list (.xlsx or CSV) into rows, each with a status for the preview.

Nothing here touches the database except through ``already_invited`` passed in, so the
parser is testable on bytes alone.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from .upload_guard import MAX_ROWS, Deadline, UploadError, bounded, too_many_rows, xlsx_rows

VALID, DUPLICATE, ALREADY_INVITED, BAD_EMAIL, NOT_CONFIRMED = (
    "valid",
    "duplicate",
    "already_invited",
    "bad_email",
    "not_confirmed",
)
STATUS_TEXT = {
    VALID: _l("Klar"),
    DUPLICATE: _l("Står to gange i listen"),
    ALREADY_INVITED: _l("Allerede inviteret i denne runde"),
    BAD_EMAIL: _l("E-mailadressen er ikke gyldig"),
    NOT_CONFIRMED: _l("Mangler bekræftelse af, at borgeren har valgt personen"),
}

COLUMNS = {
    "email": {"email", "e-mail", "mail", "emailadresse", "e-mailadresse", "epost"},
    "navn": {"navn", "name", "fulde navn"},
    "relation": {"relation", "relation til borger", "tilknytning", "relation til borgeren"},
    "valgt": {"borger har valgt", "borgeren har valgt", "valgt af borger", "bekræftet"},
}
REQUIRED = ("email", "valgt")
YES = {"ja", "j", "x", "yes", "y", "1", "true", "sand", "✓"}
TEMPLATE_HEADERS = ("email", "navn", "relation", "borger har valgt")


def problems(rows: list["Row"]) -> list[tuple[str, list[int]]]:
    """(reason, the line numbers with it) for every reason a row is not imported, in the
    order of ``STATUS_TEXT``: the preview's summary above the table."""
    lines: dict[str, list[int]] = {}
    for row in rows:
        if row.status != VALID:
            lines.setdefault(row.status, []).append(row.line)
    return [(str(STATUS_TEXT[status]), lines[status]) for status in STATUS_TEXT if status in lines]


@dataclass
class Row:
    line: int
    email: str
    name: str
    relation: str
    status: str = VALID

    def as_dict(self) -> dict:
        return asdict(self)


def _normalise_header(value: object) -> str:
    return re.sub(r"\s+", " ", str(value or "").strip().lower().replace("_", " "))


def _decode_lines(data: bytes) -> str:
    """UTF-8 (with or without BOM) or Excel's cp1252, decided per line: mixed files survive."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise UploadError(_l("Filen er ikke et regneark. Brug .xlsx eller .csv."))
    lines = []
    for raw in data.split(b"\n"):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("cp1252", errors="replace"))
    return "\n".join(lines)


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _decode_lines(data)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:  # e.g. a quote never closed: one field past csv's size limit
        raise UploadError(
            _l("CSV-filen kan ikke læses. Gem den igen som .csv eller .xlsx.")
        ) from error


def read_table(data: bytes) -> Iterator[list[object]]:
    """The cells of the first sheet (or the CSV), row by row, within ``upload_guard``'s bounds."""
    if not data.strip():
        raise UploadError(_l("Filen er tom."))
    deadline = Deadline()
    if data.startswith(b"PK\x03\x04"):
        return xlsx_rows(data, deadline)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError(_l("Det gamle .xls-format kan ikke læses. Gem filen som .xlsx."))
    return bounded(_csv_rows(data), deadline)


def _columns(header: Iterable[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _normalise_header(cell)
        for key, aliases in COLUMNS.items():
            if name in aliases and key not in found:
                found[key] = index
    missing = [key for key in REQUIRED if key not in found]
    if missing:
        names = {"email": "email", "valgt": "borger har valgt"}
        raise UploadError(
            _l(
                "Kolonnen »%(column)s« mangler. Første række skal have overskrifterne: "
                "email, navn, relation, borger har valgt.",
                column=names[missing[0]],
            )
        )
    return found


def _cell(values: list[object], index: int | None) -> str:
    if index is None or index >= len(values) or values[index] is None:
        return ""
    value = values[index]
    if isinstance(value, bool):
        return "ja" if value else ""
    return str(value).strip()


def parse(data: bytes, already_invited: Callable[[set[str]], set[str]]) -> list[Row]:
    """Every data row with its status. ``already_invited(emails)`` returns those taken."""
    table = read_table(data)
    header = next(table, None)
    if header is None:
        raise UploadError(_l("Filen er tom."))
    columns = _columns(header)
    rows: list[Row] = []
    seen: set[str] = set()
    for line, values in enumerate(table, start=2):
        values = list(values)
        if not any(_cell(values, i) for i in range(len(values))):
            continue  # blank lines are not rows
        if len(rows) >= MAX_ROWS:
            raise too_many_rows()
        row = Row(
            line,
            _cell(values, columns["email"]),
            _cell(values, columns.get("navn"))[:200],
            _cell(values, columns.get("relation"))[:100],
        )
        try:
            row.email = validate_email(row.email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            row.status = BAD_EMAIL
        else:
            key = row.email
            if key in seen:
                row.status = DUPLICATE
            elif _cell(values, columns["valgt"]).lower() not in YES:
                row.status = NOT_CONFIRMED
            seen.add(key)
        rows.append(row)
    if not rows:
        raise UploadError(_l("Filen har ingen rækker under overskrifterne."))
    taken = already_invited({r.email for r in rows if r.status == VALID})
    for row in rows:
        if row.status == VALID and row.email in taken:
            row.status = ALREADY_INVITED
    return rows


def template_workbook() -> bytes:
    """The downloadable list template, in Danish, with one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Pårørende"
    sheet.append(list(TEMPLATE_HEADERS))
    sheet.append(["anna.jensen@example.dk", "Anna Jensen", "Mor", "ja"])
    for column, width in zip("ABCD", (34, 24, 18, 18), strict=True):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("Vejledning")
    for line in (
        "Én pårørende pr. række. Kolonnen email er påkrævet.",
        "Skriv »ja« i »borger har valgt«, når borgeren selv har valgt personen.",
        "Rækker uden »ja« bliver ikke inviteret.",
        "Højst 50.000 rækker pr. fil. Gem som .xlsx eller .csv.",
    ):
        notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
