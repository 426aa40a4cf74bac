"""Who may come in: the users of the app, their passwords (Argon2id), sign-in with a limit on
failed attempts and session expiry, and the mapping of an organisation's sign-in (OIDC) to a
user.  What a signed-in user may *write* is enforced at the write door (``store.actors``)."""
