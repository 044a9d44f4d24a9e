"""Bursts over a limit are refused (RATE_LIMITED, retryAfter, Retry-After) per client, per
account and per target, while other clients are still served; addresses are read behind
trusted proxies only."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

import hub.services.passwords as passwords
from hub.settings import Settings
from tests.graphql.test_accounts import sign_up_input
from tests.helpers import SUBMIT_NEED, need_input
from tests.limits.conftest import SIGN_IN, SIGN_UP_DOC, client_at, refusal, running

FLAG = """mutation($input: FlagEntryInput!) { flagEntry(input: $input) { userErrors { code } } }"""


def limited(settings: Settings, *overrides: tuple[str, str], **changes: object) -> Settings:
    """`settings` with some limits changed (HUB_RATE_LIMIT_<NAME>_<SCOPE>)."""
    return replace(settings, rate_limit_overrides=overrides, **changes)  # type: ignore[arg-type]


def forwarded(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


async def test_a_burst_of_submissions_is_refused_while_another_client_is_served(
    settings: Settings,
) -> None:
    # The default: 20 submissions a minute from one client; a hospital's ten pass.
    async with (
        running(settings) as app,
        client_at(app, "198.51.100.10") as script,
        client_at(app, "198.51.100.11") as other,
    ):
        for _ in range(20):
            body = await script.data(SUBMIT_NEED, {"input": need_input()})
            assert body["submitNeed"]["need"] is not None
        response = await script.http.post(
            "/graphql", json={"query": SUBMIT_NEED, "variables": {"input": need_input()}}
        )
        refused = refusal(response.json())
        assert isinstance(refused["retryAfter"], int) and 0 < refused["retryAfter"] <= 60
        assert response.headers["retry-after"] == str(refused["retryAfter"])
        assert response.json()["data"] is None
        served = await other.data(SUBMIT_NEED, {"input": need_input()})
        assert served["submitNeed"]["need"] is not None


async def test_a_spoofed_forwarded_for_is_ignored_without_a_trusted_proxy(
    settings: Settings,
) -> None:
    configured = limited(settings, ("submit_client", "2/hour"))
    async with running(configured) as app, client_at(app, "198.51.100.20") as client:
        for n in range(2):
            await client.data(SUBMIT_NEED, {"input": need_input()}, **forwarded(f"192.0.2.{n}"))
        refusal(await client.post(SUBMIT_NEED, {"input": need_input()}, **forwarded("192.0.2.77")))


async def test_behind_a_trusted_proxy_clients_are_counted_apart(settings: Settings) -> None:
    configured = limited(settings, ("submit_client", "2/hour"), trusted_proxies=("10.0.0.0/8",))
    async with running(configured) as app, client_at(app, "10.1.2.3") as proxy:
        for _ in range(2):
            await proxy.data(SUBMIT_NEED, {"input": need_input()}, **forwarded("192.0.2.1"))
        refusal(await proxy.post(SUBMIT_NEED, {"input": need_input()}, **forwarded("192.0.2.1")))
        # Another client behind the same proxy has its own bucket.
        served = await proxy.data(SUBMIT_NEED, {"input": need_input()}, **forwarded("192.0.2.2"))
        assert served["submitNeed"]["need"] is not None
        # And a client cannot escape by putting addresses of its own in front.
        spoofed = forwarded("6.6.6.6, 192.0.2.1")
        refusal(await proxy.post(SUBMIT_NEED, {"input": need_input()}, **spoofed))


class CountingVerifications:
    """Counts argon2 verifications (the cost a refused sign-in must not incur)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = passwords.verify_password

        def counted(stored: str | None, password: str) -> bool:
            self.calls += 1
            return real(stored, password)

        monkeypatch.setattr(passwords, "verify_password", counted)


def credentials(email: str, password: str = "guess-123456") -> dict[str, object]:  # noqa: S107
    return {"input": {"email": email, "password": password}}


