from . import sdm_rebate_settle_wizard
from . import sdm_rebate_statement
