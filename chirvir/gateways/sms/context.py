"""What the pages need to know of SMS: whether it is on, so that settings link to the phone page."""

from chirvir.gateways.sms import kannel


def sms(request):
    return {"sms_on": kannel.configured()}
