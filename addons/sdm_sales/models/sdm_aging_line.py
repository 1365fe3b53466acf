from odoo import api, fields, models
from odoo.tools import SQL

# The groupings a DSO can be given for: those the sales rows carry as well.
DSO_DIMENSIONS = ("company_id", "partner_id", "user_id", "team_id", "sdm_region_id", "currency_id")
AS_OF = ("sdm_as_of",)
# What the rows are made of: the ORM flushes these fields before reading them.
AGING_DEPENDS = {
    "account.move": [
        "state",
        "move_type",
        "company_id",
        "commercial_partner_id",
        "invoice_user_id",
        "team_id",
        "sdm_region_id",
        "invoice_date",
        "amount_total_signed",
    ],
    "account.move.line": [
        "move_id",
        "account_id",
        "partner_id",
        "company_id",
        "date",
        "date_maturity",
        "amount_residual",
        "parent_state",
    ],
    "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "max_date"],
    "res.partner": ["commercial_partner_id", "user_id", "sdm_branch_id", "sdm_region_id"],
    "res.company": ["sdm_dso_days"],
    "sdm.aging.bucket": ["company_id", "days_from"],
}


class SdmAgingLine(models.Model):
    """Aged receivables (应收账龄) as of a date: the one definition of what each customer owed on a day and for
    how long.

    One row per customer receivable journal item open on the date (``sdm_as_of`` in the context, default today):
    its amount still open then — the item minus the reconciliations dated up to that date (a partial
    reconciliation is dated by the later of its two items) — so a payment made after the date leaves the item as
    it was. Each installment is its own item with its own due date; days overdue are counted from it. Invoices and
    credit notes are attributed to their salesperson, branch and region; other items (receipts, entries) to the
    customer's. Open credits (unapplied receipts, credit notes) are negative. Amounts in company currency.

    DSO (days sales outstanding) of a group = open amount / invoiced sales (tax included, net of credit notes) of
    the ``sdm_dso_days`` days up to the date × those days; the sales come from the same query in "sales" mode
    (``sdm_aging_sales`` in the context), filtered by the same domain."""

    _name = "sdm.aging.line"
    _description = "Aged Receivable"
    _auto = False
    _order = "days_overdue desc, id"
    _rec_name = "move_id"

    as_of_date = fields.Date(string="As of", readonly=True, depends_context=AS_OF)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    move_type = fields.Selection(
        selection=lambda self: self.env["account.move"]._fields["move_type"].selection, readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, help="The commercial partner.")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Branch", readonly=True)
    sdm_region_id = fields.Many2one("sdm.region", string="Sales Region", readonly=True)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max", depends_context=AS_OF)
    bucket_id = fields.Many2one("sdm.aging.bucket", string="Aging", readonly=True, depends_context=AS_OF)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True, depends_context=AS_OF)
    amount_overdue = fields.Monetary(
        string="Overdue", readonly=True, depends_context=AS_OF, help="The open amount of items past their due date."
    )
    amount_sales = fields.Monetary(
        string="Sales in DSO Period", readonly=True, depends_context=AS_OF, help="Filled in the sales rows only."
    )
    dso = fields.Float(
        string="DSO (days)",
        digits=(16, 1),
        readonly=True,
        aggregator="max",
        help="Days sales outstanding of the group: open amount / invoiced sales of the period × its days.",
    )

    _depends = AGING_DEPENDS

    @property
    def _table_query(self):
        as_of = self._sdm_as_of()
        if self.env.context.get("sdm_aging_sales"):
            return self._sdm_sales_query(as_of)
        # ``sdm_aging_partner_ids`` (the items' partners, contacts included) narrows the rows before they are built:
        # one customer's items read at the cost of that customer's ledger (the portal), not the company's.
        return self._sdm_aging_query(as_of, partner_ids=self.env.context.get("sdm_aging_partner_ids"))

    @api.model
    def _sdm_as_of(self):
        return fields.Date.to_date(self.env.context.get("sdm_as_of")) or fields.Date.context_today(self)

    # ------------------------------------------------------------------ the query, in named pieces

    @api.model
    def _sdm_attribution(self, move_alias, partner_alias):
        """Columns user_id, team_id, sdm_region_id: the invoice's own for invoices and credit notes, the
        customer's for everything else (as collection lines attribute unapplied receipts)."""
        move, partner = SQL.identifier(move_alias), SQL.identifier(partner_alias)
        invoice = SQL("%s.move_type IN ('out_invoice', 'out_refund')", move)
        return SQL(
            """CASE WHEN %(invoice)s THEN %(move)s.invoice_user_id ELSE %(partner)s.user_id END AS user_id,
               CASE WHEN %(invoice)s THEN %(move)s.team_id ELSE %(partner)s.sdm_branch_id END AS team_id,
               CASE WHEN %(invoice)s THEN COALESCE(%(move)s.sdm_region_id, %(partner)s.sdm_region_id)
                    ELSE %(partner)s.sdm_region_id END AS sdm_region_id""",
            invoice=invoice,
            move=move,
            partner=partner,
        )

    @api.model
    def _sdm_open_items_query(self, as_of, company_ids=None, partner_ids=None):
        """(id, residual) of the customer receivable items open on ``as_of``: today's residual put back by the
        reconciliations dated after ``as_of``. Only items open today or touched by such a reconciliation qualify
        (the planner still scans the receivable items once: linear in the ledger, see bench/aging_bench.py)."""
        companies = SQL("AND aml.company_id = ANY(%s)", list(company_ids)) if company_ids else SQL()
        partners = SQL("AND aml.partner_id = ANY(%s)", list(partner_ids)) if partner_ids else SQL()
        return SQL(
            """
            WITH later AS (
                SELECT line_id, SUM(amount) AS amount
                  FROM (SELECT apr.debit_move_id AS line_id, apr.amount
                          FROM account_partial_reconcile apr WHERE apr.max_date > %(as_of)s
                        UNION ALL
                        SELECT apr.credit_move_id, -apr.amount
                          FROM account_partial_reconcile apr WHERE apr.max_date > %(as_of)s) moved
                 GROUP BY line_id
            ), receivable AS (
                SELECT id FROM account_account WHERE account_type = 'asset_receivable'
            )
            SELECT aml.id, aml.amount_residual + COALESCE(later.amount, 0) AS residual
              FROM account_move_line aml
              LEFT JOIN later ON later.line_id = aml.id
             WHERE aml.account_id IN (SELECT id FROM receivable)
               AND aml.parent_state = 'posted' AND aml.partner_id IS NOT NULL AND aml.date <= %(as_of)s
               AND (aml.amount_residual <> 0 OR later.line_id IS NOT NULL)
               AND aml.amount_residual + COALESCE(later.amount, 0) <> 0
               %(companies)s %(partners)s
            """,
            as_of=as_of,
            companies=companies,
            partners=partners,
        )

    @api.model
    def _sdm_aging_query(self, as_of, company_ids=None, partner_ids=None):
        """The rows of this model as of ``as_of`` (company ids default to the user's active companies)."""
        company_ids = company_ids or self.env.companies.ids
        return SQL(
            """
            SELECT aml.id, %(as_of)s::date AS as_of_date, aml.company_id, aml.company_currency_id AS currency_id,
                   aml.id AS move_line_id, aml.move_id, m.move_type, cp.id AS partner_id, %(attribution)s,
                   aml.date, COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                   %(as_of)s::date - COALESCE(aml.date_maturity, aml.date) AS days_overdue,
                   bucket.id AS bucket_id,
                   open.residual AS amount_residual,
                   CASE WHEN open.residual > 0 AND COALESCE(aml.date_maturity, aml.date) < %(as_of)s
                        THEN open.residual ELSE 0 END AS amount_overdue,
                   0::numeric AS amount_sales, NULL::float AS dso
              FROM (%(open)s) open
              JOIN account_move_line aml ON aml.id = open.id
              JOIN account_move m ON m.id = aml.move_id
              JOIN res_partner p ON p.id = aml.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
              LEFT JOIN LATERAL (
                  SELECT b.id FROM sdm_aging_bucket b
                   WHERE b.company_id = aml.company_id
                     AND b.days_from <= GREATEST(%(as_of)s::date - COALESCE(aml.date_maturity, aml.date), 0)
                   ORDER BY b.days_from DESC LIMIT 1
              ) bucket ON true
            """,
            as_of=as_of,
            attribution=self._sdm_attribution("m", "cp"),
            open=self._sdm_open_items_query(as_of, company_ids, partner_ids),
        )

    @api.model
    def _sdm_sales_query(self, as_of, company_ids=None):
        """Rows of the same columns holding the invoiced sales (tax included, credit notes negative) of the DSO
        period up to ``as_of``, one per invoice, attributed as the aging rows."""
        company_ids = company_ids or self.env.companies.ids
        return SQL(
            """
            SELECT m.id, %(as_of)s::date AS as_of_date, m.company_id, c.currency_id, NULL::int AS move_line_id,
                   m.id AS move_id, m.move_type, cp.id AS partner_id, %(attribution)s,
                   m.invoice_date AS date, NULL::date AS date_maturity, NULL::int AS days_overdue,
                   NULL::int AS bucket_id, 0::numeric AS amount_residual, 0::numeric AS amount_overdue,
                   m.amount_total_signed AS amount_sales, NULL::float AS dso
              FROM account_move m
              JOIN res_company c ON c.id = m.company_id
              JOIN res_partner cp ON cp.id = m.commercial_partner_id
             WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.company_id = ANY(%(companies)s)
               AND m.invoice_date <= %(as_of)s
               AND m.invoice_date > %(as_of)s::date - GREATEST(c.sdm_dso_days, 1)
            """,
            as_of=as_of,
            companies=list(company_ids),
            attribution=self._sdm_attribution("m", "cp"),
        )

    # ------------------------------------------------------------------ reading

    @api.model
    def _sdm_without_jit(self):
        """Aging reads aggregate every receivable item: at a million items their plan's cost crosses PostgreSQL's
        JIT thresholds and compiling costs more than it saves (8 of 14 s in bench/aging_bench.py). JIT is off for
        the rest of this transaction."""
        self.env.cr.execute(SQL("SET LOCAL jit = off"))

    @api.model
    def _read_group(self, *args, **kwargs):
        self._sdm_without_jit()
        return super()._read_group(*args, **kwargs)

    def search_fetch(self, *args, **kwargs):
        self._sdm_without_jit()
        return super().search_fetch(*args, **kwargs)

    # ------------------------------------------------------------------ DSO

    @api.model
    def _sdm_dso(self, residual, sales, days):
        """The one DSO formula: open amount / sales of the period × its days (None without sales)."""
        return round(days * residual / sales, 1) if sales else None

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        wants_dso = any(spec.split(":")[0] == "dso" for spec in fields)
        if wants_dso and not any(spec.split(":")[0] == "amount_residual" for spec in fields):
            fields = [*fields, "amount_residual:sum"]
        groups = super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        if not wants_dso or self.env.context.get("sdm_aging_sales"):
            return groups
        groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
        if lazy:
            groupby = groupby[:1]
        for group in groups:
            group["dso"] = False
        if any(spec not in DSO_DIMENSIONS for spec in groupby):
            return groups  # buckets, dates: no sales rows to divide by

        def key(row):
            return tuple(row[name][0] if isinstance(row[name], tuple) else row[name] for name in groupby)

        sales = self.with_context(sdm_aging_sales=True).read_group(domain, ["amount_sales:sum"], groupby, lazy=False)
        sales_by_key = {key(row): row["amount_sales"] or 0.0 for row in sales}
        days = max(self.env.company.sdm_dso_days, 1)
        for group in groups:
            dso = self._sdm_dso(group.get("amount_residual") or 0.0, sales_by_key.get(key(group)), days)
            group["dso"] = dso if dso is not None else False
        return groups

    # ------------------------------------------------------------------ actions

    def action_open_document(self):
        self.ensure_one()
        return self.move_id._get_records_action()
