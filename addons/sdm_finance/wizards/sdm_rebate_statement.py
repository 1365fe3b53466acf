import io

import xlsxwriter

from odoo import fields, models


class SdmRebateStatement(models.TransientModel):
    """Per-customer rebate statement (返利对账单) as a formatted XLSX: the settlements (earned, settled), the
    open accruals, the balance movements (credited, used) and the remaining balance."""

    _name = "sdm.rebate.statement"
    _inherit = ["sdm.xlsx.mixin"]
    _description = "Rebate Statement"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, domain="[('is_company', '=', True)]")
    date_from = fields.Date()
    date_to = fields.Date(default=fields.Date.context_today)
    file_name = fields.Char(readonly=True)
    file_data = fields.Binary(readonly=True, attachment=False)

    def _sdm_xlsx(self):
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        company = self.env.company
        domain_dates = []
        if self.date_from:
            domain_dates.append(("date", ">=", self.date_from))
        if self.date_to:
            domain_dates.append(("date", "<=", self.date_to))
        settlements = self.env["sdm.rebate.settlement"].search(
            [
                ("partner_id", "=", partner.id),
                ("state", "=", "validated"),
                ("company_id", "=", company.id),
                *domain_dates,
            ],
            order="period_start, id",
        )
        accruals = self.env["sdm.rebate.accrual"].search(
            [("partner_id", "=", partner.id), ("state", "=", "posted"), ("company_id", "=", company.id)]
        )
        movements = self.env["sdm.customer.balance"].search(
            [("partner_id", "=", partner.id), ("kind", "=", "rebate"), ("company_id", "=", company.id), *domain_dates],
            order="date, id",
        )
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet(self.env._("Rebate Statement"))
        border = {"border": 1}
        fmt = {
            "title": book.add_format({"bold": True, "font_size": 14}),
            "section": book.add_format({"bold": True, "bg_color": "#DDEBF7"}),
            "header": book.add_format({**border, "bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF"}),
            "text": book.add_format(border),
            "date": book.add_format({**border, "num_format": "yyyy-mm-dd"}),
            "money": book.add_format({**border, "num_format": "#,##0.00"}),
            "total": book.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "num_format": "#,##0.00"}),
            "total_text": book.add_format({**border, "bold": True, "bg_color": "#F2F2F2"}),
        }
        sheet.write(0, 0, self.env._("Rebate Statement — %(customer)s", customer=partner.display_name), fmt["title"])
        sheet.write(
            1,
            0,
            self.env._("%(company)s, currency %(currency)s", company=company.name, currency=company.currency_id.name),
        )
        row = 3
        sheet.write(row, 0, self.env._("Settlements"), fmt["section"])
        row += 1
        headers = (
            self.env._("Settlement"),
            self.env._("Agreement"),
            self.env._("Period Start"),
            self.env._("Counted Until"),
            self.env._("Basis"),
            self.env._("Rebate of the Period"),
            self.env._("Settled"),
            self.env._("Paid By"),
        )
        for col, label in enumerate(headers):
            sheet.write(row, col, label, fmt["header"])
        settled_total = 0.0
        for settlement in settlements:
            row += 1
            values = (
                (settlement.name, "text"),
                (settlement.agreement_id.name, "text"),
                (settlement.period_start, "date"),
                (settlement.date, "date"),
                (settlement.basis_value, "money"),
                (settlement.rebate_total, "money"),
                (settlement.amount, "money"),
                (settlement.move_id.name or (settlement.balance_id and self.env._("Rebate balance")) or "", "text"),
            )
            for col, (value, kind) in enumerate(values):
                sheet.write(row, col, value, fmt[kind])
            settled_total += settlement.amount
        row += 1
        sheet.write(row, 0, self.env._("Total settled"), fmt["total_text"])
        sheet.write(row, 6, settled_total, fmt["total"])
        row += 2
        sheet.write(row, 0, self.env._("Accrued, not settled yet"), fmt["section"])
        sheet.write(row, 6, sum(accruals.mapped("amount")), fmt["total"])
        row += 2
        sheet.write(row, 0, self.env._("Rebate balance"), fmt["section"])
        row += 1
        for col, label in enumerate((self.env._("Date"), self.env._("Description"), self.env._("Amount"))):
            sheet.write(row, col, label, fmt["header"])
        credited = used = 0.0
        for movement in movements:
            row += 1
            sheet.write(row, 0, movement.date, fmt["date"])
            sheet.write(row, 1, movement.name, fmt["text"])
            sheet.write(row, 2, movement.amount, fmt["money"])
            if movement.amount > 0:
                credited += movement.amount
            else:
                used += movement.amount
        for label, value in (
            (self.env._("Credited"), credited),
            (self.env._("Used"), used),
            (self.env._("Remaining balance"), credited + used),
        ):
            row += 1
            sheet.write(row, 1, label, fmt["total_text"])
            sheet.write(row, 2, value, fmt["total"])
        for col, width in enumerate((18, 16, 13, 13, 14, 16, 14, 18)):
            sheet.set_column(col, col, width)
        book.close()
        return output.getvalue()

    def action_export(self):
        self.ensure_one()
        return self._sdm_download(self._sdm_xlsx(), "rebate_statement.xlsx")
