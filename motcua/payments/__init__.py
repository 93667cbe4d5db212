"""Fees due, payment orders, gateway adapters (VNPay protocol 2.1.0 and its local sandbox).

See docs/architecture/payments.md.
"""
