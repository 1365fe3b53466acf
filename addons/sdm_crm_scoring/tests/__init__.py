from . import test_defense_review
