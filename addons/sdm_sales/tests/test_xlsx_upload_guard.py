import io
import struct
import zipfile
import zlib

import xlsxwriter

from odoo.addons.sdm_sales.models import sdm_xlsx_mixin
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


def xlsx(sheets):
    """An XLSX of ``sheets``: {sheet name: {row (0-based): [cells]}}."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for row, cells in rows.items():
            sheet.write_row(row, 0, cells)
    book.close()
    return output.getvalue()


def zip_bomb(valid_xlsx, unpacked_bytes):
    """``valid_xlsx`` whose first sheet's XML carries ``unpacked_bytes`` of blanks more: a file of about a
    thousandth of that size. Written by hand, in memory, in about a second per GiB: the blanks are one deflated
    MiB repeated (each copy flushed, so copies chain into one valid deflate stream), the CRC computed chunk by
    chunk — nothing of the unpacked size is ever held in memory."""
    chunk = b" " * (1024 * 1024)
    members = []
    with zipfile.ZipFile(io.BytesIO(valid_xlsx)) as source:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"<sheetData", 1)
                tail = b"<sheetData" + tail
                copies = unpacked_bytes // len(chunk)
                crc = zlib.crc32(head)
                for _ in range(copies):
                    crc = zlib.crc32(chunk, crc)
                crc = zlib.crc32(tail, crc)
                deflated = _deflate(head, zlib.Z_FULL_FLUSH) + _deflate(chunk, zlib.Z_FULL_FLUSH) * copies
                deflated += _deflate(tail, zlib.Z_FINISH)
                members.append((info.filename, crc, deflated, len(head) + copies * len(chunk) + len(tail)))
            else:
                members.append((info.filename, zlib.crc32(data), _deflate(data, zlib.Z_FINISH), len(data)))
    output, central = io.BytesIO(), io.BytesIO()
    for name, crc, deflated, size in members:
        offset = output.tell()
        name = name.encode()
        output.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 33, crc, len(deflated), size, len(name), 0))
        output.write(name + deflated)
        record = (0x02014B50, 20, 20, 0, 8, 0, 33, crc, len(deflated), size, len(name), 0, 0, 0, 0, 0, offset)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", *record) + name)
    directory = central.getvalue()
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), output.tell(), 0)
    return output.getvalue() + directory + end


def _deflate(data, mode):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(mode)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@tagged("post_install", "-at_install")
class TestXlsxUploadGuard(TransactionCase):
    """Every upload reads through ``sdm.xlsx.mixin._sdm_xlsx_read_rows``: a file that is not an XLSX, one that
    unpacks to more than an upload may hold, one without the template's sheet or columns, one with too many rows
    are refused with one clear error before anything is parsed or written. Shown on the channel stock report
    (sdm_sales); the plan upload (sdm_planning) and the server's memory are checked over JSON-RPC in
    tests/test_bad_input_sweep.py."""

    HEADER = ["Product ID", "Internal Reference", "Product", "Unit", "Date", "Stock on Hand", "Sold", "Note"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "Guard Valve", "type": "consu", "list_price": 10})
        cls.Stock = cls.env["sdm.channel.stock"]

    def _refused(self, content, *fragments):
        with self.assertRaises(UserError) as caught:
            self.Stock._sdm_read_stock_xlsx(content)
        message = str(caught.exception)
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertLess(len(message), 1000, "one short error, not a line per row")
        return message

    def test_a_valid_report_is_read_even_after_another_sheet(self):
        content = xlsx(
            {"Notes": {0: ["anything"]}, "Stock": {3: self.HEADER, 4: [self.product.id, "", "", "", None, 4]}}
        )
        lines = self.Stock._sdm_read_stock_xlsx(content)
        self.assertEqual([(line["product_id"], line["quantity"]) for line in lines], [(self.product.id, 4.0)])

    def test_not_an_xlsx(self):
        for content in (b"product,stock\nvalve,4\n", PNG, b"", xlsx({"S": {}})[:200]):
            self._refused(content, "cannot be read as an XLSX workbook")
        other_zip = io.BytesIO()
        with zipfile.ZipFile(other_zip, "w") as archive:
            archive.writestr("readme.txt", "hello")
        self._refused(other_zip.getvalue(), "cannot be read as an XLSX workbook")

    def test_wrong_sheet_or_columns(self):
        wrong_sheet = xlsx({"Prices": {0: ["Product", "Price"], 1: ["Valve", 10]}})
        self._refused(wrong_sheet, "No sheet of this workbook has the template's columns", "Prices")
        shuffled = [*self.HEADER[5:7], *self.HEADER[:5]]
        wrong_columns = xlsx({"Stock": {3: shuffled, 4: [4, 0, self.product.id]}})
        self._refused(wrong_columns, "template's columns in row 4", "Product ID")

    def test_too_many_rows(self):
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True})
        sheet = book.add_worksheet("Stock")
        sheet.write_row(3, 0, self.HEADER)
        for row in range(4, 4 + 100_000):
            sheet.write_row(row, 0, [self.product.id, "", "", "", None, 1])
        book.close()
        self._refused(output.getvalue(), "more than 10000 rows")

    def test_zip_bomb_is_refused_before_parsing(self):
        valid = xlsx({"Stock": {3: self.HEADER, 4: [self.product.id, "", "", "", None, 4]}})
        unpacked = sdm_xlsx_mixin.XLSX_MAX_UNPACKED_BYTES + 16 * 1024 * 1024
        bomb = zip_bomb(valid, unpacked)
        self.assertLess(len(bomb), 1024 * 1024, "a small file")
        self._refused(bomb, "unpacks to 80 MB", "more than the 64 MB")
