from odoo import api, models


class ReportIncentiveStatement(models.AbstractModel):
    """The participant statement PDF: one statement per person among the lines printed, read with the printing
    user's rights (a salesperson gets their own lines only)."""

    _name = "report.sdm_planning.report_incentive_statement"
    _description = "Incentive Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        lines = self.env["sdm.incentive.settlement.line"]._sdm_statement_lines([("id", "in", list(docids or []))])
        return {
            "doc_ids": lines.ids,
            "doc_model": "sdm.incentive.settlement.line",
            "docs": lines,
            "statements": lines._sdm_statements(),
        }
