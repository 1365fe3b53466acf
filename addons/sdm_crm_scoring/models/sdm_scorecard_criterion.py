from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class SdmScorecardCriterion(models.Model):
    _name = "sdm.scorecard.criterion"
    _description = "Defense Scorecard Criterion"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("sdm.scorecard.template", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    weight = fields.Float(string="Importance", default=1.0, required=True, help="Weight of the criterion in the total.")
    full_marks = fields.Text(string="Full Marks (9)", translate=True, help="What a score of 9 means.")
    measure = fields.Selection(
        [
            ("manual", "Manual"),
            ("on_time_delivery", "On-time delivery rate (%)"),
            ("complaint_response", "Complaint response time (hours)"),
            ("contact_frequency", "Contacts with decision makers (per month)"),
            ("share_of_usage", "Share of the customer's usage (%)"),
        ],
        default="manual",
        required=True,
        help="An automatic measure proposes the score from real data; people may override it with a reason.",
    )
    measure_days = fields.Integer(string="Measured Period (days)", default=90)
    higher_is_better = fields.Boolean(default=True)
    threshold_ids = fields.One2many("sdm.scorecard.threshold", "criterion_id", string="Thresholds", copy=True)

    @api.constrains("measure_days")
    def _check_measure_days(self):
        for criterion in self.filtered(lambda c: c.measure_days < 0):
            raise ValidationError(
                self.env._(
                    "The measured period of criterion “%(criterion)s” cannot be negative (got %(days)s days).",
                    criterion=criterion.name,
                    days=criterion.measure_days,
                )
            )

    @api.constrains("weight")
    def _check_weight(self):
        for criterion in self:
            if criterion.weight <= 0:
                raise ValidationError(
                    self.env._(
                        "The importance of criterion “%(criterion)s” must be positive (got %(weight)s).",
                        criterion=criterion.name,
                        weight=criterion.weight,
                    )
                )

    def _sdm_score_for(self, value):
        """The score of a measured value: the best threshold it reaches, else 1."""
        self.ensure_one()
        for threshold in self.threshold_ids.sorted("score", reverse=True):
            reached = value >= threshold.value if self.higher_is_better else value <= threshold.value
            if reached:
                return threshold.score
        return 1

    def _sdm_measure(self, partners, date_to):
        """Measured value per commercial partner id (None when there is nothing to measure)."""
        self.ensure_one()
        method = getattr(self, f"_sdm_measure_{self.measure}", None)
        return method(partners, date_to) if method else {}

    def _sdm_measure_on_time_delivery(self, partners, date_to):
        """Share of the customer's done deliveries of the period validated on or before their deadline (or
        scheduled date), in percent; one SQL aggregation for all partners."""
        date_from = date_to - timedelta(days=self.measure_days or 90)
        self.env["stock.picking"].flush_model(["state", "date_done", "date_deadline", "scheduled_date", "partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       100.0 * COUNT(*) FILTER (
                           WHERE sp.date_done::date <= COALESCE(sp.date_deadline, sp.scheduled_date)::date
                       ) / COUNT(*)
                  FROM stock_picking sp
                  JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
                  JOIN res_partner p ON p.id = sp.partner_id
                 WHERE spt.code = 'outgoing'
                   AND sp.state = 'done'
                   AND sp.date_done::date > %(date_from)s
                   AND sp.date_done::date <= %(date_to)s
                   AND p.commercial_partner_id = ANY(%(partners)s)
                 GROUP BY p.commercial_partner_id
                """,
                date_from=date_from,
                date_to=date_to,
                partners=partners.commercial_partner_id.ids,
            )
        )
        return {partner_id: round(rate, 2) for partner_id, rate in self.env.cr.fetchall()}

    def _sdm_measure_complaint_response(self, partners, date_to):
        """Average hours to the first response of the complaints received in the period; a complaint still
        unanswered counts until the end of the period."""
        date_from = date_to - timedelta(days=self.measure_days or 90)
        self.env["sdm.customer.complaint"].flush_model(["received", "first_response", "partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       AVG(EXTRACT(EPOCH FROM (COALESCE(c.first_response, %(period_end)s) - c.received)) / 3600.0)
                  FROM sdm_customer_complaint c
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.received::date > %(date_from)s
                   AND c.received::date <= %(date_to)s
                   AND p.commercial_partner_id = ANY(%(partners)s)
                 GROUP BY p.commercial_partner_id
                """,
                period_end=datetime.combine(date_to + timedelta(days=1), time.min),
                date_from=date_from,
                date_to=date_to,
                partners=partners.commercial_partner_id.ids,
            )
        )
        return {partner_id: round(hours, 2) for partner_id, hours in self.env.cr.fetchall()}

    def _sdm_measure_contact_frequency(self, partners, date_to):
        """Activities done per month with the customer's decision makers (contacts flagged as such) in the
        period, from the messages Odoo posts when an activity is marked done."""
        days = self.measure_days or 90
        date_from = date_to - timedelta(days=days)
        self.env["mail.message"].flush_model(["model", "res_id", "mail_activity_type_id", "date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id, COUNT(m.id)
                  FROM res_partner p
                  LEFT JOIN mail_message m
                    ON m.model = 'res.partner' AND m.res_id = p.id
                   AND m.mail_activity_type_id IS NOT NULL
                   AND m.date::date > %(date_from)s AND m.date::date <= %(date_to)s
                 WHERE p.sdm_decision_maker
                   AND p.commercial_partner_id = ANY(%(partners)s)
                 GROUP BY p.commercial_partner_id
                """,
                date_from=date_from,
                date_to=date_to,
                partners=partners.commercial_partner_id.ids,
            )
        )
        months = days / 30.0
        return {partner_id: round(count / months, 2) for partner_id, count in self.env.cr.fetchall()}

    def _sdm_measure_share_of_usage(self, partners, date_to):
        """Our share of the customer's usage over the months of the period whose total usage is known
        (Σ our usage / Σ monthly usage, from the platform analysis). For a few customers (a review) their
        rows are refreshed first, so the proposal uses today's deliveries or invoices."""
        month_from = (date_to - timedelta(days=self.measure_days or 90)).replace(day=1)
        month_to = date_to.replace(day=1)
        commercial = partners.commercial_partner_id
        Usage = self.env["sdm.platform.usage"]
        if len(commercial) <= 100:
            for company in self.env.companies:
                Usage._sdm_recompute_partners(
                    company, commercial.ids, month_from, month_to + relativedelta(months=1, days=-1)
                )
        Usage.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT u.partner_id, 100.0 * SUM(u.share_known_usage) / SUM(u.total_usage)
                  FROM sdm_platform_usage u
                 WHERE u.partner_id = ANY(%(partners)s)
                   AND u.company_id = ANY(%(companies)s)
                   AND u.month BETWEEN %(month_from)s AND %(month_to)s
                   AND u.total_usage > 0
                 GROUP BY u.partner_id
                """,
                partners=commercial.ids,
                companies=self.env.companies.ids,
                month_from=month_from,
                month_to=month_to,
            )
        )
        return {partner_id: round(share, 2) for partner_id, share in self.env.cr.fetchall()}
