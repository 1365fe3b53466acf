from odoo import fields, models


class SdmAuditXlsx(models.TransientModel):
    """The audit trail for auditors as an XLSX (through the one XLSX home, ``sdm.xlsx.mixin``): the changes of a
    period, of one person or document type if chosen, oldest first."""

    _name = "sdm.audit.xlsx"
    _inherit = ["sdm.xlsx.mixin"]
    _description = "Audit Trail XLSX"

    date_from = fields.Date(required=True, default=lambda self: fields.Date.context_today(self).replace(day=1))
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", string="Changed By", help="Empty: everyone.")
    res_model = fields.Char(string="Model", help="Technical name, e.g. res.partner. Empty: every document type.")
    file_name = fields.Char(readonly=True)
    file_data = fields.Binary(readonly=True, attachment=False)

    def _sdm_columns(self):
        return [
            ("date", self.env._("Date"), "text", 19),
            ("user", self.env._("Changed By"), "text", 18),
            ("model", self.env._("Document Type"), "text", 22),
            ("record", self.env._("Record"), "text", 28),
            ("field", self.env._("Field"), "text", 22),
            ("old", self.env._("Old Value"), "text", 30),
            ("new", self.env._("New Value"), "text", 30),
        ]

    def _sdm_lines(self):
        self.ensure_one()
        domain = [
            ("date", ">=", fields.Datetime.to_datetime(self.date_from)),
            ("date", "<", fields.Datetime.to_datetime(fields.Date.add(self.date_to, days=1))),
        ]
        if self.user_id:
            domain.append(("user_id", "=", self.user_id.id))
        if self.res_model:
            domain.append(("res_model", "=", self.res_model))
        return self.env["sdm.audit.line"].search(domain, order="date, id")

    def _sdm_xlsx(self):
        book = self._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Audit Trail"))
        sheet.title(
            self.env._("Audit Trail — %(company)s", company=self.env.company.name),
            self.env._(
                "%(date_from)s – %(date_to)s, exported by %(user)s",
                date_from=self._sdm_date(self.date_from),
                date_to=self._sdm_date(self.date_to),
                user=self.env.user.name,
            ),
        )
        table = sheet.table(self._sdm_columns())
        row = table.header(3)
        for line in self._sdm_lines():
            row += 1
            table.write_row(
                row,
                {
                    "date": fields.Datetime.to_string(fields.Datetime.context_timestamp(self, line.date)),
                    "user": line.user_id.name or "",
                    "model": line.model_label or line.res_model,
                    "record": line.record_display,
                    "field": line.field_label or line.field_name,
                    "old": line.old_value or "",
                    "new": line.new_value or "",
                },
            )
        return book.close()

    def action_export(self):
        return self._sdm_download(self._sdm_xlsx(), "audit_trail.xlsx")
