from . import test_defense_review
from . import test_automatic_measures
from . import test_complaint_measure
from . import test_contact_measure