async def test_credential_stuffing_from_one_client_is_refused_before_argon2(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    argon2 = CountingVerifications(monkeypatch)
    configured = limited(settings, ("sign_in_client", "4/minute"))
    async with running(configured) as app, client_at(app, "198.51.100.30") as stuffer:
        for n in range(4):
            body = await stuffer.data(SIGN_IN, credentials(f"victim{n}@example.org"))
            assert body["signIn"]["userErrors"] == [{"code": "INVALID_CREDENTIALS"}]
        assert argon2.calls == 4
        for n in range(4, 10):
            refused = refusal(await stuffer.post(SIGN_IN, credentials(f"victim{n}@example.org")))
            assert isinstance(refused["retryAfter"], int) and refused["retryAfter"] > 0
        assert argon2.calls == 4


async def test_guessing_one_password_from_many_clients_is_refused_per_email(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = limited(settings, ("sign_in_target", "3/minute"))
    async with running(configured) as app:
        async with client_at(app, "198.51.100.40") as owner:
            await owner.data(SIGN_UP_DOC, sign_up_input(email="nurse@example.org"))
        argon2 = CountingVerifications(monkeypatch)
        guesses = []
        for n in range(6):
            async with client_at(app, f"203.0.113.{n + 1}") as bot:
                # The e-mail as typed differently each time: still one target.
                email = " Nurse@Example.org" if n % 2 else "nurse@example.org "
                guesses.append(await bot.post(SIGN_IN, credentials(email, f"guess-{n:08d}")))
        assert ["errors" in g for g in guesses] == [False] * 3 + [True] * 3
        for guess in guesses[3:]:
            refusal(guess)
        assert argon2.calls == 3
        # Other accounts are not affected.
        async with client_at(app, "203.0.113.99") as someone:
            body = await someone.data(SIGN_IN, credentials("other@example.org"))
            assert body["signIn"]["userErrors"] == [{"code": "INVALID_CREDENTIALS"}]


async def test_flagging_in_bursts_is_refused(settings: Settings) -> None:
    async with (
        running(settings) as app,
        client_at(app, "198.51.100.50") as poster,
        client_at(app, "198.51.100.51") as flagger,
    ):
        need = (await poster.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
        flag = {"input": {"entryId": need["id"], "reason": "FAKE"}}
        for _ in range(5):
            assert (await flagger.data(FLAG, flag))["flagEntry"]["userErrors"] == []
        refusal(await flagger.post(FLAG, flag))


async def test_signed_in_callers_are_also_limited_per_account(settings: Settings) -> None:
    configured = limited(settings, ("submit_account", "2/hour"))
    async with running(configured) as app, client_at(app, "198.51.100.60") as volunteer:
        await volunteer.data(SIGN_UP_DOC, sign_up_input())
        for _ in range(2):
            await volunteer.data(SUBMIT_NEED, {"input": need_input()})
        refusal(await volunteer.post(SUBMIT_NEED, {"input": need_input()}))


async def test_rate_limits_off_counts_nothing(settings: Settings) -> None:
    configured = limited(settings, ("sign_out_client", "1/hour"), rate_limit_scale=0.0)
    async with running(configured) as app, client_at(app, "198.51.100.70") as client:
        for _ in range(5):
            await client.data("mutation { signOut { signedOut } }")


async def test_the_web_sign_in_form_answers_429_with_a_readable_message(
    settings: Settings,
) -> None:
    configured = limited(settings, ("sign_in_client", "1/minute"))
    async with running(configured) as app:
        transport = httpx.ASGITransport(app=app, client=("198.51.100.80", 1234))
        async with httpx.AsyncClient(transport=transport, base_url="https://hub.test") as browser:
            page = await browser.get("/signin")
            form = {"email": "a@example.org", "password": "not-the-password"}
            form["csrf"] = browser.cookies.get("hub_csrf") or ""
            statuses = []
            for _ in range(2):
                response = await browser.post("/signin", data=form)
                statuses.append(response.status_code)
        assert page.status_code == 200
        assert statuses == [400, 429]
        assert int(response.headers["retry-after"]) > 0
        assert "Too many tries" in response.text


SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) { sent } }"""


async def test_the_hourly_message_limit_counts_each_client_behind_a_proxy_apart(
    settings: Settings,
) -> None:
    # Before: the limit keyed on the socket's peer, so behind a proxy every anonymous sender
    # shared one bucket and one sender could use it up for all.
    configured = replace(settings, messages_per_hour=1, trusted_proxies=("10.0.0.0/8",))
    async with running(configured) as app, client_at(app, "10.0.0.5") as proxy:
        need = (await proxy.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
        message = {"input": {"entryId": need["id"], "body": "我们有口罩"}}
        first = await proxy.data(SEND, message, **forwarded("192.0.2.10"))
        assert first["sendMessage"]["sent"] is True
        refused = refusal(await proxy.post(SEND, message, **forwarded("192.0.2.10")))
        assert refused["retryAfter"] == 3600
        other = await proxy.data(SEND, message, **forwarded("192.0.2.11"))
        assert other["sendMessage"]["sent"] is True
