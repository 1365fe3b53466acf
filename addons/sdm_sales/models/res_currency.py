from odoo import api, models
from odoo.tools import SQL


class ResCurrency(models.Model):
    _inherit = "res.currency"

    @api.model
    def _sdm_rate_sql(self, currency, company, date):
        """SQL of a currency's rate on a date for a company, the way ``_get_rates`` picks it: the company's own
        rate (its root company's) before a shared one, the latest on or before the date, else the earliest, else
        1. ``currency``, ``company`` and ``date`` are SQL expressions of the row being converted."""
        rate_fields = self.env["res.currency.rate"]._fields
        rate = SQL(
            """
            SELECT %(rate)s FROM res_currency_rate r
             WHERE r.currency_id = %(currency)s
               AND (r.company_id IS NULL
                    OR r.company_id = (SELECT split_part(rc.parent_path, '/', 1)::int
                                         FROM res_company rc WHERE rc.id = %(company)s))
            """,
            # to_flush: rates created in this transaction are written before the query runs
            rate=SQL("r.rate", to_flush=rate_fields["rate"]),
            currency=SQL("%s", currency, to_flush=rate_fields["currency_id"]),
            company=SQL("%s", company, to_flush=rate_fields["company_id"]),
        )
        return SQL(
            "COALESCE((%(rate)s AND r.name <= %(date)s ORDER BY r.company_id, r.name DESC LIMIT 1),"
            " (%(rate)s ORDER BY r.company_id, r.name LIMIT 1), 1.0)",
            rate=rate,
            date=SQL("%s", date, to_flush=rate_fields["name"]),
        )

    @api.model
    def _sdm_to_company_currency_sql(self, amount, currency, company, date, company_currency=None):
        """SQL converting ``amount`` from ``currency`` into ``company``'s currency at ``date``
        (``currency._convert`` in SQL, unrounded: sums are rounded once, where they are shown). Pass
        ``company_currency`` when the row has it: a row already in it costs no lookup."""
        if company_currency is None:
            company_currency = SQL("(SELECT cc.currency_id FROM res_company cc WHERE cc.id = %s)", company)
        return SQL(
            "CASE WHEN %(currency)s = %(company_currency)s THEN %(amount)s"
            " ELSE %(amount)s * %(to_rate)s / %(from_rate)s END",
            amount=amount,
            currency=currency,
            company_currency=company_currency,
            to_rate=self._sdm_rate_sql(company_currency, company, date),
            from_rate=self._sdm_rate_sql(currency, company, date),
        )
