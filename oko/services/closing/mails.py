"""The mail that tells a reader their report is ready: a link, never a figure.

The body names the wave and links to the report (behind the login) and to the dashboard;
figures stay behind the login, where the disclosure rules and the account's scope apply.
Delivered by SMTP when MAIL_SERVER is set, otherwise written to the outbox folder, one
``.eml`` file per mail, named after the mail's row, so writing it again replaces it.
Every mail carries a Message-ID made from its row, the same on every attempt.

Delivery tells the mail job when the point of no return comes (``handing``): for SMTP, once
the server accepted sender and recipient and asked for the content; from then on the server
may keep the mail even if the sender dies before hearing so. Before it, a dead sender's mail
was certainly not delivered (a server drops a transaction the client did not finish).
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path
from urllib.parse import urlsplit

from oko.services.closing.context import MailSettings

TEXTS = {
    "nl": {
        "subject": "{wave}: het rapport van {area} staat klaar",
        "body": (
            "Beste {name},\n\n"
            "De peiling {wave} is gesloten. Het rapport van {area} staat klaar:\n\n"
            "  {report_url}\n\n"
            "Op het dashboard vindt u de resultaten per thema:\n\n"
            "  {dashboard_url}\n\n"
            "Beide vragen om in te loggen met uw account.\n\n"
            "Met vriendelijke groet,\noko\n"
        ),
    },
    "en": {
        "subject": "{wave}: the report of {area} is ready",
        "body": (
            "Dear {name},\n\n"
            "The survey {wave} has closed. The report of {area} is ready:\n\n"
            "  {report_url}\n\n"
            "The dashboard shows the results by topic:\n\n"
            "  {dashboard_url}\n\n"
            "Both ask you to log in with your account.\n\n"
            "Kind regards,\noko\n"
        ),
    },
}


@dataclass(frozen=True)
class Letter:
    """What one mail says and to whom; built from the rows by the mail job."""

    mail_id: int
    batch_id: int
    to: str
    name: str
    language: str
    wave_name: str
    area_name: str
    report_url: str
    dashboard_url: str


def message(letter: Letter, settings: MailSettings, base_url: str) -> EmailMessage:
    texts = TEXTS.get(letter.language, TEXTS["nl"])
    values = {
        "wave": letter.wave_name,
        "area": letter.area_name,
        "name": letter.name or letter.to,
        "report_url": letter.report_url,
        "dashboard_url": letter.dashboard_url,
    }
    mail = EmailMessage()
    mail["Subject"] = texts["subject"].format(**values)
    mail["From"] = formataddr(("oko", settings.sender))
    mail["To"] = letter.to
    mail["Message-ID"] = message_id(letter.batch_id, letter.mail_id, base_url)
    mail["Content-Language"] = letter.language
    mail.set_content(texts["body"].format(**values))
    return mail


def message_id(batch_id: int, mail_id: int, base_url: str) -> str:
    """The same on every attempt at one mail: made from its row and the site."""
    host = urlsplit(base_url).hostname or "oko.invalid"
    return f"<closing-{batch_id}-{mail_id}@{host}>"


def deliver(
    mail: EmailMessage,
    settings: MailSettings,
    outbox: Path,
    name: str,
    handing: Callable[[], None] = lambda: None,
) -> None:
    """Hand the mail to the SMTP server, or write it to the outbox when there is none;
    ``handing`` is called right before the step after which the mail may have arrived."""
    if settings.server:
        with smtplib.SMTP(settings.server, settings.port, timeout=30) as smtp:
            _send(smtp, mail, settings.sender, handing)
        return
    handing()
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox_file(outbox, name)
    temporary = path.with_suffix(".eml.part")
    temporary.write_bytes(mail.as_bytes())
    os.replace(temporary, path)


def outbox_file(outbox: Path, name: str) -> Path:
    """Where the outbox keeps a mail: written whole (renamed into place) or not at all."""
    return outbox / f"{name}.eml"


def _send(smtp: smtplib.SMTP, mail: EmailMessage, sender: str, handing: Callable[[], None]) -> None:
    """``smtplib.SMTP.sendmail`` for one recipient, with ``handing`` before the content."""
    recipient = str(mail["To"])
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.rcpt(recipient)
    if code not in (250, 251):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    handing()
    code, reply = smtp.data(mail.as_bytes())
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPDataError(code, reply)
