from . import test_region_hierarchy
from . import test_customer_region
from . import test_access_rules
from . import test_settings
