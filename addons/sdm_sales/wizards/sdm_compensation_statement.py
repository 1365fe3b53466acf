from odoo import api, fields, models
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

    def _sdm_lines(self):
        self.ensure_one()
        # What the customer is owed: approved or settled notices only (a computed one may still change).
        domain = [("notice_id.state", "in", ("approved", "settled")), ("eligible_qty", ">", 0)]
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

    def _sdm_columns(self):
        """The statement's columns, once: key, label, value type, width, totalled."""
        return [
            ("notice", self.env._("Notice"), "text", 16),
            ("date", self.env._("Effective Date"), "date", 12),
            ("product", self.env._("Product"), "text", 28),
            ("source", self.env._("Quantity From"), "text", 14),
            ("qty", self.env._("Eligible Quantity"), "qty", 12),
            ("paid", self.env._("Price Paid"), "money", 12),
            ("new", self.env._("New Price"), "money", 12),
            ("unit", self.env._("Compensation per Unit"), "money", 14),
            ("amount", self.env._("Compensation"), "money", 14, True),
            ("settlement", self.env._("Credit Note / Balance"), "text", 18),
        ]

    def _sdm_line_values(self, line, sources):
        """One line's row. The compensation per unit is the engine's: the compensation over the eligible
        quantity (invoices paid below the new price earn nothing, so it is not the average price paid minus the
        new price)."""
        return {
            "notice": line.notice_id.name,
            "date": line.effective_date,
            "product": line.product_id.display_name,
            "source": sources.get(line.qty_source, ""),
            "qty": line.eligible_qty,
            "paid": line.price_paid,
            "new": line.new_price,
            "unit": line.currency_id.round(line.amount / line.eligible_qty),
            "amount": line.amount,
            "settlement": line.move_id.name or (line.balance_id and self.env._("Balance")) or "",
        }

    def _sdm_xlsx(self):
        self.ensure_one()
        lines = self._sdm_lines()
        sources = dict(self.env["sdm.price.notice.line"]._fields["qty_source"]._description_selection(self.env))
        book = self._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Compensation Statement"))
        table = sheet.table(self._sdm_columns())
        sheet.title(
            self.env._("Price Adjustment Compensation Statement — %s", self.env.company.name),
            self.env._("Currency: %s", ", ".join(lines.currency_id.mapped("name"))),
        )
        row = table.header(3)
        every_row = []
        for partner in lines.partner_id.sorted("display_name"):
            row += 1
            table.band(row, partner.display_name)
            partner_rows = []
            for line in lines.filtered(lambda line, p=partner: line.partner_id == p):
                row += 1
                partner_rows.append(self._sdm_line_values(line, sources))
                table.write_row(row, partner_rows[-1])
            row += 1
            subtotal = self.env._("Subtotal %s", partner.display_name)
            table.total_row(row, subtotal, table.totals(partner_rows), "subtotal")
            every_row += partner_rows
        row += 1
        table.total_row(row, self.env._("Total"), table.totals(every_row))
        sheet.worksheet.freeze_panes(4, 0)
        return book.close()

    @api.readonly
    def action_export(self):
        self.ensure_one()
        return self._sdm_download(self._sdm_xlsx(), "compensation_statement.xlsx")
