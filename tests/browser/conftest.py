# The browser fixtures (`browser_page`, `login`) live in tests/browser/harness.py and are loaded for the whole
# suite by the root conftest, so tests in any app can use them.
