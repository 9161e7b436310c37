"""Web Push: the subscriptions apps make with their tokens, the server's VAPID key, and the
delivery of each notification, encrypted, to the push service a subscription names."""
