"""SMS through Kannel: its sms-service calls Chirvir for each message a phone sends, and Chirvir's
replies and followees' posts leave through its sendsms interface, encoded as the network carries
them (encoding.py)."""
