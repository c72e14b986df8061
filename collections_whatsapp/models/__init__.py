from . import collection_whatsapp_account
from . import collection_whatsapp_template
from . import collection_whatsapp_message
from . import collection_strategy_step
from . import collection_step_execution
from . import res_partner
from . import collection_demo
from . import collection_offer
