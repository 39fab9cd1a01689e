from fupin_desktop.cli import main

# Guarded: package verification workers are spawned and import the main module again (verify_pool).
if __name__ == "__main__":
    raise SystemExit(main())
