"""The XMPP gateway: a bot account that linked Jabber addresses chat with (`chirvir xmpp`), and
the deliveries of followees' posts to them as chat messages, through the job queue."""
