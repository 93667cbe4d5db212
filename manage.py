#!/usr/bin/env python
"""Same as the ``motcua`` console script, for those who expect a manage.py."""

from motcua.cli import main

if __name__ == "__main__":
    main()
