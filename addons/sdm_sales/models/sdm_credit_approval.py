from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import formatLang


class SdmCreditApproval(models.Model):
    """A salesperson's request to confirm one order despite the credit rule, and the controller's decision.

    Valid for that order and amount only: a later increase of the order amount, or the expiry, voids it.
    """

    _name = "sdm.credit.approval"
    _description = "Credit Approval Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _mail_post_access = "read"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    order_id = fields.Many2one("sale.order", required=True, readonly=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="restrict"
    )
    user_id = fields.Many2one(related="order_id.user_id", string="Salesperson", store=True)
    sdm_region_id = fields.Many2one(related="order_id.sdm_region_id", store=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        string="Approved Order Amount",
        readonly=True,
        help="The order total (company currency) when approval was requested; a larger order needs a new approval.",
    )
    credit_limit = fields.Monetary(readonly=True)
    exposure = fields.Monetary(readonly=True, help="Including this order, when requested.")
    excess = fields.Monetary(readonly=True)
    overdue_amount = fields.Monetary(readonly=True)
    overdue_days = fields.Integer(string="Oldest Overdue (days)", readonly=True)
    credit_hold = fields.Boolean(readonly=True)
    check_details = fields.Text(string="Credit Check", readonly=True)
    reason = fields.Text(required=True, readonly=True, help="Why the order should go through.")
    requested_by_id = fields.Many2one("res.users", required=True, readonly=True, default=lambda self: self.env.user)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("voided", "Voided"),
            ("expired", "Expired"),
        ],
        default="pending",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    approver_id = fields.Many2one("res.users", string="Decided By", readonly=True, tracking=True)
    decision_date = fields.Datetime(readonly=True)
    decision_comment = fields.Text(readonly=True)
    expiry_date = fields.Date(readonly=True, tracking=True, help="The approval cannot be used after this day.")
    order_amount_now = fields.Monetary(compute="_compute_order_amount_now")

    @api.depends("order_id.amount_total", "order_id.currency_rate")
    def _compute_order_amount_now(self):
        for approval in self:
            approval.order_amount_now = approval.order_id._sdm_amount_company()

    @api.model_create_multi
    def create(self, vals_list):
        approvals = super().create(vals_list)
        approvals._sdm_assign_number("sdm.credit.approval")
        return approvals

    # ------------------------------------------------------------------ request
    @api.model
    def _sdm_request(self, order, reason):
        """Create the request of ``order`` and an activity for each Credit Controller."""
        order.ensure_one()
        if not (reason or "").strip():
            raise UserError(self.env._("Please give a reason for the credit approval of %s.", order.name))
        if order.state not in ("draft", "sent"):
            raise UserError(
                self.env._("Order %(order)s is %(state)s: only quotations can be approved.", **order._sdm_names())
            )
        if order.sdm_credit_approval_ids.filtered(lambda a: a.state in ("pending", "approved")):
            raise UserError(self.env._("Order %s already has a pending or valid credit approval.", order.name))
        company = order.company_id
        partner = order.partner_id.commercial_partner_id
        check = order._sdm_credit_simulation()
        if check["ok"] and not check.get("warned"):
            raise UserError(self.env._("Order %s is within the customer's credit: no approval is needed.", order.name))
        approval = self.sudo().create(
            {
                "order_id": order.id,
                "partner_id": partner.id,
                "amount": order._sdm_amount_company(),
                "credit_limit": check.get("limit", 0.0),
                "exposure": check.get("exposure", 0.0),
                "excess": check.get("excess", 0.0),
                "overdue_amount": check.get("overdue_amount", 0.0),
                "overdue_days": check.get("overdue_days", 0),
                "credit_hold": check.get("hold", False),
                "reason": reason,
                "requested_by_id": self.env.user.id,
            }
        )
        if check.get("message"):
            approval.check_details = approval._sdm_for_reader(partner._sdm_credit_message_fn(company, check, "sale"))
        controllers = approval._sdm_approvers()
        for controller in controllers:
            approval._sdm_activity_schedule(
                "mail.mail_activity_data_todo",
                controller,
                summary=lambda a: a.env._("Credit approval: %(order)s", order=order.name),
                note=reason,
            )
        order._sdm_post_note(
            lambda o: o.env._(
                "Credit approval %(approval)s requested: %(reason)s", approval=approval.name, reason=reason
            )
        )
        if not controllers:
            approval._sdm_post_note(lambda a: a.env._("No Credit Controller exists in company %s.", company.name))
        return approval.with_env(self.env)

    def _sdm_reader_users(self):
        """The approval is read by the Credit Controllers who decide it."""
        return self[:1]._sdm_approvers() if self else super()._sdm_reader_users()

    def _sdm_approvers(self):
        self.ensure_one()
        group = self.env.ref("sdm_sales.group_sdm_credit_controller")
        return group.sudo().users.filtered(
            lambda u: u.active and not u.share and self.company_id in u.company_ids and u != self.requested_by_id
        )

    # ------------------------------------------------------------------ decision
    def _sdm_check_can_decide(self):
        user = self.env.user
        if not user.has_group("sdm_sales.group_sdm_credit_controller"):
            raise AccessError(self.env._("Only Credit Controllers can approve or reject credit requests."))
        for approval in self:
            if approval.requested_by_id == user:
                raise AccessError(self.env._("You cannot decide on your own credit request %s.", approval.name))
            if approval.state != "pending":
                raise UserError(
                    self.env._(
                        "Credit request %(approval)s is %(state)s, not pending.",
                        approval=approval.name,
                        state=dict(approval._fields["state"]._description_selection(self.env))[approval.state],
                    )
                )
            order = approval.order_id
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._(
                        "Order %(order)s is %(state)s: its credit request cannot be decided any more.",
                        **order._sdm_names(),
                    )
                )

    def _sdm_decide(self, approve, comment):
        """Approve or reject (with a comment). Nothing is written when a check fails."""
        self._sdm_check_can_decide()
        if not (comment or "").strip():
            raise UserError(self.env._("Please write a comment for your decision."))
        for approval in self:
            currency = approval.currency_id
            now_amount = approval.order_id._sdm_amount_company()
            if approve and currency.compare_amounts(now_amount, approval.amount) != 0:
                raise UserError(
                    self.env._(
                        "The amount of order %(order)s changed from %(old)s to %(new)s since credit request "
                        "%(approval)s: the salesperson must request a new approval.",
                        order=approval.order_id.name,
                        old=formatLang(self.env, approval.amount, currency_obj=currency),
                        new=formatLang(self.env, now_amount, currency_obj=currency),
                        approval=approval.name,
                    )
                )
        days = self.company_id[:1].sdm_credit_approval_days
        values = {
            "state": "approved" if approve else "rejected",
            "approver_id": self.env.user.id,
            "decision_date": fields.Datetime.now(),
            "decision_comment": comment,
        }
        for approval in self:
            approval_values = dict(values)
            if approve and approval.company_id.sdm_credit_approval_days:
                days = approval.company_id.sdm_credit_approval_days
                approval_values["expiry_date"] = fields.Date.context_today(self) + timedelta(days=days)
            approval.sudo().write(approval_values)
            approval.sudo().activity_ids.action_feedback(
                feedback=approval._sdm_for_reader(
                    lambda a: a.env._("%(decision)s: %(comment)s", decision=a._sdm_state_label(), comment=comment)
                )
            )

            def body(reader, approval=approval):
                return reader.env._(
                    "Credit request %(approval)s %(decision)s by %(user)s: %(comment)s",
                    approval=approval.name,
                    decision=approval.with_context(lang=reader.env.lang)._sdm_state_label().lower(),
                    user=self.env.user.name,
                    comment=comment,
                )

            approval._sdm_post_note(body)
            approval.order_id._sdm_post_note(body, partner_ids=approval.requested_by_id.partner_id.ids)
        return True

    def _sdm_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _sdm_void(self, reason):
        """Void pending/approved requests (amount increased, order cancelled...)."""
        for approval in self.filtered(lambda a: a.state in ("pending", "approved")):
            approval.sudo().write({"state": "voided"})
            approval.sudo().activity_ids.unlink()
            body = lambda r, a=approval: r.env._(  # noqa: E731
                "Credit approval %(approval)s voided: %(reason)s",
                approval=a.name,
                reason=r._sdm_in_lang(r.env.lang, reason),
            )
            approval._sdm_post_note(body)
            approval.order_id._sdm_post_note(body)

    def _sdm_is_valid(self):
        """Approved, not expired, and the order is not larger than what was approved."""
        self.ensure_one()
        if self.state != "approved":
            return False
        if self.expiry_date and self.expiry_date < fields.Date.context_today(self):
            return False
        return self.currency_id.compare_amounts(self.order_id._sdm_amount_company(), self.amount) <= 0

    @api.model
    def _cron_expire(self):
        expired = self.search([("state", "=", "approved"), ("expiry_date", "<", fields.Date.context_today(self))])
        for approval in expired:
            approval.write({"state": "expired"})
            approval._sdm_post_note(lambda a: a.env._("Credit approval %s expired.", a.name))
        return True

    # ------------------------------------------------------------------ UI
    def action_approve(self):
        return self._sdm_decision_wizard("approve")

    def action_reject(self):
        return self._sdm_decision_wizard("reject")

    def _sdm_decision_wizard(self, decision):
        self._sdm_check_can_decide()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve Credit") if decision == "approve" else self.env._("Reject Credit"),
            "res_model": "sdm.credit.approval.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_approval_ids": self.ids, "default_decision": decision},
        }

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }
