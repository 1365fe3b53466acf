from . import sdm_platform_type
from . import sdm_scorecard_template
from . import sdm_scorecard_criterion
from . import sdm_scorecard_threshold
from . import sdm_defense_review
from . import sdm_defense_review_line
from . import res_partner
from . import sdm_demo
