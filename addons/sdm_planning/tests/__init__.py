from . import test_sales_plan
from . import test_allocation_concurrency
from . import test_plan_demo
from . import test_plan_weights
from . import test_achievement_units
from . import test_migration
from . import test_reader_language
from . import test_analysis_numbers
