import base64
import io

import openpyxl
import xlsxwriter

from odoo import fields, models
from odoo.exceptions import UserError

MEASURE_LABELS = {"amount": "Sales", "quantity": "Quantity", "margin": "Gross Profit", "collections": "Collections"}


class SdmSalesPlanXlsx(models.TransientModel):
    """XLSX round-trip of a plan: download the nodes × months template of one measure, fill it, upload it back.
    The upload is checked whole first — unknown nodes, non-numbers, negative values — and nothing is written
    unless every cell is right."""

    _name = "sdm.sales.plan.xlsx"
    _inherit = ["sdm.xlsx.mixin"]
    _description = "Sales Plan Spreadsheet"

    plan_id = fields.Many2one("sdm.sales.plan", required=True)
    measure = fields.Selection(
        [("amount", "Sales"), ("quantity", "Quantity"), ("margin", "Gross Profit"), ("collections", "Collections")],
        default="amount",
        required=True,
    )
    file_data = fields.Binary(string="File", attachment=False)
    file_name = fields.Char()

    def _sdm_template(self):
        self.ensure_one()
        plan = self.plan_id
        months = plan._sdm_months()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet(self.env._("Plan"))
        header = book.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1})
        number = book.add_format({"num_format": "#,##0.00", "border": 1, "bg_color": "#FFF2CC"})
        locked = book.add_format({"border": 1, "bg_color": "#F2F2F2"})
        total = book.add_format({"num_format": "#,##0.00", "border": 1, "bold": True, "bg_color": "#F2F2F2"})
        sheet.write(
            0,
            0,
            self.env._(
                "%(plan)s — %(measure)s",
                plan=plan.name,
                measure=dict(self._fields["measure"]._description_selection(self.env))[self.measure],
            ),
            book.add_format({"bold": True}),
        )
        heads = [self.env._("ID"), self.env._("Level"), self.env._("Node")] + [m.strftime("%Y-%m") for m in months]
        heads.append(self.env._("Year"))
        for col, label in enumerate(heads):
            sheet.write(2, col, label, header)
        kinds = dict(self.env["sdm.sales.plan.node"]._fields["kind"]._description_selection(self.env))
        for row, node in enumerate(plan.node_ids.sorted("parent_path"), start=3):
            depth = (node.parent_path or "").count("/") - 1
            sheet.write(row, 0, node.id, locked)
            sheet.write(row, 1, kinds[node.kind], locked)
            sheet.write(row, 2, "    " * depth + node.name, locked)
            values = {line.month: line[self.measure] for line in node.line_ids}
            for col, month in enumerate(months, start=3):
                sheet.write_number(row, col, values.get(month, 0.0), number)
            sheet.write_formula(row, 15, f"=SUM(D{row + 1}:O{row + 1})", total)
        sheet.set_column(0, 1, 10)
        sheet.set_column(2, 2, 34)
        sheet.set_column(3, 15, 12)
        sheet.freeze_panes(3, 3)
        book.close()
        return output.getvalue()

    def action_export(self):
        self.ensure_one()
        return self._sdm_download(self._sdm_template(), f"plan_{self.plan_id.year}_{self.measure}.xlsx")

    def _sdm_parse(self):
        """(values by node and month, errors)."""
        self.ensure_one()
        plan = self.plan_id
        months = plan._sdm_months()
        try:
            book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(self.file_data)), data_only=True)
        except Exception as error:
            raise UserError(self.env._("This file cannot be read as XLSX: %s", error)) from error
        sheet = book.worksheets[0]
        nodes = {node.id: node for node in plan.node_ids}
        values, errors = {}, []
        for row in sheet.iter_rows(min_row=4):
            cells = [cell.value for cell in row]
            if not any(v not in (None, "") for v in cells[:15]):
                continue
            line_no = row[0].row
            node_id = cells[0]
            node = nodes.get(node_id) if isinstance(node_id, int) else None
            if node is None and isinstance(node_id, float) and node_id.is_integer():
                node = nodes.get(int(node_id))
            if node is None:
                errors.append(
                    self.env._("Row %(row)s: unknown node %(id)s in %(plan)s.", row=line_no, id=node_id, plan=plan.name)
                )
                continue
            for col, month in enumerate(months, start=3):
                value = cells[col] if col < len(cells) else None
                if value in (None, ""):
                    value = 0.0
                if isinstance(value, bool) or not isinstance(value, int | float):
                    problem = self.env._("“%s” is not a number", value)
                elif value < 0:
                    problem = self.env._("%s is negative", value)
                else:
                    values[(node, month)] = float(value)
                    continue
                errors.append(
                    self.env._(
                        "Row %(row)s (%(node)s), %(month)s: %(problem)s.",
                        row=line_no,
                        node=node.name,
                        month=month.strftime("%Y-%m"),
                        problem=problem,
                    )
                )
        return values, errors

    def action_import(self):
        self.ensure_one()
        if not self.file_data:
            raise UserError(self.env._("Choose the filled spreadsheet first."))
        self.plan_id._sdm_check_editable()
        values, errors = self._sdm_parse()
        if errors:
            raise UserError(
                self.env._("Nothing was imported; fix these cells and upload again:\n%s", "\n".join(errors))
            )
        for (node, month), value in values.items():
            line = node.line_ids.filtered(lambda line, m=month: line.month == m)
            if line[self.measure] != value:
                line[self.measure] = value
        self.plan_id.message_post(
            body=self.env._(
                "%(measure)s imported from %(file)s.",
                measure=MEASURE_LABELS[self.measure],
                file=self.file_name or "XLSX",
            )
        )
        return {"type": "ir.actions.act_window_close"}
