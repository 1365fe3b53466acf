from odoo import api, fields, models
from odoo.tools import SQL


class SdmCollectionLine(models.Model):
    """Collections (回款): the one definition of the money a customer paid and whom it is credited to.

    *Applied* rows are the reconciliations of a customer invoice's receivable item with a receipt (a payment or a
    bank statement line): the amount matched, in company currency, attributed to the invoice's salesperson, branch
    and region — whoever sold, not the customer's salesperson of today — dated when the invoice was paid by that
    receipt (the later of the two dates), with the untaxed share of the invoice it paid. Money paid back on a credit
    note (a refund payment) counts negative. Credit notes matched against invoices are not collections.

    *Unapplied* rows are what is left open on receipts not matched to any invoice yet (advance payments, unmatched
    bank receipts): attributed to the customer's salesperson, branch and region, dated by the receipt, and shown
    apart (``applied`` is false) until a reconciliation turns them into applied rows.

    Consumers (plan achievement, rebates on collections, receivables) embed :meth:`_sdm_collection_query` with their
    filters. Ids: ``2 × partial`` for applied rows, ``2 × journal item + 1`` for unapplied ones."""

    _name = "sdm.collection.line"
    _description = "Collection Line"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "invoice_id"

    applied = fields.Boolean(readonly=True, help="Matched with an invoice; otherwise open on the receipt.")
    date = fields.Date(readonly=True, help="Applied: when the receipt paid the invoice. Unapplied: the receipt's date.")
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, help="The commercial partner.")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Branch", readonly=True)
    sdm_region_id = fields.Many2one("sdm.region", string="Sales Region", readonly=True)
    invoice_id = fields.Many2one("account.move", readonly=True)
    receipt_move_id = fields.Many2one("account.move", string="Receipt", readonly=True)
    receipt_line_id = fields.Many2one("account.move.line", string="Receipt Journal Item", readonly=True)
    partial_id = fields.Many2one("account.partial.reconcile", string="Reconciliation", readonly=True)
    amount = fields.Monetary(
        string="Collected", readonly=True, help="In company currency; negative when money was paid back."
    )
    amount_untaxed = fields.Monetary(
        string="Collected Untaxed",
        readonly=True,
        help="The untaxed share of the invoice this amount paid (applied rows only).",
    )

    _depends = {
        "account.move": [
            "state",
            "move_type",
            "company_id",
            "commercial_partner_id",
            "invoice_user_id",
            "team_id",
            "sdm_region_id",
            "amount_untaxed_signed",
            "amount_total_signed",
            "origin_payment_id",
            "statement_line_id",
        ],
        "account.move.line": ["move_id", "account_id", "partner_id", "date", "amount_residual", "reconciled"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "max_date"],
        "res.partner": ["commercial_partner_id", "user_id", "sdm_branch_id", "sdm_region_id"],
    }

    @property
    def _table_query(self):
        return self._sdm_collection_query()

    # ------------------------------------------------------------------ the query, in named pieces

    @api.model
    def _sdm_receipt_condition(self, move_alias):
        """SQL condition: the move ``move_alias`` is a receipt (a payment's or a bank statement line's entry)."""
        move = SQL.identifier(move_alias)
        return SQL("(%s.origin_payment_id IS NOT NULL OR %s.statement_line_id IS NOT NULL)", move, move)

    @api.model
    def _sdm_applied_query(self):
        """Reconciliations of a customer invoice's receivable item (debit) with a receipt (credit), and of a credit
        note's receivable item (credit) with a refund payment (debit), the latter negative."""
        return SQL(
            """
            SELECT 2 * apr.id AS id, true AS applied, apr.max_date AS date, inv.company_id,
                   inv_line.company_currency_id AS currency_id, inv.commercial_partner_id AS partner_id,
                   inv.invoice_user_id AS user_id, inv.team_id, inv.sdm_region_id, inv.id AS invoice_id,
                   rcpt.id AS receipt_move_id, rcpt_line.id AS receipt_line_id, apr.id AS partial_id,
                   side.sign * apr.amount AS amount,
                   side.sign * apr.amount * inv.amount_untaxed_signed / NULLIF(inv.amount_total_signed, 0)
                       AS amount_untaxed
              FROM account_partial_reconcile apr
              JOIN LATERAL (VALUES (apr.debit_move_id, apr.credit_move_id, 1, 'out_invoice'),
                                   (apr.credit_move_id, apr.debit_move_id, -1, 'out_refund'))
                   AS side(invoice_line_id, receipt_line_id, sign, move_type) ON true
              JOIN account_move_line inv_line ON inv_line.id = side.invoice_line_id
              JOIN account_move inv ON inv.id = inv_line.move_id AND inv.move_type = side.move_type
              JOIN account_move_line rcpt_line ON rcpt_line.id = side.receipt_line_id
              JOIN account_move rcpt ON rcpt.id = rcpt_line.move_id
             WHERE inv.state = 'posted' AND %(receipt)s
            """,
            receipt=self._sdm_receipt_condition("rcpt"),
        )

    @api.model
    def _sdm_unapplied_query(self):
        """What is still open on customers' receivable items of receipts."""
        return SQL(
            """
            SELECT 2 * aml.id + 1 AS id, false AS applied, aml.date, aml.company_id,
                   aml.company_currency_id AS currency_id, cp.id AS partner_id, cp.user_id, cp.sdm_branch_id AS team_id,
                   cp.sdm_region_id, NULL::int AS invoice_id, rcpt.id AS receipt_move_id, aml.id AS receipt_line_id,
                   NULL::int AS partial_id, -aml.amount_residual AS amount, NULL::numeric AS amount_untaxed
              FROM account_move_line aml
              JOIN account_move rcpt ON rcpt.id = aml.move_id
              JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = aml.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
             WHERE rcpt.state = 'posted' AND %(receipt)s AND aml.amount_residual <> 0 AND aml.reconciled IS NOT TRUE
            """,
            receipt=self._sdm_receipt_condition("rcpt"),
        )

    @api.model
    def _sdm_collection_filters(self, applied=None, **scope):
        """The consumers' usual restrictions (company, dates, partners as for net sales, see
        ``sdm.net.sales.line._sdm_scope_conditions``), and applied or unapplied rows only."""
        columns = {
            "company": SQL("c.company_id"),
            "date": SQL("c.date"),
            "partner": SQL("c.partner_id"),
            "applied": SQL("c.applied"),
        }
        applied = None if applied is None else bool(applied)
        return self.env["sdm.net.sales.line"]._sdm_scope_conditions(columns, applied=applied, **scope)

    @api.model
    def _sdm_collection_query(self, where=None, **filters):
        """SQL of the collection lines (the columns of this model, alias ``c`` for ``where``), restricted by
        ``filters`` (see :meth:`_sdm_collection_filters`); PostgreSQL pushes the conditions into both parts."""
        conditions = self._sdm_collection_filters(**filters)
        if where:
            conditions.append(where)
        return SQL(
            "SELECT c.* FROM (%s UNION ALL %s) c WHERE %s",
            self._sdm_applied_query(),
            self._sdm_unapplied_query(),
            SQL(" AND ").join(conditions) if conditions else SQL("true"),
        )
