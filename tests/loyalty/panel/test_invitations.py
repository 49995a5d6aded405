"""R16: nobody is put into a business they did not accept; staff invitations by e-mail.

Adding a person records an invitation and e-mails a link; the membership exists only once
the person the link was sent to accepts it. The invite form answers the same whatever the
e-mail.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loyalty.models import Invitation, Membership
from tests.factories import BusinessFactory, MembershipFactory, UserFactory

from .conftest import PASSWORD, logged_in

pytestmark = pytest.mark.django_db
User = get_user_model()


def invite(client, email, role="manager", **extra):
    return client.post(reverse("panel:staff_invite"), {"email": email, "role": role, **extra})


def link_of(message):
    """The path of the invitation link in an e-mail."""
    return re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body).group(1)


def signed_in(email):
    """A browser that logged in through the login page, as a person does."""
    client = Client()
    response = client.post(reverse("panel:login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def shown_business(client):
    response = client.get(reverse("panel:home"))
    switcher = [m.business.name for m in response.context["user_memberships"]]
    return response.context["current_business"].name, switcher


@pytest.fixture
def owner_b():
    """Another business's owner, with a login of their own (the attack's target)."""
    user = UserFactory(email="owner-b@example.com")
    MembershipFactory(business=BusinessFactory(name="Zebra bakery"), user=user, role="owner")
    return user


# --- the attack -----------------------------------------------------------------------------


def test_inviting_another_owner_puts_them_nowhere_until_they_accept(
    owner_client, business, owner_b, mailoutbox
):
    # "Coffee Corner" sorts before "Zebra bakery": a membership there used to win at login.
    live = signed_in("owner-b@example.com")
    assert invite(owner_client, "OWNER-B@example.com", role="owner").status_code == 302

    assert not Membership.objects.filter(business=business, user=owner_b).exists()
    assert shown_business(live) == ("Zebra bakery", ["Zebra bakery"])
    fresh = signed_in("owner-b@example.com")
    assert shown_business(fresh) == ("Zebra bakery", ["Zebra bakery"])
    assert "Coffee Corner" not in fresh.get(reverse("panel:home")).content.decode()

    link = link_of(mailoutbox[0])
    question = fresh.get(link)
    assert question.status_code == 200 and "Coffee Corner" in question.content.decode()
    assert shown_business(fresh)[0] == "Zebra bakery"  # opening the link changes nothing
    answer = fresh.post(link, {"answer": "accept"})
    assert answer["Location"] == reverse("panel:home")
    assert Membership.objects.get(business=business, user=owner_b).role == "owner"
    # The accepter's own action may switch their session; the switcher lists both.
    assert shown_business(fresh) == ("Coffee Corner", ["Coffee Corner", "Zebra bakery"])
    assert shown_business(live)[0] == "Zebra bakery"  # their other session stays put


def test_a_membership_added_by_someone_else_does_not_switch_a_live_session(owner_b, business):
    live = logged_in(owner_b)  # a session that has not chosen a business yet
    assert shown_business(live)[0] == "Zebra bakery"
    # Platform staff add a membership in a business that sorts first.
    MembershipFactory(business=business, user=owner_b, role="owner")
    assert shown_business(live) == ("Zebra bakery", ["Coffee Corner", "Zebra bakery"])


# --- the form answers the same --------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
INVITATION_ID = re.compile(r"/staff/invitations/\d+/")


def answer_of(client, email):
    """The POST's answer and the page it leads to, with the e-mail, CSRF token and the
    invitation's id taken out."""
    response = invite(client, email)
    page = client.get(response["Location"]).content.decode()
    # Leave the next e-mail's page with no invitation of this one.
    Invitation.objects.filter(email=email).update(revoked_at=timezone.now())

    def clean(text):
        text = CSRF.sub("CSRF", text.replace(email, "EMAIL"))
        return INVITATION_ID.sub("/staff/invitations/ID/", text)

    headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
    return response.status_code, headers, clean(response.content.decode()), clean(page)


