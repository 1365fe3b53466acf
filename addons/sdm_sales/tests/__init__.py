from . import test_access_rules, test_customer_region, test_region_hierarchy, test_settings
