"""What a customer's reply asks for (a WhatsApp message, an email), read in Spanish or English.

Pure functions (no ORM): ``read_intent`` classifies a reply, ``parse_date``
finds the date a customer promises to pay on. Dates are read the way people
write them in a chat or an email: "el viernes", "mañana", "15/12", "15 de diciembre",
"next Friday", "December 15th", "in 3 days".
"""

import re
import unicodedata
from datetime import date, timedelta

# the payloads of the quick-reply buttons our templates carry
PAYLOAD_PAY = "collections_pay"
PAYLOAD_PROMISE = "collections_promise"
PAYLOAD_TALK = "collections_talk"

OPT_OUT = {"stop", "baja", "no", "unsubscribe", "cancelar", "darme de baja", "no mas mensajes"}

WEEKDAYS = {
    "lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4, "sabado": 5, "domingo": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}
MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "ene": 1, "feb": 2, "mar": 3, "abr": 4, "may": 5, "jun": 6, "jul": 7, "ago": 8, "sep": 9, "sept": 9,
    "set": 9, "oct": 10, "nov": 11, "dic": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8, "september": 9,
    "october": 10, "november": 11, "december": 12, "jan": 1, "aug": 8, "dec": 12,
}
NUMBER_WORDS = {"un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
                "ocho": 8, "nueve": 9, "diez": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10}

PAY_WORDS = ("pagar ahora", "quiero pagar", "link de pago", "enlace de pago", "como pago", "como puedo pagar",
             "pay now", "payment link", "how can i pay", "how do i pay", "i want to pay", "pagar", "pay")
ALREADY_PAID = ("ya pague", "ya pagamos", "ya esta pagad", "ya fue pagad", "already paid", "i paid", "we paid",
                "paid already", "ya realice el pago", "ya hice el pago", "ya transferi")
DISPUTE_WORDS = ("no reconozco", "no la reconozco", "no lo reconozco", "disputa", "reclamo", "reclamar", "no corresponde",
                 "factura incorrecta", "esta mal", "error en la factura", "cobro indebido", "dispute",
                 "don't recognize", "dont recognize", "do not recognize", "don't recognise", "wrong invoice",
                 "not mine", "incorrect invoice")
PROMISE_WORDS = ("pagare", "pago el", "pago la", "pago este", "pago el proximo", "voy a pagar", "vamos a pagar",
                 "te pago", "le pago", "les pago", "pagamos", "transfiero", "deposito", "abono",
                 "i will pay", "i'll pay", "ill pay", "we will pay", "we'll pay", "will pay", "can pay", "pay on",
                 "pay by", "pay next", "paying")
CANNOT_PAY = ("no puedo pagar", "no podemos pagar", "no tengo para pagar", "no tengo dinero", "can't pay",
              "cannot pay", "can not pay", "unable to pay")
TALK_WORDS = ("hablar con", "llamame", "llamenme", "llamar", "asesor", "una persona", "talk to", "call me",
              "speak to", "someone")


