"""One home for the XLSX downloads of every SDM addon: the cell formats, the title, header rows, column widths,
rows written by each column's value type, totals under the columns that total, and the download itself.

Uploads are read here too (``_sdm_xlsx_read_rows``): the archive is checked before it is parsed (what its members
unpack to, so a small "zip bomb" never reaches the parser), the sheet is found by its template header, and the rows
are capped — every upload of every addon reads through it, so a wrong file is refused with one clear error.

A wizard inherits ``sdm.xlsx.mixin``, defines its columns once — ``(key, label, value_type, width, total)`` —
and writes::

    book = self._sdm_xlsx_workbook()
    sheet = book.add_sheet(self.env._("Statement"))
    table = sheet.table(self._sdm_columns())
    sheet.title(self.env._("Statement — %s", company.name))
    row = table.header(3)
    table.write_row(row + 1, {"name": ..., "amount": ...})
    table.total_row(row + 2, self.env._("Total"), table.totals(rows))
    return self._sdm_download(book.close(), "statement.xlsx")
"""

import base64
import io
import zipfile
from collections import namedtuple
from datetime import date

import xlsxwriter
from xlsxwriter.utility import xl_range

from odoo import api, models
from odoo.exceptions import UserError

try:
    # Odoo 18's own reader of uploaded XLSX files (base_import): openpyxl.
    from openpyxl import load_workbook
except ImportError:  # pragma: no cover - openpyxl is in Odoo's requirements
    load_workbook = None

# What an uploaded workbook may unpack to (all its members), and how many data rows a sheet may hold: checked
# before anything is parsed, so an upload's memory is bounded whatever the file.
XLSX_MAX_UNPACKED_BYTES = 64 * 1024 * 1024
XLSX_MAX_ROWS = 10_000

XlsxColumn = namedtuple("XlsxColumn", "key label value_type width total", defaults=("text", 12, False))

