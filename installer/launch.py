"""The frozen program's entry point (PyInstaller): the same as ``fupin`` / ``python -m fupin_desktop``."""

import multiprocessing

if __name__ == "__main__":
    # A package verification worker (intake/verify_pool.py) is this same program started again:
    # it must run the worker, not open a second window.
    multiprocessing.freeze_support()
    from fupin_desktop.cli import main

    raise SystemExit(main())
