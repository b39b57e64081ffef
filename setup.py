"""Packages plus the repository's models/ and experiments/ shipped as package data under necro_sbml/_data/.

The data stays at the top of the checkout (where users edit it); a wheel maps it into the package so a
non-editable install reads it through importlib.resources (see necro_sbml/core/paths.py)."""

from setuptools import find_packages, setup

DATA = {"necro_sbml._data.models": "models", "necro_sbml._data.experiments": "experiments"}
PATTERNS = ["*.ant", "*.tsv", "*.toml", "*.md", "*.sedml", "*.csv", "*.json", "sbml/*.xml", "data/*", "data/**/*"]

setup(
    packages=find_packages(include=["necro_sbml", "necro_sbml.*"]) + list(DATA),
    package_dir=DATA,
    package_data={**{name: PATTERNS for name in DATA}, "necro_sbml.core": ["templates/*.j2"]},
)
