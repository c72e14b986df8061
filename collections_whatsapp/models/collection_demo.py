from odoo import api, fields, models


class CollectionDemo(models.AbstractModel):
    _inherit = "collection.demo"

    @api.model
    def _load_whatsapp_demo(self):
        """A sender number (no real credentials: nothing leaves the demo), its templates, consents and replies.

        Two customers answer a reminder: one promises to pay on Friday (the
        promise is recorded and confirmed), the other asks for a PDF (a task for
        the collector, in the inbox).
        """
        partners = [self.env.ref(f"collections_management.demo_partner_{key}") for key in ("valle", "tornillo")]
        # the company where the demo's story is told (the country's demo company, see collection.demo)
        company = self.env["collection.case"].search([("partner_id", "=", partners[0].id)], limit=1).company_id \
            or self.env.ref("base.main_company")
        account = self.env["collection.whatsapp.account"].create({
            "name": "Cobranzas (demo)", "company_id": company.id, "phone_number_id": "100200300400500",
            "business_account_id": "200300400500600", "base_url": "http://127.0.0.1:9",
            "access_token": "demo-token", "app_secret": "demo-app-secret", "webhook_verify_token": "demo-verify",
        })
        # in the demo Meta "approved" them; a real account submits them (Submit to Meta)
        self.env["collection.whatsapp.template"].search([("account_id", "=", account.id)])._apply_review("APPROVED")
        for partner in partners:
            partner.write({"collection_whatsapp_consent": "in",
                           "collection_whatsapp_consent_source": "Formulario de alta de cliente",
                           "collection_whatsapp_consent_text": "Acepto recibir por WhatsApp recordatorios de pago y "
                                                               "mi estado de cuenta al número indicado."})
        Message = self.env["collection.whatsapp.message"].with_company(company)
        texts = {"valle": "Hola, pagamos el viernes sin falta", "tornillo": "¿Me pueden mandar la factura en PDF?"}
        stamp = int(fields.Datetime.now().timestamp())
        for index, partner in enumerate(partners):
            number = partner._collection_whatsapp_number(company)
            key = "valle" if index == 0 else "tornillo"
            Message._receive(account, [{"from": number.lstrip("+"), "id": f"wamid.DEMO{index}",
                                        "timestamp": str(stamp), "type": "text", "text": {"body": texts[key]}}],
                             [{"wa_id": number.lstrip("+"), "profile": {"name": partner.name}}])
        return account
