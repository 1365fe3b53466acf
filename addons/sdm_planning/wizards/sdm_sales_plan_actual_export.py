from odoo import fields, models


class SdmSalesPlanActualExport(models.TransientModel):
    """Plan against actual by month as XLSX, one block and one native Excel chart per region."""

    _name = "sdm.sales.plan.actual.export"
    _inherit = ["sdm.xlsx.mixin"]
    _description = "Plan vs Actual Export"

    plan_id = fields.Many2one("sdm.sales.plan", required=True)
    file_data = fields.Binary(readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    def _sdm_xlsx(self):
        self.ensure_one()
        plan = self.plan_id
        self.env["sdm.sales.achievement"]._sdm_refresh(plan)
        rows = self.env["sdm.sales.achievement"].search([("plan_id", "=", plan.id)])
        book = self._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Plan vs Actual"))
        table = sheet.table(
            [
                ("month", self.env._("Month"), "text", 12),
                ("target", self.env._("Target"), "money", 14),
                ("actual", self.env._("Actual"), "money", 14),
                ("achievement", self.env._("Achievement"), "percent", 14),
            ]
        )
        sheet.title(self.env._("%(plan)s — plan against actual", plan=plan.name))
        row = 2
        regions = plan.node_ids.filtered(lambda n: n.level in ("company", "region")).sorted("parent_path")
        for node in regions:
            node_rows = rows.filtered(lambda r, n=node: r.node_id == n).sorted("month")
            table.band(row, node.name)
            row = table.header(row + 1)
            first = row + 1
            for achievement in node_rows:
                row += 1
                table.write_row(
                    row,
                    {
                        "month": achievement.month.strftime("%Y-%m"),
                        "target": achievement.target_amount,
                        "actual": achievement.actual_amount,
                        "achievement": achievement.achievement / 100.0,
                    },
                )
            last = row
            chart = book.add_chart({"type": "column"})
            for key in ("target", "actual"):
                col = table.col(key)
                chart.add_series(
                    {
                        "name": table.columns[col].label,
                        "categories": [sheet.name, first, table.col("month"), last, table.col("month")],
                        "values": [sheet.name, first, col, last, col],
                    }
                )
            chart.set_title({"name": node.name})
            chart.set_size({"width": 620, "height": 260})
            sheet.worksheet.insert_chart(first - 2, len(table.columns) + 1, chart)
            row = max(row, first + 12) + 3
        return book.close()

    def action_export(self):
        self.ensure_one()
        return self._sdm_download(self._sdm_xlsx(), f"plan_vs_actual_{self.plan_id.year}.xlsx")
