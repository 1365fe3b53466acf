"""Crash and rerun of SDM's batched jobs, inside one test transaction.

Odoo's cron runner calls a batched job once per batch and commits after each call while the job's progress
(``ir.cron._notify_progress``) says work remains. Here each call runs in its own savepoint, which stands for that
commit. A worker killed during a call loses what the call did since the last commit: a method patched to die on
its n-th call (after doing its work, before the commit) rolls back its savepoint in the same way. The job is then
run again to its end, and its totals are compared with those of an uninterrupted run on the same data (each
scenario in a savepoint rolled back afterwards, so every scenario starts from the same data).
"""

from contextlib import contextmanager
from unittest.mock import patch


class Killed(Exception):
    """The worker died."""


class CronCrashMixin:
    """For TransactionCase: ``_sdm_assert_crash_rerun`` and its pieces."""

    MAX_CALLS = 50

    def _sdm_cron_call(self, cron, call):
        """One call of the job as the runner makes it: ``call(env)`` with the runner's progress record in the
        context; returns (done, remaining). Without ``cron``, a job done in one transaction (a wizard)."""
        if not cron:
            call(self.env)
            return 1, 0
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "done": 0, "remaining": 0})
        call(self.env(context=dict(self.env.context, ir_cron_progress_id=progress.id)))
        return progress.done, progress.remaining

    def _sdm_run_to_end(self, cron, call):
        """Call the job until it reports nothing remaining, each call committed (a savepoint). Returns the number
        of calls."""
        for calls in range(1, self.MAX_CALLS + 1):
            try:
                with self.env.cr.savepoint():
                    done, remaining = self._sdm_cron_call(cron, call)
            except Exception:
                # What the cron runner does when a call fails (ir.cron._callback): the registry's caches
                # invalidated by the call are cleared again, as they were before it (a killed worker loses its own).
                self.env.registry.reset_changes()
                raise
            self.assertTrue(done or not remaining, "a call that does nothing must report nothing remaining")
            if not remaining:
                return calls
        self.fail(f"{cron.name if cron else call}: still work remaining after {self.MAX_CALLS} calls")

    @contextmanager
    def _sdm_scratch(self):
        """Run a scenario and roll it back."""
        savepoint = self.env.cr.savepoint()
        try:
            yield
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
            self.env.registry.reset_changes()

    @contextmanager
    def _sdm_dies_at(self, model, method, nth):
        """``model.method`` dies on its ``nth`` call, once its work is done (flushed) and before the commit."""
        cls = type(self.env[model])
        original = getattr(cls, method)
        calls = []

        def dying(records, *args, **kwargs):
            result = original(records, *args, **kwargs)
            calls.append(1)
            if len(calls) == nth:
                records.env.flush_all()
                raise Killed(f"{model}.{method} #{nth}")
            return result

        with patch.object(cls, method, dying):
            yield

    def _sdm_assert_crash_rerun(self, cron, call, totals, crash_points):
        """For each crash point ``(model, method, nth)``: the job dies there, is run again to its end, and its
        ``totals()`` equal an uninterrupted run's. The uninterrupted run must change the totals (or the test could
        not fail), and each crash point must be reached (a point never reached proves nothing). Returns the
        uninterrupted totals."""
        before = totals()
        with self._sdm_scratch():
            self._sdm_run_to_end(cron, call)
            expected = totals()
        self.assertNotEqual(expected, before, "the job must do something")
        for model, method, nth in crash_points:
            point = f"{model}.{method} #{nth}"
            with self._sdm_scratch():
                with self._sdm_dies_at(model, method, nth), self.assertRaises(Killed, msg=f"never reached {point}"):
                    self._sdm_run_to_end(cron, call)
                self.env.invalidate_all()
                self._sdm_run_to_end(cron, call)
                self.assertEqual(totals(), expected, f"killed at {point}, then run again")
                # Run once more after the end: nothing done twice.
                self._sdm_run_to_end(cron, call)
                self.assertEqual(totals(), expected, f"killed at {point}, run again twice")
        return expected
