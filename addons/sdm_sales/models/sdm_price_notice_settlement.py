import threading
import time
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import formatLang

SETTLE_BATCH = 50


class SdmPriceNoticeSettlement(models.Model):
    """Settling a price notice: a credit note or a balance per customer, in batches, and its reversal."""

    _inherit = "sdm.price.notice"

    def action_settle(self):
        """One credit note (or one balance movement) per customer. Two clicks or two users at once are served
        one after the other on the notice's lock, and a customer already settled is skipped, so nobody gets
        two. Large notices settle in the background, ``SETTLE_BATCH`` customers a batch."""
        self._sdm_lock()
        self._sdm_expect_state("approved")
        for notice in self:
            pending = notice.line_ids.filtered(lambda line: not line.move_id and not line.balance_id)
            if len(pending.partner_id) > SETTLE_BATCH * 2:
                notice.settle_queued = True
                self.env.ref("sdm_sales.ir_cron_sdm_price_notice_settle")._trigger()
                notice.message_post(body=self.env._("Settlement started in the background."))
            else:
                notice._sdm_settle_customers(pending.partner_id)
        return True

    def _sdm_settle_customers(self, partners):
        self.ensure_one()
        lines_by_partner = defaultdict(lambda: self.env["sdm.price.notice.line"])
        for line in self.line_ids.filtered(lambda line: line.partner_id in partners):
            if not line.move_id and not line.balance_id:
                lines_by_partner[line.partner_id] |= line
        for partner, lines in lines_by_partner.items():
            lines = lines.filtered(lambda line: not self.currency_id.is_zero(line.amount))
            if not lines:
                continue
            if self.settlement == "balance":
                self._sdm_credit_balance(partner, lines)
            else:
                self._sdm_credit_note(partner, lines)
        remaining = self.line_ids.filtered(
            lambda line: not line.move_id and not line.balance_id and not self.currency_id.is_zero(line.amount)
        )
        if not remaining:
            self.write({"state": "settled", "settle_queued": False, "settled_date": fields.Date.context_today(self)})
            self.message_post(
                body=self.env._(
                    "Settled for %(count)s customer(s), %(amount)s.",
                    count=len(self.line_ids.partner_id),
                    amount=formatLang(self.env, self.amount_total, currency_obj=self.currency_id),
                )
            )
        return remaining

    def _sdm_compensation_product(self):
        product = self.company_id.sdm_compensation_product_id or self.env.ref(
            "sdm_sales.product_sdm_compensation", raise_if_not_found=False
        )
        if not product:
            raise UserError(self.env._("Choose a compensation product in Settings > SDM."))
        return product

    def _sdm_credit_note(self, partner, lines):
        product = self._sdm_compensation_product()
        move = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "currency_id": self.currency_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "invoice_origin": self.name,
                    "ref": self.env._("Price adjustment %s", self.name),
                    "sdm_price_notice_id": self.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": self.env._(
                                    "%(notice)s: %(product)s, %(qty)s × (%(paid)s − %(new)s)",
                                    notice=self.name,
                                    product=line.product_id.display_name,
                                    qty=line.eligible_qty,
                                    paid=line.price_paid,
                                    new=line.new_price,
                                ),
                                "quantity": 1,
                                "price_unit": line.amount,
                            }
                        )
                        for line in lines
                    ],
                }
            )
        )
        move.action_post()
        lines.write({"move_id": move.id})
        return move

    def _sdm_credit_balance(self, partner, lines):
        amount = self.currency_id._convert(
            sum(lines.mapped("amount")), self.company_id.currency_id, self.company_id, self.effective_date
        )
        balance = self.env["sdm.customer.balance"].create(
            {
                "kind": "compensation",
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "amount": amount,
                "notice_id": self.id,
                "name": self.env._("Price adjustment %s", self.name),
            }
        )
        lines.write({"balance_id": balance.id})
        return balance

    @api.model
    def _cron_settle(self, time_budget=60.0):
        """Settle queued notices ``SETTLE_BATCH`` customers at a time, committing each batch; resumable
        (settled customers have their credit note or balance and are skipped)."""
        started = time.monotonic()
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        for notice in self.search([("settle_queued", "=", True), ("state", "=", "approved")]):
            while True:
                notice._sdm_lock()
                if notice.state != "approved":
                    break
                pending = notice.line_ids.filtered(lambda line: not line.move_id and not line.balance_id)
                remaining = notice._sdm_settle_customers(pending.partner_id[:SETTLE_BATCH])
                self.env["ir.cron"]._notify_progress(
                    done=len(notice.line_ids.partner_id) - len(remaining.partner_id),
                    remaining=len(remaining.partner_id),
                )
                if auto_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                if not remaining or time.monotonic() - started > time_budget:
                    break
        return True

    def action_cancel(self):
        """Cancel; a settled notice is reversed: credit notes reversed, balances taken back (refused when the
        customer already spent it)."""
        self._sdm_lock()
        self._sdm_expect_state("draft", "computed", "approved", "settled")
        for notice in self.filtered(lambda n: n.state == "settled" or n.move_ids or n.balance_ids):
            notice._sdm_reverse_settlement()
        self.write({"state": "cancel", "settle_queued": False})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def _sdm_reverse_settlement(self):
        self.ensure_one()
        Balance = self.env["sdm.customer.balance"]
        credited = self.balance_ids.filtered(lambda b: b.amount > 0)
        for balance in credited:
            available = Balance._sdm_balance_of(balance.partner_id, self.company_id, "compensation")
            if self.company_id.currency_id.compare_amounts(available, balance.amount) < 0:
                raise UserError(
                    self.env._(
                        "%(notice)s cannot be cancelled: %(customer)s was credited %(credited)s but has only "
                        "%(available)s left; orders already used the rest.",
                        notice=self.name,
                        customer=balance.partner_id.display_name,
                        credited=formatLang(self.env, balance.amount, currency_obj=balance.currency_id),
                        available=formatLang(self.env, available, currency_obj=balance.currency_id),
                    )
                )
            Balance.create(
                {
                    "kind": "compensation",
                    "partner_id": balance.partner_id.id,
                    "company_id": self.company_id.id,
                    "amount": -balance.amount,
                    "notice_id": self.id,
                    "name": self.env._("Cancellation of price adjustment %s", self.name),
                }
            )
        posted = self.move_ids.filtered(lambda m: m.state == "posted" and m.move_type == "out_refund")
        if posted:
            reversals = posted._reverse_moves(
                [
                    {"ref": self.env._("Cancellation of price adjustment %s", self.name), "reversed_entry_id": move.id}
                    for move in posted
                ],
                cancel=True,
            )
            reversals.sdm_price_notice_id = self
        self.move_ids.filtered(lambda m: m.state == "draft").button_cancel()
        self.message_post(
            body=self.env._(
                "Settlement reversed: %(moves)s credit notes reversed, %(balances)s balances taken back.",
                moves=len(posted),
                balances=len(credited),
            )
        )
