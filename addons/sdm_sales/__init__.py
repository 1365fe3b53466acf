from . import controllers
from . import models
from . import tools
from . import wizards


def uninstall_hook(env):
    """Remove the credit aggregates' triggers, functions and table (not Odoo models, so not dropped by Odoo)."""
    env["sdm.credit.bucket"]._sdm_uninstall()
