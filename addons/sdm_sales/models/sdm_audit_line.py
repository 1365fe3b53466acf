from odoo import api, fields, models
from odoo.tools import SQL


class SdmAuditLine(models.Model):
    """Audit trail: who changed what and when on SDM's key records, read from Odoo's field tracking
    (``mail.tracking.value`` of the chatter), one row per changed field. Nothing is stored twice; the list is
    read-only to everyone. The models are :meth:`_sdm_audited_models`, which each SDM addon extends."""

    _name = "sdm.audit.line"
    _description = "SDM Audit Trail"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "record_name"

    date = fields.Datetime(readonly=True)
    user_id = fields.Many2one("res.users", string="Changed By", readonly=True)
    author_id = fields.Many2one("res.partner", readonly=True)
    res_model = fields.Char(string="Model", readonly=True)
    # Labels in the reader's language, read in SQL: people read them without access to the models' registry.
    model_label = fields.Char(string="Document Type", readonly=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", readonly=True)
    record_name = fields.Char(readonly=True)
    record_display = fields.Char(string="Record", compute="_compute_record_display")
    field_name = fields.Char(string="Technical Field Name", readonly=True)
    field_label = fields.Char(string="Field", readonly=True)
    old_value = fields.Char(readonly=True)
    new_value = fields.Char(readonly=True)
    message_id = fields.Many2one("mail.message", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, help="The record's company (empty: shared).")

    def _compute_record_display(self):
        """The record's name today (the message keeps none for tracking), one read per document type."""
        by_model = {}
        for line in self:
            by_model.setdefault(line.res_model, set()).add(line.res_id)
        names = {}
        for model, ids in by_model.items():
            records = self.env[model].sudo().with_context(active_test=False).browse(ids).exists()
            names.update({(model, record.id): record.display_name for record in records})
        for line in self:
            line.record_display = (
                names.get((line.res_model, line.res_id)) or line.record_name or f"{line.res_model},{line.res_id}"
            )

    @api.model
    def _sdm_audited_models(self):
        """Hook: the models whose tracked changes the audit trail lists (each addon adds its own)."""
        return [
            "res.partner",
            "sdm.partner.change",
            "sdm.credit.approval",
            "sdm.credit.group",
            "sdm.region",
            "sdm.price.notice",
            "sdm.customer.balance",
        ]

    @api.model
    def _sdm_value_sql(self, side):
        """The tracked value of one side (``old`` / ``new``) as text, by the field's type."""
        column = {
            kind: SQL.identifier("tv", f"{side}_value_{kind}")
            for kind in ("char", "text", "datetime", "float", "integer")
        }
        return SQL(
            """CASE
                 WHEN f.ttype IN ('date', 'datetime') THEN %(datetime)s::text
                 WHEN f.ttype IN ('float', 'monetary') THEN %(float)s::text
                 WHEN f.ttype = 'integer' THEN %(integer)s::text
                 WHEN f.ttype = 'boolean' THEN CASE WHEN %(integer)s = 1 THEN '✔' ELSE '✘' END
                 ELSE COALESCE(%(char)s, %(text)s)
               END""",
            **column,
        )

    @api.model
    def _sdm_company_sql(self, models_):
        """SQL of the tracked record's company (NULL for a record shared by all companies)."""
        branches = []
        for name in models_:
            Model = self.env[name]
            company = Model._fields.get("company_id")
            if company and company.store and company.type == "many2one" and not Model._abstract:
                branches.append(
                    SQL(
                        "WHEN m.model = %s THEN (SELECT t.company_id FROM %s t WHERE t.id = m.res_id)",
                        name,
                        SQL.identifier(Model._table),
                    )
                )
        return SQL("CASE %s END", SQL(" ").join(branches)) if branches else SQL("NULL::integer")

    @property
    def _table_query(self):
        models_ = [name for name in self._sdm_audited_models() if name in self.env]
        return SQL(
            """
            SELECT tv.id, m.date, m.create_uid AS user_id, m.author_id, m.model AS res_model,
                   COALESCE(im.name ->> %(lang)s, im.name ->> 'en_US') AS model_label, m.res_id, m.record_name,
                   f.name AS field_name,
                   COALESCE(f.field_description ->> %(lang)s, f.field_description ->> 'en_US') AS field_label,
                   %(old)s AS old_value, %(new)s AS new_value, m.id AS message_id, %(company)s AS company_id
              FROM mail_tracking_value tv
              JOIN mail_message m ON m.id = tv.mail_message_id
              JOIN ir_model_fields f ON f.id = tv.field_id
              JOIN ir_model im ON im.model = m.model
             WHERE m.model IN %(models)s
            """,
            old=self._sdm_value_sql("old"),
            new=self._sdm_value_sql("new"),
            models=tuple(models_) or ("",),
            lang=self.env.lang or "en_US",
            company=self._sdm_company_sql(models_),
        )

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
