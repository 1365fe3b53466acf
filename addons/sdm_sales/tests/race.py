# Helpers for tests that need two real, committed transactions.
# pylint: disable=invalid-commit
import threading

from psycopg2 import errors

from odoo.exceptions import UserError


def two_transactions(registry, action, hold=0.5):
    """Run ``action(cr, 0)`` and ``action(cr, 1)`` as two users at the same moment.

    The second transaction takes its REPEATABLE READ snapshot first; the first acts, keeps its locks ``hold``
    seconds and commits; then the second acts. A serialization failure of the second is retried once in a new
    transaction, as Odoo retries a request. Returns {"first": ..., "second": ..., "retry": ...}: what ``action``
    returned ("done" for None), "serialization failure", or the message of a UserError."""
    second_has_snapshot = threading.Event()
    first_done = threading.Event()
    outcome = {}

    def run(cr, index):
        result = action(cr, index)
        cr.commit()
        return "done" if result is None else result

    def first():
        with registry.cursor() as cr:
            second_has_snapshot.wait(10)
            result = action(cr, 0)
            first_done.set()
            threading.Event().wait(hold)
            cr.commit()
            outcome["first"] = "done" if result is None else result

    def second():
        with registry.cursor() as cr:
            cr.execute("SELECT 1")
            second_has_snapshot.set()
            first_done.wait(10)
            try:
                outcome["second"] = run(cr, 1)
            except errors.SerializationFailure:
                cr.rollback()
                outcome["second"] = "serialization failure"
            except Exception as error:
                outcome["second"] = repr(error)
        if outcome["second"] == "serialization failure":
            with registry.cursor() as cr:
                try:
                    outcome["retry"] = run(cr, 1)
                except UserError as error:
                    outcome["retry"] = str(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcome


def write_company_settings(env, values):
    """Write ``values`` on the current company (committed tests) and return what they replace, to restore."""
    company = env.company
    previous = {name: company[name] for name in values}
    company.write(values)
    return previous
