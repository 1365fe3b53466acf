from odoo import api, fields, models


class ResPartner(models.Model):
    """Guarded customer fields: a salesperson's change becomes a change request (``sdm.partner.change``)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Guarded master data in the customer's history (name, tax id, salesperson and the address are tracked by Odoo).
    property_payment_term_id = fields.Many2one(tracking=True)
    specific_property_product_pricelist = fields.Many2one(tracking=True)

    sdm_change_reason = fields.Char(
        string="Reason for the Change",
        store=False,
        help="Why you change this customer's guarded data: your manager reads it with your change request.",
    )
    sdm_change_ids = fields.One2many(
        "sdm.partner.change", "partner_id", string="Change Requests", groups="sdm_sales.group_sdm_user"
    )
    sdm_change_pending_count = fields.Integer(compute="_compute_sdm_change_pending_count")
    sdm_change_guarded = fields.Boolean(
        compute="_compute_sdm_change_guarded", help="Your changes of guarded fields of this customer need approval."
    )

    @api.depends("sdm_change_ids.state")
    def _compute_sdm_change_pending_count(self):
        counts = dict(
            # how many wait, not what: every user of the customer form may know it
            self.env["sdm.partner.change"]
            .sudo()
            ._read_group([("partner_id", "in", self.ids), ("state", "=", "pending")], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.sdm_change_pending_count = counts.get(partner._origin, 0)

    @api.depends_context("uid", "company")
    def _compute_sdm_change_guarded(self):
        for partner in self:
            partner.sdm_change_guarded = bool(partner._sdm_change_guarded_fields())

    def _sdm_change_guarded_fields(self):
        """The fields of this customer the current user may only change through a request (empty: none)."""
        self.ensure_one()
        if self.env.su or self.env.context.get("sdm_change_apply") or not self.id:
            return frozenset()
        customer = self.commercial_partner_id
        if not customer.customer_rank and not customer.user_id:
            return frozenset()  # not a customer (yet): vendors, contacts of the company, new prospects
        if self.parent_id and self.type != "invoice" and not self.is_company:
            return frozenset()  # contact people, delivery and other addresses: only the invoice address is guarded
        user = self.env.user
        Company = self.env["res.company"]
        if any(user.has_group(group) for group in Company._sdm_change_bypass_groups()):
            return frozenset()
        company = self.company_id or self.env.company
        return company._sdm_guarded_partner_fields()

    def write(self, vals):
        reason = vals.pop("sdm_change_reason", None)
        if self.env.su or self.env.context.get("sdm_change_apply"):
            return super().write(vals)
        requests = self.env["sdm.partner.change"]
        guarded = {partner: partner._sdm_change_guarded_fields() & set(vals) for partner in self}
        if any(guarded.values()):
            # A request is only for what she may write herself: the approval applies it as superuser.
            self.check_access("write")
        for partner, names in guarded.items():
            if names:
                requests |= requests._sdm_request(partner, {name: vals[name] for name in names}, reason=reason)
        if requests:
            # The guarded values wait for approval; everything else is written now.
            held = set().union(*guarded.values())
            vals = {name: value for name, value in vals.items() if name not in held}
            self.env.user._bus_send(
                "simple_notification",
                {
                    "type": "warning",
                    "title": self.env._("Sent for approval"),
                    "message": self.env._(
                        "%(requests)s: your change waits for %(approvers)s.",
                        requests=", ".join(requests.mapped("name")),
                        approvers=", ".join(requests.approver_ids.mapped("name")),
                    ),
                },
            )
        return super().write(vals) if vals else True

    def action_sdm_view_change_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_sales.action_sdm_partner_change")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
