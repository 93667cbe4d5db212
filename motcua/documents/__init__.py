"""Printable official documents: HTML templates rendered to PDF with WeasyPrint and a vendored font.

This package sits at the level of ``core``: it renders plain data (the frozen dataclasses of ``forms``) and
imports no domain app.
"""
