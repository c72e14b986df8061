from . import collection_whatsapp_account
from . import collection_whatsapp_message
from . import res_partner
