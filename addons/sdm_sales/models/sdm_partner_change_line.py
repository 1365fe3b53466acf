from odoo import fields, models


class SdmPartnerChangeLine(models.Model):
    """One field of a change request: the value the salesperson saw, the value she asked for."""

    _name = "sdm.partner.change.line"
    _description = "Customer Change Request Line"
    _order = "change_id, id"

    change_id = fields.Many2one("sdm.partner.change", required=True, ondelete="cascade", index=True)
    field_id = fields.Many2one("ir.model.fields", required=True, ondelete="cascade")
    # related fields read as superuser: people read the label without access to the fields' registry
    field_name = fields.Char(related="field_id.name")
    field_label = fields.Char(related="field_id.field_description", string="Field Changed")
    old_display = fields.Char(string="Old Value", readonly=True)
    new_display = fields.Char(string="New Value", readonly=True)
    # What is compared and written: the field's value in write() form (ids for relations).
    old_value = fields.Json(string="Old Value (Data)", readonly=True)
    new_value = fields.Json(string="New Value (Data)", readonly=True)
