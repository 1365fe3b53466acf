from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

STATES = [("pending", "Waiting for Approval"), ("approved", "Approved"), ("refused", "Refused")]


class SdmPartnerChange(models.Model):
    """A salesperson's change to guarded fields of a customer, waiting for her manager (数据更改须经上级批准).

    Made by ``res.partner.write`` instead of writing (``res_partner_change.py``). Approval applies the new values
    as the requester (tracked on the customer, with the approver in the request's chatter); a request whose old
    value is no longer the customer's is refused with the current value shown."""

    _name = "sdm.partner.change"
    _description = "Customer Change Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    state = fields.Selection(STATES, default="pending", required=True, readonly=True, tracking=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    sdm_region_id = fields.Many2one(related="partner_id.commercial_partner_id.sdm_region_id", store=True)
    team_id = fields.Many2one(related="partner_id.commercial_partner_id.sdm_branch_id", string="Branch", store=True)
    requested_by_id = fields.Many2one("res.users", required=True, readonly=True, default=lambda self: self.env.user)
    approver_ids = fields.Many2many("res.users", string="Approvers", readonly=True)
    reason = fields.Text(readonly=True)
    line_ids = fields.One2many("sdm.partner.change.line", "change_id", string="Changes", readonly=True)
    summary = fields.Char(compute="_compute_summary")
    decided_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    decision_date = fields.Datetime(readonly=True)
    decision_comment = fields.Text(string="Comment", tracking=True)

    @api.depends("line_ids.old_display", "line_ids.new_display")
    def _compute_summary(self):
        for change in self:
            change.summary = "; ".join(
                f"{line.field_label}: {line.old_display or '-'} → {line.new_display or '-'}" for line in change.line_ids
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("sdm.partner.change") or "/"
        return super().create(vals_list)

    # What only the request's own workflow writes (as superuser): people write the comment, nothing else.
    _sdm_workflow_fields = frozenset(
        {
            "name",
            "state",
            "partner_id",
            "company_id",
            "requested_by_id",
            "approver_ids",
            "reason",
            "line_ids",
            "decided_by_id",
            "decision_date",
        }
    )

    def write(self, vals):
        if not self.env.su and self._sdm_workflow_fields & set(vals):
            raise AccessError(
                self.env._("Change requests are decided with Approve and Refuse; only the comment can be edited.")
            )
        return super().write(vals)

    # ------------------------------------------------------------------ making a request
    @api.model
    def _sdm_display(self, partner, name, value):
        """A value of ``partner``'s field ``name`` in write() form as a person reads it."""
        field = partner._fields[name]
        if field.type == "many2one":
            return self.env[field.comodel_name].browse(value).sudo().display_name if value else ""
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value or "")
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        return "" if value in (False, None) else str(value)

    @api.model
    def _sdm_value(self, partner, name):
        """``partner``'s field ``name`` in write() form (an id for a relation)."""
        field = partner._fields[name]
        return field.convert_to_write(partner[name], partner)

    @api.model
    def _sdm_request(self, partner, vals, reason=None):
        """Change requests for ``vals`` (guarded fields) of each record of ``partner``, with the values each shows
        now; fields whose value does not change are left out. Returns the requests."""
        Field = self.env["ir.model.fields"].sudo()
        requests = self.browse()
        for record in partner:
            lines = []
            for name, value in vals.items():
                new = record._fields[name].convert_to_write(
                    record._fields[name].convert_to_record(
                        record._fields[name].convert_to_cache(value, record), record
                    ),
                    record,
                )
                old = self._sdm_value(record, name)
                if old == new:
                    continue
                lines.append(
                    fields.Command.create(
                        {
                            "field_id": Field._get("res.partner", name).id,
                            "old_value": old,
                            "new_value": new,
                            "old_display": self._sdm_display(record, name, old),
                            "new_display": self._sdm_display(record, name, new),
                        }
                    )
                )
            if not lines:
                continue
            request = self.sudo().create(
                {
                    "partner_id": record.id,
                    "company_id": (record.company_id or self.env.company).id,
                    "requested_by_id": self.env.uid,
                    "reason": reason,
                    "line_ids": lines,
                }
            )
            request._sdm_ask_approvers()
            requests |= request
        return requests.with_env(self.env)

    def _sdm_approvers(self):
        """The customer's branch leader or regional manager (Settings), else the SDM administrators; never the
        requester."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        users = self.env["res.users"]
        if self.company_id.sdm_change_approver == "branch":
            users = customer.sdm_branch_id.user_id
        else:
            region = customer.sdm_region_id
            while region and not region.manager_id:
                region = region.parent_id
            users = region.manager_id
        users = users.filtered(lambda u: u.active and u != self.requested_by_id)
        if not users:
            admins = self.env.ref("sdm_sales.group_sdm_admin").sudo().users
            users = admins.filtered(
                lambda u: u.active and not u.share and self.company_id in u.company_ids and u != self.requested_by_id
            )
        return users

    def _sdm_ask_approvers(self):
        for request in self:
            approvers = request._sdm_approvers()
            request.sudo().approver_ids = approvers
            for user in approvers:
                request._sdm_activity_schedule(
                    "mail.mail_activity_data_todo",
                    user,
                    summary=lambda rec: rec.env._("Approve a customer change"),
                    note=lambda rec, r=request: rec.env._(
                        "%(user)s asks to change %(customer)s: %(changes)s",
                        user=r.requested_by_id.name,
                        customer=r.partner_id.display_name,
                        changes=r.summary,
                    ),
                )
            request.partner_id._sdm_post_note(
                lambda rec, r=request: rec.env._(
                    "Change request %(name)s waits for approval: %(changes)s", name=r.name, changes=r.summary
                )
            )

    # ------------------------------------------------------------------ decision
    def _sdm_check_can_decide(self):
        user = self.env.user
        for request in self:
            if request.state != "pending":
                raise UserError(self.env._("Change request %s was already decided.", request.name))
            if request.requested_by_id == user:
                raise AccessError(self.env._("You cannot decide on your own change request %s.", request.name))
            if user not in request.approver_ids and not user.has_group("sdm_sales.group_sdm_admin"):
                raise AccessError(
                    self.env._(
                        "Change request %(name)s is decided by %(approvers)s.",
                        name=request.name,
                        approvers=", ".join(request.approver_ids.mapped("name")),
                    )
                )

    def _sdm_stale_lines(self):
        """Lines whose old value is no longer the customer's, with the current value shown."""
        self.ensure_one()
        partner = self.partner_id.sudo()
        return [
            (line, self._sdm_display(partner, line.field_name, self._sdm_value(partner, line.field_name)))
            for line in self.line_ids
            if self._sdm_value(partner, line.field_name) != line.old_value
        ]

    def action_approve(self):
        """Apply the new values as the requester (tracked on the customer); a stale request is refused."""
        self._sdm_check_can_decide()
        for request in self:
            # The customer's row is locked: two approvals (or an approval and a direct edit) apply one after the
            # other, and the second one sees the first one's values.
            request.partner_id._sdm_lock_rows()  # the one SDM lock (re-reads the customer afterwards)
            stale = request._sdm_stale_lines()
            if stale:
                comment = self.env._(
                    "Refused: changed since the request — %s",
                    "; ".join(
                        self.env._(
                            "%(field)s is now %(current)s (the request saw %(old)s)",
                            field=line.field_label,
                            current=current or "-",
                            old=line.old_display or "-",
                        )
                        for line, current in stale
                    ),
                )
                request._sdm_decide("refused", comment)
                continue
            vals = {line.field_name: line.new_value for line in request.line_ids}
            request.partner_id.with_user(request.requested_by_id).with_context(sdm_change_apply=True).sudo().write(vals)
            request._sdm_decide("approved", request.decision_comment)
        return True

    def action_refuse(self):
        self._sdm_check_can_decide()
        for request in self:
            if not request.decision_comment:
                raise UserError(self.env._("Say why change request %s is refused (Comment).", request.name))
            request._sdm_decide("refused", request.decision_comment)
        return True

    def _sdm_decide(self, state, comment):
        self.ensure_one()
        self.sudo().write(
            {
                "state": state,
                "decided_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
                "decision_comment": comment,
            }
        )
        self.activity_unlink(["mail.mail_activity_data_todo"])
        label = dict(self._fields["state"]._description_selection(self.env))[state]
        self.partner_id._sdm_post_note(
            lambda rec: rec.env._(
                "Change request %(name)s: %(state)s by %(user)s. %(comment)s",
                name=self.name,
                state=label,
                user=self.env.user.name,
                comment=comment or "",
            )
        )
        self.message_post(
            body=self.env._("%(state)s by %(user)s.", state=label, user=self.env.user.name),
            partner_ids=self.requested_by_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
