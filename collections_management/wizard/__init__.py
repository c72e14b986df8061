from . import collection_run_wizard
from . import collection_fee_wizard
