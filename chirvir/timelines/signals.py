"""What delivery tells the rest of Chirvir, so that the ways out (the gateways) hear of a post
without the timelines importing any of them."""

from django.dispatch import Signal

# Sent once a status reached its home feeds, after that write committed: status_id (int) and
# recipient_ids (list[int], the accounts whose homes took it). Receivers queue their own jobs.
status_delivered = Signal()
