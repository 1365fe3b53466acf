from odoo import api, fields, models
from odoo.exceptions import UserError

# The template's header row (1-based; its data rows follow).
HEADER_ROW = 3


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

    def _sdm_columns(self, months):
        return [
            ("id", self.env._("ID"), "id", 10),
            ("level", self.env._("Level"), "locked", 10),
            ("node", self.env._("Node"), "locked", 34),
            *((month, month.strftime("%Y-%m"), "input", 12) for month in months),
            ("year", self.env._("Year"), "money", 12),
        ]

    def _sdm_template(self):
        self.ensure_one()
        plan = self.plan_id
        months = plan._sdm_months()
        book = self._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Plan"))
        table = sheet.table(self._sdm_columns(months))
        sheet.title(
            self.env._(
                "%(plan)s — %(measure)s",
                plan=plan.name,
                measure=dict(self._fields["measure"]._description_selection(self.env))[self.measure],
            )
        )
        table.header(HEADER_ROW - 1)
        levels = dict(self.env["sdm.sales.plan.node"]._fields["level"]._description_selection(self.env))
        for row, node in enumerate(plan.node_ids.sorted("parent_path"), start=3):
            depth = (node.parent_path or "").count("/") - 1
            values = {line.month: line[self.measure] for line in node.line_ids}
            table.write_row(
                row,
                {
                    "id": node.id,
                    "level": levels[node.level],
                    "node": "    " * depth + node.name,
                    **{month: values.get(month, 0.0) for month in months},
                },
            )
            table.write_formula(row, "year", f"=SUM({table.range(row, months[0], months[-1])})", "subtotal")
        sheet.worksheet.freeze_panes(3, 3)
        return book.close()

    @api.readonly
    def action_export(self):
        self.ensure_one()
        return self._sdm_download(self._sdm_template(), f"plan_{self.plan_id.year}_{self.measure}.xlsx")

    def _sdm_parse(self):
        """(values by node and month, errors)."""
        self.ensure_one()
        plan = self.plan_id
        months = plan._sdm_months()
        columns = self._sdm_columns(months)
        english = self.with_context(lang="en_US")._sdm_columns(months)
        # Every column but the year's total is checked (ID, level and node in either language, the months).
        header = [{column[1], column_en[1]} for column, column_en in zip(columns, english, strict=True)][:-1]
        # The archive, the sheet (found by its header), the row cap: the shared upload reader of sdm_sales.
        rows = self._sdm_xlsx_read_rows(self.file_data, HEADER_ROW, header, encoded=True)
        nodes = {node.id: node for node in plan.node_ids}
        values, errors = {}, []
        for line_no, row in rows:
            cells = list(row)
            if not any(v not in (None, "") for v in cells[:15]):
                continue
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
        self.plan_id._sdm_post_note(
            lambda p: p.env._(
                "%(measure)s imported from %(file)s.",
                measure=dict(self._fields["measure"]._description_selection(p.env))[self.measure],
                file=self.file_name or "XLSX",
            )
        )
        return {"type": "ir.actions.act_window_close"}
