from . import collection_aging_report
from . import collection_kpi_month
from . import collection_bureau
from . import collection_step
from . import collection_letter
from . import collection_promise_report
from . import collection_collector_report
from . import collection_forecast
