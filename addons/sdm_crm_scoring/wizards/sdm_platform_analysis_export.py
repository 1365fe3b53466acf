from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class SdmPlatformAnalysisExport(models.TransientModel):
    """The regional platform analysis table (区平台分析表) of a month as a formatted XLSX: customers under
    their platform type under their region, with a subtotal per platform, a total per region and a grand total.
    Shares of totals divide the sums of the rows whose monthly usage is known."""

    _name = "sdm.platform.analysis.export"
    _inherit = ["sdm.xlsx.mixin"]
    _description = "Export the Platform Analysis"

    month = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(months=1),
    )
    region_ids = fields.Many2many("sdm.region", string="Regions", help="Empty: all regions you can see.")
    platform_type_ids = fields.Many2many("sdm.platform.type", string="Platform Types", help="Empty: all.")
    file_name = fields.Char(readonly=True)
    file_data = fields.Binary(readonly=True, attachment=False)

    def _sdm_rows(self):
        self.ensure_one()
        domain = [("month", "=", self.month.replace(day=1)), ("company_id", "=", self.env.company.id)]
        if self.region_ids:
            domain.append(("sdm_region_id", "child_of", self.region_ids.ids))
        if self.platform_type_ids:
            domain.append(("platform_type_id", "in", self.platform_type_ids.ids))
        rows = self.env["sdm.platform.usage"].search(domain)
        return rows.sorted(
            lambda r: (
                r.sdm_region_id.complete_name or "~",
                r.platform_type_id.sequence,
                r.platform_type_id.code or "~",
                r.partner_id.display_name,
            )
        )

    def _sdm_table(self):
        """The table as a list of (row_type, values) with row_type in customer / platform / region / total."""
        table, grand = [], defaultdict(float)
        by_region = defaultdict(lambda: defaultdict(list))
        for row in self._sdm_rows():
            by_region[row.sdm_region_id][row.platform_type_id].append(row)
        no_region, no_platform = self.env._("(No region)"), self.env._("(No platform)")
        for region, platforms in by_region.items():
            region_sum = defaultdict(float)
            region_name = region.complete_name or no_region
            for platform, rows in platforms.items():
                platform_sum = defaultdict(float)
                platform_name = platform.name or no_platform
                for row in rows:
                    values = {
                        "region": region_name,
                        "platform": platform_name,
                        "customer": row.partner_id.display_name,
                        "total": row.total_usage or None,
                        "ours": row.our_usage,
                        "share": row.share / 100.0 if row.total_usage else None,
                        "score": row.wall_score if row.has_review else None,
                    }
                    table.append(("customer", values))
                    for acc in (platform_sum, region_sum, grand):
                        acc["total"] += row.total_usage
                        acc["ours"] += row.our_usage
                        acc["known"] += row.share_known_usage
                        if row.has_review:
                            acc["score"] += row.wall_score
                            acc["scored"] += 1
                table.append(
                    (
                        "platform",
                        self._sdm_total_values(platform_sum, region_name, platform_name, self.env._("Subtotal")),
                    )
                )
            table.append(("region", self._sdm_total_values(region_sum, region_name, "", self.env._("Region total"))))
        if table:
            table.append(("total", self._sdm_total_values(grand, self.env._("Total"), "", "")))
        return table

    def _sdm_total_values(self, acc, region, platform, label):
        return {
            "region": region,
            "platform": platform,
            "customer": label,
            "total": acc["total"],
            "ours": acc["ours"],
            "share": acc["known"] / acc["total"] if acc["total"] else None,
            "score": acc["score"] / acc["scored"] if acc["scored"] else None,
        }

    def _sdm_columns(self):
        return [
            ("region", self.env._("Region"), "text", 18),
            ("platform", self.env._("Platform"), "text", 14),
            ("customer", self.env._("Customer"), "text", 32),
            ("total", self.env._("Monthly Usage"), "qty", 14),
            ("ours", self.env._("Our Usage"), "qty", 14),
            ("share", self.env._("Share"), "percent", 10),
            ("score", self.env._("Wall Score (%)"), "score", 11),
        ]

    def _sdm_xlsx(self):
        self.ensure_one()
        book = self._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Platform Analysis"))
        table = sheet.table(self._sdm_columns())
        sheet.title(
            self.env._(
                "Regional Platform Analysis — %(company)s — %(month)s",
                company=self.env.company.name,
                month=self.month.strftime("%Y-%m"),
            )
        )
        table.header(2)
        styles = {"customer": None, "platform": "subtotal", "region": "section", "total": "total"}
        for row, (row_type, values) in enumerate(self._sdm_table(), start=3):
            table.write_row(row, values, styles[row_type])
        sheet.worksheet.freeze_panes(3, 0)
        return book.close()

    @api.readonly
    def action_export(self):
        self.ensure_one()
        return self._sdm_download(self._sdm_xlsx(), f"platform_analysis_{self.month.strftime('%Y-%m')}.xlsx")
