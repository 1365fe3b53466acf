from odoo import fields, models
from odoo.tools import SQL

from .sdm_expense_budget import SCOPES


class SdmExpenseBudgetReport(models.Model):
    """Budget vs actual (预算执行): one row per budget with its amount, transfers, what it drew (expenses, rebates,
    compensation), what is left and the % used — read at query time from the budgets' one figures query
    (``sdm.expense.budget._sdm_figures_sql``), so it is never stale. Grouped rows show % used as
    Σ consumed / Σ budget after transfers (``sdm.ratio.mixin``)."""

    _name = "sdm.expense.budget.report"
    _description = "Budget vs Actual"
    _inherit = ["sdm.ratio.mixin"]
    _auto = False
    _order = "date_from desc, budget_id desc"
    _rec_name = "budget_id"
    _sdm_ratios = {"used_percent": ("consumed", "available")}

    budget_id = fields.Many2one("sdm.expense.budget", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    state = fields.Selection([("draft", "Draft"), ("open", "Open"), ("closed", "Closed")], readonly=True)
    date_from = fields.Date(string="From", readonly=True)
    date_to = fields.Date(string="To", readonly=True)
    scope = fields.Selection(SCOPES, readonly=True)
    sdm_region_id = fields.Many2one("sdm.region", string="Sales Region", readonly=True)
    team_id = fields.Many2one("crm.team", string="Branch", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    expense_type_id = fields.Many2one("sdm.expense.type", readonly=True)
    amount = fields.Monetary(readonly=True)
    transferred_in = fields.Monetary(readonly=True)
    transferred_out = fields.Monetary(readonly=True)
    available = fields.Monetary(string="Budget after Transfers", readonly=True)
    consumed_expense = fields.Monetary(string="Expenses", readonly=True)
    consumed_rebate = fields.Monetary(string="Rebates", readonly=True)
    consumed_compensation = fields.Monetary(string="Compensation", readonly=True)
    consumed = fields.Monetary(readonly=True)
    remaining = fields.Monetary(readonly=True)
    used_percent = fields.Float(string="% Used", readonly=True, aggregator="avg", digits=(16, 1))

    @property
    def _table_query(self):
        return SQL(
            """SELECT b.id, b.id AS budget_id, b.company_id, company.currency_id, b.state, b.date_from, b.date_to,
                      b.scope, b.sdm_region_id, b.team_id, b.partner_id, b.expense_type_id, b.amount,
                      f.transferred_in, f.transferred_out,
                      b.amount + f.transferred_in - f.transferred_out AS available,
                      f.consumed_expense, f.consumed_rebate, f.consumed_compensation,
                      f.consumed_expense + f.consumed_rebate + f.consumed_compensation AS consumed,
                      b.amount + f.transferred_in - f.transferred_out
                          - f.consumed_expense - f.consumed_rebate - f.consumed_compensation AS remaining,
                      CASE WHEN b.amount + f.transferred_in - f.transferred_out = 0 THEN 0
                           ELSE 100.0 * (f.consumed_expense + f.consumed_rebate + f.consumed_compensation)
                                / (b.amount + f.transferred_in - f.transferred_out) END AS used_percent
                 FROM sdm_expense_budget b
                 JOIN res_company company ON company.id = b.company_id
                 JOIN (%s) f ON f.budget_id = b.id""",
            self.env["sdm.expense.budget"]._sdm_figures_sql(),
        )
