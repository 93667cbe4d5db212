"""Background tasks (django-tasks) of the accounts app.

``password_reset_send`` sends the password-reset emails outside the request, so the "forgot password" page
answers in the same time whether the address has an account or not (the request enqueues one task either
way; the SMTP exchange happens in the worker). The task receives account ids, never the token: the link is
made in the worker, so no reset token sits in the task queue.
"""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from .models import User


@task()
def password_reset_send(
    user_ids: list[int], domain: str, use_https: bool, subject_template_name: str, email_template_name: str
) -> int:
    sender = PasswordResetForm()
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        if not user.email or not user.has_usable_password():
            continue
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": domain,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": "https" if use_https else "http",
        }
        sender.send_mail(subject_template_name, email_template_name, context, None, user.email)
        sent += 1
    return sent
