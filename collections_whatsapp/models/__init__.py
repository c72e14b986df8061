from . import whatsapp_account
