"""HTTP resources for replies to comments: HR's conversations, replies and removals; the author's reading and
answering with their survey link (no sign-in). No comment id, tag or token is ever in a path or query string:
access logs keep URLs."""
from __future__ import annotations

import re

from flask import Response
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate

from staffroom_shared.auth import authenticate
from staffroom_shared.web import Blueprint, context, db_session, public

from ..domain.replies import MESSAGE_MAX_LENGTH
from ..service import replies
from .views import LINK_HEADER, NOT_AT_THIS_STAGE, _browser_key, _hr, _json, _key, _token, _uow

conversations_blp = Blueprint("conversations", __name__, url_prefix="/runs",
                              description="Replies to the comments of a closed run (HR)")
author_blp = Blueprint("survey_replies", __name__, url_prefix="/survey/replies",
                       description="Replies to what you wrote, read and answered with your survey link: no sign-in")

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # line breaks and tabs are welcome in a message; nothing else is


def _message_text(text: str) -> None:
    if CONTROL.search(text):
        raise ValidationError("must be plain text: remove the control character (line breaks and tabs are fine)")
    if not text.strip():
        raise ValidationError("write something first")


MESSAGE = fields.String(required=True, validate=[validate.Length(min=1, max=MESSAGE_MAX_LENGTH), _message_text])


class AuthorMessageSchema(Schema):
    kind = fields.String(metadata={"description": "reply (HR) or answer (the comment's author)"})
    text = fields.String(metadata={"description": "empty once removed"})
    written_on = fields.Date(metadata={"description": "a reply: the day HR wrote it; an answer: the day it was "
                                                      "passed on (never when it was written)"})
    removed = fields.Boolean()
    from_academy = fields.String(allow_none=True, metadata={"description": "a reply from an academy's HR: its name; "
                                                                           "null: trust HR, or an answer"})


class MessageSchema(AuthorMessageSchema):
    id = fields.UUID(metadata={"description": "the message's id, to remove it"})


class ConversationSchema(Schema):
    comment_id = fields.UUID()
    question = fields.String()
    text = fields.String(metadata={"description": "the comment"})
    academy_id = fields.UUID(allow_none=True, metadata={"description": "null: the trust's pool of academies whose "
                                                                       "results are hidden"})
    academy_name = fields.String(allow_none=True)
    messages = fields.List(fields.Nested(MessageSchema))
    may_reply = fields.Boolean(metadata={"description": "false once the conversation holds 5 replies"})


class ReplySchema(Schema):
    comment_id = fields.UUID(required=True)
    text = MESSAGE


class RemovalSchema(Schema):
    message_id = fields.UUID(required=True, metadata={"description": "a reply's or answer's id"})
    because = fields.String(required=True, validate=[validate.Length(min=1, max=500), _message_text])


class AuthorConversationSchema(Schema):
    comment_id = fields.UUID()
    question = fields.String()
    text = fields.String(metadata={"description": "what you wrote"})
    messages = fields.List(fields.Nested(AuthorMessageSchema))
    waiting = fields.String(allow_none=True, metadata={"description": "your answer waiting to be passed on"})
    may_answer = fields.Boolean()


class AuthorRepliesSchema(Schema):
    answer = fields.String(allow_none=True, validate=validate.OneOf(replies.OUTCOMES), metadata={"description": (
        "what became of the answer sent with this request: held (waiting to be passed on), not_now (your last "
        "answer there is still waiting, or the conversation is full), not_found (no reply to you under that "
        "comment); null: none was sent")})
    title = fields.String()
    closed_on = fields.Date()
    release_after = fields.Integer(metadata={"description": "answers are passed on once this many people have one "
                                                            "waiting in this survey"})
    conversations = fields.List(fields.Nested(AuthorConversationSchema))


class AnswerSchema(Schema):
    comment_id = fields.UUID(required=True)
    text = MESSAGE


class ExchangeSchema(Schema):
    answer = fields.Nested(AnswerSchema, load_default=None, metadata={
        "description": "an answer to HR's reply under one of your comments; leave it out to read only"})


@conversations_blp.route("/<uuid:run_id>/conversations")
class Conversations(MethodView):
    @conversations_blp.response(200, ConversationSchema(many=True))
    @conversations_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def get(self, run_id):
        """Every comment you are shown in the run's results, with its replies and answers: trust HR all; academy HR
        their academy's (a comment pooled into the hidden academies has no academy: trust HR only)."""
        principal = authenticate()
        _hr(principal)
        return replies.conversations(db_session(), principal, run_id)


@conversations_blp.route("/<uuid:run_id>/replies")
class Replies(MethodView):
    @conversations_blp.arguments(ReplySchema)
    @conversations_blp.response(201, MessageSchema)
    @conversations_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, run_id):
        """Reply to a comment you are shown. Its author reads it through their survey link, in the browser they
        answered with; nobody is notified (nobody knows who they are)."""
        principal = authenticate()
        _hr(principal)
        return replies.reply(_uow(principal), principal, run_id, data["comment_id"], data["text"].strip())


@conversations_blp.route("/<uuid:run_id>/removals")
class Removals(MethodView):
    @conversations_blp.arguments(RemovalSchema)
    @conversations_blp.response(204)
    @conversations_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data, run_id):
        """Remove a reply or an answer, saying why: its words are deleted and everyone sees it as removed."""
        principal = authenticate()
        _hr(principal)
        replies.remove(_uow(principal), principal, run_id, data["message_id"], data["because"].strip())


@public
@author_blp.route("")
class AuthorReplies(MethodView):
    @author_blp.doc(**LINK_HEADER)
    @author_blp.arguments(ExchangeSchema, description=(
        "{} to read; the survey page pads every such body with spaces to one size, so that reading and answering "
        "look alike"))
    @author_blp.response(200, AuthorRepliesSchema, description=(
        "HR's replies to what this link and browser wrote, once the survey has closed, after the answer sent (if "
        "any) was dealt with. The status is 200 and the body is padded with spaces to one length per survey "
        "whether or not there is anything for you and whatever became of the answer, so access logs, which record "
        "both, cannot tell reading from answering, nor an author from anyone else."))
    @author_blp.alt_response(409, **NOT_AT_THIS_STAGE)
    def post(self, data):
        """Read the replies to what you wrote, and answer one of them if you like (needs your link's token and the
        key of the browser you answered with). An answer reaches HR only together with answers from at least the
        survey's smallest group of other people, dated the day it is passed on."""
        sent = data["answer"]
        outcome = None if sent is None else replies.answer(
            context().uow(actor="respondent"), _token(), _key(), _browser_key(), sent["comment_id"],
            sent["text"].strip())
        body, most = replies.read(db_session(), _token(), _key(), _browser_key())
        dumped = AuthorRepliesSchema().dump({**body, "answer": outcome})
        text = _json(dumped)
        longest = len(_json({**dumped, "answer": max(replies.OUTCOMES, key=len), "conversations": []})) + most
        return Response(text + b" " * (longest - len(text)), mimetype="application/json")


BLUEPRINTS = [conversations_blp, author_blp]
