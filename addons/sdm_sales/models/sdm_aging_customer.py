from odoo import api, fields, models
from odoo.tools import SQL

from .sdm_aging_line import AGING_DEPENDS

AS_OF = ("sdm_as_of",)


class SdmAgingCustomer(models.Model):
    """The customers a salesperson must collect from (催收清单), as of a date: the aged receivables
    (``sdm.aging.line``, the one definition) summed per customer and attributed salesperson, branch and region.
    What the phone shows: overdue amount, days of the oldest overdue item, all that is open."""

    _name = "sdm.aging.customer"
    _description = "Customer to Collect From"
    _auto = False
    _order = "amount_overdue desc, id"
    _rec_name = "partner_id"

    as_of_date = fields.Date(string="As of", readonly=True, depends_context=AS_OF)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Branch", readonly=True)
    sdm_region_id = fields.Many2one("sdm.region", string="Sales Region", readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True, depends_context=AS_OF)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True, depends_context=AS_OF)
    days_overdue = fields.Integer(
        string="Oldest Overdue (days)",
        readonly=True,
        aggregator="max",
        depends_context=AS_OF,
        help="Days past due of the oldest item still owed.",
    )
    oldest_due_date = fields.Date(readonly=True, depends_context=AS_OF)
    item_count = fields.Integer(string="Open Items", readonly=True, depends_context=AS_OF)

    _depends = AGING_DEPENDS

    @property
    def _table_query(self):
        lines = self.env["sdm.aging.line"]
        as_of = lines._sdm_as_of()
        return SQL(
            """
            SELECT MIN(a.id) AS id, a.as_of_date, a.company_id, a.currency_id, a.partner_id, a.user_id, a.team_id,
                   a.sdm_region_id, SUM(a.amount_residual) AS amount_residual,
                   SUM(a.amount_overdue) AS amount_overdue,
                   COALESCE(MAX(a.days_overdue) FILTER (WHERE a.amount_overdue > 0), 0) AS days_overdue,
                   MIN(a.date_maturity) FILTER (WHERE a.amount_overdue > 0) AS oldest_due_date,
                   COUNT(*) AS item_count
              FROM (%s) a
             GROUP BY a.as_of_date, a.company_id, a.currency_id, a.partner_id, a.user_id, a.team_id, a.sdm_region_id
            """,
            lines._sdm_aging_query(as_of),
        )

    @api.model
    def _read_group(self, *args, **kwargs):
        self.env["sdm.aging.line"]._sdm_without_jit()
        return super()._read_group(*args, **kwargs)

    def search_fetch(self, *args, **kwargs):
        self.env["sdm.aging.line"]._sdm_without_jit()
        return super().search_fetch(*args, **kwargs)

    def action_open_items(self):
        """The customer's open items as of the same date (the rows this card sums)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_sales.action_sdm_aging_line")
        action.update(
            {
                "name": self.env._(
                    "%(customer)s as of %(date)s",
                    customer=self.partner_id.display_name,
                    date=self._sdm_date(self.as_of_date),
                ),
                "domain": [
                    ("partner_id", "=", self.partner_id.id),
                    ("user_id", "=", self.user_id.id),
                    ("company_id", "=", self.company_id.id),
                ],
                "context": {"sdm_as_of": fields.Date.to_string(self.as_of_date)},
                "view_mode": "list,kanban,form",
                "views": [(False, "list"), (False, "kanban"), (False, "form")],
            }
        )
        return action
