from odoo import api, fields, models


class SdmExpenseBudgetXlsx(models.TransientModel):
    """Budget vs actual as an XLSX (through the one XLSX home, ``sdm.xlsx.mixin``): the selected budgets, or all
    those whose period meets the dates, with amount, transfers, what they drew and the % used."""

    _name = "sdm.expense.budget.xlsx"
    _inherit = ["sdm.xlsx.mixin"]
    _description = "Budget vs Actual XLSX"

    budget_ids = fields.Many2many("sdm.expense.budget", string="Budgets", help="Empty: every budget of the dates.")
    date_from = fields.Date()
    date_to = fields.Date()
    file_name = fields.Char(readonly=True)
    file_data = fields.Binary(readonly=True, attachment=False)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "sdm.expense.budget" and self.env.context.get("active_ids"):
            values["budget_ids"] = [fields.Command.set(self.env.context["active_ids"])]
        return values

    def _sdm_budgets(self):
        self.ensure_one()
        if self.budget_ids:
            return self.budget_ids
        domain = [("company_id", "in", self.env.companies.ids)]
        if self.date_from:
            domain.append(("date_to", ">=", self.date_from))
        if self.date_to:
            domain.append(("date_from", "<=", self.date_to))
        return self.env["sdm.expense.budget"].search(domain, order="date_from, name, id")

    def _sdm_columns(self):
        return [
            ("name", self.env._("Budget"), "text", 24),
            ("scope", self.env._("Scope"), "text", 22),
            ("type", self.env._("Expense Type"), "text", 16),
            ("date_from", self.env._("From"), "date", 12),
            ("date_to", self.env._("To"), "date", 12),
            ("state", self.env._("Status"), "text", 10),
            ("amount", self.env._("Amount"), "money", 14, True),
            ("transferred", self.env._("Transfers"), "money", 13, True),
            ("expense", self.env._("Expenses"), "money", 14, True),
            ("rebate", self.env._("Rebates"), "money", 13, True),
            ("compensation", self.env._("Compensation"), "money", 14, True),
            ("consumed", self.env._("Consumed"), "money", 14, True),
            ("remaining", self.env._("Remaining"), "money", 14, True),
            ("used", self.env._("% Used"), "percent", 9),
        ]

    def _sdm_row(self, budget, scopes, states):
        """One budget's row (its figures come from the budgets' one query, read once for the whole set)."""
        target = budget.sdm_region_id or budget.team_id or budget.partner_id
        return {
            "name": budget.name,
            "scope": f"{scopes[budget.scope]}: {target.display_name}" if target else scopes[budget.scope],
            "type": budget.expense_type_id.name or self.env._("All types"),
            "date_from": budget.date_from,
            "date_to": budget.date_to,
            "state": states[budget.state],
            "amount": budget.amount,
            "transferred": budget.transferred_in - budget.transferred_out,
            "expense": budget.consumed_expense,
            "rebate": budget.consumed_rebate,
            "compensation": budget.consumed_compensation,
            "consumed": budget.consumed,
            "remaining": budget.remaining,
            "used": budget.used_percent / 100.0,
        }

    def _sdm_xlsx(self):
        self.ensure_one()
        budgets = self._sdm_budgets()
        Budget = self.env["sdm.expense.budget"]
        scopes = dict(Budget._fields["scope"]._description_selection(self.env))
        states = dict(Budget._fields["state"]._description_selection(self.env))
        company = self.env.company
        book = self._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Budget vs Actual"))
        sheet.title(
            self.env._("Budget vs Actual — %(company)s", company=company.name),
            self.env._("Currency %(currency)s", currency=company.currency_id.name),
        )
        table = sheet.table(self._sdm_columns())
        row = table.header(3)
        rows = []
        for budget in budgets:
            row += 1
            rows.append(self._sdm_row(budget, scopes, states))
            table.write_row(row, rows[-1])
        totals = table.totals(rows)
        available = totals["amount"] + totals["transferred"]
        totals["used"] = totals["consumed"] / available if available else 0.0
        table.total_row(row + 1, self.env._("Total"), totals)
        return book.close()

    @api.readonly
    def action_export(self):
        return self._sdm_download(self._sdm_xlsx(), "budget_vs_actual.xlsx")
