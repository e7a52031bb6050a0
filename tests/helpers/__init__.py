"""Shared test helpers, imported as `helpers.<module>` (pyproject.toml puts
tests/ on the path): paths of the project, throwaway records repositories and
the real command line, records built in memory, and the site, hostile-input
and document helpers that several test files use.

Fixtures stay in the conftest.py files; what is here is plain code."""
