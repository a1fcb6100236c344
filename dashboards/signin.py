"""Who is signed in to the dashboard: single sign-on, local accounts, or the demo (issue 8).

Why in its own module: the entry script asks one question, ``current(lang)``, and gets a
``Session``: the demo (anyone picks a role, with a banner saying why), a signed-in account
(its ``Principal`` is what every page and library call checks), or nobody yet (then the app
shows ``sign_in_page`` and nothing else). The rules themselves live in
``evaluation.accounts``; this module only holds the session and draws the forms.

- Demo: only while no account exists (the first run of a fresh install, or a database kept
  for a demo with ``EVALUATION_DEMO=1`` / ``[accounts] demo``). On a database that holds
  accounts the demo setting is refused (issue 21): the sign-in says so, and is the way in.
- Single sign-on: Streamlit's ``st.login`` with the OpenID Connect provider in
  ``.streamlit/secrets.toml`` (``[auth]``); the address in ``st.user`` maps to its account
  once per session (one audit line, not one per rerun).
- Local accounts: the e-mail and password form, checked by ``accounts.authenticate``.
- An idle session (``idle_minutes``, 30 by default) is signed out; so is one whose account
  was signed out with the button.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import streamlit as st

from dashboards import state, texts
from evaluation import accounts
from evaluation.access import Principal
from evaluation.accounts import AccountSettings, SignInRefused
from evaluation.errors import AccessDenied, UserError
from evaluation.i18n import t

Mode = Literal["switched_on", "no_accounts", "accounts"]
# session keys (besides state.SIGNED_IN_KEY, which state.principal() reads)
VIA_KEY = "signed_in_via"
LAST_SEEN_KEY = "signed_in_last_seen"
SSO_CHECKED_KEY = "sso_checked_email"
REFUSAL_KEY = "sign_in_refusal"
IDLE_KEY = "signed_out_idle"
DENIED_KEY = "denied_audited"
DEMO_REFUSED_KEY = "demo_refused"
FORM_KEY = "signin_form"


@dataclass(frozen=True)
class Session:
    """What this browser session is: the demo, a signed-in account, or nobody yet."""

    mode: Mode
    principal: Principal | None = None

    @property
    def demo(self) -> bool:
        return self.mode != "accounts"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sso_configured() -> bool:
    """True when ``[auth]`` is set in the secrets (then the sign-in offers the provider)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all is the common case
        return False


def _sso_email() -> str | None:
    """The address the provider vouched for in this session, if any."""
    try:
        if not st.user.get("is_logged_in"):
            return None
        return str(st.user.get("email") or "") or None
    except Exception:  # noqa: BLE001 - st.user outside a session
        return None


def _verified() -> bool | None:
    """The provider's ``email_verified`` claim (some send it as a string), None if absent."""
    value = st.user.get("email_verified")
    if value is None:
        return None
    return value.strip().lower() == "true" if isinstance(value, str) else bool(value)


def client_source() -> str | None:
    """Where this session's sign-in attempts come from, for the lock-out (issue 21).

    The client's IP address (``st.context.ip_address``). Streamlit gives None for a client on
    this host and sees a reverse proxy's address for everyone behind it; only then (the
    direct peer is local or private, so a proxy of this deployment) the proxy's
    ``X-Real-IP``, else the last ``X-Forwarded-For`` entry (the one that proxy added; the
    ones before it are whatever the client sent) names the client. None when unknown.
    """
    try:
        ip = _text(st.context.ip_address)
        headers = st.context.headers
        real = _text(headers.get("X-Real-Ip"))
        forwarded = _text(headers.get("X-Forwarded-For"))
    except Exception:  # noqa: BLE001 - outside a browser session (bare mode)
        return None
    if ip is not None and not _is_local(ip):
        return ip
    last = (forwarded or "").split(",")[-1].strip()
    return real or last or ip


def _text(value: object) -> str | None:
    """A header or address as text; anything else (AppTest's stand-in session) is unknown."""
    return value.strip() or None if isinstance(value, str) else None


