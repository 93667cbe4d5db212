"""Administrators' notification templates: checking, previewing, saving.

A template is Django template text rendered as plain text (no autoescape) with the context of its topic.
On save every placeholder — ``{{ name }}``, ``{{ name|filter }}``, the names in ``{% if %}``, ``{% for %}``,
``{% with %}`` and ``{% firstof %}`` — must be one of ``Topic.placeholders()`` (or a loop / ``with``
variable of the template itself); anything else is refused with the list of unknown names and the list of
names that can be used. Only a few tags are allowed (no ``include``, ``load``, ``url`` …): a template can
show the topic's data and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.template import TemplateSyntaxError
from django.template.base import FilterExpression, Lexer, Parser, TokenType, Variable
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record

from .errors import TemplateInvalid, UnknownChannel, UnknownTopic
from .models import Channel, NotificationTemplate, TemplateLanguage
from .render import Rendered, engine, overrides_for, render
from .topics import TOPICS, Topic

ALLOWED_TAGS = frozenset(
    {"if", "elif", "else", "endif", "for", "empty", "endfor", "with", "endwith", "firstof", "comment",
     "endcomment"}
)  # fmt: skip
_IF_WORDS = frozenset(
    {"and", "or", "not", "in", "is", "==", "!=", "<", ">", "<=", ">=", "None", "True", "False"}
)
#: Names a template may always use besides its topic's context.
_ALWAYS = frozenset({"forloop"})

SUBJECT_MAX = 255
BODY_MAX = 10_000


@dataclass(frozen=True)
class TemplateCheck:
    used: frozenset[str]
    unknown: tuple[str, ...]


def _parser() -> Parser:
    eng = engine()
    return Parser([], builtins=eng.template_builtins, libraries=eng.template_libraries)


def _heads(expression: FilterExpression) -> set[str]:
    names: set[str] = set()
    if isinstance(expression.var, Variable) and expression.var.lookups:
        names.add(expression.var.lookups[0])
    for _func, args in expression.filters:
        for is_var, arg in args:
            if is_var and isinstance(arg, Variable) and arg.lookups:
                names.add(arg.lookups[0])
    return names


def template_variables(text: str) -> tuple[set[str], set[str]]:
    """(names the text reads, names it binds itself) — raises ``TemplateInvalid`` for a syntax error or a
    tag that is not allowed."""
    parser = _parser()
    used: set[str] = set()
    bound: set[str] = set()
    try:
        for token in Lexer(text).tokenize():
            if token.token_type == TokenType.VAR:
                used |= _heads(parser.compile_filter(token.contents))
            elif token.token_type == TokenType.BLOCK:
                bits = token.split_contents()
                tag = bits[0] if bits else ""
                if tag not in ALLOWED_TAGS:
                    raise TemplateInvalid(
                        _("Mẫu không được dùng thẻ “{%% %(tag)s %%}”. Các thẻ được dùng: %(allowed)s."),
                        tag=tag,
                        allowed=", ".join(sorted(t for t in ALLOWED_TAGS if not t.startswith("end"))),
                    )
                if tag in ("if", "elif"):
                    for bit in bits[1:]:
                        if bit not in _IF_WORDS:
                            used |= _heads(parser.compile_filter(bit))
                elif tag == "for":
                    if "in" not in bits:
                        raise TemplateSyntaxError("for: 'in' expected")
                    at = bits.index("in")
                    bound |= {name.strip() for name in " ".join(bits[1:at]).split(",") if name.strip()}
                    used |= _heads(parser.compile_filter(bits[at + 1]))
                elif tag == "with":
                    for bit in bits[1:]:
                        name, sep, value = bit.partition("=")
                        if not sep:
                            raise TemplateSyntaxError("with: name=value expected")
                        bound.add(name)
                        used |= _heads(parser.compile_filter(value))
                elif tag == "firstof":
                    for bit in bits[1:]:
                        if bit != "as":
                            used |= _heads(parser.compile_filter(bit))
        engine().from_string(text)  # the structure: closed blocks, known filters
    except TemplateSyntaxError as exc:
        raise TemplateInvalid(
            _("Mẫu có lỗi cú pháp: %(error)s"), code="template_syntax", error=str(exc)
        ) from exc
    return used, bound


def template_check(*, topic: Topic, texts: Mapping[str, str]) -> TemplateCheck:
    """Check each text (field → template text) against the topic's placeholders; raises
    ``TemplateInvalid`` (code ``template_unknown_placeholder``) naming every unknown one."""
    allowed = topic.placeholders() | _ALWAYS
    used: set[str] = set()
    unknown: set[str] = set()
    for text in texts.values():
        if not text:
            continue
        names, bound = template_variables(text)
        used |= names
        unknown |= names - allowed - bound
    if unknown:
        raise TemplateInvalid(
            _("Mẫu có biến không thuộc chủ đề “%(topic)s”: %(unknown)s. Các biến được dùng: %(known)s."),
            code="template_unknown_placeholder",
            topic=topic.key,
            unknown=", ".join("{{ %s }}" % name for name in sorted(unknown)),  # noqa: UP031
            known=", ".join(sorted(topic.placeholders())),
        )
    return TemplateCheck(used=frozenset(used), unknown=())


# -- sample context and preview ------------------------------------------------------------------------

_SAMPLES: dict[str, Any] = {
    "code": "H56.40-260302-0001",
    "procedure_name": "Cấp giấy phép khai thác nước dưới đất",
    "status_url": "https://dichvucong.thanhhoa.gov.vn/tra-cuu/?ma=H56.40-260302-0001",
    "evaluation_url": "https://dichvucong.thanhhoa.gov.vn/danh-gia/lien-ket/mau/",
    "feedback_url": "https://dichvucong.thanhhoa.gov.vn/danh-gia/",
    "place": "Trung tâm Phục vụ hành chính công tỉnh",
    "reason": "Cần lấy ý kiến của cơ quan liên quan.",
    "items": ["Bản sao giấy tờ tùy thân", "Sơ đồ khu vực khai thác"],
    "note": "Mang theo giấy hẹn trả kết quả.",
    "return_channel": "counter",
    "step_name": "Thẩm định hồ sơ",
    "unit_name": "Sở Nông nghiệp và Môi trường",
    "handler_name": "Phạm Quốc Huy",
    "title": "Chậm trả kết quả hồ sơ",
    "deadline_name": "trả lời",
    "overdue": False,
}


def sample_context(topic: Topic) -> dict[str, Any]:
    """Plausible data for every key of ``topic`` (moments around now), for previews."""
    base = timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0)
    data: dict[str, Any] = {}
    for i, key in enumerate((*topic.required, *topic.optional)):
        if key in topic.moments:
            data[key] = base + dt.timedelta(days=i + 1)
        elif key == "apology_deadline":
            data[key] = (base + dt.timedelta(days=2)).date()
        else:
            data[key] = _SAMPLES.get(key, f"«{key}»")
    if "apology_deadline" in topic.moments and "apology_deadline" in data:
        data["apology_deadline"] = (base + dt.timedelta(days=2)).date()
    return data


_PARTS = {
    # channel → (field → render part)
    Channel.EMAIL: {"subject": "subject", "body": "email"},
    Channel.INAPP: {"subject": "subject", "body": "inapp"},
    Channel.SMS: {"body": "sms"},
}


def _topic(key: str) -> Topic:
    spec = TOPICS.get(key)
    if spec is None:
        raise UnknownTopic(topic=key)
    return spec


def _channel(value: str) -> Channel:
    if value not in Channel.values:
        raise UnknownChannel(channel=value)
    return Channel(value)


def _language(value: str) -> str:
    if value not in TemplateLanguage.values:
        raise TemplateInvalid(
            _("Ngôn ngữ “%(language)s” không được hỗ trợ."), code="language", language=value
        )
    return value


def template_preview(
    *, topic: str, channel: str, language: str, subject: str = "", body: str = "", recipient_name: str = ""
) -> Rendered:
    """Render ``subject``/``body`` (unsaved, checked first) for ``channel`` with a sample context; the
    other parts come from the saved templates or the built-in files."""
    spec, chan, lang = _topic(topic), _channel(channel), _language(language)
    fields = {"subject": subject, "body": body} if chan != Channel.SMS else {"body": body}
    template_check(topic=spec, texts=fields)
    texts = overrides_for(spec, lang)
    for field_name, part in _PARTS[chan].items():
        if fields.get(field_name, "").strip():
            texts[part] = fields[field_name]
    return render(
        spec,
        sample_context(spec),
        recipient_name=recipient_name or _("Nguyễn Văn An"),
        language=lang,
        overrides=texts,
    )


# -- saving ----------------------------------------------------------------------------------------------


def notification_template_save(
    *, actor: User | None, topic: str, channel: str, language: str, subject: str, body: str
) -> NotificationTemplate:
    """Create or replace the administrators' template of (topic, channel, language); audited."""
    spec, chan, lang = _topic(topic), _channel(channel), _language(language)
    subject = (subject or "").strip() if chan != Channel.SMS else ""
    body = (body or "").strip()
    if not body:
        raise TemplateInvalid(_("Nội dung mẫu không được để trống."), code="template_body_required")
    if len(subject) > SUBJECT_MAX:
        raise TemplateInvalid(
            _("Tiêu đề dài tối đa %(max)s ký tự."), code="template_subject_too_long", max=SUBJECT_MAX
        )
    if len(body) > BODY_MAX:
        raise TemplateInvalid(
            _("Nội dung dài tối đa %(max)s ký tự."), code="template_body_too_long", max=BODY_MAX
        )
    check = template_check(topic=spec, texts={"subject": subject, "body": body})
    with transaction.atomic():
        row, created = NotificationTemplate.objects.select_for_update().get_or_create(
            topic=spec.key,
            channel=chan,
            language=lang,
            defaults={"subject": subject, "body": body, "updated_by": actor},
        )
        if not created:
            row.subject, row.body, row.updated_by = subject, body, actor
            row.save(update_fields=["subject", "body", "updated_by", "updated_at"])
        audit_record(
            action="notification_template.save",
            actor=actor,
            obj=row,
            data={"topic": spec.key, "channel": chan.value, "language": lang, "created": created,
                  "placeholders": sorted(check.used)},
        )  # fmt: skip
    return row


def notification_template_delete(*, actor: User | None, template: NotificationTemplate) -> None:
    """Remove an administrator's template: the built-in text applies again; audited."""
    with transaction.atomic():
        data = {"topic": template.topic, "channel": template.channel, "language": template.language}
        audit_record(action="notification_template.delete", actor=actor, obj=template, data=data)
        NotificationTemplate.objects.filter(pk=template.pk).delete()
