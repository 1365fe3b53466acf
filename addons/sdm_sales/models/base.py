import math
import time
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, config

# What PostgreSQL's ``integer`` column (Odoo's Integer fields) holds.
INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1
# The cron runner (ir.cron._run_job) calls a job up to this many times in one pass, under one set of limits.
CRON_CALLS_PER_PASS = 10


class CronClock:
    """Whether a cron call has used its CPU or its wall-clock seconds since the clock was made."""

    def __init__(self, cpu, real):
        self.cpu, self.real = cpu, real
        self.cpu_start, self.real_start = time.process_time(), time.monotonic()

    def __call__(self):
        return time.process_time() - self.cpu_start > self.cpu or time.monotonic() - self.real_start > self.real


class Base(models.AbstractModel):
    _inherit = "base"

    def _sdm_lock_rows(self):
        """The one lock of SDM: serialize SDM work on these records across transactions.

        The rows are locked ``FOR NO KEY UPDATE`` in id order (two transactions locking overlapping sets cannot
        deadlock) until the end of the transaction, and touched (``write_date``). A concurrent transaction that
        locks one of them waits until this one ends; as its REPEATABLE READ snapshot is older than our commit,
        PostgreSQL then refuses it with a serialization error, which Odoo retries with a fresh snapshot: the
        retry sees everything this transaction wrote (balances, settlements, orders), not only these rows.

        Why ``FOR NO KEY UPDATE`` and never ``FOR UPDATE``: every foreign-key check takes ``FOR KEY SHARE`` on
        the referenced row. ``FOR UPDATE`` conflicts with it, so locking a customer that way would make other
        users' new orders, invoices and journal items of that customer wait for us. ``FOR NO KEY UPDATE`` (also
        the mode of the touch, an UPDATE of a non-key column) does not: only the transactions that take this
        lock on the same rows are serialized. The records are re-read afterwards (cache invalidated).
        """
        ids = sorted({record_id for record_id in self._ids if isinstance(record_id, int)})
        if not ids:
            return
        self.flush_recordset()
        table = SQL.identifier(self._table)
        self.env.cr.execute(SQL("SELECT id FROM %s WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", table, ids))
        if self._log_access:
            self.env.cr.execute(
                SQL("UPDATE %s SET write_date = (now() AT TIME ZONE 'UTC') WHERE id = ANY(%s)", table, ids)
            )
        self.invalidate_recordset()

    def _sdm_cron_budget(self, share=0.7, seconds=None):
        """The clock of one call of a batched cron job, started now: ``clock()`` is true once the call has used its
        share of the production limits. A prefork cron worker runs up to ten calls of a job in one pass under one
        CPU limit (``limit_time_cpu``: the worker process's CPU time, not PostgreSQL's nor wkhtmltopdf's) and one
        wall-clock limit (``limit_time_real_cron``), both reset only between passes: each call gets ``share`` of a
        tenth of each (4.2 s of CPU and 42 s of wall time with config/odoo.prod.conf; 30 s of each without limits,
        threaded server). ``seconds`` sets both (tests). Jobs stop their batch when it is used up and report what
        remains (the progress API); the runner goes on in the next pass."""
        cpu_limit = config.get("limit_time_cpu")
        real_limit = config.get("limit_time_real_cron") or config.get("limit_time_real")
        cpu = share * cpu_limit / CRON_CALLS_PER_PASS if cpu_limit and cpu_limit > 0 else 30.0
        real = share * real_limit / CRON_CALLS_PER_PASS if real_limit and real_limit > 0 else 30.0
        if seconds is not None:
            cpu = real = seconds
        return CronClock(cpu, real)

    def _sdm_assign_number(self, code, field_name="name"):
        """Give the records still unnumbered (``/``) their number from the sequence ``code``, in their company.

        Called once the records are saved valid (after ``create`` ran their constraints), so a refused save
        names no number. The SDM sequences are gapless (``no_gap``): their counter is a row updated in this
        transaction, so a save that fails later in the transaction gives its number back, where a standard
        (PostgreSQL) sequence would have consumed it. The counter row stays locked until the transaction ends:
        two users saving at the same moment are served one after the other (the second is retried by Odoo).
        """
        Sequence = self.env["ir.sequence"]
        for record in self:
            if record[field_name] in (False, "/"):
                company = record.company_id if "company_id" in record._fields else self.env.company
                record[field_name] = Sequence.with_company(company.id or self.env.company.id).next_by_code(code) or "/"

    # ------------------------------------------------------------------ input guard
    # One guard for the values sent to SDM's fields (over RPC, by an import, by code): each value must be of
    # its field's type before it reaches the database, so a wrong one is refused with a ValidationError naming
    # the field and the value, never with a database error quoting SQL (an impossible date, a whole number out
    # of range, text for a record). Business rules (no negative limit, ranges in order) stay with each model's
    # constraints.

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = list(vals_list)  # callers may pass a generator: read it once, for the check and for Odoo
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
