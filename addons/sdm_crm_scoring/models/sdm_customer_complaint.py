from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SdmCustomerComplaint(models.Model):
    """A simple complaint log (客诉): when it came in, when we first answered, when it was closed."""

    _name = "sdm.customer.complaint"
    _description = "Customer Complaint"
    _inherit = ["mail.thread"]
    _order = "received desc, id desc"

    name = fields.Char(string="Subject", required=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True)
    sdm_region_id = fields.Many2one(related="partner_id.commercial_partner_id.sdm_region_id", store=True)
    received = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    first_response = fields.Datetime(tracking=True)
    closed = fields.Datetime(tracking=True)
    response_hours = fields.Float(string="Response Time (hours)", compute="_compute_stage", store=True)
    stage = fields.Selection(
        [("new", "New"), ("responded", "Responded"), ("closed", "Closed")], compute="_compute_stage", store=True
    )
    user_id = fields.Many2one("res.users", string="Handled By", default=lambda self: self.env.user, tracking=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, required=True, index=True)
    description = fields.Html()

    @api.depends("received", "first_response", "closed")
    def _compute_stage(self):
        for complaint in self:
            complaint.stage = "closed" if complaint.closed else "responded" if complaint.first_response else "new"
            if complaint.first_response and complaint.received:
                seconds = (complaint.first_response - complaint.received).total_seconds()
                complaint.response_hours = round(seconds / 3600.0, 2)
            else:
                complaint.response_hours = 0.0

    @api.constrains("received", "first_response", "closed")
    def _check_dates(self):
        for complaint in self:
            moments = [m for m in (complaint.first_response, complaint.closed) if m]
            if any(moment < complaint.received for moment in moments):
                raise ValidationError(
                    self.env._(
                        "Complaint “%(complaint)s”: the first response and the closing cannot be before its "
                        "reception (%(received)s).",
                        complaint=complaint.name,
                        received=complaint.received,
                    )
                )
