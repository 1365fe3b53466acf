from collections import defaultdict

from odoo import api, fields, models

LEVELS = ("sdm_region_id", "team_id", "user_id", "partner_id")


class SdmAgingReport(models.TransientModel):
    """Aged receivables as of a date: opens the analysis (pivot, list, graph, the customers to collect from) or
    writes the XLSX grouped region → branch → salesperson → customer with subtotals, from ``sdm.aging.line``."""

    _name = "sdm.aging.report"
    _inherit = ["sdm.xlsx.mixin"]
    _description = "Aged Receivables"

    as_of = fields.Date(string="As of", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    file_name = fields.Char(readonly=True)
    file_data = fields.Binary(readonly=True, attachment=False)

    def _sdm_context(self):
        return {"sdm_as_of": fields.Date.to_string(self.as_of), "allowed_company_ids": [self.company_id.id]}

    def _sdm_title(self):
        return self.env._("Aged Receivables as of %s", self._sdm_date(self.as_of))

    def action_open(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_sales.action_sdm_aging_line")
        action["name"] = self._sdm_title()
        action["context"] = {
            **self._sdm_context(),
            "search_default_group_region": 1,
            "search_default_group_team": 2,
            "search_default_group_user": 3,
            "search_default_group_partner": 4,
        }
        return action

    def action_open_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_sales.action_sdm_aging_customer")
        action["name"] = self.env._("To Collect as of %s", self._sdm_date(self.as_of))
        action["context"] = {**self._sdm_context(), "search_default_overdue": 1}
        return action

    # ------------------------------------------------------------------ XLSX

    @api.model
    def _sdm_xlsx_rows(self, as_of, company):
        """Per customer (with its region, branch, salesperson): the open amount per bucket id, total, overdue and
        the DSO period's sales — two grouped reads of the aging rows, whatever the number of items."""
        lines = self.env["sdm.aging.line"].with_context(
            sdm_as_of=fields.Date.to_string(as_of), allowed_company_ids=[company.id]
        )
        rows = {}
        # _read_group: the rows only (the public read_group also builds a domain per group: seconds at 50,000).
        for *records, bucket, residual, overdue in lines._read_group(
            [], [*LEVELS, "bucket_id"], ["amount_residual:sum", "amount_overdue:sum"]
        ):
            key = tuple((record.id, record.display_name) if record else False for record in records)
            row = rows.setdefault(key, {"buckets": defaultdict(float), "residual": 0.0, "overdue": 0.0, "sales": 0.0})
            row["buckets"][bucket.id or False] += residual
            row["residual"] += residual
            row["overdue"] += overdue
        for *records, sales in lines.with_context(sdm_aging_sales=True)._read_group(
            [], list(LEVELS), ["amount_sales:sum"]
        ):
            key = tuple((record.id, record.display_name) if record else False for record in records)
            if key in rows:  # customers with sales but nothing open have a DSO of 0: not listed
                rows[key]["sales"] += sales
        return rows

    def _sdm_columns(self, buckets):
        columns = [("label", self.env._("Customer"), "text", 36)]
        columns += [(f"b{bucket.id}", bucket.display_name, "money", 14, True) for bucket in buckets]
        columns += [
            ("residual", self.env._("Open Amount"), "money", 16, True),
            ("overdue", self.env._("Overdue"), "money", 16, True),
            ("sales", self.env._("Sales in DSO Period"), "money", 16, True),
            ("dso", self.env._("DSO (days)"), "score", 10),
        ]
        return columns

    @api.readonly
    def action_xlsx(self):
        self.ensure_one()
        company = self.company_id
        buckets = self.env["sdm.aging.bucket"].search([("company_id", "=", company.id)])
        rows = self._sdm_xlsx_rows(self.as_of, company)
        days = company.sdm_dso_days
        dso = self.env["sdm.aging.line"]._sdm_dso

        def values(label, items):
            total = {"label": label, "residual": 0.0, "overdue": 0.0, "sales": 0.0}
            for item in items:
                for bucket in buckets:
                    total[f"b{bucket.id}"] = total.get(f"b{bucket.id}", 0.0) + item["buckets"].get(bucket.id, 0.0)
                for name in ("residual", "overdue", "sales"):
                    total[name] += item[name]
            total["dso"] = dso(total["residual"], total["sales"], days)
            return total

        def name(value):
            return value[1] if value else self.env._("None")

        book = self._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Aged Receivables"))
        table = sheet.table(self._sdm_columns(buckets))
        sheet.title(
            f"{self._sdm_title()} — {company.name}",
            self.env._(
                "DSO over %(days)s days of sales; amounts in %(currency)s.",
                days=days,
                currency=company.currency_id.name,
            ),
        )
        row = table.header(3) + 1

        def write_level(depth, keys, prefix):
            """Bands and subtotals of the level ``depth`` below ``prefix``; customers at the last level."""
            nonlocal row
            children = sorted({key[: depth + 1] for key in keys}, key=lambda k: name(k[-1]))
            for child in children:
                below = [key for key in keys if key[: depth + 1] == child]
                if depth == len(LEVELS) - 1:
                    table.write_row(row, values(name(child[-1]), [rows[key] for key in below]))
                    row += 1
                    continue
                table.band(row, name(child[-1]))
                row += 1
                write_level(depth + 1, below, child)
                subtotal = values(self.env._("Subtotal %s", name(child[-1])), [rows[key] for key in below])
                table.write_row(row, subtotal, style="subtotal")
                row += 1

        write_level(0, list(rows), ())
        table.write_row(row, values(self.env._("Total"), list(rows.values())), style="total")
        file_name = f"aged-receivables-{fields.Date.to_string(self.as_of)}.xlsx"
        return self._sdm_download(book.close(), file_name)
