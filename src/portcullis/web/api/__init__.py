"""The JSON API for clearance systems and scripts: /api/v1/ (django-ninja)."""
