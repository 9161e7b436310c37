"""Gateways: ways in and out of Chirvir beyond the web and the API (SMS, XMPP, e-mail). This app
holds what the message channels share: linked addresses, the command language, and which links a
delivered post goes out to. Each channel is an app of its own below it."""
