from .helpers import vneid

__all__ = ["vneid"]
