from odoo import api, fields, models
from odoo.exceptions import UserError


class SdmWriteoffReconcileWizard(models.TransientModel):
    """Reconcile selected journal items by hand under the write-off rules: the keys on which they differ are
    shown; strict mode refuses, prompt mode needs the confirmation ticked, off lets them through."""

    _name = "sdm.writeoff.reconcile.wizard"
    _description = "Reconcile under Write-off Rules"

    line_ids = fields.Many2many("account.move.line", string="Journal Items", required=True)
    company_id = fields.Many2one("res.company", compute="_compute_differences")
    mode = fields.Selection(related="company_id.sdm_writeoff_mode", string="Mode")
    differences = fields.Text(compute="_compute_differences", string="Differing Keys")
    confirmed = fields.Boolean(string="Reconcile anyway", help="Confirm a reconciliation that breaks the key.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move.line" and "line_ids" in fields_list:
            values["line_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return values

    @api.depends("line_ids")
    def _compute_differences(self):
        Writeoff = self.env["sdm.writeoff"]
        for wizard in self:
            wizard.company_id = wizard.line_ids.company_id[:1]
            differences = Writeoff._sdm_differences(wizard.line_ids)
            wizard.differences = "\n".join(f"{label}: {left} ≠ {right}" for label, left, right in differences)

    def action_reconcile(self):
        self.ensure_one()
        if len(self.line_ids) < 2:
            raise UserError(self.env._("Select at least two journal items to reconcile."))
        self.line_ids.with_context(sdm_writeoff_manual=True, sdm_writeoff_confirmed=self.confirmed).reconcile()
        return {"type": "ir.actions.act_window_close"}