def test_the_answer_is_the_same_whether_or_not_the_email_has_a_login(
    owner_client, owner, owner_b, mailoutbox
):
    known = answer_of(owner_client, "owner-b@example.com")
    unknown = answer_of(owner_client, "nobody@example.com")
    assert known == unknown
    assert known[0] == 302
    assert "An invitation was sent to EMAIL." in known[3]
    assert "Invitations not accepted yet" in known[3]
    # The e-mails do not tell either: same subject, same text but for the link.
    first, second = mailoutbox
    assert first.subject == second.subject
    assert first.body.replace(link_of(first), "") == second.body.replace(link_of(second), "")


def test_a_current_member_gets_the_same_answer_and_no_second_invitation(
    owner_client, owner, manager, mailoutbox
):
    member = invite(owner_client, "manager@example.com")
    other = invite(owner_client, "nobody@example.com")
    assert (member.status_code, member["Location"]) == (other.status_code, other["Location"])
    page = owner_client.get(member["Location"])
    assert "An invitation was sent to manager@example.com." in page.content.decode()
    assert not Invitation.objects.filter(email="manager@example.com").exists()
    assert [m.to for m in mailoutbox] == [["nobody@example.com"]]


# --- accepting ------------------------------------------------------------------------------


def test_a_new_person_sets_a_password_through_the_link_and_lands_in_the_business(
    owner_client, business, mailoutbox
):
    invite(owner_client, "New.Person@Example.com", role="manager")
    link = link_of(mailoutbox[0])
    newcomer = Client()
    assert newcomer.get(link).context["state"] == "new_login"
    mismatch = newcomer.post(
        link, {"first_name": "Olena", "password": "long-pass-123", "password_again": "other-1"}
    )
    assert "differ" in " ".join(mismatch.context["form"].errors["password_again"])
    assert not User.objects.filter(username="new.person@example.com").exists()

    response = newcomer.post(
        link,
        {"first_name": "Olena", "last_name": "K", "password": "long-pass-123",
         "password_again": "long-pass-123"},
    )  # fmt: skip
    assert response["Location"] == reverse("panel:home")
    user = User.objects.get(username="new.person@example.com")
    assert (user.first_name, user.email) == ("Olena", "new.person@example.com")
    assert Membership.objects.get(business=business, user=user).role == "manager"
    assert shown_business(newcomer)[0] == "Coffee Corner"
    assert Client().login(username="new.person@example.com", password="long-pass-123")
    # Used once: the link is gone, and the staff page lists the person, not the invitation.
    assert newcomer.get(link).status_code == 404
    assert Client().get(link).status_code == 404
    staff = owner_client.get(reverse("panel:staff_list"))
    assert staff.context["invitations"] == []


def test_a_person_with_a_login_signs_in_from_the_link_then_accepts(
    owner_client, business, owner_b, mailoutbox
):
    invite(owner_client, "owner-b@example.com", role="manager")
    link = link_of(mailoutbox[0])
    visitor = Client()
    page = visitor.get(link)
    assert page.context["state"] == "sign_in"
    assert not User.objects.get(pk=owner_b.pk).memberships.filter(business=business).exists()
    login = visitor.post(
        reverse("panel:login") + f"?next={link}",
        {"username": "owner-b@example.com", "password": PASSWORD, "next": link},
    )
    assert login["Location"] == link
    visitor.post(link, {"answer": "decline"})
    assert not Membership.objects.filter(business=business, user=owner_b).exists()
    assert visitor.get(link).status_code == 404  # a declined link is done


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_an_expired_or_revoked_link_does_nothing(owner_client, business, owner_b, mailoutbox, how):
    invite(owner_client, "owner-b@example.com", role="owner")
    invite(owner_client, "new@example.com", role="manager")
    links = [link_of(m) for m in mailoutbox]
    for invitation in Invitation.objects.all():
        if how == "expired":
            Invitation.objects.filter(pk=invitation.pk).update(
                expires_at=timezone.now() - timedelta(seconds=1)
            )
        else:
            url = reverse("panel:staff_invitation_revoke", args=[invitation.pk])
            assert owner_client.post(url).status_code == 302
    member = signed_in("owner-b@example.com")
    assert member.get(links[0]).status_code == 404
    assert member.post(links[0], {"answer": "accept"}).status_code == 404
    stranger = Client()
    data = {"first_name": "X", "password": "long-pass-123", "password_again": "long-pass-123"}
    assert stranger.post(links[1], data).status_code == 404
    assert not Membership.objects.filter(business=business, user=owner_b).exists()
    assert not User.objects.filter(username="new@example.com").exists()


