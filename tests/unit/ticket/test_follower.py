"""The follower never lets a half-switched page show two tickets at once."""

from __future__ import annotations

from pyapp.ticket.follower import TicketFollower
from pyapp.ticket.parser import Ticket


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def t(key="101", email="jane@example.com", orders=("#1001",), mentioned=(), found=True, confirmed=False):
    return Ticket(
        key=f"/inbox/tickets/{key}",
        is_ticket=True,
        email=email,
        orders=orders,
        mentioned=mentioned,
        customer_found=found,
        route_confirmed=confirmed,
    )


def test_a_stale_sidebar_is_not_shown_for_the_new_ticket():
    clock, f = Clock(), TicketFollower(Clock())
    f = TicketFollower(clock)
    assert f.read(t(mentioned=("#2001",))).customer_known
    r = f.read(t("102", mentioned=("#2001",)))  # URL is 102, both panes still show 101
    assert not r.customer_known and r.ticket.mentioned == () and r.look_again_at == 102.5
    r = f.read(t("102", mentioned=("#3003",)))  # 102's conversation arrived, the sidebar is still 101's
    assert not r.customer_known and r.ticket.mentioned == ("#3003",)
    r = f.read(t("102", email="max@example.com", orders=("#1003",), mentioned=("#3003",)))
    assert r.customer_known and r.look_again_at is None


def test_a_sidebar_that_names_the_ticket_is_trusted_at_once():
    clock = Clock()
    f = TicketFollower(clock)
    f.read(t())
    assert f.read(t("102", confirmed=True)).customer_known  # same customer, and it says "ID 102"


def test_a_loading_pane_waits_and_two_tickets_of_one_customer_are_shown_after_the_wait():
    clock = Clock()
    f = TicketFollower(clock)
    f.read(t())
    assert not f.read(t("102", found=False)).customer_known
    r = f.read(t("102"))  # looks exactly like 101, says nothing of its id
    assert not r.customer_known
    clock.t += 2.6
    assert f.read(t("102")).customer_known


def test_the_first_ticket_needs_its_pane_on_screen():
    clock = Clock()
    f = TicketFollower(clock)
    assert not f.read(t(found=False)).customer_known
    assert f.read(t()).customer_known
