from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

ALERT_ACTIVITY = "sdm_crm_scoring.mail_activity_type_defense_alert"
ALERT_CURSOR_PARAM = "sdm_crm_scoring.defense_alert_cursor"


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sdm.known.value.mixin"]
    _sdm_known_if = {
        "sdm_defense_score": "sdm_defense_reviewed",
        "sdm_defense_target": "sdm_defense_reviewed",
        "sdm_defense_trend": "sdm_defense_reviewed",
    }

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
    sdm_defense_reviewed = fields.Boolean(
        string="Defense Reviewed",
        compute="_compute_sdm_defense_score",
        store=True,
        help="A defense review of this customer is confirmed. Never reviewed: no score, and no average counts it.",
    )
    sdm_defense_score = fields.Float(
        string="Defense Score (%)",
        compute="_compute_sdm_defense_score",
        store=True,
        aggregator="avg",
        help="Score (0-100 %) of the latest confirmed defense review.",
    )
    sdm_defense_target = fields.Float(
        string="Defense Target (%)", compute="_compute_sdm_defense_score", store=True, aggregator="avg"
    )
    sdm_defense_trend = fields.Float(
        string="Score Trend (points)",
        compute="_compute_sdm_defense_score",
        store=True,
        aggregator="avg",
        help="Latest confirmed score minus the one before it, in percentage points.",
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
            partner.sdm_defense_reviewed = bool(latest)
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
    def _cron_sdm_defense_alerts(self, batch_size=500, today=None):
        """Flag customers at risk and give their salesperson and regional manager an activity: one batch of
        ``batch_size`` customers per call, the progress reported to ``ir.cron`` (the runner commits and calls
        again while customers remain). Idempotent: only customers whose flag, reason or alert activities are not
        up to date are touched, and a customer keeps one open alert activity per person; customers no longer at
        risk are cleared. Resumable: the last customer done is kept, so a run goes through the customers once
        even when one of them cannot be brought up to date. Returns the number of customers left."""
        params = self.env["ir.config_parameter"].sudo()
        cursor = int(params.get_param(ALERT_CURSOR_PARAM, 0) or 0)
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        by_lang = {}

        def texts_in(lang):
            """The reasons of every customer at risk, in ``lang`` (computed once per language)."""
            if lang not in by_lang:
                reasons = {}
                for company in companies:
                    found = self.with_context(lang=lang)._sdm_defense_alert_reasons(company, today)
                    for partner_id, lines in found.items():
                        reasons.setdefault(partner_id, []).extend(lines)
                by_lang[lang] = {partner_id: "\n".join(lines) for partner_id, lines in reasons.items()}
            return by_lang[lang]

        # The reason kept on the customer is in the company's language; each alert in its assignee's.
        texts = texts_in(self._sdm_installed_lang(self._sdm_company_lang()))
        cleared = self.search([("sdm_at_risk", "=", True), ("id", "not in", list(texts))])
        cleared.write({"sdm_at_risk": False, "sdm_risk_reason": False})
        todo = self._sdm_defense_alerts_todo(texts).filtered(lambda p: p.id > cursor)
        batch = todo[:batch_size]
        activity_type = self.env.ref(ALERT_ACTIVITY)
        for partner in batch:
            text = texts[partner.id]
            if not partner.sdm_at_risk or partner.sdm_risk_reason != text:
                partner.write({"sdm_at_risk": True, "sdm_risk_reason": text})
            open_for = partner.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id
            for user in partner._sdm_alert_users() - open_for:
                lang = self._sdm_installed_lang(user.lang)
                partner._sdm_activity_schedule(
                    ALERT_ACTIVITY,
                    user,
                    summary=lambda p: p.env._("Customer at risk: %s", p.display_name),
                    note=texts_in(lang)[partner.id],
                )
        remaining = len(todo) - len(batch)
        params.set_param(ALERT_CURSOR_PARAM, batch[-1].id if remaining else 0)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return remaining

    @api.model
    def _sdm_defense_alerts_todo(self, texts):
        """The customers at risk (``texts``: their reasons by id) whose flag, reason or alert activities are not up
        to date, in id order."""
        partners = self.browse(sorted(texts))
        activity_type = self.env.ref(ALERT_ACTIVITY)
        open_for = defaultdict(set)
        for partner_id, user in self.env["mail.activity"]._read_group(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", activity_type.id),
            ],
            ["res_id", "user_id"],
        ):
            open_for[partner_id].add(user.id)
        return partners.filtered(
            lambda p: (
                not p.sdm_at_risk
                or p.sdm_risk_reason != texts[p.id]
                or not set(p._sdm_alert_users().ids) <= open_for[p.id]
            )
        )
