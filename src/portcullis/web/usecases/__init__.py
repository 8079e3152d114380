"""The use cases: one function per action, the only place where who may do what is decided.

Each takes the actor (who asks, and through which channel) and typed input; checks the
actor's permission, or the token's scope, and the office scope of every record it touches;
runs in one transaction, retried when the database says it lost a race; writes the audit
event; and returns a result or raises a ``portcullis.web.errors.DomainError``. Pages, API
handlers and commands call these functions and check nothing of their own; lists are read
through the one scoping query of each concept (``portcullis.web.declarations.reach``)."""
