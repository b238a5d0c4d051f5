"""Where email goes: one SMTP session for a batch, or in development the pickup folder (an .eml file per email).
Either way `with connect(settings) as send:` gives a function that sends one EmailMessage or raises."""
from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage


class connect:
    """One SMTP session for a batch (or the pickup folder in development)."""

    def __init__(self, settings):  # service.email.SmtpSettings
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self):
        s = self.settings
        if s.host is None:
            if s.pickup_dir is None:
                raise OSError("no SMTP_HOST and no pickup folder: email cannot be sent")
            s.pickup_dir.mkdir(parents=True, exist_ok=True)
            return self._pickup
        context = ssl.create_default_context()
        try:
            if s.security == "ssl":
                self.smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                self.smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    self.smtp.starttls(context=context)
            if s.username:
                self.smtp.login(s.username, s.password or "")
        except (smtplib.SMTPException, OSError) as exc:
            return _failing(exc)
        return self.smtp.send_message

    def _pickup(self, email: EmailMessage) -> None:
        # Development's stand-in for mailboxes: an invitation's file holds a working link, so its owner alone reads it.
        name = email["Message-ID"].strip("<>").replace("@", "_")
        fd = os.open(self.settings.pickup_dir / f"{name}.eml", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(bytes(email))

    def __exit__(self, *exc):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()


def _failing(error: Exception):
    def send(_email):
        raise error
    return send