def normalize(text):
    """Lowercase, without accents, single spaces: "Pagaré el Miércoles" -> "pagare el miercoles"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", text.lower()).strip()


def _next_weekday(today, weekday):
    """The next such weekday after today ("el viernes" said on a Friday is the next one)."""
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _future(today, month, day, year=None):
    """The date ``day``/``month`` (of ``year``, else the next one on or after today), None when impossible."""
    if year is not None:
        year = year + 2000 if year < 100 else year
        try:
            return date(year, month, day)
        except ValueError:
            return None
    for candidate_year in (today.year, today.year + 1):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def parse_date(text, today, month_first=False):
    """The date a customer names in ``text``, relative to ``today``; None when there is none.

    ``month_first`` reads an ambiguous "05/06" as May 6 (US English);
    otherwise day first, as in Spanish and British English. A date without a
    year is the next one to come.
    """
    text = normalize(text)
    # ISO: 2026-12-15
    if match := re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text):
        year, month, day = map(int, match.groups())
        return _future(today, month, day, year)
    # numeric: 15/12, 15-12, 15.12, 15/12/2026, 12/15/26
    if match := re.search(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b", text):
        first, second = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
        if first > 12 or (second <= 12 and not month_first):
            day, month = first, second
        else:
            month, day = first, second
        return _future(today, month, day, year)
    month_names = "|".join(sorted(MONTHS, key=len, reverse=True))
    # "15 de diciembre", "15 diciembre de 2026", "15 december", "15th of december"
    if match := re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:de\s+|of\s+)?({month_names})\b\.?"
                          rf"(?:\s+(?:de\s+|del\s+)?(\d{{4}}))?", text):
        return _future(today, MONTHS[match.group(2)], int(match.group(1)),
                       int(match.group(3)) if match.group(3) else None)
    # "december 15", "dec 15th, 2026"
    if match := re.search(rf"\b({month_names})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", text):
        return _future(today, MONTHS[match.group(1)], int(match.group(2)),
                       int(match.group(3)) if match.group(3) else None)
    # relative days
    if re.search(r"\bpasado manana\b|\bday after tomorrow\b", text):
        return today + timedelta(days=2)
    if re.search(r"\bmanana\b|\btomorrow\b", text):
        return today + timedelta(days=1)
    if re.search(r"\bhoy\b|\btoday\b", text):
        return today
    numbers = "|".join(NUMBER_WORDS)
    if match := re.search(rf"\b(?:en|dentro de|in|within)\s+(\d{{1,3}}|{numbers})\s+(dias?|days?|semanas?|weeks?)\b",
                          text):
        count = int(match.group(1)) if match.group(1).isdigit() else NUMBER_WORDS[match.group(1)]
        unit = 7 if match.group(2).startswith(("semana", "week")) else 1
        return today + timedelta(days=count * unit)
    if re.search(r"\b(?:la )?(?:semana que viene|proxima semana|next week)\b", text):
        return _next_weekday(today, 0)
    # weekdays: "el viernes", "next friday", "este viernes", "el viernes que viene"
    weekday_names = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
    if match := re.search(rf"\b({weekday_names})\b", text):
        return _next_weekday(today, WEEKDAYS[match.group(1)])
    # the day of the month alone: "el 15", "on the 15th"
    if match := re.search(r"\b(?:el|el dia|on the|the|dia)\s+(\d{1,2})(?:st|nd|rd|th)?\b", text):
        day = int(match.group(1))
        for offset in (0, 1, 2):
            month = (today.month - 1 + offset) % 12 + 1
            year = today.year + (today.month - 1 + offset) // 12
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if candidate >= today:
                return candidate
    return None


def read_intent(text, payload=None):
    """The intent of a reply: opt_out, pay, promise, dispute, paid, talk or other.

    A quick-reply button's payload decides by itself; text is read in the
    order that avoids the classic mistakes ("ya pagué el viernes" is a claim
    of payment, not a promise; "no reconozco la factura" is a dispute, not an
    opt-out).
    """
    if payload == PAYLOAD_PAY:
        return "pay"
    if payload == PAYLOAD_PROMISE:
        return "promise"
    if payload == PAYLOAD_TALK:
        return "talk"
    words = normalize(text)
    stripped = words.strip(" .!¡")
    if stripped in OPT_OUT:
        return "opt_out"
    if any(word in words for word in DISPUTE_WORDS):
        return "dispute"
    if any(word in words for word in ALREADY_PAID):
        return "paid"
    if any(word in words for word in CANNOT_PAY):
        return "talk"
    if any(re.search(rf"\b{re.escape(word)}\b", words) for word in PROMISE_WORDS):
        return "promise"
    if any(re.search(rf"\b{re.escape(word)}\b", words) for word in PAY_WORDS):
        return "pay"
    if any(word in words for word in TALK_WORDS):
        return "talk"
    return "other"
