"""Who may administer the notifications (the templates, the delivery log, other users' channel
preferences): the province administrator, in the back office and through the API. Each user manages their
own preferences and inbox."""

from __future__ import annotations

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import user_roles


def notifications_can_administer(*, user: User) -> bool:
    return Role.PROVINCE_ADMIN in user_roles(user=user)
