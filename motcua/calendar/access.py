"""Who may administer the working calendar (days off, swaps, working hours, recomputing deadlines): the
province administrator, in the back office and through the API. Everybody may read the calendar."""

from __future__ import annotations

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import user_roles


def calendar_can_administer(*, user: User) -> bool:
    return Role.PROVINCE_ADMIN in user_roles(user=user)
