import time

from odoo import models
from odoo.tools import SQL, config

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
