from . import test_defense_review
from . import test_automatic_measures
