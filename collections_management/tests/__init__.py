from . import test_install
from . import test_stage
from . import test_ui
from . import test_engine
from . import test_segment
from . import test_cron
from . import test_workflow
from . import test_fee
