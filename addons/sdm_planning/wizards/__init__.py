from . import sdm_sales_plan_revise
from . import sdm_sales_plan_xlsx
from . import sdm_sales_plan_actual_export
from . import sdm_incentive_settle
from . import sdm_incentive_payroll_xlsx
from . import sdm_incentive_statement
from . import sdm_incentive_estimate
