from odoo import fields, models


class SdmCreditApprovalDecision(models.TransientModel):
    _name = "sdm.credit.approval.decision"
    _description = "Approve or Reject a Credit Request"

    approval_ids = fields.Many2many("sdm.credit.approval", required=True)
    decision = fields.Selection([("approve", "Approve"), ("reject", "Reject")], required=True)
    comment = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.approval_ids._sdm_decide(self.decision == "approve", self.comment)
        return {"type": "ir.actions.act_window_close"}
