"""Notifications pages: my inbox (newest first, mark read, follow a message's link) and how I hear about
each kind of message by email, with quiet hours; and where an email's "Stop these emails" link leads. The inbox
always gets every message; preferences are about email only."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..current import api, csrf, portal, signed_in
from ..backend import ApiError
from ..ui import Form, fields, refused, submit

blp = Blueprint("notifications", __name__, url_prefix="/notifications")

PAGE_SIZE = 20
UK = ZoneInfo("Europe/London")
HOW = {"instant": "Email me straight away", "digest": "One email a day (a digest)", "off": "No email"}


@blp.get("")
@signed_in
def inbox():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found = api().get("/api/notifications/inbox", page=page, page_size=PAGE_SIZE)
    unread = api().get("/api/notifications/inbox/unread-count")["unread"]
    pages = max((found["total"] + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    for message in found["items"]:  # the API answers in UTC; staff read UK time
        message["created_at"] = datetime.fromisoformat(message["created_at"]).astimezone(UK)
    return render_template("notifications/inbox.html", messages=found["items"], unread=unread, page=page,
                           pages=pages, total=found["total"])


def portal_path(link: str | None) -> str | None:
    """A message's link as a path in this portal; None for anywhere else (never an open redirect)."""
    if not link:
        return None
    parts = urlsplit(link)
    ours = {urlsplit(request.host_url).netloc, urlsplit(portal().config.public_url).netloc}
    if parts.netloc and parts.netloc not in ours:
        return None
    path = parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else None
    if path is None:
        return None
    return path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


@blp.get("/<uuid:message_id>/open")
@signed_in
def open_message(message_id):
    """Follow a message's link (from the inbox page it is on), marking it read as opening an email does."""
    api().post(f"/api/notifications/inbox/{message_id}/read")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found = api().get("/api/notifications/inbox", page=page, page_size=PAGE_SIZE)["items"]
    link = next((portal_path(m["link"]) for m in found if m["id"] == str(message_id)), None)
    return redirect(link or url_for("notifications.inbox", page=page))


@blp.post("/<uuid:message_id>/read")
@signed_in
def mark_read(message_id):
    api().post(f"/api/notifications/inbox/{message_id}/read")
    flash("Marked as read.")
    return redirect(url_for("notifications.inbox", page=request.form.get("page", type=int)))


@blp.post("/read-all")
@signed_in
def mark_all_read():
    marked = api().post("/api/notifications/inbox/read-all")["marked"]
    flash(f"Marked {marked} {'message' if marked == 1 else 'messages'} as read.")
    return redirect(url_for("notifications.inbox"))


# -- preferences ------------------------------------------------------------------------------------

@blp.get("/preferences")
@signed_in
def preferences(form: Form | None = None):
    try:
        quiet = api().get("/api/notifications/preferences/quiet-hours")
    except ApiError as error:
        if error.status != 404:
            raise
        quiet = None  # none set
    return render_template("notifications/preferences.html", categories=api().get("/api/notifications/preferences"),
                           quiet=quiet, how=HOW, form=form or Form()), 422 if form and form.error else 200


@blp.post("/preferences")
@signed_in
def save_preferences():
    categories = api().get("/api/notifications/preferences")
    choices = {c["category"]: request.form[c["category"]] for c in categories if request.form.get(c["category"])}
    form = submit(lambda: api().put("/api/notifications/preferences", json={"email": choices}), name="email")
    if form.error:
        return preferences(form)
    flash("Your email choices are saved.")
    return redirect(url_for("notifications.preferences"))


@blp.post("/quiet-hours")
@signed_in
def save_quiet_hours():
    body = fields("starts", "ends")
    if not body["starts"] or not body["ends"]:
        missing = "starts" if not body["starts"] else "ends"
        return preferences(refused(missing, "Give a time, like 21:00", "quiet",
                                   detail="Give both times, like 21:00 and 07:00."))
    form = submit(lambda: api().put("/api/notifications/preferences/quiet-hours", json=body), name="quiet")
    if form.error:
        return preferences(form)
    flash(f"Quiet hours saved: no email from {body['starts']} to {body['ends']}.")
    return redirect(url_for("notifications.preferences"))


@blp.post("/quiet-hours/remove")
@signed_in
def remove_quiet_hours():
    api().delete("/api/notifications/preferences/quiet-hours")
    flash("Quiet hours removed: email comes when it is sent.")
    return redirect(url_for("notifications.preferences"))


# -- an email's "Stop these emails" link ------------------------------------------------------------------

@blp.get("/unsubscribe")
def unsubscribe_page():
    """Where the link leads, signed in or not: what it would stop, and a button to confirm (a link that changed
    something when merely opened would be followed by mail scanners and link previews)."""
    return render_template("notifications/unsubscribe.html", category=_unsubscribe("GET"), done=False)


@blp.post("/unsubscribe")
@csrf.exempt  # the link's signature is the proof, not a session: mail programs post here too (RFC 8058 one click)
def unsubscribe():
    return render_template("notifications/unsubscribe.html", category=_unsubscribe("POST"), done=True)


NOT_A_LINK = "This link is not complete: copy the whole link from the email, or choose what comes by email in your " \
             "notification preferences."


def _unsubscribe(method: str) -> dict:
    link = {name: request.args.get(name, "") for name in ("staff_id", "category", "signature")}
    issued = request.args.get("issued")  # links from before it carried none
    try:
        if not all(link.values()):
            raise ApiError(422, "Unprocessable Entity", NOT_A_LINK)
        return portal().backend.as_(None).request(method, "/api/notifications/unsubscribe",
                                                  params=link | ({"issued": issued} if issued else {}))
    except ApiError as error:
        if error.status == 422:  # cut short or mangled on its way: as good as no link
            raise ApiError(404, "Not Found", NOT_A_LINK) from None
        raise
