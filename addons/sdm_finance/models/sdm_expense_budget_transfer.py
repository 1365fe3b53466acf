from odoo import api, fields, models
from odoo.exceptions import UserError


class SdmExpenseBudgetTransfer(models.Model):
    """Money moved from one budget to another (预算调剂): requested, approved by Finance or an SDM Administrator
    other than the requester, then done — both budgets locked, the source's remaining checked again. A done
    transfer moves its amount in the budgets' figures (transferred in / out); nothing else is written on them."""

    _name = "sdm.expense.budget.transfer"
    _description = "Budget Transfer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(default="/", readonly=True, copy=False)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    budget_from_id = fields.Many2one(
        "sdm.expense.budget", string="From Budget", required=True, check_company=True, index=True, tracking=True
    )
    budget_to_id = fields.Many2one(
        "sdm.expense.budget", string="To Budget", required=True, check_company=True, index=True, tracking=True
    )
    amount = fields.Monetary(required=True, tracking=True)
    reason = fields.Text(required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("to_approve", "To Approve"), ("done", "Done"), ("refused", "Refused")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
    )
    requested_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True, copy=False)
    approver_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    date_done = fields.Date(readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        transfers = super().create(vals_list)
        transfers._sdm_check_input()
        transfers._sdm_assign_number("sdm.expense.budget.transfer")
        return transfers

    def write(self, vals):
        if set(vals) & {"amount", "budget_from_id", "budget_to_id"} and any(t.state != "draft" for t in self):
            raise UserError(self.env._("Only a draft transfer can be changed."))
        result = super().write(vals)
        if set(vals) & {"amount", "budget_from_id", "budget_to_id"}:
            self._sdm_check_input()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(t.state == "done" for t in self):
            raise UserError(self.env._("A done transfer cannot be deleted."))

    # ------------------------------------------------------------------ checks

    def _sdm_check_input(self):
        for transfer in self:
            if transfer.currency_id.compare_amounts(transfer.amount, 0.0) <= 0:
                raise UserError(
                    self.env._(
                        "Transfer from %(origin)s to %(dest)s: the amount must be positive (got %(amount)s).",
                        origin=transfer.budget_from_id.name,
                        dest=transfer.budget_to_id.name,
                        amount=transfer._sdm_money(transfer.amount, transfer.currency_id),
                    )
                )
            if transfer.budget_from_id == transfer.budget_to_id:
                raise UserError(
                    self.env._("%(budget)s: a transfer goes to another budget.", budget=transfer.budget_from_id.name)
                )

    def _sdm_check_source_left(self, lock=False):
        """The source budget has at least the amount left (after what it drew and its other transfers). With
        ``lock`` both budgets are locked first (the shared SDM lock) and the figures read after the lock."""
        for transfer in self:
            budgets = (transfer.budget_from_id | transfer.budget_to_id).sudo()
            if lock:
                remaining = budgets._sdm_remaining_locked()[transfer.budget_from_id.sudo()]
            else:
                remaining = transfer.budget_from_id.sudo().remaining
            if transfer.currency_id.compare_amounts(transfer.amount, remaining) > 0:
                raise UserError(
                    self.env._(
                        "%(transfer)s: %(budget)s has %(remaining)s left, less than the %(amount)s to transfer.",
                        transfer=transfer.name,
                        budget=transfer.budget_from_id.name,
                        remaining=transfer._sdm_money(remaining, transfer.currency_id),
                        amount=transfer._sdm_money(transfer.amount, transfer.currency_id),
                    )
                )

    def _sdm_approvers(self):
        self.ensure_one()
        groups = self.env.ref("sdm_sales.group_sdm_finance") | self.env.ref("sdm_sales.group_sdm_admin")
        return groups.sudo().users.filtered(
            lambda u: self.company_id in u.company_ids and u.active and u != self.requested_by_id
        )

    @api.model
    def _sdm_may_approve(self, user):
        return user.has_group("sdm_sales.group_sdm_finance") or user.has_group("sdm_sales.group_sdm_admin")

    # ------------------------------------------------------------------ workflow

    def action_submit(self):
        for transfer in self:
            if transfer.state != "draft":
                raise UserError(self.env._("%(transfer)s is not a draft.", transfer=transfer.name))
        self._sdm_check_input()
        self._sdm_check_source_left()
        self.write({"state": "to_approve"})
        for transfer in self:
            for user in transfer._sdm_approvers():
                transfer._sdm_activity_schedule(
                    "mail.mail_activity_data_todo",
                    user,
                    summary=lambda rec: rec.env._("Approve a budget transfer"),
                    note=lambda rec, t=transfer: rec.env._(
                        "%(name)s: %(amount)s from %(origin)s to %(dest)s.",
                        name=t.name,
                        amount=rec._sdm_money(t.amount, t.currency_id),
                        origin=t.budget_from_id.name,
                        dest=t.budget_to_id.name,
                    ),
                )
        return True

    def action_approve(self):
        """Done: the amount moves, both budgets locked, the source's remaining checked after the lock."""
        user = self.env.user
        if not self._sdm_may_approve(user):
            raise UserError(self.env._("Only Finance or an SDM Administrator approves budget transfers."))
        self._sdm_lock_rows()
        for transfer in self:
            if transfer.state != "to_approve":
                raise UserError(self.env._("%(transfer)s is not waiting for approval.", transfer=transfer.name))
            if transfer.requested_by_id == user:
                raise UserError(
                    self.env._("%(transfer)s: someone other than its requester approves it.", transfer=transfer.name)
                )
            transfer._sdm_check_source_left(lock=True)
            transfer.write({"state": "done", "approver_id": user.id, "date_done": fields.Date.context_today(self)})
            transfer.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_refuse(self):
        if not self._sdm_may_approve(self.env.user):
            raise UserError(self.env._("Only Finance or an SDM Administrator approves budget transfers."))
        for transfer in self:
            if transfer.state != "to_approve":
                raise UserError(self.env._("%(transfer)s is not waiting for approval.", transfer=transfer.name))
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.write({"state": "refused", "approver_id": self.env.user.id})
        return True

    def action_draft(self):
        self.filtered(lambda t: t.state == "refused").write({"state": "draft", "approver_id": False})
        return True
