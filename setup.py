"""Package data from the checkout's top-level forms/ and resources/ folders.

They stay where a developer edits them; in the wheel (and an installed program) they sit inside
the package as fupin_desktop/forms and fupin_desktop/resources, found by fupin_desktop.paths.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["fupin_desktop*"]), "fupin_desktop.forms", "fupin_desktop.resources"],
    package_dir={"fupin_desktop.forms": "forms", "fupin_desktop.resources": "resources"},
    package_data={"fupin_desktop.store": ["migrations/*.py", "migrations/versions/*.py"],
                  "fupin_desktop.forms": ["*.toml", "*/*.toml"],
                  "fupin_desktop.resources": ["fonts/*", "divisions/*", "manual/*"]},
)
