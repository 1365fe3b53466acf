import re

from odoo import Command, api, fields, models

# Characters a worksheet name cannot hold.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class SdmIncentiveStatement(models.TransientModel):
    """Participant statements as PDF or XLSX: of the lines chosen (a settlement's, a selection in the lines
    list), or of one person over a fiscal year (the approved and locked settlements). Read with the user's
    rights: a salesperson gets their own statement only."""

    _name = "sdm.incentive.statement"
    _inherit = ["sdm.xlsx.mixin"]
    _description = "Incentive Statement"

    line_ids = fields.Many2many("sdm.incentive.settlement.line", string="Lines")
    user_id = fields.Many2one("res.users", string="Participant", default=lambda self: self.env.user)
    year = fields.Integer(string="Fiscal Year", default=lambda self: fields.Date.context_today(self).year)
    file_data = fields.Binary(readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    @api.model
    def default_get(self, fields_list):
        vals = super().default_get(fields_list)
        if self.env.context.get("active_model") == "sdm.incentive.settlement.line" and "line_ids" in fields_list:
            vals["line_ids"] = [Command.set(self.env.context.get("active_ids") or [])]
        return vals

    def _sdm_lines(self):
        """The lines to state, among those the user may read."""
        self.ensure_one()
        if self.line_ids:
            domain = [("id", "in", self.line_ids.ids)]
        else:
            domain = [
                ("user_id", "=", self.user_id.id),
                ("plan_id.year", "=", self.year),
                ("state", "in", ("approved", "locked")),
            ]
        return self.env["sdm.incentive.settlement.line"]._sdm_statement_lines(domain)

    def action_print(self):
        self.ensure_one()
        return self.env.ref("sdm_planning.action_report_sdm_incentive_statement").report_action(self._sdm_lines())

    def _sdm_xlsx(self):
        self.ensure_one()
        book = self._sdm_xlsx_workbook()
        used = set()
        for statement in self._sdm_lines()._sdm_statements():
            self.with_context(lang=statement["lang"])._sdm_xlsx_statement(book, statement, used)
        return book.close()

    def _sdm_sheet_name(self, name, used):
        base = SHEET_NAME_FORBIDDEN.sub(" ", name or "").strip()[:28] or "-"
        sheet_name, count = base, 1
        while sheet_name.lower() in used:
            count += 1
            sheet_name = f"{base[:25]} ({count})"
        used.add(sheet_name.lower())
        return sheet_name

    def _sdm_xlsx_statement(self, book, statement, used):
        """One sheet per participant, in the participant's language (the environment's)."""
        sheet = book.add_sheet(self._sdm_sheet_name(statement["name"], used))
        sheet.title(
            self.env._("Incentive Statement — %(participant)s", participant=statement["name"]),
            self.env._(
                "%(company)s, currency %(currency)s",
                company=statement["company"].name,
                currency=statement["currency"].name,
            ),
        )
        table = sheet.table(
            [
                ("label", self.env._("Item"), "text", 34),
                ("value", self.env._("Amount"), "money", 16),
                ("note", self.env._("Explanation"), "text", 70),
            ]
        )
        row = 2
        for section in statement["sections"]:
            row += 1
            table.band(
                row,
                self.env._(
                    "%(plan)s: %(settlement)s (%(type)s), %(date_from)s – %(date_to)s",
                    plan=section["plan"],
                    settlement=section["name"],
                    type=section["settlement_type"],
                    date_from=self._sdm_date(section["date_from"]),
                    date_to=self._sdm_date(section["date_to"]),
                ),
            )
            if section["measured"]:
                for label, weight, achievement in section["measures"]:
                    row += 1
                    weight_text = f"{weight:g}"
                    table.write_row(
                        row, {"label": label, "note": self.env._("Weight %(weight)s %%", weight=weight_text)}
                    )
                    table.write_cell(row, "value", achievement / 100.0, value_type="percent")
                for label, value, value_type in (
                    (self.env._("Weighted Achievement"), section["achievement"] / 100.0, "percent"),
                    (self.env._("Payout by the Curve (% of Target)"), section["payout_percent"] / 100.0, "percent"),
                    (self.env._("Target Incentive"), section["target_incentive"], "money"),
                ):
                    row += 1
                    table.write_row(row, {"label": label, "note": ""})
                    table.write_cell(row, "value", value, value_type=value_type)
            row = table.header(row + 1)
            for line in section["lines"]:
                row += 1
                table.write_row(row, {"label": line["type"], "value": line["amount"], "note": line["note"]})
            row += 1
            table.total_row(row, self.env._("Settlement Total"), {"value": section["total"]}, style="subtotal")
            row += 1
        row += 1
        table.total_row(row, self.env._("Total"), {"value": statement["total"]})
        if statement["sources"]:
            row += 2
            sources = sheet.table(
                [
                    ("label", self.env._("Invoices and Payments Behind It"), "text"),
                    ("value", self.env._("Amount"), "money"),
                    ("count", self.env._("Documents"), "id"),
                ],
                widths=False,
            )
            row = sources.header(row)
            for source in statement["sources"]:
                row += 1
                sources.write_row(row, {"label": source["type"], "value": source["amount"], "count": source["count"]})
        return sheet

    @api.readonly
    def action_export(self):
        self.ensure_one()
        return self._sdm_download(self._sdm_xlsx(), "incentive_statement.xlsx")
