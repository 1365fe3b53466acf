from . import res_company
from . import res_config_settings
from . import sdm_sales_plan
from . import sdm_sales_plan_node
from . import sdm_sales_achievement
from . import sdm_allocation
from . import sale_order
from . import sdm_demo
