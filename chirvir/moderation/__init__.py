"""Moderation: reports, the moderators' actions on accounts and posts with their audit log, the
e-mail domains refused at sign-up, and the spam signals that flag an account for review."""
