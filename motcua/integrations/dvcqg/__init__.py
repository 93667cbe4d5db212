"""Synchronisation with the national public-service portal (Cổng Dịch vụ công quốc gia, DVCQG).

Since 07/2025 citizens file online dossiers on the national portal and the provincial system is its back
office: the dossiers filed there are pulled into motcua (``inbound``), and every status change and result
of the province's dossiers is pushed back (``hooks`` → the outbox ``models.PortalUpdate`` → ``outbox``),
with the codes mapped both ways (``codes``). ``fake`` is a local portal for dev and tests, also served over
HTTP at /sandbox/dvcqg/ (``sandbox``). The worker is ``motcua sync_dvcqg``; the monitoring page is in the back
office at /can-bo/dong-bo-dvcqg/. See docs/architecture/dvcqg-sync.md.
"""
