from odoo import api, fields, models
from odoo.tools import SQL

# Row sources of the view. Row ids are unique and stable: an invoice line's row has the journal item's id (so
# reading rows by id reaches the journal items' primary key), the other sources' ids are negative:
# −(the source's own id × 8 + the source's number). Every branch has the same column types, so PostgreSQL pushes
# filters (ids, dates, customers) into each of them.
SOURCES = [
    ("invoice", "Invoice Line"),
    ("rebate_settled", "Rebate Settlement"),
    ("rebate_accrued", "Rebate Accrual"),
    ("rebate_reversed", "Rebate Accrual Reversal"),
    ("compensation", "Price Compensation"),
    ("expense", "Sales Expense"),
]
SOURCE_NUMBER = {key: number for number, (key, _label) in enumerate(SOURCES, start=1)}


class SdmProfitability(models.Model):
    """Customer profitability (cost to serve, 客户贡献): per customer, region, branch, salesperson and month,
    revenue − cost of sales − rebates (settled and accrued) − price compensation − borne sales expenses =
    contribution. One row per document that moves a figure, so the database aggregates any grouping and pushes
    every filter (dates, customers, record rules) into each source.

    Each figure comes from its one home:

    * revenue and cost of sales: the net invoiced sales with their cost (``sdm.net.sales.line.
      _sdm_net_sales_cost_query``), credit notes negative, dated by the invoice, attributed as the invoice; the
      lines of settlement products (rebate and compensation credit notes, balances used on orders) are left
      out: they are counted once, as rebates or compensation;
    * rebates settled: validated rebate settlements (``amount``, what the settlement paid or took back), dated
      at the date they count until;
    * rebates accrued: every accrual at its date, and minus the same amount at the date of its reversal (by the
      next month's accrual or at settlement) — the accounting of the accrual entries, so a month carries what was
      newly accrued and an accrual settled later is never counted twice;
    * compensation: price notice lines paid (``sdm.price.notice.line._sdm_compensation_paid_query``);
    * expenses: sales expenses borne by the company, approved or posted (advanced ones are owed back by the
      customer: no cost), attributed as the expense.

    Rebates and compensation are attributed to the customer's salesperson, branch and region."""

    _name = "sdm.profitability"
    _inherit = ["sdm.ratio.mixin"]
    _description = "Customer Profitability"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _sdm_ratios = {"contribution_pct": ("contribution", "revenue")}

    # What the sources read: written by the ORM before any read of the view.
    _depends = {
        "account.move": ["state", "move_type", "invoice_date", "commercial_partner_id", "invoice_user_id", "team_id"],
        "account.move.line": ["move_id", "display_type", "balance", "quantity", "product_id", "product_uom_id"],
        "product.product": ["product_tmpl_id", "standard_price"],
        "sale.order.line": ["product_uom"],
        "sdm.rebate.settlement": ["state", "amount", "date", "partner_id", "company_id"],
        "sdm.rebate.accrual": ["state", "amount", "date", "partner_id", "company_id", "reversal_move_id"],
        "sdm.price.notice": ["state"],
        "sdm.price.notice.line": ["amount", "effective_date", "partner_id", "move_id", "balance_id"],
        "sdm.sales.expense": ["state", "nature", "amount", "date", "partner_id", "sdm_region_id", "team_id", "user_id"],
        "res.partner": ["user_id", "sdm_branch_id", "sdm_region_id"],
    }

    source = fields.Selection(SOURCES, readonly=True)
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    sdm_region_id = fields.Many2one("sdm.region", string="Sales Region", readonly=True)
    team_id = fields.Many2one("crm.team", string="Branch", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    revenue = fields.Monetary(readonly=True, help="Net invoiced sales, untaxed, settlement products left out.")
    cost = fields.Monetary(string="Cost of Sales", readonly=True)
    gross_profit = fields.Monetary(readonly=True)
    rebate_settled = fields.Monetary(string="Rebates Settled", readonly=True)
    rebate_accrued = fields.Monetary(
        string="Rebates Accrued", readonly=True, help="Accrued at month end, less the accruals reversed."
    )
    rebates = fields.Monetary(readonly=True)
    compensation = fields.Monetary(string="Price Compensation", readonly=True)
    expense = fields.Monetary(string="Borne Expenses", readonly=True)
    contribution = fields.Monetary(readonly=True)
    contribution_pct = fields.Float(
        string="Contribution (%)",
        aggregator="avg",
        readonly=True,
        help="Contribution / revenue; totals divide the sums.",
    )

    # ------------------------------------------------------------------ the query, in named pieces

    @property
    def _table_query(self):
        return self._sdm_profitability_query()

    @api.model
    def _sdm_row(self, source, row_id, figures, **columns):
        """One source's select list: the shared columns, then each figure (the others 0). ``columns`` may give
        the currency; by default the company's."""
        values = {name: SQL("0::numeric") for name in ("revenue", "cost", "rebate_settled", "rebate_accrued")}
        values.update(compensation=SQL("0::numeric"), expense=SQL("0::numeric"))
        values.update({name: SQL("(%s)::numeric", value) for name, value in figures.items()})
        if source != "invoice":
            row_id = SQL("-(%s * 8 + %s)", row_id, SOURCE_NUMBER[source])
        columns.setdefault(
            "currency", SQL("(SELECT rc.currency_id FROM res_company rc WHERE rc.id = %s)", columns["company"])
        )
        return SQL(
            """%(id)s AS id, %(source)s::varchar AS source, %(date)s AS date, %(company)s AS company_id,
               %(currency)s AS currency_id, %(partner)s AS partner_id, %(region)s AS sdm_region_id,
               %(team)s AS team_id, %(user)s AS user_id,
               %(revenue)s AS revenue, %(cost)s AS cost, %(rebate_settled)s AS rebate_settled,
               %(rebate_accrued)s AS rebate_accrued, %(compensation)s AS compensation, %(expense)s AS expense""",
            id=row_id,
            source=source,
            **columns,
            **values,
        )

    @api.model
    def _sdm_customer_columns(self, partner):
        """Attribution to the customer's salesperson, branch and region (``partner``: the res_partner alias)."""
        alias = SQL.identifier(partner)
        return {
            "partner": SQL("%s.id", alias),
            "region": SQL("%s.sdm_region_id", alias),
            "team": SQL("%s.sdm_branch_id", alias),
            "user": SQL("%s.user_id", alias),
        }

    @api.model
    def _sdm_settlement_product_ids(self):
        """Products that settle money with customers (rebates, compensation): their invoice lines are counted as
        rebates or compensation, not as revenue. The reader's companies: the only rows the reader can see."""
        companies = (self.env.user.company_ids | self.env.companies).sudo()
        products = self.env["product.product"]
        for balance_type in companies._sdm_settlement_product_sources():
            products |= companies._sdm_settlement_products(balance_type)
        return products.ids or [0]

    @api.model
    def _sdm_revenue_query(self, **scope):
        lines = self.env["sdm.net.sales.line"]._sdm_net_sales_cost_query(
            where=SQL("COALESCE(aml.product_id, 0) <> ALL(%s)", self._sdm_settlement_product_ids()), **scope
        )
        row = self._sdm_row(
            "invoice",
            SQL("l.id"),
            {"revenue": SQL("l.amount"), "cost": SQL("l.cost")},
            date=SQL("l.invoice_date"),
            company=SQL("l.company_id"),
            currency=SQL("l.currency_id"),
            partner=SQL("l.partner_id"),
            region=SQL("l.sdm_region_id"),
            team=SQL("l.team_id"),
            user=SQL("l.user_id"),
        )
        return SQL("SELECT %s FROM (%s) l", row, lines)

    @api.model
    def _sdm_rebate_settled_query(self, **scope):
        conditions = [
            SQL("s.state = 'validated'"),
            *self._sdm_scope(SQL("s.company_id"), SQL("s.date"), SQL("s.partner_id"), **scope),
        ]
        row = self._sdm_row(
            "rebate_settled",
            SQL("s.id"),
            {"rebate_settled": SQL("s.amount")},
            date=SQL("s.date"),
            company=SQL("s.company_id"),
            **self._sdm_customer_columns("p"),
        )
        return SQL(
            "SELECT %s FROM sdm_rebate_settlement s JOIN res_partner p ON p.id = s.partner_id WHERE %s",
            row,
            SQL(" AND ").join(conditions),
        )

    @api.model
    def _sdm_rebate_accrued_query(self, **scope):
        """Accruals at their date, and their reversals (minus) at the reversal's date."""
        accrued = self._sdm_row(
            "rebate_accrued",
            SQL("a.id"),
            {"rebate_accrued": SQL("a.amount")},
            date=SQL("a.date"),
            company=SQL("a.company_id"),
            **self._sdm_customer_columns("p"),
        )
        reversed_ = self._sdm_row(
            "rebate_reversed",
            SQL("a.id"),
            {"rebate_accrued": SQL("-a.amount")},
            date=SQL("rm.date"),
            company=SQL("a.company_id"),
            **self._sdm_customer_columns("p"),
        )
        return SQL(
            """
            SELECT %(accrued)s FROM sdm_rebate_accrual a JOIN res_partner p ON p.id = a.partner_id WHERE %(where)s
            UNION ALL
            SELECT %(reversed)s FROM sdm_rebate_accrual a JOIN res_partner p ON p.id = a.partner_id
              JOIN account_move rm ON rm.id = a.reversal_move_id
             WHERE a.state = 'reversed' AND %(where_reversed)s
            """,
            accrued=accrued,
            reversed=reversed_,
            where=SQL(" AND ").join(
                [SQL("TRUE"), *self._sdm_scope(SQL("a.company_id"), SQL("a.date"), SQL("a.partner_id"), **scope)]
            ),
            where_reversed=SQL(" AND ").join(
                [SQL("TRUE"), *self._sdm_scope(SQL("a.company_id"), SQL("rm.date"), SQL("a.partner_id"), **scope)]
            ),
        )

    @api.model
    def _sdm_compensation_query(self, **scope):
        paid = self.env["sdm.price.notice.line"]._sdm_compensation_paid_query(**scope)
        row = self._sdm_row(
            "compensation",
            SQL("c.id"),
            {"compensation": SQL("c.amount")},
            date=SQL("c.date"),
            company=SQL("c.company_id"),
            **self._sdm_customer_columns("p"),
        )
        return SQL("SELECT %s FROM (%s) c JOIN res_partner p ON p.id = c.partner_id", row, paid)

    @api.model
    def _sdm_expense_query(self, **scope):
        conditions = [
            SQL("e.nature = 'borne' AND e.state IN ('approved', 'posted')"),
            *self._sdm_scope(SQL("e.company_id"), SQL("e.date"), SQL("e.partner_id"), **scope),
        ]
        row = self._sdm_row(
            "expense",
            SQL("e.id"),
            {"expense": SQL("e.amount")},
            date=SQL("e.date"),
            company=SQL("e.company_id"),
            partner=SQL("e.partner_id"),
            region=SQL("e.sdm_region_id"),
            team=SQL("e.team_id"),
            user=SQL("e.user_id"),
        )
        return SQL("SELECT %s FROM sdm_sales_expense e WHERE %s", row, SQL(" AND ").join(conditions))

    @api.model
    def _sdm_scope(self, company, date, partner, **scope):
        return self.env["sdm.net.sales.line"]._sdm_scope_conditions(
            {"company": company, "date": date, "partner": partner}, **scope
        )

    @api.model
    def _sdm_profitability_sources(self, **scope):
        """The row queries, one per source; an addon adds a source (a cost to serve) here."""
        return [
            self._sdm_revenue_query(**scope),
            self._sdm_rebate_settled_query(**scope),
            self._sdm_rebate_accrued_query(**scope),
            self._sdm_compensation_query(**scope),
            self._sdm_expense_query(**scope),
        ]

    @api.model
    def _sdm_profitability_query(self, company_ids=None, date_from=None, date_to=None, partner_ids=None):
        """SQL of the profitability rows (the columns of this model), restricted inside every source."""
        scope = {"company_ids": company_ids, "date_from": date_from, "date_to": date_to, "partner_ids": partner_ids}
        rows = SQL(" UNION ALL ").join(SQL("(%s)", query) for query in self._sdm_profitability_sources(**scope))
        return SQL(
            """
            SELECT r.*,
                   r.revenue - r.cost AS gross_profit,
                   r.rebate_settled + r.rebate_accrued AS rebates,
                   %(contribution)s AS contribution,
                   CASE WHEN r.revenue <> 0 THEN round(100.0 * (%(contribution)s) / r.revenue, 2) END
                       AS contribution_pct
              FROM (%(rows)s) r
            """,
            contribution=SQL("r.revenue - r.cost - r.rebate_settled - r.rebate_accrued - r.compensation - r.expense"),
            rows=rows,
        )
