"""motcua — một cửa: the provincial administrative-procedure information system."""

__version__ = "0.1.0"
