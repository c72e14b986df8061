from . import collection_whatsapp_account
