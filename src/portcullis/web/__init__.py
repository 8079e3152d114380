"""The Django project: persistence, users, permissions, pages and the API, one app per concept.

Apps call ``portcullis.engine`` for everything that is not storage or presentation."""
