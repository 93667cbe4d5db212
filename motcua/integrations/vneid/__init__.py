"""Sign-in with the national electronic identity (VNeID) through OpenID Connect.

``client`` is the relying party (authorization code flow, PKCE S256, ID token verified against the
provider's keys), ``claims`` turns the provider's claims into a typed identity, ``conf`` reads
``MOTCUA_VNEID``. ``fake`` is a local provider speaking the same protocol for dev, demo and tests, served
over HTTP at /sandbox/vneid/ (``sandbox``). The portal's views (motcua.portal.views_vneid) drive the flow;
the account is found or made by motcua.accounts.services_identity. See docs/operations/identity.md.
"""
