import datetime as dt

from motcua.calendar.engine import TZ


def at(text: str) -> dt.datetime:
    """A local Asia/Ho_Chi_Minh moment from 'YYYY-MM-DD HH:MM[:SS]'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)