def test_a_link_opened_by_another_signed_in_user_does_not_accept(
    owner_client, business, owner_b, manager, mailoutbox
):
    invite(owner_client, "owner-b@example.com", role="owner")
    invite(owner_client, "new@example.com", role="owner")
    existing, new = (link_of(m) for m in mailoutbox)
    intruder = logged_in(manager)
    for link in (existing, new):
        page = intruder.get(link)
        assert page.status_code == 403 and page.context["state"] == "someone_else"
        data = {"answer": "accept", "first_name": "X", "password": "long-pass-123",
                "password_again": "long-pass-123"}  # fmt: skip
        assert intruder.post(link, data).status_code == 403
    assert Membership.objects.get(user=manager).role == "manager"
    assert not Membership.objects.filter(business=business, user=owner_b).exists()
    assert not User.objects.filter(username="new@example.com").exists()
    assert Invitation.objects.open().count() == 2  # still there for the right people


# --- the owner's side -----------------------------------------------------------------------


def test_the_staff_page_lists_pending_invitations_to_resend_or_revoke(
    owner_client, pos, mailoutbox
):
    form = owner_client.get(reverse("panel:staff_invite")).context["form"]
    assert form["role"].value() == "cashier"  # the least-privileged role by default
    invite(owner_client, "anna@example.com", role="cashier", points_of_sale=[pos.pk])
    page = owner_client.get(reverse("panel:staff_list"))
    [invitation] = page.context["invitations"]
    text = page.content.decode()
    assert "anna@example.com" in text and "Cashier" in text
    old_link = link_of(mailoutbox[0])

    owner_client.post(reverse("panel:staff_invitation_resend", args=[invitation.pk]))
    new_link = link_of(mailoutbox[1])
    assert new_link != old_link
    assert Client().get(old_link).status_code == 404  # the old link stops working
    assert Client().get(new_link).status_code == 200

    # Inviting the same e-mail again resends the one invitation, with the new role.
    invite(owner_client, "anna@example.com", role="manager")
    assert Invitation.objects.open().get().role == "manager"
    assert Client().get(new_link).status_code == 404

    owner_client.post(reverse("panel:staff_invitation_revoke", args=[invitation.pk]))
    assert owner_client.get(reverse("panel:staff_list")).context["invitations"] == []
    assert Client().get(link_of(mailoutbox[2])).status_code == 404


def test_invitations_of_another_business_answer_404(owner_client, business, mailoutbox):
    other_owner = UserFactory(email="other@example.com")
    other = BusinessFactory(name="Other")
    MembershipFactory(business=other, user=other_owner, role="owner")
    invite(logged_in(other_owner), "someone@example.com")
    invitation = Invitation.objects.get(business=other)
    for name in ("staff_invitation_resend", "staff_invitation_revoke"):
        url = reverse(f"panel:{name}", args=[invitation.pk])
        assert owner_client.post(url).status_code == 404
    assert Invitation.objects.open().get() == invitation
    assert len(mailoutbox) == 1


def test_only_owners_invite(manager_client, business):
    assert invite(manager_client, "x@example.com").status_code == 403
    assert not Invitation.objects.exists()


def test_the_token_is_stored_hashed(owner_client, mailoutbox):
    invite(owner_client, "anna@example.com")
    token = link_of(mailoutbox[0]).split("/")[2]
    stored = Invitation.objects.get()
    assert token not in stored.token_hash and len(token) >= 40


def test_the_email_speaks_the_business_language(owner_client, business, mailoutbox):
    business.language = "uk"
    business.save(update_fields=["language"])
    invite(owner_client, "anna@example.com", role="manager")
    [message] = mailoutbox
    assert message.subject == "Запрошення до Coffee Corner у Perkline"
    assert "роль: Менеджер" in message.body and link_of(message) in message.body
