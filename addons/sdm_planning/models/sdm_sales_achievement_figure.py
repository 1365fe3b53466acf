from odoo import fields, models
from odoo.tools import SQL


class SdmSalesAchievementFigure(models.Model):
    """Target and actual of each achievement row as two rows of one figure (a query, no table), so a graph draws the
    target beside the actual (Odoo's graph has one measure: the series come from grouping by ``figure``)."""

    _name = "sdm.sales.achievement.figure"
    _description = "Sales Plan Target and Actual"
    _auto = False
    _order = "plan_id, node_id, month, figure desc"
    _depends = {
        "sdm.sales.achievement": [
            "plan_id",
            "node_id",
            "user_id",
            "team_id",
            "region_id",
            "manager_id",
            "company_id",
            "month",
            "target_amount",
            "actual_amount",
        ],
    }

    achievement_id = fields.Many2one("sdm.sales.achievement", readonly=True)
    plan_id = fields.Many2one("sdm.sales.plan", readonly=True)
    node_id = fields.Many2one("sdm.sales.plan.node", readonly=True)
    level = fields.Selection(related="node_id.level")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Branch", readonly=True)
    region_id = fields.Many2one("sdm.region", readonly=True)
    manager_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(readonly=True)
    figure = fields.Selection([("target", "Target"), ("actual", "Actual")], readonly=True)
    amount = fields.Monetary(string="Sales", readonly=True)

    @property
    def _table_query(self):
        columns = SQL("a.plan_id, a.node_id, a.user_id, a.team_id, a.region_id, a.manager_id, a.company_id, a.month")
        return SQL(
            """
            SELECT 2 * a.id AS id, a.id AS achievement_id, %(columns)s, 'target' AS figure, a.target_amount AS amount
              FROM sdm_sales_achievement a
            UNION ALL
            SELECT 2 * a.id + 1, a.id, %(columns)s, 'actual', a.actual_amount
              FROM sdm_sales_achievement a
            """,
            columns=columns,
        )
