import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_compare

_logger = logging.getLogger(__name__)

CURSOR_PARAM = "sdm_crm_scoring.usage_cursor"


class SdmPlatformUsage(models.Model):
    """One customer, one month of the regional platform analysis (区平台分析): the customer's total usage
    (entered or imported), our usage (from deliveries or invoices), our share and the wall score."""

    _name = "sdm.platform.usage"
    _inherit = ["sdm.ratio.mixin"]
    _description = "Platform Analysis: Customer Monthly Usage"
    _sdm_ratios = {"share": ("share_known_usage", "total_usage")}
    _order = "month desc, sdm_region_id, platform_type_id, partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('is_company', '=', True)]",
    )
    month = fields.Date(required=True, index=True, help="First day of the month.")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, required=True, index=True)
    sdm_region_id = fields.Many2one(related="partner_id.sdm_region_id", store=True, string="Region")
    sdm_branch_id = fields.Many2one(related="partner_id.sdm_branch_id", store=True, string="Branch")
    platform_type_id = fields.Many2one(related="partner_id.sdm_platform_type_id", store=True, string="Platform")
    user_id = fields.Many2one(related="partner_id.user_id", store=True, string="Salesperson")
    total_usage = fields.Float(
        string="Monthly Usage",
        digits="Product Unit of Measure",
        help="The customer's total usage in the month, all suppliers together (月用量), in the reference unit of "
        "the products' unit category. 0: not known yet.",
    )
    our_usage = fields.Float(
        digits="Product Unit of Measure",
        readonly=True,
        help="What we delivered or invoiced to the customer in the month (products in scope), net of returns.",
    )
    share = fields.Float(
        string="Share (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Our usage / monthly usage. Totals and subtotals divide the sums, as the platform analysis table does.",
    )
    share_known_usage = fields.Float(
        digits="Product Unit of Measure",
        readonly=True,
        help="Our usage of the months whose total usage is known: the numerator of shares over several rows.",
    )
    share_change = fields.Float(
        string="Share Change (points)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Share minus the share of the previous month.",
    )
    wall_score = fields.Float(
        string="Wall Score (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Score (0-100 %) of the customer's latest defense review confirmed by the end of the month (围墙得分); "
        "empty when none was: averages leave such months out.",
    )
    has_review = fields.Boolean(
        string="Reviewed",
        readonly=True,
        help="A defense review of the customer was confirmed by the end of the month: the wall score exists.",
    )

    _sql_constraints = [
        (
            "partner_month_company_uniq",
            "unique(partner_id, month, company_id)",
            "A customer has one usage line per month and company.",
        ),
    ]

    def init(self):
        """Rows stored before the wall score's flag existed: a wall score is there when the column is not NULL.
        Idempotent (only rows never flagged), run on every install and update of the addon."""
        self.env.cr.execute(
            "UPDATE sdm_platform_usage SET has_review = (wall_score IS NOT NULL) WHERE has_review IS NULL"
        )

    # ------------------------------------------------------------------ input

    @api.model
    def _sdm_normalise_vals(self, vals):
        if vals.get("month"):
            vals["month"] = fields.Date.to_date(vals["month"]).replace(day=1)
        if vals.get("partner_id"):
            vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        self._sdm_check_input_values(vals_list)  # before the values are normalised
        records = super().create([self._sdm_normalise_vals(dict(vals)) for vals in vals_list])
        records._sdm_refresh()
        return records

    def write(self, vals):
        self._sdm_check_input_values([vals])  # before the values are normalised
        res = super().write(self._sdm_normalise_vals(dict(vals)))
        if {"total_usage", "month", "partner_id", "company_id"} & set(vals):
            self._sdm_refresh()
        return res

    def _sdm_refresh(self):
        """Our usage and shares of these rows' customers and months, right away (SQL, a few rows)."""
        for company in self.company_id:
            rows = self.filtered(lambda r, c=company: r.company_id == c)
            months = rows.mapped("month")
            self._sdm_recompute_partners(
                company, rows.partner_id.ids, min(months), max(months) + relativedelta(months=1, days=-1)
            )
        self._check_usage()

    @api.constrains("total_usage", "our_usage")
    def _check_usage(self):
        precision = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for row in self:
            if float_compare(row.total_usage, 0.0, precision_digits=precision) < 0:
                raise ValidationError(
                    self.env._(
                        "%(customer)s, %(month)s: the monthly usage cannot be negative (got %(usage)s).",
                        customer=row.partner_id.display_name,
                        month=row.month.strftime("%Y-%m"),
                        usage=row.total_usage,
                    )
                )
            if row.total_usage and float_compare(row.our_usage, row.total_usage, precision_digits=precision) > 0:
                raise ValidationError(
                    self.env._(
                        "%(customer)s, %(month)s: the monthly usage %(total)s is below our own usage %(ours)s "
                        "(what we delivered or invoiced). Check the figure.",
                        customer=row.partner_id.display_name,
                        month=row.month.strftime("%Y-%m"),
                        total=row.total_usage,
                        ours=row.our_usage,
                    )
                )

    # ------------------------------------------------------------------ computation (SQL)

    @api.model
    def _sdm_our_usage_sql(self, company, partner_ids, date_from, date_to):
        """Our usage per (customer, month) of ``company`` between two dates, in reference units."""
        categories = company.sdm_usage_categ_ids
        categ_ids = (
            self.env["product.category"].search([("id", "child_of", categories.ids)]).ids if categories else None
        )
        scope = SQL("AND pt.categ_id = ANY(%s)", categ_ids) if categ_ids is not None else SQL()
        params = {"company": company.id, "partners": list(partner_ids), "date_from": date_from, "date_to": date_to}
        if company.sdm_usage_basis == "invoiced":
            # Net invoiced sales (one definition), already in reference units.
            return SQL(
                """
                SELECT l.partner_id, date_trunc('month', l.invoice_date)::date AS month, SUM(l.quantity) AS qty
                  FROM (%(lines)s) l
                 WHERE l.product_id IS NOT NULL
                 GROUP BY 1, 2
                """,
                lines=self.env["sdm.net.sales.line"]._sdm_net_sales_query(
                    company_ids=company.ids,
                    date_from=date_from,
                    date_to=date_to,
                    partner_ids=partner_ids,
                    categ_ids=categ_ids,
                ),
            )
        # The batch's pickings first (by customer), then their moves: each batch reads only its own moves.
        return SQL(
            """
            WITH pickings AS MATERIALIZED (
                SELECT sp.id, p.commercial_partner_id
                  FROM res_partner p
                  JOIN stock_picking sp ON sp.partner_id = p.id
                 WHERE p.commercial_partner_id = ANY(%(partners)s)
                   AND sp.company_id = %(company)s
                   AND sp.state = 'done'
            )
            SELECT sp.commercial_partner_id AS partner_id,
                   date_trunc('month', sm.date)::date AS month,
                   SUM(CASE WHEN dest.usage = 'customer' THEN 1 ELSE -1 END * sm.quantity / uom.factor) AS qty
              FROM pickings sp
              JOIN stock_move sm ON sm.picking_id = sp.id
              JOIN stock_location src ON src.id = sm.location_id
              JOIN stock_location dest ON dest.id = sm.location_dest_id
              JOIN uom_uom uom ON uom.id = sm.product_uom
              JOIN product_product pp ON pp.id = sm.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE sm.state = 'done'
               AND (dest.usage = 'customer') <> (src.usage = 'customer')
               AND sm.date >= %(date_from)s AND sm.date < %(date_to)s::date + 1
               %(scope)s
             GROUP BY 1, 2
            """,
            scope=scope,
            **params,
        )

    @api.model
    def _sdm_recompute_partners(self, company, partner_ids, date_from, date_to):
        """Refresh our usage (rows are added for months with deliveries/invoices and zeroed when they no longer
        have any), then shares, month-over-month change and wall scores. Idempotent; a few statements."""
        if not partner_ids:
            return
        self.flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id", "sdm_region_id", "sdm_branch_id", "user_id"])
        self.env["stock.move"].flush_model()
        self.env["stock.picking"].flush_model(["state", "partner_id", "company_id"])
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        date_from = date_from.replace(day=1)
        ours = self._sdm_our_usage_sql(company, partner_ids, date_from, date_to)
        self.env.cr.execute(
            SQL(
                """
                WITH ours AS (%(ours)s),
                upsert AS (
                    INSERT INTO sdm_platform_usage AS u (
                        partner_id, month, company_id, our_usage, total_usage, sdm_region_id, sdm_branch_id,
                        platform_type_id, user_id, create_uid, create_date, write_uid, write_date)
                    SELECT o.partner_id, o.month, %(company)s, o.qty, 0, p.sdm_region_id, p.sdm_branch_id,
                           p.sdm_platform_type_id, p.user_id, %(uid)s, now() AT TIME ZONE 'UTC',
                           %(uid)s, now() AT TIME ZONE 'UTC'
                      FROM ours o
                      JOIN res_partner p ON p.id = o.partner_id
                     WHERE o.qty <> 0
                    ON CONFLICT (partner_id, month, company_id) DO UPDATE
                       SET our_usage = EXCLUDED.our_usage
                     WHERE u.our_usage IS DISTINCT FROM EXCLUDED.our_usage
                )
                UPDATE sdm_platform_usage u
                   SET our_usage = 0
                 WHERE u.company_id = %(company)s
                   AND u.partner_id = ANY(%(partners)s)
                   AND u.month BETWEEN %(date_from)s AND %(date_to)s
                   AND u.our_usage <> 0
                   AND NOT EXISTS (SELECT 1 FROM ours o
                                    WHERE o.partner_id = u.partner_id AND o.month = u.month AND o.qty <> 0)
                """,
                ours=ours,
                company=company.id,
                uid=self.env.uid,
                partners=list(partner_ids),
                date_from=date_from,
                date_to=date_to,
            )
        )
        self._sdm_update_shares(company, partner_ids)

    @api.model
    def _sdm_update_shares(self, company, partner_ids):
        """Share, share change against the previous month and wall score of the customers' rows."""
        self.env["sdm.defense.review"].flush_model(["partner_id", "state", "review_date", "score", "company_id"])
        self.env.cr.execute(
            SQL(
                """
                WITH s AS (
                    SELECT u.id, u.partner_id, u.month,
                           CASE WHEN u.total_usage > 0
                                THEN round((100.0 * u.our_usage / u.total_usage)::numeric, 2) END AS share
                      FROM sdm_platform_usage u
                     WHERE u.company_id = %(company)s AND u.partner_id = ANY(%(partners)s)
                ), c AS (
                    SELECT s.id, s.partner_id, s.month, s.share,
                           CASE WHEN LAG(s.month) OVER w = (s.month - INTERVAL '1 month')::date
                                THEN s.share - LAG(s.share) OVER w END AS share_change
                      FROM s
                    WINDOW w AS (PARTITION BY s.partner_id ORDER BY s.month)
                )
                UPDATE sdm_platform_usage u
                   SET share = c.share,
                       share_change = c.share_change,
                       share_known_usage = CASE WHEN u.total_usage > 0 THEN u.our_usage ELSE 0 END,
                       wall_score = w.score,
                       has_review = w.score IS NOT NULL
                  FROM c
                  LEFT JOIN LATERAL (
                      SELECT r.score FROM sdm_defense_review r
                       WHERE r.partner_id = c.partner_id AND r.company_id = %(company)s
                         AND r.state = 'confirmed'
                         AND r.review_date < (c.month + INTERVAL '1 month')::date
                       ORDER BY r.review_date DESC, r.id DESC LIMIT 1
                  ) w ON TRUE
                 WHERE c.id = u.id
                """,
                company=company.id,
                partners=list(partner_ids),
            )
        )
        self.invalidate_model(["our_usage", "share", "share_change", "share_known_usage", "wall_score", "has_review"])

    # ------------------------------------------------------------------ scheduled recomputation

    @api.model
    def _sdm_period(self, company, today=None):
        today = today or fields.Date.context_today(self)
        date_to = today.replace(day=1) + relativedelta(months=1, days=-1)
        date_from = today.replace(day=1) - relativedelta(months=max(company.sdm_usage_months, 1) - 1)
        return date_from, date_to

    @api.model
    def _cron_sdm_recompute(self, batch_size=2000, today=None):
        """Recompute the platform analysis of the next ``batch_size`` customers and report the progress to
        ``ir.cron``: the cron runner commits and calls again while customers remain. Resumable: the last customer
        done is kept (committed with its batch), so a run cut short goes on where it stopped; idempotent: a batch
        recomputes its customers' rows, never adds to them. Returns the number of customers left."""
        params = self.env["ir.config_parameter"].sudo()
        cursor = int(params.get_param(CURSOR_PARAM, 0) or 0)
        Partner = self.env["res.partner"].with_context(active_test=False)
        commercial = [("is_company", "=", True)]
        partner_ids = Partner.search([*commercial, ("id", ">", cursor)], order="id", limit=batch_size).ids
        if partner_ids:
            companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
            for company in companies:
                self.with_company(company)._sdm_recompute_partners(
                    company, partner_ids, *self._sdm_period(company, today)
                )
            remaining = Partner.search_count([*commercial, ("id", ">", partner_ids[-1])])
        else:
            remaining = 0
        params.set_param(CURSOR_PARAM, partner_ids[-1] if remaining else 0)
        self.env["ir.cron"]._notify_progress(done=len(partner_ids), remaining=remaining)
        _logger.info("Platform analysis: %s customers done, %s to go", len(partner_ids), remaining)
        return remaining

    def action_sdm_recompute(self):
        """Start the recomputation of the whole analysis in the background (the scheduled action)."""
        self.env["ir.config_parameter"].sudo().set_param(CURSOR_PARAM, 0)
        self.env.ref("sdm_crm_scoring.ir_cron_sdm_platform_usage").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("The platform analysis is being recomputed in the background."),
            },
        }
