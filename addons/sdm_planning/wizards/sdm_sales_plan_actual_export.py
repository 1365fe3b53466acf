import io

import xlsxwriter

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
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet(self.env._("Plan vs Actual"))
        title = book.add_format({"bold": True, "font_size": 14})
        section = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
        header = book.add_format({"bold": True, "border": 1, "bg_color": "#1F4E78", "font_color": "#FFFFFF"})
        money = book.add_format({"border": 1, "num_format": "#,##0.00"})
        percent = book.add_format({"border": 1, "num_format": "0.0%"})
        text = book.add_format({"border": 1})
        sheet.write(0, 0, self.env._("%(plan)s — plan against actual", plan=plan.name), title)
        row = 2
        regions = plan.node_ids.filtered(lambda n: n.kind in ("company", "region")).sorted("parent_path")
        for node in regions:
            node_rows = rows.filtered(lambda r, n=node: r.node_id == n).sorted("month")
            sheet.write(row, 0, node.name, section)
            row += 1
            for col, label in enumerate(
                (self.env._("Month"), self.env._("Target"), self.env._("Actual"), self.env._("Achievement"))
            ):
                sheet.write(row, col, label, header)
            first = row + 1
            for achievement in node_rows:
                row += 1
                sheet.write(row, 0, achievement.month.strftime("%Y-%m"), text)
                sheet.write_number(row, 1, achievement.target_amount, money)
                sheet.write_number(row, 2, achievement.actual_amount, money)
                sheet.write_number(row, 3, achievement.achievement / 100.0, percent)
            last = row
            chart = book.add_chart({"type": "column"})
            for col, name in ((1, self.env._("Target")), (2, self.env._("Actual"))):
                chart.add_series(
                    {
                        "name": name,
                        "categories": [sheet.name, first, 0, last, 0],
                        "values": [sheet.name, first, col, last, col],
                    }
                )
            chart.set_title({"name": node.name})
            chart.set_size({"width": 620, "height": 260})
            sheet.insert_chart(first - 2, 5, chart)
            row = max(row, first + 12) + 3
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, 3, 14)
        book.close()
        return output.getvalue()

    def action_export(self):
        self.ensure_one()
        return self._sdm_download(self._sdm_xlsx(), f"plan_vs_actual_{self.plan_id.year}.xlsx")
