UPDATE collection_whatsapp_account
   SET access_token = NULL, app_secret = NULL, webhook_verify_token = NULL, active = false;
