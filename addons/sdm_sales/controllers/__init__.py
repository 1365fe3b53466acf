from . import portal
from . import portal_channel_stock
