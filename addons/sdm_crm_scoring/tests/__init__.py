from . import test_defense_review
from . import test_automatic_measures
from . import test_complaint_measure
from . import test_contact_measure
from . import test_platform_analysis
from . import test_defense_alerts
from . import test_scoring_demo
from . import test_platform_units