# What a cell holds: its number format (and, for cells to fill in or not to touch, its colour).
VALUE_FORMATS = {
    "text": {},
    "date": {"num_format": "yyyy-mm-dd"},
    "money": {"num_format": "#,##0.00"},
    "qty": {"num_format": "#,##0.00"},
    "percent": {"num_format": "0.0%"},
    "score": {"num_format": "0.0"},
    "id": {"num_format": "0"},
    "input": {"num_format": "#,##0.00", "bg_color": "#FFF2CC"},
    "locked": {"bg_color": "#F2F2F2"},
}
# What a row is: a plain row, the header, a band naming a group, a subtotal, the total.
STYLES = {
    None: {"border": 1, "valign": "vcenter"},
    "header": {"border": 1, "bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "valign": "vcenter"},
    "section": {"border": 1, "bold": True, "bg_color": "#DDEBF7", "valign": "vcenter"},
    "subtotal": {"border": 1, "bold": True, "bg_color": "#F2F2F2", "valign": "vcenter"},
    "total": {"border": 1, "bold": True, "bg_color": "#BDD7EE", "valign": "vcenter"},
}


class SdmXlsxWorkbook:
    """An in-memory workbook whose formats are made once per (value_type, style)."""

    def __init__(self):
        self._output = io.BytesIO()
        self.book = xlsxwriter.Workbook(self._output, {"in_memory": True})
        self._formats = {}

    def format(self, value_type="text", style=None):
        key = (value_type, style)
        if key not in self._formats:
            if value_type == "title":
                properties = {"bold": True, "font_size": 14}
            elif value_type == "note":
                properties = {}
            else:
                properties = {**STYLES[style], **VALUE_FORMATS[value_type]}
            self._formats[key] = self.book.add_format(properties)
        return self._formats[key]

    def add_sheet(self, name):
        return SdmXlsxSheet(self, self.book.add_worksheet(name))

    def add_chart(self, options):
        return self.book.add_chart(options)

    def close(self):
        """The file's bytes."""
        self.book.close()
        return self._output.getvalue()


class SdmXlsxSheet:
    def __init__(self, workbook, worksheet):
        self.workbook = workbook
        self.worksheet = worksheet
        self.name = worksheet.name

    def title(self, text, subtitle=None, row=0):
        self.worksheet.write_string(row, 0, text, self.workbook.format("title"))
        if subtitle:
            self.worksheet.write_string(row + 1, 0, subtitle, self.workbook.format("note"))

    def table(self, columns, widths=True):
        """A table of ``columns`` (``XlsxColumn`` or tuples of its fields) starting in the first column; with
        ``widths`` the columns take the table's widths."""
        return SdmXlsxTable(self, columns, widths)


class SdmXlsxTable:
    """Rows of one column definition on a sheet: the header, the rows, the totals all follow it."""

    def __init__(self, sheet, columns, widths=True):
        self.sheet = sheet
        self.workbook = sheet.workbook
        self.columns = [column if isinstance(column, XlsxColumn) else XlsxColumn(*column) for column in columns]
        self._index = {column.key: col for col, column in enumerate(self.columns)}
        if widths:
            for col, column in enumerate(self.columns):
                sheet.worksheet.set_column(col, col, column.width)

    def col(self, key):
        return self._index[key]

    def range(self, row, first_key, last_key):
        """The A1 range of a row between two columns, for formulas."""
        return xl_range(row, self.col(first_key), row, self.col(last_key))

    def header(self, row):
        for col, column in enumerate(self.columns):
            self.sheet.worksheet.write_string(row, col, column.label, self.workbook.format("text", "header"))
        return row

    def band(self, row, text, style="section"):
        """A row naming a group (a customer, a region) across the whole table."""
        worksheet, fmt = self.sheet.worksheet, self.workbook.format("text", style)
        if len(self.columns) > 1:
            worksheet.merge_range(row, 0, row, len(self.columns) - 1, text, fmt)
        else:
            worksheet.write_string(row, 0, text, fmt)

    def write_cell(self, row, key, value, style=None, value_type=None):
        col = self.col(key)
        fmt = self.workbook.format(value_type or self.columns[col].value_type, style)
        worksheet = self.sheet.worksheet
        if value is None or value is False or value == "":
            worksheet.write_blank(row, col, None, fmt)
        elif isinstance(value, str):
            worksheet.write_string(row, col, value, fmt)  # never a formula, whatever the text starts with
        elif isinstance(value, date):
            worksheet.write_datetime(row, col, value, fmt)
        else:
            worksheet.write_number(row, col, value, fmt)

    def write_formula(self, row, key, formula, style=None):
        col = self.col(key)
        self.sheet.worksheet.write_formula(row, col, formula, self.workbook.format(self.columns[col].value_type, style))

    def write_row(self, row, values, style=None):
        """``values`` by column key; the columns it leaves out stay blank (in the row's style)."""
        for column in self.columns:
            self.write_cell(row, column.key, values.get(column.key), style)

    def totals(self, rows):
        """Sums of the columns marked ``total`` over ``rows`` (dicts by column key)."""
        return {
            column.key: sum(values.get(column.key) or 0.0 for values in rows) for column in self.columns if column.total
        }

    def total_row(self, row, label, totals, style="total", label_key=None):
        """``label`` in the first column (or ``label_key``'s), each total under its own column."""
        self.write_row(row, {label_key or self.columns[0].key: label, **totals}, style)


class SdmXlsxMixin(models.AbstractModel):
    """Wizards that write an XLSX (through ``_sdm_xlsx_workbook``) and hand it to the browser."""

    _name = "sdm.xlsx.mixin"
    _description = "SDM XLSX Download"

    def _sdm_xlsx_workbook(self):
        return SdmXlsxWorkbook()

    def _sdm_download(self, content, file_name, field="file_data"):
        """Store the file on the record and return the action that downloads it.

        The export actions that call this are ``@api.readonly``: over JSON-RPC they run on the read-only replica
        when ``db_replica_host`` is set (config/odoo.prod.conf). The replica holds no new rows, so the file alone
        is written through a short read/write cursor on the primary (committed there, where ``/web/content``
        reads it), the way Odoo draws sequence numbers from a replica request."""
        self.ensure_one()
        vals = {field: base64.b64encode(content), "file_name": file_name}
        self.check_access("write")  # refused here as on the primary, before another cursor is opened
        if self.env.cr.readonly:
            with self.env.registry.cursor(readonly=False) as cr:
                primary = self.with_env(self.env(cr=cr))
                primary.write(vals)
                primary.flush_recordset()  # the commit flushes only environments still referenced
        else:
            self.write(vals)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/{field}/{file_name}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------ uploads

    @api.model
    def _sdm_xlsx_open(self, content, encoded=False):
        """The workbook of the uploaded bytes ``content`` (base64 when ``encoded``: a Binary field's value;
        read-only, values), once its archive is known to unpack
        to at most ``XLSX_MAX_UNPACKED_BYTES``; a UserError for anything else (not an XLSX, too big, unreadable)."""
        if load_workbook is None:
            raise UserError(self.env._("Reading XLSX files requires the Python library openpyxl."))
        not_xlsx = self.env._(
            "This file cannot be read as an XLSX workbook: save it from your spreadsheet as “Excel Workbook (.xlsx)” "
            "and upload it again."
        )
        try:
            if encoded:
                content = base64.b64decode(content or b"")
            with zipfile.ZipFile(io.BytesIO(content or b"")) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:  # binascii.Error: ValueError
            raise UserError(not_xlsx) from error
        if not any(member.filename == "xl/workbook.xml" for member in members):
            raise UserError(not_xlsx)
        unpacked = sum(member.file_size for member in members)
        if unpacked > XLSX_MAX_UNPACKED_BYTES:
            raise UserError(
                self.env._(
                    "This workbook unpacks to %(size)s MB, more than the %(max)s MB an upload may hold: upload the "
                    "template's sheet alone, or split it into smaller files.",
                    size=unpacked // (1024 * 1024),
                    max=XLSX_MAX_UNPACKED_BYTES // (1024 * 1024),
                )
            )
        try:
            return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a damaged file; all mean "cannot read it"
            raise UserError(self.env._("This file cannot be read as an XLSX workbook: %s", error)) from error

    @api.model
    def _sdm_xlsx_read_rows(self, content, header_row, header, max_rows=XLSX_MAX_ROWS, encoded=False):
        """The data rows (row number, tuple of cell values) below ``header_row`` (1-based) of the first sheet of the
        uploaded XLSX ``content`` whose header matches ``header``: one set of accepted labels per column (``None``
        accepts anything; a label may be shortened, "Stock" for "Stock on Hand"). Rows left empty are skipped; a
        sheet with data below ``max_rows`` data rows is refused rather than read. Every problem is one UserError."""
        book = self._sdm_xlsx_open(content, encoded=encoded)
        try:
            for sheet in book.worksheets:
                found = next(sheet.iter_rows(min_row=header_row, max_row=header_row, values_only=True), ())
                if self._sdm_xlsx_header_matches(found, header):
                    return self._sdm_xlsx_sheet_rows(sheet, header_row, max_rows)
            expected = ", ".join(sorted(labels, key=len)[-1] if labels else "…" for labels in header)
            raise UserError(
                self.env._(
                    "No sheet of this workbook has the template's columns in row %(row)s (%(expected)s); sheets "
                    "found: %(sheets)s. Download the template again and fill it in without moving its columns.",
                    row=header_row,
                    expected=expected,
                    sheets=", ".join(book.sheetnames) or "-",
                )
            )
        except UserError:
            raise
        except Exception as error:  # a sheet damaged inside a valid archive
            raise UserError(self.env._("This file cannot be read as an XLSX workbook: %s", error)) from error
        finally:
            book.close()

    @api.model
    def _sdm_xlsx_header_matches(self, found, header):
        found = list(found) + [None] * (len(header) - len(found))
        for cell, labels in zip(found, header, strict=False):
            if labels is None:
                continue
            text = str(cell if cell is not None else "").strip().casefold()
            if not text or not any(
                label.casefold() == text or label.casefold().startswith(text) or text.startswith(label.casefold())
                for label in labels
            ):
                return False
        return True

    def _sdm_xlsx_sheet_rows(self, sheet, header_row, max_rows):
        rows = []
        # One row past the cap is read, never more: whatever the sheet claims, reading stops there.
        last = header_row + max_rows + 1
        for number, cells in enumerate(sheet.iter_rows(min_row=header_row + 1, max_row=last, values_only=True)):
            if not any(value not in (None, "") for value in cells):
                continue
            if number >= max_rows:
                raise UserError(
                    self.env._(
                        "The sheet “%(sheet)s” has more than %(max)s rows: upload at most %(max)s rows per file.",
                        sheet=sheet.title,
                        max=max_rows,
                    )
                )
            rows.append((header_row + 1 + number, cells))
        return rows
