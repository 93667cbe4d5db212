from django.http import HttpRequest

from motcua.notifications.selectors import inbox_unread_count


def inbox(request: HttpRequest) -> dict[str, int]:
    """The unread count for the header (one COUNT query for a signed-in user, none otherwise)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"UNREAD_COUNT": 0}
    return {"UNREAD_COUNT": inbox_unread_count(user=user)}
