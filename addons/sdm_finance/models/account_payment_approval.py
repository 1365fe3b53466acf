from odoo import fields, models
from odoo.exceptions import UserError


class AccountPayment(models.Model):
    """Receipt approval (收款单审核): when the company approves customer receipts, a posted receipt waits for a
    Finance user's approval before the write-off rules apply to it; the approvers get an activity."""

    # A concern of its own, apart from account_payment.py's write-off keys and rules.
    _inherit = "account.payment"  # pylint: disable=consider-merging-classes-inherited

    sdm_receipt_approved = fields.Boolean(string="Receipt Approved", readonly=True, copy=False, tracking=True)
    sdm_receipt_approver_id = fields.Many2one("res.users", string="Receipt Approved By", readonly=True, copy=False)
    sdm_receipt_to_approve = fields.Boolean(compute="_compute_sdm_receipt_to_approve")

    def _compute_sdm_receipt_to_approve(self):
        waiting = self._sdm_receipts_to_approve()
        for payment in self:
            payment.sdm_receipt_to_approve = payment in waiting

    def _sdm_receipts_to_approve(self):
        return self.filtered(
            lambda payment: (
                payment.company_id.sdm_receipt_approval
                and not payment.sdm_receipt_approved
                and payment.payment_type == "inbound"
                and payment.partner_type == "customer"
                and payment.move_id.state == "posted"
            )
        )

    def action_post(self):
        result = super().action_post()
        for receipt in self._sdm_receipts_to_approve():
            approvers = (
                self.env.ref("sdm_sales.group_sdm_finance")
                .sudo()
                .users.filtered(lambda user, r=receipt: r.company_id in user.company_ids and user != self.env.user)
            )
            for user in approvers or self.env.user:
                receipt._sdm_activity_schedule(
                    "mail.mail_activity_data_todo",
                    user,
                    summary=lambda rec: rec.env._("Approve a customer receipt"),
                    note=lambda rec, r=receipt: rec.env._(
                        "%(receipt)s: %(amount)s from %(customer)s.",
                        receipt=r.display_name,
                        amount=rec._sdm_money(r.amount, r.currency_id),
                        customer=r.partner_id.display_name,
                    ),
                )
        return result

    def action_sdm_approve_receipt(self):
        """Approve these receipts (Finance): then what follows a posted receipt runs (the write-off rules)."""
        if not self.env.user.has_group("sdm_sales.group_sdm_finance"):
            raise UserError(self.env._("Only Finance users approve customer receipts."))
        waiting = self._sdm_receipts_to_approve()
        if not waiting:
            raise UserError(self.env._("These receipts are not waiting for an approval."))
        waiting.write({"sdm_receipt_approved": True, "sdm_receipt_approver_id": self.env.user.id})
        waiting.activity_ids.action_feedback(feedback=self.env._("Approved"))
        return waiting._sdm_after_receipt_release(single=len(waiting) == 1) or True
