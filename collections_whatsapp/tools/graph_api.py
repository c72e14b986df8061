"""The WhatsApp Business Cloud API client: payloads, the HTTP call and what Meta's answers mean.

Kept apart from the message model (as Odoo's ``sms_twilio`` keeps its client): the model decides what to
send and writes the outcome; this module knows the wire. No Odoo import: it is tested on its own answers.
"""

import json
from typing import NamedTuple

import requests

# one HTTP session per process: connections to the Graph API are reused between messages
SESSION = requests.Session()
TIMEOUT = 20


class SendResult(NamedTuple):
    """What a send came to: ``sent`` (with Meta's message id), ``retry`` (Meta or the network is busy: try
    again later) or ``failed`` (Meta refused it for good), with Meta's error code and reason."""

    outcome: str
    wamid: str | None = None
    code: str | None = None
    reason: str | None = None


def target(base_url, api_version, path, token):
    """``(url, headers)`` of a Graph API call with the account's token."""
    return f"{base_url.rstrip('/')}/{api_version}/{path}", {"Authorization": f"Bearer {token or ''}"}


def message_payload(mobile, template=None, params=None, text=None):
    """The body of a /messages call: a template (its payload without variables, filled with ``params``) or,
    inside the customer-service window, free ``text``."""
    payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": mobile.lstrip("+")}
    if template is not None:
        template = json.loads(json.dumps(template))  # the caller's cached payload stays as it was
        template["components"][0]["parameters"] = [{"type": "text", "text": value} for value in params or []]
        payload.update(type="template", template=template)
    else:
        payload.update(type="text", text={"body": text, "preview_url": True})
    return payload


def post(call_target, payload):
    """POST ``payload`` to ``call_target`` (see :func:`target`) through the process's session."""
    url, headers = call_target
    return SESSION.post(url, json=payload, timeout=TIMEOUT, headers=headers)


def send(call_target, payload):
    """Send a message and read Meta's answer into a :class:`SendResult`.

    200 with a message id: sent. 429 (rate limit), 5xx or no answer at all: retry later. Anything else is
    Meta's refusal (invalid number, template not approved, outside the 24-hour window…): failed, with its
    code and message.
    """
    try:
        response = post(call_target, payload)
    except (requests.ConnectionError, requests.Timeout) as error:
        return SendResult("retry", reason=str(error))
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code == 200 and data.get("messages"):
        return SendResult("sent", wamid=data["messages"][0]["id"])
    error = data.get("error") or {}
    code, reason = str(error.get("code") or response.status_code), error.get("message") or response.reason
    if response.status_code == 429 or response.status_code >= 500:
        return SendResult("retry", code=code, reason=reason)
    return SendResult("failed", code=code, reason=reason)
