from . import sdm_platform_type
from . import res_partner
from . import sdm_demo
