from . import test_install
from . import test_aging
from . import test_kpi_month
from . import test_bureau
from . import test_letters
from . import test_recovery_plans
from . import test_xlsx
from . import test_dashboard
