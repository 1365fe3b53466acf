from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Days overdue from which each default bucket starts: not due, 1–30, 31–60, 61–90, 91–180, 181–365, > 365.
DEFAULT_BUCKET_STARTS = (0, 1, 31, 61, 91, 181, 366)


class SdmAgingBucket(models.Model):
    """An aging bucket (账龄区间) of a company: the items overdue by ``days_from`` days or more, up to the next
    bucket's start. The bucket starting at 0 holds what is not due yet; the last one is open-ended."""

    _name = "sdm.aging.bucket"
    _description = "Aging Bucket"
    _order = "company_id, days_from"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    days_from = fields.Integer(
        string="Overdue From (days)",
        required=True,
        help="Items overdue by this many days or more fall in this bucket, up to the next bucket's start. "
        "0: not due yet.",
    )
    days_to = fields.Integer(
        string="Overdue To (days)",
        compute="_compute_days_to",
        help="The last day of the bucket; empty for the last bucket (open-ended).",
    )

    _sql_constraints = [
        ("days_company_uniq", "unique(company_id, days_from)", "Two aging buckets cannot start on the same day."),
    ]

    @api.depends("days_from", "company_id")
    def _compute_days_to(self):
        starts = {}
        for company in self.company_id:
            starts[company.id] = sorted(self.search([("company_id", "=", company.id)]).mapped("days_from"))
        for bucket in self:
            later = [start for start in starts.get(bucket.company_id.id, []) if start > bucket.days_from]
            bucket.days_to = later[0] - 1 if later else 0

    @api.depends("days_from", "days_to")
    def _compute_display_name(self):
        for bucket in self:
            if bucket.days_from <= 0:
                bucket.display_name = self.env._("Not Due")
            elif not bucket.days_to:
                bucket.display_name = self.env._("> %(days)s days", days=bucket.days_from - 1)
            else:
                bucket.display_name = self.env._("%(first)s–%(last)s days", first=bucket.days_from, last=bucket.days_to)

    @api.constrains("days_from", "company_id")
    def _check_days_from(self):
        for bucket in self:
            if bucket.days_from < 0:
                raise ValidationError(
                    self.env._(
                        "Aging bucket of %(company)s: a bucket starts at 0 days (not due) or later, not at %(days)s.",
                        company=bucket.company_id.name,
                        days=bucket.days_from,
                    )
                )
        for company in self.company_id:
            if not self.search_count([("company_id", "=", company.id), ("days_from", "=", 0)]):
                raise ValidationError(
                    self.env._(
                        "Aging buckets of %(company)s: the first bucket holds the items not due yet and starts at "
                        "0 days.",
                        company=company.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_due(self):
        for bucket in self:
            if bucket.days_from == 0:
                raise ValidationError(
                    self.env._(
                        "Aging buckets of %(company)s: the bucket of items not due yet (from 0 days) cannot be "
                        "deleted; change the other buckets instead.",
                        company=bucket.company_id.name,
                    )
                )

    @api.model
    def _sdm_create_defaults_all(self):
        """Install and update: the default buckets of every company without any."""
        self._sdm_create_defaults(self.env["res.company"].sudo().search([]))

    @api.model
    def _sdm_create_defaults(self, companies):
        """The default buckets of ``companies`` that have none (new companies, install)."""
        have = set(self.sudo().search([("company_id", "in", companies.ids)]).company_id.ids)
        self.sudo().create(
            [
                {"company_id": company.id, "days_from": start}
                for company in companies
                if company.id not in have
                for start in DEFAULT_BUCKET_STARTS
            ]
        )
