"""One guard for the values sent to SDM's fields (over RPC, by an import, by code): each value must be of its
field's type before it reaches the database, so a wrong one is refused with a ValidationError naming the field and
the value, never with a database error quoting SQL (an impossible date, a whole number out of range, text for a
record). The business rules (no negative limit, ranges in order) stay with each model's constraints."""

import math
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# What PostgreSQL's ``integer`` column (Odoo's Integer fields) holds.
INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1


class Base(models.AbstractModel):
    _inherit = "base"

    @api.model_create_multi
    def create(self, vals_list):
        self._sdm_check_input_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._sdm_check_input_values([vals])
        return super().write(vals)

    @api.model
    def _sdm_check_input_values(self, vals_list):
        """Refuse, in one ValidationError, a value of the wrong type for a field of an SDM model or a field SDM
        adds to another model. Fields of other models and addons are left to Odoo."""
        sdm_model = self._name.startswith("sdm.")
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is None or value is None or value is False:
                    continue
                if not sdm_model and not any(module.startswith("sdm_") for module in field._modules or ()):
                    continue
                expected = self._sdm_input_problem(field, value)
                if expected:
                    raise ValidationError(
                        self.env._(
                            "“%(value)s” is not a valid %(field)s (%(model)s): %(expected)s.",
                            value=str(value)[:60],
                            field=field._description_string(self.env),
                            model=self._description,
                            expected=expected,
                        )
                    )

    @api.model
    def _sdm_input_problem(self, field, value):
        """What ``value`` should have been for ``field``, or None when Odoo can store it."""
        if field.type in ("date", "datetime"):
            if isinstance(value, date):
                return None
            try:
                (fields.Date.to_date if field.type == "date" else fields.Datetime.to_datetime)(value)
            except (ValueError, TypeError):
                return (
                    self.env._("expected a date (YYYY-MM-DD)")
                    if field.type == "date"
                    else self.env._("expected a date and time (YYYY-MM-DD HH:MM:SS)")
                )
            return None
        if field.type == "integer":
            try:
                number = int(value)
            except (ValueError, TypeError, OverflowError):
                number = None
            if number is None or not INT4_MIN <= number <= INT4_MAX:
                return self.env._("expected a whole number between %(min)s and %(max)s", min=INT4_MIN, max=INT4_MAX)
            return None
        if field.type in ("float", "monetary"):
            try:
                finite = math.isfinite(float(value))
            except (ValueError, TypeError, OverflowError):
                finite = False
            return None if finite else self.env._("expected a number")
        if field.type == "many2one":
            if isinstance(value, models.BaseModel | models.NewId):
                return None
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return None
            return self.env._("expected a record")
        return None
