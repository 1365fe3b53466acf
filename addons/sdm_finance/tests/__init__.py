from . import test_rebates
from . import test_rebate_concurrency
from . import test_rebate_demo
from . import test_rebate_payment
from . import test_rebate_corrections
from . import test_rebate_access
from . import test_rebate_crons
from . import test_rebate_engine
