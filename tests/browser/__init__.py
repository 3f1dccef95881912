"""Browser tests (see conftest.py); a package so its conftest does not clash with tests/conftest.py."""
