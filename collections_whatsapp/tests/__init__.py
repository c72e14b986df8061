from . import test_install
from . import test_two_way
from . import test_sending
from . import test_webhook
