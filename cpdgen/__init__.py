"""cpdgen: CPD records as YAML in git, checked, reported and published."""

__version__ = "0.1.0"
