"""Webhooks for client systems: dossier events pushed to the endpoints an administrator registers.

The shapes follow the national-portal synchronisation (``..dvcqg``): an event hook writes one
``WebhookDelivery`` per matching endpoint in the dossier event's own transaction (the outbox), and the worker
``motcua deliver_webhooks`` sends them after commit, signed (HMAC-SHA256, Stripe-style header), retried with
back-off, each attempt logged. docs/api/webhooks.md is the receivers' side of it.
"""
