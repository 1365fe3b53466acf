"""18.0.1.1.0: the seed's share criterion gets its automatic measure (share of usage) and thresholds, unless
a consultant already changed it."""

from odoo import SUPERUSER_ID, Command, api

THRESHOLDS = ((95, 9), (90, 8), (80, 7), (70, 6), (60, 5), (50, 4), (35, 3), (20, 2))


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    criterion = env.ref("sdm_crm_scoring.criterion_share", raise_if_not_found=False)
    if criterion and criterion.measure == "manual" and not criterion.threshold_ids:
        criterion.write(
            {
                "measure": "share_of_usage",
                "measure_days": 90,
                "threshold_ids": [Command.create({"value": value, "score": score}) for value, score in THRESHOLDS],
            }
        )