def _is_local(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return address.is_private or address.is_loopback


def _forget() -> None:
    for key in (state.SIGNED_IN_KEY, VIA_KEY, LAST_SEEN_KEY):
        st.session_state.pop(key, None)


def current(lang: str) -> Session:
    """Who is looking (see the module docstring); never draws anything but the sidebar box."""
    settings = AccountSettings.load()
    store = state.store()
    demo = accounts.demo_mode(store, settings)
    if demo in ("switched_on", "no_accounts"):
        _forget()
        return Session(demo)
    st.session_state[DEMO_REFUSED_KEY] = demo == "refused"
    who: Principal | None = st.session_state.get(state.SIGNED_IN_KEY)
    email = _sso_email()
    if who is None and email and st.session_state.get(SSO_CHECKED_KEY) != email:
        st.session_state[SSO_CHECKED_KEY] = email
        try:
            who = accounts.principal_for_email(store, email, verified=_verified())
        except SignInRefused as exc:
            st.session_state[REFUSAL_KEY] = exc
        else:
            _signed_in(who, "sso")
    if who is not None:
        now = _now()
        if accounts.is_idle(st.session_state.get(LAST_SEEN_KEY), now, settings.idle_timeout):
            st.session_state[IDLE_KEY] = int(settings.idle_timeout.total_seconds() // 60)
            sign_out(who, "idle_timeout")
            return Session("accounts")
        st.session_state[LAST_SEEN_KEY] = now
        fresh = accounts.active_principal(store, who.name)
        if fresh is None:  # disabled while signed in
            sign_out(who, "disabled")
            st.session_state[REFUSAL_KEY] = SignInRefused("disabled", who.name)
            return Session("accounts")
        if fresh != who:  # its role or initiative changed
            st.session_state[state.SIGNED_IN_KEY] = who = fresh
    return Session("accounts", who)


def _signed_in(who: Principal, via: str) -> None:
    st.session_state[state.SIGNED_IN_KEY] = who
    st.session_state[VIA_KEY] = via
    st.session_state[LAST_SEEN_KEY] = _now()
    st.session_state.pop(REFUSAL_KEY, None)
    st.session_state.pop(IDLE_KEY, None)


def sign_out(who: Principal, why: str = "sign_out") -> None:
    """End the session (audited); a single sign-on session also ends at the provider."""
    via = st.session_state.get(VIA_KEY)
    accounts.record_sign_out(state.store(), who, why)
    _forget()
    st.session_state.pop(SSO_CHECKED_KEY, None)
    if via == "sso":
        st.logout()


def role_label(who: Principal, lang: str, names: dict[str, str]) -> str:
    if who.role == "initiative":
        name = names.get(who.initiative_id or "", who.initiative_id or "")
        return t("accounts.ui.role_initiative", lang, initiative=name)
    return t(f"accounts.ui.role_{who.role}", lang)


def account_box(who: Principal, lang: str, names: dict[str, str]) -> None:
    """The sidebar's "signed in as" and the sign-out button."""
    st.markdown(
        t(
            "accounts.ui.signed_in_as",
            lang,
            email=who.name,  # an administrator typed it; the role names an initiative
            role=texts.plain(role_label(who, lang, names)),
        )
    )
    # a callback, so the sign-out has happened before the rerun draws anything
    st.button(
        t("accounts.ui.sign_out", lang),
        key="sign_out",
        icon=":material/logout:",
        on_click=sign_out,
        args=(who,),
    )


def demo_notice(session: Session, lang: str) -> None:
    """Why this is a demo, and (on a first run) how to add the first administrator."""
    if session.mode == "no_accounts":
        st.warning(t("accounts.ui.demo_first_run", lang), icon=":material/person_add:")
    elif session.mode == "switched_on":
        st.info(t("accounts.ui.demo_switched_on", lang), icon=":material/toggle_on:")


def show_sign_in(lang: str, url_paths: Sequence[str] = ()) -> None:
    """Make the sign-in the one page of the app until someone signs in; ends the run.

    A page of its own (not drawn by the entry script) so that whatever page was open before
    a sign-out or an idle timeout is replaced by it, in the browser and in AppTest alike.

    The sign-in also answers at every page's address (``url_paths``, issue 19): a deep link
    while signed out (``/voices``) shows the sign-in at that address, not Streamlit's English
    "Page not found" over it, and once signed in the rerun finds the real page at the same
    address, so the user lands on the page asked for.
    """
    title = t("accounts.ui.signin_title", lang)
    pages = [st.Page(sign_in_page, title=title, url_path="signin", default=True)]
    pages += [
        st.Page(sign_in_page, title=title, url_path=path)
        for path in dict.fromkeys(url_paths)
        if path and path != "signin"
    ]
    st.navigation(pages, position="hidden").run()
    st.stop()


def sign_in_page() -> None:
    """The sign-in form (and the provider's button when ``[auth]`` is configured)."""
    lang = state.lang()
    st.title(t("accounts.ui.signin_title", lang))
    st.write(t("accounts.ui.signin_intro", lang))
    if st.session_state.get(DEMO_REFUSED_KEY):
        st.warning(t("accounts.ui.demo_refused", lang), icon=":material/toggle_off:")
    idle = st.session_state.pop(IDLE_KEY, None)
    if idle is not None:
        st.info(t("accounts.ui.idle_signed_out", lang, minutes=idle))
    refusal = st.session_state.get(REFUSAL_KEY)
    if isinstance(refusal, UserError):
        st.error(refusal.render(lang))
    if sso_configured():
        if _sso_email():  # signed in at the provider, but refused here
            if st.button(t("accounts.ui.try_other", lang), key="sso_other"):
                st.session_state.pop(REFUSAL_KEY, None)
                st.session_state.pop(SSO_CHECKED_KEY, None)
                st.logout()
        elif st.button(t("accounts.ui.sso_button", lang), key="sso_login", type="primary"):
            st.login()
        if not AccountSettings.load().local_sign_in:
            st.stop()
        st.subheader(t("accounts.ui.local_title", lang))
    with st.form(FORM_KEY):
        email = st.text_input(t("accounts.ui.email", lang), key="signin_email")
        password = st.text_input(
            t("accounts.ui.password", lang), type="password", key="signin_password"
        )
        submitted = st.form_submit_button(t("accounts.ui.submit", lang))
    if submitted:
        try:
            who = accounts.authenticate(state.store(), email, password, source=client_source())
        except SignInRefused as exc:
            st.session_state.pop(REFUSAL_KEY, None)
            st.error(exc.render(lang))
        else:
            _signed_in(who, "local")
            st.rerun()
    st.stop()


def not_for_this_role(lang: str) -> None:
    """The page at an address this role has no page for (``/admin`` as a funder): said in
    the user's language, where Streamlit would show its English "Page not found"."""
    st.title(t("ui.app.page_unavailable_title", lang))
    st.info(t("ui.app.page_unavailable", lang), icon=":material/info:")


def refuse(who: Principal, exc: UserError, lang: str, where: str) -> None:
    """Show a refusal on a page, record it in the audit log (once per page and session),
    and end the run."""
    done: set[str] = st.session_state.setdefault(DENIED_KEY, set())
    mark = f"{where}:{exc.key}:{exc.params.get('initiative', '')}"
    if mark not in done:
        accounts.audit_denied(state.store(), who, exc, where)
        done.add(mark)
    st.error(exc.render(lang), icon=":material/block:")
    st.stop()


def guard_initiative_pages(who: Principal, lang: str, page: str) -> None:
    """A link to a page of one initiative (``?initiative=ID``) opens only for that
    initiative itself, or for roles that may see every initiative."""
    wanted = st.query_params.get("initiative")
    if wanted and who.role == "initiative" and wanted != who.initiative_id:
        refuse(
            who,
            AccessDenied("accounts.other_initiative", who=who.label, initiative=wanted),
            lang,
            page,
        )
