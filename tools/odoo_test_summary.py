#!/usr/bin/env python3
"""Judge an ``odoo-bin --test-enable --stop-after-init`` log: passed only when Odoo printed its test summary
and it counts tests, none failed and none errored.

Odoo 18 ends such a run with one line per database (``odoo/service/server.py``, ``OdooTestResult.__str__``)::

    ... odoo.tests.result: 0 failed, 0 error(s) of 1234 tests when loading database 'sdm_regress'

A run that never got that far (the HTTP port taken, the database missing, a crash while loading modules) prints
no summary: that is a failure, not a success. ``CRITICAL`` lines (e.g. "Failed to initialize database") fail too.

Usage: ``odoo_test_summary.py LOGFILE`` (``-`` reads stdin); exit 0 when passed, 1 otherwise, with the verdict
on stderr. Standard library only: tools/sdm.sh (cmd_test_odoo) and tests/test_odoo_test_summary.py use it.
"""

import re
import sys

SUMMARY = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<tests>\d+) tests when loading database '(?P<db>[^']*)'"
)
CRITICAL = re.compile(r"^\S+ \S+ \d+ CRITICAL ", re.MULTILINE)


def judge(log_text):
    """(passed, message) for the text of an Odoo test run's log."""
    summaries = list(SUMMARY.finditer(log_text))
    if not summaries:
        return False, "no Odoo test summary in the log: Odoo did not run the tests to the end"
    last = summaries[-1]
    failed, errors, tests = (int(last[name]) for name in ("failed", "errors", "tests"))
    if tests == 0:
        return False, f"Odoo ran no test on database {last['db']!r}"
    critical = CRITICAL.search(log_text)
    if critical:
        line = log_text[critical.start() :].splitlines()[0]
        return False, f"Odoo logged a CRITICAL error: {line}"
    if failed or errors:
        return False, f"{failed} failed, {errors} error(s) of {tests} tests on database {last['db']!r}"
    return True, f"0 failed, 0 error(s) of {tests} tests on database {last['db']!r}"


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "-":
        text = sys.stdin.read()
    else:
        with open(argv[1], encoding="utf-8", errors="replace") as log:
            text = log.read()
    passed, message = judge(text)
    print(("passed: " if passed else "FAILED: ") + message, file=sys.stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
