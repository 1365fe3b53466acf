from odoo import api, fields, models


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
            [
                ("partner_id", "=", partner.id),
                ("balance_type", "=", "rebate"),
                ("company_id", "=", company.id),
                *domain_dates,
            ],
            order="date, id",
        )
        book = self._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Rebate Statement"))
        sheet.title(
            self.env._("Rebate Statement — %(customer)s", customer=partner.display_name),
            self.env._("%(company)s, currency %(currency)s", company=company.name, currency=company.currency_id.name),
        )
        table = sheet.table(self._sdm_settlement_columns())
        row = 3
        table.band(row, self.env._("Settlements"))
        row = table.header(row + 1)
        settlement_rows = []
        for settlement in settlements:
            row += 1
            settlement_rows.append(
                {
                    "name": settlement.name,
                    "agreement": settlement.agreement_id.name,
                    "start": settlement.period_start,
                    "date": settlement.date,
                    "basis": settlement.basis_value,
                    "rebate": settlement.rebate_total,
                    "amount": settlement.amount,
                    "paid_by": settlement.move_id.name
                    or (settlement.balance_id and self.env._("Rebate balance"))
                    or "",
                }
            )
            table.write_row(row, settlement_rows[-1])
        row += 1
        table.total_row(row, self.env._("Total settled"), table.totals(settlement_rows))
        row += 2
        table.total_row(
            row, self.env._("Accrued, not settled yet"), {"amount": sum(accruals.mapped("amount"))}, "section"
        )
        row += 2
        table.band(row, self.env._("Rebate balance"))
        balance = sheet.table(
            [
                ("date", self.env._("Date"), "date"),
                ("name", self.env._("Description"), "text"),
                ("amount", self.env._("Amount"), "money"),
            ],
            widths=False,
        )
        row = balance.header(row + 1)
        credited = used = 0.0
        for movement in movements:
            row += 1
            balance.write_row(row, {"date": movement.date, "name": movement.name, "amount": movement.amount})
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
            balance.total_row(row, label, {"amount": value}, label_key="name")
        return book.close()

    def _sdm_settlement_columns(self):
        return [
            ("name", self.env._("Settlement"), "text", 18),
            ("agreement", self.env._("Agreement"), "text", 16),
            ("start", self.env._("Period Start"), "date", 13),
            ("date", self.env._("Counted Until"), "date", 13),
            ("basis", self.env._("Basis"), "money", 14),
            ("rebate", self.env._("Rebate of the Period"), "money", 16),
            ("amount", self.env._("Settled"), "money", 14, True),
            ("paid_by", self.env._("Paid By"), "text", 18),
        ]

    @api.readonly
    def action_export(self):
        self.ensure_one()
        return self._sdm_download(self._sdm_xlsx(), "rebate_statement.xlsx")
