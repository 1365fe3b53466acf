from collections import defaultdict

from odoo import api, fields, models

SETTLE_BATCH = 50


class SdmPriceNoticeSettlement(models.Model):
    """Settling a price notice: a credit note or a balance per customer (through the customer settlement
    service, sdm.customer.settlement.mixin), in batches, and its reversal."""

    _name = "sdm.price.notice"
    _inherit = ["sdm.price.notice", "sdm.customer.settlement.mixin"]

    _sdm_balance_type = "compensation"

    def action_settle(self):
        """One credit note (or one balance movement) per customer. Two clicks or two users at once are served
        one after the other on the notice's lock, and a customer already settled is skipped, so nobody gets
        two. Large notices settle in the background, ``SETTLE_BATCH`` customers a batch."""
        self._sdm_lock()
        self._sdm_expect_state("approved")
        for notice in self:
            customers = notice._sdm_unsettled_lines().partner_id
            if len(customers) > SETTLE_BATCH * 2:
                notice.settle_queued = True
                self.env.ref("sdm_sales.ir_cron_sdm_price_notice_settle")._trigger()
                notice._sdm_post_note(lambda n: n.env._("Settlement started in the background."))
            else:
                notice._sdm_settle_customers(customers)
        return True

    def _sdm_unsettled_lines(self):
        """Compensation lines still to pay: no credit note nor balance yet, and an amount."""
        return self.line_ids.filtered(
            lambda line: not line.move_id and not line.balance_id and not line.currency_id.is_zero(line.amount)
        )

    def _sdm_settle_customers(self, partners):
        """Pay ``partners`` what the notice owes them; the notice is settled once nobody is left. Returns the
        lines still to pay."""
        self.ensure_one()
        lines_by_partner = defaultdict(lambda: self.env["sdm.price.notice.line"])
        for line in self._sdm_unsettled_lines().filtered(lambda line: line.partner_id in partners):
            lines_by_partner[line.partner_id] |= line
        for partner, lines in lines_by_partner.items():
            if self.settlement_mode == "balance":
                balance = self._sdm_create_balance(partner, sum(lines.mapped("amount")), date=self.effective_date)
                lines.write({"balance_id": balance.id})
            else:
                line_vals_list = [
                    notice._sdm_prepare_credit_note_line_vals(
                        line.amount, name=notice._sdm_compensation_line_label(line)
                    )
                    for notice in [self._sdm_with_customer_lang(partner)]
                    for line in lines
                ]
                move = self._sdm_create_credit_note(partner, line_vals_list)
                lines.write({"move_id": move.id})
        remaining = self._sdm_unsettled_lines()
        if not remaining:
            self.write({"state": "settled", "settle_queued": False, "settled_date": fields.Date.context_today(self)})
            self._sdm_post_note(
                lambda n: n.env._(
                    "Settled for %(count)s customer(s), %(amount)s.",
                    count=len(n.line_ids.partner_id),
                    amount=n._sdm_money(n.amount_total, n.currency_id),
                )
            )
        return remaining

    # ------------------------------------------------------------------ settlement service hooks

    def _sdm_settlement_label(self):
        return self.env._("Price adjustment %s", self.name)

    def _sdm_settlement_reversal_label(self):
        return self.env._("Cancellation of price adjustment %s", self.name)

    def _sdm_compensation_line_label(self, line):
        """A compensation line says what it pays: quantity × (price paid − new price)."""
        return self.env._(
            "%(notice)s: %(product)s, %(qty)s × (%(paid)s − %(new)s)",
            notice=self.name,
            product=line.product_id.display_name,
            qty=self._sdm_number(line.eligible_qty, dp="Product Unit of Measure"),
            paid=self._sdm_money(line.price_paid, line.currency_id),
            new=self._sdm_money(line.new_price, line.currency_id),
        )

    def _sdm_prepare_credit_note_vals(self, partner, line_vals_list, move_type="out_refund"):
        vals = super()._sdm_prepare_credit_note_vals(partner, line_vals_list, move_type=move_type)
        vals["sdm_price_notice_id"] = self.id
        return vals

    def _sdm_prepare_balance_vals(self, partner, amount, name=None):
        vals = super()._sdm_prepare_balance_vals(partner, amount, name=name)
        vals["notice_id"] = self.id
        return vals

    def _sdm_prepare_reversal_vals(self, move):
        vals = super()._sdm_prepare_reversal_vals(move)
        vals["sdm_price_notice_id"] = self.id
        return vals

    # ------------------------------------------------------------------ background settlement

    @api.model
    def _cron_settle(self):
        """One batch a call: ``SETTLE_BATCH`` customers of the oldest queued notice. The progress is reported to
        the cron runner (``ir.cron._notify_progress``), which commits and calls again while customers remain.
        Resumable and idempotent: a settled customer has its credit note or balance and is not paid again."""
        queued = self.search([("settle_queued", "=", True), ("state", "=", "approved")], order="id")
        if not queued:
            return True
        notice = queued[0]
        notice._sdm_lock()
        if notice.state == "approved":
            batch = notice._sdm_unsettled_lines().partner_id[:SETTLE_BATCH]
            notice._sdm_settle_customers(batch)
        else:
            batch = self.env["res.partner"]
            notice.settle_queued = False  # settled or cancelled meanwhile
        # Progress in customers; closing a notice counts as one, so the runner never stops while work remains.
        done = len(batch) or 1
        still_queued = queued.filtered(lambda n: n.settle_queued and n.state == "approved")
        remaining = sum(len(queued_notice._sdm_unsettled_lines().partner_id) for queued_notice in still_queued)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return True

    # ------------------------------------------------------------------ reversal

    def action_cancel(self):
        """Cancel; a settled notice is reversed: credit notes reversed, balances taken back (refused when the
        customer already spent it)."""
        self._sdm_lock()
        self._sdm_expect_state("draft", "computed", "approved", "settled")
        for notice in self.filtered(lambda n: n.state == "settled" or n.move_ids or n.balance_ids):
            posted = notice.move_ids.filtered(lambda m: m.state == "posted" and m.move_type == "out_refund")
            reversals, taken_back = notice._sdm_reverse_settlement_money(
                posted | notice.move_ids.filtered(lambda m: m.state == "draft"), notice.balance_ids
            )
            counts = {"moves": len(reversals), "balances": len(taken_back)}
            notice._sdm_post_note(
                lambda n, counts=counts: n.env._(
                    "Settlement reversed: %(moves)s credit notes reversed, %(balances)s balances taken back.", **counts
                )
            )
        self.write({"state": "cancel", "settle_queued": False})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True
