from . import res_partner, sdm_demo, sdm_platform_type
