from . import sdm_sales_plan_revise
from . import sdm_sales_plan_xlsx
from . import sdm_sales_plan_actual_export
from . import sdm_incentive_settle
