"""Signing in: failed attempts and their throttle, the browsers an account is signed in on, and
two-factor codes. The web pages, the OAuth authorize page and the token endpoint all use it."""
