"""OAuth 2 as Mastodon apps speak it: client apps, tokens and scopes, shared by the API and the
streaming interfaces, which both ask it who is calling."""
