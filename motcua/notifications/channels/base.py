from __future__ import annotations


class ChannelError(Exception):
    """A channel could not hand the message over. The text is stored and logged: no personal data in it."""
