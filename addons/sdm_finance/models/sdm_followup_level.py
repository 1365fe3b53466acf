from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Default levels: days overdue, email, call activity, letter, credit hold.
DEFAULT_LEVELS = (
    (7, True, False, False, False),
    (30, True, True, False, False),
    (60, True, True, True, False),
    (90, True, True, True, True),
)


class SdmFollowupLevel(models.Model):
    """A follow-up level (催收级别): reached when a customer's oldest overdue item (disputes left out) is overdue by
    ``days`` days; what it does — an email, a call activity for the collector, a letter (PDF), a credit hold."""

    _name = "sdm.followup.level"
    _description = "Follow-up Level"
    _order = "company_id, days, id"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    days = fields.Integer(string="Days Overdue", required=True, help="Reached when the oldest item is this late.")
    send_email = fields.Boolean(string="Email", default=True)
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'sdm.followup')]",
        default=lambda self: self.env.ref("sdm_finance.mail_template_sdm_followup", raise_if_not_found=False),
    )
    create_activity = fields.Boolean(string="Call Activity", help="A call for the branch's collector.")
    print_letter = fields.Boolean(string="Letter", help="A reminder letter (PDF) kept on the follow-up.")
    credit_hold = fields.Boolean(help="Put the customer on credit hold.")

    @api.constrains("days", "company_id")
    def _check_days(self):
        for level in self:
            if level.days <= 0:
                raise ValidationError(
                    self.env._(
                        "Follow-up level %(level)s: a level is reached after 1 day overdue or more, not %(days)s.",
                        level=level.name,
                        days=level.days,
                    )
                )
            same = self.search([("company_id", "=", level.company_id.id), ("days", "=", level.days)])
            if len(same) > 1:
                raise ValidationError(
                    self.env._(
                        "Follow-up levels %(levels)s are all reached at %(days)s days: each level needs more days "
                        "than the one before.",
                        levels=", ".join(same.mapped("name")),
                        days=level.days,
                    )
                )

    @api.model
    def _sdm_create_defaults_all(self):
        """Install and update: the default levels of every company without any."""
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        have = set(self.sudo().search([("company_id", "in", companies.ids)]).company_id.ids)
        vals_list = []
        for company in companies.filtered(lambda c: c.id not in have):
            for number, (days, email, call, letter, hold) in enumerate(DEFAULT_LEVELS, start=1):
                vals_list.append(
                    {
                        "name": self.env._("Reminder %(number)s (%(days)s days)", number=number, days=days),
                        "company_id": company.id,
                        "days": days,
                        "send_email": email,
                        "create_activity": call,
                        "print_letter": letter,
                        "credit_hold": hold,
                    }
                )
        self.sudo().create(vals_list)
