from collections import defaultdict

from odoo import api, fields, models


class SdmIncentivePayrollXlsx(models.TransientModel):
    """The payroll file of an approved or locked settlement: one row per person (name, login, reference, period,
    plan), the amounts by line type summed in SQL, the person's total, and a total row."""

    _name = "sdm.incentive.payroll.xlsx"
    _inherit = ["sdm.xlsx.mixin"]
    _description = "Incentive Payroll Export"

    settlement_id = fields.Many2one("sdm.incentive.settlement", required=True, ondelete="cascade")
    file_data = fields.Binary(readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    def _sdm_line_types(self):
        return self.env["sdm.incentive.settlement.line"]._fields["line_type"]._description_selection(self.env)

    def _sdm_columns(self):
        return [
            ("name", self.env._("Name"), "text", 24),
            ("login", self.env._("Login"), "text", 20),
            ("ref", self.env._("Employee Reference"), "text", 16),
            ("date_from", self.env._("Period From"), "date", 12),
            ("date_to", self.env._("Period To"), "date", 12),
            ("plan", self.env._("Incentive Plan"), "text", 22),
            *((line_type, label, "money", 14, True) for line_type, label in self._sdm_line_types()),
            ("total", self.env._("Total"), "money", 14, True),
        ]

    def _sdm_rows(self):
        """One row per person: the amounts by line type from one grouped query."""
        self.ensure_one()
        settlement = self.settlement_id
        settlement._sdm_check_payroll()
        currency = settlement.currency_id
        amounts = defaultdict(dict)
        for user, line_type, amount in self.env["sdm.incentive.settlement.line"]._read_group(
            [("settlement_id", "=", settlement.id)], ["user_id", "line_type"], ["amount:sum"]
        ):
            amounts[user][line_type] = amount
        line_types = [line_type for line_type, _label in self._sdm_line_types()]
        rows = []
        for user in sorted(amounts, key=lambda u: (u.name or "", u.id)):
            by_type = {line_type: currency.round(amounts[user].get(line_type, 0.0)) for line_type in line_types}
            rows.append(
                {
                    "name": user.name,
                    "login": user.login,
                    "ref": user.partner_id.ref or "",
                    "date_from": settlement.date_from,
                    "date_to": settlement.date_to,
                    "plan": settlement.plan_id.name,
                    **by_type,
                    "total": currency.round(sum(by_type.values())),
                }
            )
        return rows

    def _sdm_xlsx(self):
        self.ensure_one()
        settlement = self.settlement_id
        rows = self._sdm_rows()
        book = self._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Payroll"))
        table = sheet.table(self._sdm_columns())
        sheet.title(
            self.env._("Sales incentives for payroll — %(settlement)s", settlement=settlement.display_name),
            self.env._(
                "%(company)s, currency %(currency)s",
                company=settlement.company_id.name,
                currency=settlement.currency_id.name,
            ),
        )
        row = table.header(3)
        for values in rows:
            row += 1
            table.write_row(row, values)
        currency = settlement.currency_id
        totals = {key: currency.round(value) for key, value in table.totals(rows).items()}
        table.total_row(row + 1, self.env._("Total"), totals)
        return book.close()

    @api.readonly
    def action_export(self):
        self.ensure_one()
        name = (self.settlement_id.name or "settlement").replace("/", "-")
        return self._sdm_download(self._sdm_xlsx(), f"incentive_payroll_{name}.xlsx")
