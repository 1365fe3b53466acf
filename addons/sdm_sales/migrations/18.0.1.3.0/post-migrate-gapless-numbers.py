"""SDM documents are numbered from gapless sequences (see ``base._sdm_assign_number``): a standard sequence is a
PostgreSQL sequence, whose numbers a failed save still consumes. The sequence records are ``noupdate``, so the
existing ones are switched here, keeping their next number (read from the PostgreSQL sequences before they are
dropped). Idempotent: gapless sequences are left alone."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    sequences = env["ir.sequence"].search([("code", "=like", "sdm.%"), ("implementation", "=", "standard")])
    # The next numbers of standard sequences are read from PostgreSQL, never from a cached value.
    sequences.invalidate_recordset(["number_next_actual"])
    sequences.date_range_ids.invalidate_recordset(["number_next_actual"])
    for sequence in sequences:
        following = sequence.number_next_actual
        ranges = {date_range: date_range.number_next_actual for date_range in sequence.date_range_ids}
        sequence.implementation = "no_gap"
        sequence.number_next = following
        for date_range, number in ranges.items():
            date_range.number_next = number
