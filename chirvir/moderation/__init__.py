"""Moderation: reports, the moderators' actions on accounts and posts with their audit log, the
blocks that refuse sign-ups, and the spam signals that flag an account for review."""
