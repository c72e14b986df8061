from . import collection_case
from . import collection_demo
from . import payment_transaction
