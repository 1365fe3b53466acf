import io

import xlsxwriter

from odoo import fields, models
from odoo.exceptions import UserError


class SdmCompensationStatement(models.TransientModel):
    """Compensation statement (补差对账单) as a formatted XLSX: per customer, each notice and product with the
    eligible quantity, the price paid, the new price and the compensation, a subtotal per customer and a total."""

    _name = "sdm.compensation.statement"
    _inherit = ["sdm.xlsx.mixin"]
    _description = "Compensation Statement"

    notice_ids = fields.Many2many("sdm.price.notice", string="Notices", help="Empty: every approved or settled one.")
    partner_id = fields.Many2one("res.partner", string="Customer", domain="[('is_company', '=', True)]")
    date_from = fields.Date()
    date_to = fields.Date()
    file_name = fields.Char(readonly=True)
    file_data = fields.Binary(readonly=True, attachment=False)

    COLUMNS = (
        ("notice", "Notice"),
        ("date", "Effective Date"),
        ("product", "Product"),
        ("source", "Quantity From"),
        ("qty", "Eligible Quantity"),
        ("paid", "Price Paid"),
        ("new", "New Price"),
        ("unit", "Compensation per Unit"),
        ("amount", "Compensation"),
        ("settlement", "Credit Note / Balance"),
    )

    def _sdm_lines(self):
        self.ensure_one()
        domain = [("notice_id.state", "in", ("computed", "approved", "settled")), ("eligible_qty", ">", 0)]
        if self.notice_ids:
            domain.append(("notice_id", "in", self.notice_ids.ids))
        if self.partner_id:
            domain.append(("partner_id", "=", self.partner_id.commercial_partner_id.id))
        if self.date_from:
            domain.append(("effective_date", ">=", self.date_from))
        if self.date_to:
            domain.append(("effective_date", "<=", self.date_to))
        lines = self.env["sdm.price.notice.line"].search(domain)
        if not lines:
            raise UserError(self.env._("Nothing to put in the statement for these notices and customer."))
        return lines.sorted(
            lambda line: (
                line.partner_id.display_name,
                line.effective_date,
                line.notice_id.id,
                line.product_id.display_name,
            )
        )

    def _sdm_xlsx(self):
        self.ensure_one()
        labels = {
            "notice": self.env._("Notice"),
            "date": self.env._("Effective Date"),
            "product": self.env._("Product"),
            "source": self.env._("Quantity From"),
            "qty": self.env._("Eligible Quantity"),
            "paid": self.env._("Price Paid"),
            "new": self.env._("New Price"),
            "unit": self.env._("Compensation per Unit"),
            "amount": self.env._("Compensation"),
            "settlement": self.env._("Credit Note / Balance"),
        }
        sources = dict(self.env["sdm.price.notice.line"]._fields["qty_source"]._description_selection(self.env))
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet(self.env._("Compensation Statement"))
        border = {"border": 1}
        fmt = {
            "title": book.add_format({"bold": True, "font_size": 14}),
            "header": book.add_format({**border, "bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF"}),
            "customer": book.add_format({"bold": True, "bg_color": "#DDEBF7"}),
            "text": book.add_format(border),
            "date": book.add_format({**border, "num_format": "yyyy-mm-dd"}),
            "qty": book.add_format({**border, "num_format": "#,##0.00"}),
            "money": book.add_format({**border, "num_format": "#,##0.00"}),
            "total_text": book.add_format({**border, "bold": True, "bg_color": "#F2F2F2"}),
            "total_money": book.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "num_format": "#,##0.00"}),
        }
        lines = self._sdm_lines()
        currencies = lines.currency_id
        sheet.write(
            0,
            0,
            self.env._("Price Adjustment Compensation Statement — %s", self.env.company.name),
            fmt["title"],
        )
        sheet.write(1, 0, self.env._("Currency: %s", ", ".join(currencies.mapped("name"))))
        row = 3
        for col, (key, _label) in enumerate(self.COLUMNS):
            sheet.write(row, col, labels[key], fmt["header"])
        grand = 0.0
        for partner in lines.partner_id.sorted("display_name"):
            row += 1
            sheet.merge_range(row, 0, row, len(self.COLUMNS) - 1, partner.display_name, fmt["customer"])
            subtotal = 0.0
            for line in lines.filtered(lambda line, p=partner: line.partner_id == p):
                row += 1
                values = (
                    (line.notice_id.name, "text"),
                    (line.effective_date, "date"),
                    (line.product_id.display_name, "text"),
                    (sources.get(line.qty_source, ""), "text"),
                    (line.eligible_qty, "qty"),
                    (line.price_paid, "money"),
                    (line.new_price, "money"),
                    (line.price_paid - line.new_price, "money"),
                    (line.amount, "money"),
                    (line.move_id.name or (line.balance_id and self.env._("Balance")) or "", "text"),
                )
                for col, (value, kind) in enumerate(values):
                    sheet.write(row, col, value, fmt[kind])
                subtotal += line.amount
            row += 1
            sheet.write(row, 0, self.env._("Subtotal %s", partner.display_name), fmt["total_text"])
            for col in range(1, len(self.COLUMNS)):
                sheet.write_blank(row, col, None, fmt["total_text"])
            sheet.write(row, 8, subtotal, fmt["total_money"])
            grand += subtotal
        row += 1
        sheet.write(row, 0, self.env._("Total"), fmt["total_text"])
        for col in range(1, len(self.COLUMNS)):
            sheet.write_blank(row, col, None, fmt["total_text"])
        sheet.write(row, 8, grand, fmt["total_money"])
        for col, width in enumerate((16, 12, 28, 14, 12, 12, 12, 14, 14, 18)):
            sheet.set_column(col, col, width)
        sheet.freeze_panes(4, 0)
        book.close()
        return output.getvalue()

    def action_export(self):
        self.ensure_one()
        return self._sdm_download(self._sdm_xlsx(), "compensation_statement.xlsx")
