"""Whether pages offer the instant messaging settings: only while the XMPP bot is configured."""

from chirvir.gateways.xmpp import connection


def xmpp(request):
    return {"xmpp_on": connection.configured()}
