from . import migration
