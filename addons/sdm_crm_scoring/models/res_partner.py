import threading
import time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

ALERT_ACTIVITY = "sdm_crm_scoring.mail_activity_type_defense_alert"


class ResPartner(models.Model):
    _inherit = "res.partner"

    sdm_platform_type_id = fields.Many2one(
        "sdm.platform.type",
        string="Platform Type",
        index=True,
        tracking=True,
        ondelete="restrict",
        help="How this customer buys from us; groups the regional platform analysis.",
    )

    def _commercial_fields(self):
        return super()._commercial_fields() + ["sdm_platform_type_id"]

    sdm_decision_maker = fields.Boolean(
        string="Decision Maker",
        help="A contact who decides purchases at the customer: contacts with them count for the defense review.",
    )
    sdm_defense_review_ids = fields.One2many(
        "sdm.defense.review", "partner_id", string="Defense Reviews", groups="sdm_sales.group_sdm_user"
    )
    sdm_defense_score = fields.Float(
        string="Defense Score",
        compute="_compute_sdm_defense_score",
        store=True,
        aggregator="avg",
        help="Score (0-100) of the latest confirmed defense review.",
    )
    sdm_defense_target = fields.Float(
        string="Defense Target", compute="_compute_sdm_defense_score", store=True, aggregator="avg"
    )
    sdm_defense_trend = fields.Float(
        string="Score Trend",
        compute="_compute_sdm_defense_score",
        store=True,
        aggregator="avg",
        help="Latest confirmed score minus the one before it.",
    )
    sdm_defense_date = fields.Date(string="Last Review", compute="_compute_sdm_defense_score", store=True)
    sdm_share_last = fields.Float(
        string="Share of Usage (%)",
        compute="_compute_sdm_share_last",
        help="Our share of the customer's usage in the latest month whose usage is known.",
    )
    sdm_at_risk = fields.Boolean(
        string="At Risk",
        readonly=True,
        index=True,
        copy=False,
        help="Set by the defense alerts: low score, falling score or falling share.",
    )
    sdm_risk_reason = fields.Text(string="Risk Reasons", readonly=True, copy=False)

    @api.depends(
        "sdm_defense_review_ids.state",
        "sdm_defense_review_ids.score",
        "sdm_defense_review_ids.target_score",
        "sdm_defense_review_ids.review_date",
    )
    def _compute_sdm_defense_score(self):
        for partner in self:
            confirmed = partner.sudo().sdm_defense_review_ids.filtered(lambda r: r.state == "confirmed")
            latest_two = confirmed.sorted(lambda r: (r.review_date, r.id), reverse=True)[:2]
            latest = latest_two[:1]
            partner.sdm_defense_score = latest.score
            partner.sdm_defense_target = latest.target_score
            partner.sdm_defense_date = latest.review_date
            partner.sdm_defense_trend = latest.score - latest_two[1].score if len(latest_two) == 2 else 0.0

    def _compute_sdm_share_last(self):
        shares = {}
        if self.ids:
            self.env["sdm.platform.usage"].flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT DISTINCT ON (partner_id) partner_id, share
                      FROM sdm_platform_usage
                     WHERE partner_id = ANY(%s) AND company_id = %s AND share IS NOT NULL
                     ORDER BY partner_id, month DESC
                    """,
                    self.ids,
                    self.env.company.id,
                )
            )
            shares = dict(self.env.cr.fetchall())
        for partner in self:
            partner.sdm_share_last = shares.get(partner.id, 0.0)

    def action_sdm_defense_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_crm_scoring.action_sdm_defense_review")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id, "graph_mode": "line"}
        return action

    def action_sdm_platform_usage(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_crm_scoring.action_sdm_platform_usage")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------------ alerts

    @api.model
    def _sdm_defense_alert_reasons(self, company, today=None):
        """Why each customer of ``company`` is at risk now: {partner_id: [reason, ...]} from three SQL queries."""
        today = today or fields.Date.context_today(self)
        reasons = {}
        self.env["sdm.defense.review"].flush_model()
        self.env["sdm.platform.usage"].flush_model()
        below, drop, share_drop = (
            company.sdm_alert_score_below,
            company.sdm_alert_score_drop,
            company.sdm_alert_share_drop,
        )
        if below > 0 or drop > 0:
            self.env.cr.execute(
                SQL(
                    """
                    SELECT partner_id, score, prev_score FROM (
                        SELECT r.partner_id, r.score,
                               LEAD(r.score) OVER w AS prev_score,
                               ROW_NUMBER() OVER w AS rank
                          FROM sdm_defense_review r
                         WHERE r.state = 'confirmed' AND r.company_id = %(company)s AND r.review_date <= %(today)s
                        WINDOW w AS (PARTITION BY r.partner_id ORDER BY r.review_date DESC, r.id DESC)
                    ) latest
                     WHERE rank = 1
                       AND ((%(below)s > 0 AND score < %(below)s)
                            OR (%(drop)s > 0 AND prev_score - score > %(drop)s))
                    """,
                    company=company.id,
                    today=today,
                    below=below,
                    drop=drop,
                )
            )
            for partner_id, score, prev_score in self.env.cr.fetchall():
                if below > 0 and score < below:
                    reasons.setdefault(partner_id, []).append(
                        self.env._("Defense score %(score)s is below %(limit)s.", score=score, limit=below)
                    )
                if drop > 0 and prev_score is not None and prev_score - score > drop:
                    reasons.setdefault(partner_id, []).append(
                        self.env._(
                            "Defense score fell from %(before)s to %(after)s (%(points)s points).",
                            before=prev_score,
                            after=score,
                            points=round(score - prev_score, 2),
                        )
                    )
        if share_drop > 0:
            month = today.replace(day=1) - relativedelta(months=1)
            self.env.cr.execute(
                SQL(
                    """
                    SELECT partner_id, share, share_change FROM sdm_platform_usage
                     WHERE company_id = %(company)s AND month = %(month)s AND share_change < -%(drop)s
                    """,
                    company=company.id,
                    month=month,
                    drop=share_drop,
                )
            )
            for partner_id, share, change in self.env.cr.fetchall():
                reasons.setdefault(partner_id, []).append(
                    self.env._(
                        "Share of usage fell from %(before)s %% to %(after)s %% in %(month)s (%(points)s points).",
                        before=round(share - change, 2),
                        after=share,
                        month=month.strftime("%Y-%m"),
                        points=change,
                    )
                )
        return reasons

    def _sdm_alert_users(self):
        """Who hears of a customer at risk: its salesperson and the manager of its region (or the nearest
        region above it that has one)."""
        self.ensure_one()
        region = self.sdm_region_id
        while region and not region.manager_id:
            region = region.parent_id
        return (self.user_id | region.manager_id).filtered("active")

    @api.model
    def _cron_sdm_defense_alerts(self, batch_size=500, today=None, time_budget=60.0, auto_commit=None):
        """Flag customers at risk and give their salesperson and regional manager an activity. Idempotent: a
        customer keeps one open alert activity per person; customers no longer at risk are cleared. Commits per
        batch and reports progress; past ``time_budget`` seconds it stops and the cron is called again at once,
        which skips the customers already flagged and alerted."""
        started = time.monotonic()
        reasons = {}
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        for company in companies:
            for partner_id, texts in self._sdm_defense_alert_reasons(company, today).items():
                reasons.setdefault(partner_id, []).extend(texts)
        cleared = self.search([("sdm_at_risk", "=", True), ("id", "not in", list(reasons))])
        cleared.write({"sdm_at_risk": False, "sdm_risk_reason": False})
        partner_ids = sorted(reasons)
        if auto_commit is None:
            auto_commit = not getattr(threading.current_thread(), "testing", False)
        activity_type = self.env.ref(ALERT_ACTIVITY)
        for start in range(0, len(partner_ids), batch_size):
            for partner in self.browse(partner_ids[start : start + batch_size]):
                text = "\n".join(reasons[partner.id])
                if not partner.sdm_at_risk or partner.sdm_risk_reason != text:
                    partner.write({"sdm_at_risk": True, "sdm_risk_reason": text})
                open_for = partner.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id
                for user in partner._sdm_alert_users() - open_for:
                    partner.activity_schedule(
                        ALERT_ACTIVITY,
                        user_id=user.id,
                        summary=self.env._("Customer at risk: %s", partner.display_name),
                        note=text,
                    )
            done = min(start + batch_size, len(partner_ids))
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(partner_ids) - done)
            if auto_commit:
                # Batches commit on purpose: a long run must survive the worker time limit.
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if time_budget and time.monotonic() - started > time_budget:
                break
        return True
