"""One home for the XLSX downloads of every SDM addon: the cell formats, the title, header rows, column widths,
rows written by each column's value type, totals under the columns that total, and the download itself.

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
from collections import namedtuple
from datetime import date

import xlsxwriter
from xlsxwriter.utility import xl_range

from odoo import models

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
