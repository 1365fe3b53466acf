from odoo import api, fields, models
from odoo.tools import SQL


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "sdm.region.mixin"]

    sdm_price_notice_id = fields.Many2one(
        "sdm.price.notice", string="Price Adjustment", index="btree_not_null", readonly=True, copy=False
    )

    def _sdm_has_region(self):
        return self.is_sale_document(include_receipts=True)

    def _sdm_credit_amount(self):
        """What posting this invoice adds to the exposure: the part not already counted as an uninvoiced order."""
        self.ensure_one()
        from_orders = 0.0
        for line in self.invoice_line_ids.filtered("sale_line_ids"):
            ratio = line.price_total / line.price_subtotal if line.price_subtotal else 1.0
            from_orders += -line.balance * ratio
        return self.company_currency_id.round(self.amount_total_signed - from_orders)

    def _sdm_check_credit_on_posting(self):
        to_check = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "draft" and m.company_id.sdm_credit_check_invoice
        )
        for company, moves in to_check.grouped("company_id").items():
            documents = []
            for move in moves:
                orders = move.invoice_line_ids.sale_line_ids.order_id
                # With "Count Draft Invoices", a draft not made from an order is already in the exposure.
                counted_as_draft = company.sdm_credit_include_draft_invoices and not orders
                amount = 0.0 if counted_as_draft else move._sdm_credit_amount()
                documents.append((move.commercial_partner_id, amount, orders if len(orders) == 1 else None, move))
            self.env["res.partner"]._sdm_check_credit_documents(company, "invoice", documents)

    def _post(self, soft=True):
        self._sdm_check_credit_on_posting()
        return super()._post(soft=soft)

    @api.model
    def _sdm_lost_invoice_query(self, company):
        """SQL: what customer invoices of ``company`` lost after being issued, one row per invoice and event:
        ``invoice_id``, ``event_move_id`` (the credit note reversing it, or the entry writing it off as bad debt),
        ``date`` and ``lost`` (company currency, tax included, as the invoice's total). Bad debts are the entries
        matched with the invoice that post to one of the company's bad-debt accounts
        (``res.company._sdm_bad_debt_accounts``). Incentive clawbacks read it."""
        return SQL(
            """
            SELECT rev.reversed_entry_id AS invoice_id, rev.id AS event_move_id, rev.date,
                   -rev.amount_total_signed AS lost
              FROM account_move rev
             WHERE rev.company_id = %(company)s AND rev.move_type = 'out_refund' AND rev.state = 'posted'
               AND rev.reversed_entry_id IS NOT NULL
            UNION ALL
            SELECT dl.move_id, cl.move_id, cl.date, SUM(apr.amount)
              FROM account_partial_reconcile apr
              JOIN account_move_line dl ON dl.id = apr.debit_move_id
              JOIN account_move inv ON inv.id = dl.move_id AND inv.move_type = 'out_invoice'
              JOIN account_move_line cl ON cl.id = apr.credit_move_id AND cl.parent_state = 'posted'
             WHERE apr.company_id = %(company)s
               AND EXISTS (SELECT 1 FROM account_move_line bl
                            WHERE bl.move_id = cl.move_id AND bl.account_id = ANY(%(accounts)s))
             GROUP BY dl.move_id, cl.move_id, cl.date
            """,
            company=company.id,
            accounts=company._sdm_bad_debt_accounts().ids,
        )
