"""Creditor files as rows of cells: encodings, delimiters, CSV and XLSX.

``inspect_file`` reads a file once from end to end before anything is
written, so that a file that cannot be decoded, has no header or lacks a
mapped column fails whole (nothing half-loaded). ``open_rows`` then streams
the rows: a CSV through ``csv.reader`` over a decoding stream, an XLSX
through openpyxl's read-only mode, so memory stays flat whatever the size.

Encodings, in the order they are tried (case C02): a UTF-8 BOM means UTF-8
and the BOM is dropped; then UTF-8; then Windows-1252, which is what Excel
writes on Windows and which, unlike Latin-1, reads ``0x92`` as ``’``;
Latin-1 only when the file has bytes that Windows-1252 leaves undefined.
"""

import codecs
import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from recupero.portfolios.importing.values import cell_text

BLOCK_SIZE = 1 << 20
DELIMITERS = {";": ";", ",": ",", "tab": "\t", "\t": "\t", "|": "|"}
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_QUOTED = re.compile(r'"[^"]*"')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Row = tuple[int, list[object]]


class UnreadableFile(Exception):  # noqa: N818 (a state of the file, not a bug)
    """The file cannot be read at all; ``message`` says why, in Spanish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class FileLayout:
    """What was found (or declared) about a file before reading its rows."""

    format: str
    headers: list[str]
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    rows_estimate: int | None = None
    # About the whole file, in Spanish: read, but not as the profile said.
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "headers": self.headers,
        }


def normalise_header(header: str) -> str:
    """Return the form under which a header is matched to a profile."""
    return header.replace("\ufeff", "").strip().casefold()


def inspect_file(
    path: Path, *, encoding: str = "auto", delimiter: str = "auto"
) -> FileLayout:
    """Return the layout of a CSV or XLSX file, or raise ``UnreadableFile``."""
    with path.open("rb") as stream:
        head = stream.read(BLOCK_SIZE)
    if not head.strip():
        raise UnreadableFile("el archivo está vacío")
    if head.startswith(XLSX_MAGIC):
        return _inspect_xlsx(path)
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(
            "es una planilla XLS de Excel antiguo: guárdela como XLSX o CSV"
        )
    if b"\x00" in head:
        raise UnreadableFile("no es un archivo de texto (CSV) ni una planilla XLSX")
    declared = encoding
    encoding = _choose_encoding(path, head, declared)
    header_line = _first_line(path, encoding)
    if _CONTROL.search(header_line):
        raise UnreadableFile(
            "la primera línea tiene caracteres de control: no es un CSV"
        )
    delimiter = _choose_delimiter(header_line, delimiter)
    headers = next(csv.reader([header_line], delimiter=delimiter), [])
    layout = FileLayout(
        format="csv", headers=headers, encoding=encoding, delimiter=delimiter
    )
    if encoding.startswith("utf-8") and _is_single_byte(declared):
        layout.warnings.append(
            f"El perfil declara la codificación {declared}, pero el archivo es "
            "UTF-8 (tiene letras como «Ñ» escritas en UTF-8): se leyó como "
            "UTF-8. Revisá la codificación del perfil."
        )
    return _checked_headers(layout)


def _checked_headers(layout: FileLayout) -> FileLayout:
    layout.headers = [
        cell_text(header).replace("\ufeff", "") for header in layout.headers
    ]
    if not any(layout.headers):
        raise UnreadableFile("la primera fila no tiene nombres de columna")
    return layout


def _choose_encoding(path: Path, head: bytes, declared: str) -> str:
    has_bom = head.startswith(codecs.BOM_UTF8)
    if declared and declared != "auto":
        try:
            name = codecs.lookup(declared).name
        except LookupError:
            raise UnreadableFile(f"codificación desconocida: «{declared}»") from None
        if name == "utf-8" and has_bom:
            name = "utf-8-sig"
        if _is_single_byte(name) and _is_utf8_text(path, head):
            # Read as declared it would come out as «MUÃ‘OZ» on every
            # row; a real Windows-1252 file is almost never valid UTF-8
            # once it has a letter beyond ASCII.
            return "utf-8-sig" if has_bom else "utf-8"
        problem = _decode_problem(path, name)
        if problem:
            raise UnreadableFile(f"el archivo no se puede leer como {name}: {problem}")
        return name
    if has_bom:
        problem = _decode_problem(path, "utf-8-sig")
        if problem:
            raise UnreadableFile(f"el archivo empieza como UTF-8 pero {problem}")
        return "utf-8-sig"
    for candidate in ("utf-8", "cp1252"):
        if not _decode_problem(path, candidate):
            return candidate
    return "latin-1"


# The single-byte encodings in which UTF-8 reads as «Ã‘» pairs.
SINGLE_BYTE = {"cp1252", "iso8859-1", "iso8859-15"}


def _is_single_byte(declared: str) -> bool:
    try:
        return codecs.lookup(declared).name in SINGLE_BYTE
    except LookupError:
        return False


def _is_utf8_text(path: Path, head: bytes) -> bool:
    """Return whether the file is UTF-8 with at least one multi-byte letter.

    Only the first block is searched for the letter; the whole file must
    decode.
    """
    return any(byte >= 0x80 for byte in head) and not _decode_problem(path, "utf-8")


def _decode_problem(path: Path, encoding: str) -> str:
    """Return why the whole file does not decode, or "" when it does."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as stream:
        while block := stream.read(BLOCK_SIZE):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                bad = error.object[error.start]
                return f"el byte 0x{bad:02X} cerca de la posición {offset} no es válido"
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "el archivo termina en medio de un carácter"
    return ""


