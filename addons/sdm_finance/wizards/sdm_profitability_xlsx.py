from odoo import api, fields, models
from odoo.exceptions import UserError

# Measures of the export, in the view's order: (field, totalled).
MEASURES = ("revenue", "cost", "gross_profit", "rebates", "compensation", "expense", "contribution")


class SdmProfitabilityXlsx(models.TransientModel):
    """Customer profitability as a formatted XLSX: one row per customer (or region, branch, salesperson) and
    month, the figures of ``sdm.profitability`` aggregated by the database, a total at the bottom; the reader's
    record rules apply."""

    _name = "sdm.profitability.xlsx"
    _inherit = ["sdm.xlsx.mixin"]
    _description = "Customer Profitability Export"

    group_by = fields.Selection(
        [
            ("partner_id", "Customer"),
            ("sdm_region_id", "Sales Region"),
            ("team_id", "Branch"),
            ("user_id", "Salesperson"),
        ],
        string="Rows",
        required=True,
        default="partner_id",
    )
    date_from = fields.Date()
    date_to = fields.Date(default=fields.Date.context_today)
    by_month = fields.Boolean(string="One Row per Month", default=True)
    file_name = fields.Char(readonly=True)
    file_data = fields.Binary(readonly=True, attachment=False)

    def _sdm_domain(self):
        domain = [("company_id", "in", self.env.companies.ids)]
        if self.date_from:
            domain.append(("date", ">=", self.date_from))
        if self.date_to:
            domain.append(("date", "<=", self.date_to))
        return domain

    def _sdm_columns(self):
        label = dict(self._fields["group_by"]._description_selection(self.env))[self.group_by]
        Profitability = self.env["sdm.profitability"]
        columns = [("name", label, "text", 30)]
        if self.by_month:
            columns.append(("month", self.env._("Month"), "date", 12))
        columns += [
            (name, Profitability._fields[name]._description_string(self.env), "money", 15, True) for name in MEASURES
        ]
        columns.append(("pct", Profitability._fields["contribution_pct"]._description_string(self.env), "percent", 14))
        return columns

    def _sdm_rows(self):
        """One dict per group, by column key, ordered by contribution (largest first) then month."""
        self.ensure_one()
        groupby = [self.group_by] + (["date:month"] if self.by_month else [])
        groups = self.env["sdm.profitability"]._read_group(
            self._sdm_domain(), groupby, [f"{name}:sum" for name in MEASURES]
        )
        rows = []
        for group in groups:
            record, *rest = group[: len(groupby)]
            values = dict(zip(MEASURES, group[len(groupby) :], strict=True))
            revenue = values["revenue"] or 0.0
            rows.append(
                {
                    "name": record.display_name if record else self.env._("None"),
                    "month": rest[0] if rest else None,
                    **values,
                    "pct": values["contribution"] / revenue if revenue else None,
                }
            )
        return sorted(rows, key=lambda row: (-(row["contribution"] or 0.0), row["month"] or fields.Date.today()))

    def _sdm_xlsx(self):
        self.ensure_one()
        rows = self._sdm_rows()
        if not rows:
            raise UserError(self.env._("No profitability figures in this period."))
        company = self.env.company
        book = self._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Customer Profitability"))
        table = sheet.table(self._sdm_columns())
        dates = [self._sdm_date(value) for value in (self.date_from, self.date_to) if value]
        period = " – ".join(dates) or self.env._("All dates")
        sheet.title(
            self.env._("Customer Profitability — %(company)s", company=company.name),
            self.env._("%(period)s, currency %(currency)s", period=period, currency=company.currency_id.name),
        )
        row = table.header(3)
        for values in rows:
            row += 1
            table.write_row(row, values)
        totals = table.totals(rows)
        revenue = totals.get("revenue") or 0.0
        totals["pct"] = totals["contribution"] / revenue if revenue else None
        table.total_row(row + 1, self.env._("Total"), totals)
        return book.close()

    @api.readonly
    def action_export(self):
        self.ensure_one()
        return self._sdm_download(self._sdm_xlsx(), "customer_profitability.xlsx")
