from odoo import api, fields, models


class SdmCreditApprovalRequest(models.TransientModel):
    _name = "sdm.credit.approval.request"
    _description = "Request a Credit Approval"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    check_details = fields.Text(string="Credit Check", compute="_compute_check_details")
    reason = fields.Text(required=True, help="Why this order should be confirmed despite the credit rule.")

    @api.depends("order_id")
    def _compute_check_details(self):
        for wizard in self:
            wizard.check_details = wizard.order_id._sdm_credit_simulation().get("message") if wizard.order_id else ""

    def action_request(self):
        self.ensure_one()
        approval = self.env["sdm.credit.approval"]._sdm_request(self.order_id, self.reason)
        return {"type": "ir.actions.act_window_close", "infos": {"approval": approval.name}}
