"""Sign-in with the organisation's own identity provider: OpenID Connect and SAML 2.0.

The protocols are done by libraries made for them (Authlib's Flask client for OpenID Connect,
pysaml2 for SAML); this package only picks the organisation's settings, matches the verified
email to an account of that organisation, and refuses everything else with an audit event.
"""
