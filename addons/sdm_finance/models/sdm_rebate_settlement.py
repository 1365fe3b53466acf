from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class SdmRebateSettlement(models.Model):
    """What one customer earned under one agreement for one period (to date for a partial settlement), less
    what earlier settlements of that period paid, plus adjustments for documents of settled periods that came
    in late (credit notes after a settlement, SAP's way). Validated: a credit note or a rebate balance, paid and
    taken back through the customer settlement service (sdm.customer.settlement.mixin)."""

    _name = "sdm.rebate.settlement"
    _description = "Rebate Settlement"
    _inherit = ["mail.thread", "sdm.customer.settlement.mixin"]
    _order = "period_start desc, id desc"

    _sdm_balance_type = "rebate"

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    agreement_id = fields.Many2one(
        "sdm.rebate.agreement", required=True, index=True, readonly=True, ondelete="restrict"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, readonly=True)
    sdm_region_id = fields.Many2one("sdm.region", string="Region", readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, index=True)
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    settlement_type = fields.Selection(
        [("partial", "Partial"), ("final", "Final"), ("correction", "Correction")],
        required=True,
        readonly=True,
        help="Partial: the running period to date. Final: the period once ended, less what partials paid. "
        "Correction: documents dated in a finally settled period that came in afterwards, when no later period "
        "of the agreement is left to carry them, at the rate the period was settled at.",
    )
    period_start = fields.Date(required=True, readonly=True)
    period_end = fields.Date(required=True, readonly=True)
    date = fields.Date(string="Counted Until", required=True, readonly=True)
    basis_amount = fields.Monetary(readonly=True)
    basis_qty = fields.Float(string="Basis Quantity", digits="Product Unit of Measure", readonly=True)
    basis_value = fields.Float(string="Counted Value", digits=(16, 2), readonly=True)
    last_year_value = fields.Float(digits=(16, 2), readonly=True)
    tier_threshold = fields.Float(string="Tier Reached", digits=(16, 2), readonly=True)
    tier_version = fields.Integer(readonly=True)
    rebate_total = fields.Monetary(string="Rebate of the Period", readonly=True)
    previous_amount = fields.Monetary(string="Already Settled", readonly=True)
    adjustment_amount = fields.Monetary(string="Late Adjustments", readonly=True)
    amount = fields.Monetary(string="To Settle", readonly=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("validated", "Validated"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    line_ids = fields.One2many("sdm.rebate.settlement.line", "settlement_id", string="Counted Lines", readonly=True)
    # The documents counted, kept as one value per settlement (a run settles thousands of customers with hundreds
    # of invoices each: rows with foreign keys cost 10× the whole computation): {"move": [ids], "partial": [ids],
    # "date": [...], "amount": [...], "qty": [...], "adjustment": [bools]}, parallel arrays written by
    # ``_sdm_store_lines`` and laid out as rows by the sdm.rebate.settlement.line view.
    counted_documents = fields.Json(readonly=True, copy=False, prefetch=False)
    move_id = fields.Many2one("account.move", string="Credit Note", readonly=True, copy=False)
    validate_queued = fields.Boolean(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Waiting to be validated in the background (a run too large for one request).",
    )
    reversal_move_id = fields.Many2one("account.move", readonly=True, copy=False)
    balance_id = fields.Many2one("sdm.customer.balance", readonly=True, copy=False)

    def init(self):
        # One final settlement per agreement, customer and period, whatever happens (with the agreement lock).
        # Corrections are not in it: a period can be corrected again when more documents come in late; the
        # documents a correction counts are not counted again (see _sdm_basis, uncounted_before).
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS sdm_rebate_settlement_final_uniq
                ON sdm_rebate_settlement (agreement_id, partner_id, period_start)
             WHERE settlement_type = 'final' AND state != 'cancel';
            """
        )

    # ------------------------------------------------------------------ workflow

    def action_validate(self):
        """Number and pay each settlement (see ``_sdm_pay``); open accruals reversed."""
        self.env.flush_all()
        self._sdm_lock_rows()  # two validations of one settlement are served one after the other
        for settlement in self:
            if settlement.state != "draft":
                raise UserError(self.env._("Settlement %s is not a draft any more.", settlement.name))
        for settlement in self:
            settlement._sdm_assign_number("sdm.rebate.settlement")  # its credit note's origin
            settlement._sdm_pay()
        self.write({"state": "validated"})
        self.env["sdm.rebate.accrual"]._sdm_reverse_open(self.agreement_id, self.partner_id)
        for settlement in self:
            settlement._sdm_post_note(lambda s: s.env._("Validated: %s.", s._sdm_money(s.amount, s.currency_id)))
        self._sdm_notify_customer()
        self.env["sdm.rebate.progress"]._sdm_refresh(self.agreement_id)
        return True

    def _sdm_notify_customer(self):
        """Email each customer what a validated settlement paid it (or took back), in its language, queued: a
        settlement run validates many at once. A settlement of nothing is not worth an email."""
        template = self.env.ref("sdm_finance.mail_template_sdm_rebate_settlement")
        for settlement in self.filtered(lambda s: not s.currency_id.is_zero(s.amount)):
            settlement.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment", force_send=False
            )

    def _sdm_settlement_label(self):
        return self.env._(
            "Rebate %(agreement)s, %(start)s – %(end)s",
            agreement=self.agreement_id.name,
            start=format_date(self.env, self.period_start),
            end=format_date(self.env, self.date),
        )

    def _sdm_prepare_balance_vals(self, partner, amount, name=None):
        vals = super()._sdm_prepare_balance_vals(partner, amount, name=name)
        vals["rebate_settlement_id"] = self.id
        return vals

    def _sdm_pay(self):
        """Pay the amount by the agreement's settlement mode, through the customer settlement service: a rebate
        balance credited, or a credit note. A negative amount (credit notes after a paid period) is taken back
        the same way: the rebate balance debited, or a customer invoice."""
        self.ensure_one()
        sign = self.currency_id.compare_amounts(self.amount, 0.0)
        if not sign:
            return
        if self.agreement_id.settlement_mode == "balance":
            self.balance_id = self._sdm_create_balance(self.partner_id, self.amount)
        elif sign > 0:
            line_vals = self._sdm_with_customer_lang(self.partner_id)._sdm_prepare_credit_note_line_vals(self.amount)
            self.move_id = self._sdm_create_credit_note(self.partner_id, [line_vals])
        else:
            line_vals = self._sdm_with_customer_lang(self.partner_id)._sdm_prepare_credit_note_line_vals(-self.amount)
            self.move_id = self._sdm_create_debit_note(self.partner_id, [line_vals])

    def action_cancel(self):
        """Cancel; a validated settlement is reversed (credit note reversed, balance taken back — refused when
        orders already used it)."""
        for settlement in self:
            if settlement.state == "validated":
                reversal, __ = settlement._sdm_reverse_settlement_money(settlement.move_id, settlement.balance_id)
                settlement.reversal_move_id = reversal
        self.filtered(lambda s: s.state != "cancel").state = "cancel"
        self.env["sdm.rebate.progress"]._sdm_refresh(self.agreement_id)
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_validated(self):
        if any(s.state == "validated" for s in self):
            raise UserError(self.env._("Validated settlements are cancelled, never deleted."))
