"""The ``portcullis`` command: Django's manage.py with Portcullis's settings preset."""

from __future__ import annotations

import os
import sys


def main() -> None:
    from portcullis import allocator

    allocator.configure()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portcullis.web.settings")
    from django.core.management import execute_from_command_line

    from portcullis.web.environment import ConfigurationError

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as error:
        sys.stderr.write(f"portcullis: configuration error: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
