"""Allow `python -m cancerkg`."""

from cancerkg.cli import main

main()
