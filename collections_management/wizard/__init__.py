from . import collection_run_wizard
from . import collection_fee_wizard
from . import collection_fee_waive_wizard
from . import collection_promise_wizard