def _first_line(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, newline="") as stream:
        line = stream.readline()
        # A header with a quoted line break goes on to the next line.
        while line.count('"') % 2 and (more := stream.readline()):
            line += more
    return line.rstrip("\r\n")


def _choose_delimiter(header_line: str, declared: str) -> str:
    if declared and declared != "auto":
        if declared not in DELIMITERS:
            raise UnreadableFile(f"separador desconocido: «{declared}»")
        return DELIMITERS[declared]
    unquoted = _QUOTED.sub("", header_line)
    counts = {each: unquoted.count(each) for each in (";", "\t", ",")}
    best = max(counts, key=lambda each: counts[each])
    return best if counts[best] else ","


def _inspect_xlsx(path: Path) -> FileLayout:
    with _open_workbook(path) as workbook:
        if not workbook.worksheets:
            raise UnreadableFile("la planilla no tiene hojas")
        sheet = workbook.worksheets[0]
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        rows = sheet.max_row if isinstance(sheet.max_row, int) else None
        return _checked_headers(
            FileLayout(
                format="xlsx",
                headers=list(first),
                sheet=sheet.title,
                rows_estimate=rows,
            )
        )


@contextlib.contextmanager
def _open_workbook(path: Path) -> Iterator[Workbook]:
    # Opened as a stream, so that the name's extension plays no part: a
    # workbook uploaded as "cartera.csv" is still a workbook.
    with path.open("rb") as stream:
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except (
            zipfile.BadZipFile,
            InvalidFileException,
            KeyError,
            ValueError,
        ) as error:
            raise UnreadableFile(f"no es una planilla XLSX válida ({error})") from None
        try:
            yield workbook
        finally:
            workbook.close()


class RowReader:
    """Stream the data rows of a file as ``(line, cells)``.

    ``line`` is the physical line where the row starts (the header is line
    1), so that an operator finds it in a text editor; in an XLSX it is the
    sheet's row number. Blank rows are skipped. ``bytes_read`` tells how far
    into the file the reader is, for a progress bar.
    """

    def __init__(self, path: Path, layout: FileLayout) -> None:
        self.path = path
        self.layout = layout
        self.size = path.stat().st_size
        self._binary: io.BufferedReader | None = None
        self._rows_done = 0

    @property
    def bytes_read(self) -> int:
        if self._binary is not None and not self._binary.closed:
            return min(self._binary.tell(), self.size)
        estimate = self.layout.rows_estimate
        if estimate:
            return min(self.size, self.size * self._rows_done // estimate)
        return 0

    def __iter__(self) -> Iterator[Row]:
        if self.layout.format == "xlsx":
            return self._xlsx_rows()
        return self._csv_rows()

    def _csv_rows(self) -> Iterator[Row]:
        with self.path.open("rb") as binary:
            self._binary = binary
            text = io.TextIOWrapper(binary, encoding=self.layout.encoding, newline="")
            reader = csv.reader(text, delimiter=self.layout.delimiter)
            next(reader, None)
            last_line = reader.line_num
            for cells in reader:
                line = last_line + 1
                last_line = reader.line_num
                if any(cells):
                    yield line, cells  # type: ignore[misc]

    def _xlsx_rows(self) -> Iterator[Row]:
        with _open_workbook(self.path) as workbook:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(min_row=2, values_only=True)
            for line, cells in enumerate(rows, start=2):
                self._rows_done = line
                if any(cell is not None and cell != "" for cell in cells):
                    yield line, list(cells)
