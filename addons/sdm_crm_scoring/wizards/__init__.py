from . import sdm_platform_analysis_export
