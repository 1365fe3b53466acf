from . import sdm_incentive_statement
