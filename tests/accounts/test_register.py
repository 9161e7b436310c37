import pytest

from chirvir.accounts import services
from chirvir.accounts.models import Account
from chirvir.core.errors import Invalid

PASSWORD = "a long password 7"


def test_a_newcomer_registers_and_can_log_in_with_any_case_of_the_name():
    account = services.register("Ayesha_99", PASSWORD, email="ayesha@example.org", display_name="आयशा")
    assert account.display_name == "आयशा"
    assert Account.objects.get_by_natural_key("ayesha_99") == account
    assert account.check_password(PASSWORD)


@pytest.mark.parametrize("name", ["", "a" * 31, "has space", "dash-name", "हिन्दी", "qazaq_тілі", "ali.baba"])
def test_usernames_are_1_to_30_letters_digits_and_underscores(name):
    with pytest.raises(Invalid, match="1 to 30"):
        services.register(name, PASSWORD)


@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\u2066", "\u200f", "\u00ad", "\ufeff"])
def test_usernames_refuse_invisible_and_direction_control_characters(hidden):
    with pytest.raises(Invalid, match="invisible or direction-control"):
        services.register(f"paypal{hidden}", PASSWORD)


def test_a_username_is_taken_whatever_its_case():
    services.register("Budi", PASSWORD)
    with pytest.raises(Invalid, match="taken"):
        services.register("bUDI", PASSWORD)
    assert Account.objects.count() == 1


def test_30_characters_is_the_longest_username():
    assert services.register("x" * 30, PASSWORD).username == "x" * 30


def test_weak_passwords_are_refused_with_the_reason():
    with pytest.raises(Invalid, match="too common"):
        services.register("rahul", "password123")
    assert not Account.objects.exists()


def test_an_email_address_is_checked_and_used_once():
    services.register("one", PASSWORD, email="same@example.org")
    with pytest.raises(Invalid, match="valid e-mail"):
        services.register("two", PASSWORD, email="not an address")
    with pytest.raises(Invalid, match="already in use"):
        services.register("three", PASSWORD, email="SAME@example.org")


def test_display_names_refuse_direction_overrides_but_keep_joiners():
    with pytest.raises(Invalid, match="invisible"):
        services.register("spoof", PASSWORD, display_name="gnp\u202eexe")
    # ZWJ inside an emoji sequence, ZWNJ inside Hindi: both are part of the writing.
    account = services.register("family", PASSWORD, display_name="👩\u200d👩\u200d👧 क\u200cष")
    assert "\u200d" in account.display_name
