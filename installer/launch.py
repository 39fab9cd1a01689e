"""The frozen program's entry point (PyInstaller): the same as ``fupin`` / ``python -m fupin_desktop``."""

from fupin_desktop.cli import main

raise SystemExit(main())
