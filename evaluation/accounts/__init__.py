"""Accounts and sign-in for a real deployment (issue 8). No Streamlit here.

Three modules: ``common`` (settings, refusals, the account record, audit lines),
``manage`` (admins add, list and disable accounts; the demo mode) and ``signin`` (local
passwords with lock-out, single sign-on, session checks). Callers use this package's names.

Who may sign in is an *account*: an e-mail address with a role and, for an initiative, its
initiative. It becomes the ``Principal`` every library call checks (``evaluation.access``).

- Single sign-on: the provider vouches for the e-mail address; ``principal_for_email`` maps
  it to its account, or refuses (``unknown_account``, ``disabled``).
- Local accounts: ``authenticate`` checks an argon2 hash (the password itself is never
  stored) and refuses with a stable reason: ``unknown_account``, ``wrong_password``,
  ``disabled`` or ``locked``. Attempts are throttled by source and account together
  (OWASP's authentication guidance; issue 21): after ``lockout_failures`` wrong passwords
  within ``lockout_window`` from one source (the client's address, passed in by the caller)
  for one address, that source is locked for that address for ``lockout_duration``, while
  the owner signing in from elsewhere is not. Across all sources, once an address has had
  ``slowdown_after`` failures in the window, every attempt for it waits a little longer
  (up to ``slowdown_max``): a spread-out guesser is slowed, and the owner still gets in.
  The attempts are rows in the store, so both hold across app replicas sharing one
  database. Unknown addresses are counted and locked alike, and get the same message as a
  wrong password, so the form does not reveal which addresses have an account (the audit
  log keeps the exact reason).
- Every sign-in, every refusal and every change to an account is a line in the audit log.

Settings (``AccountSettings.load``): ``EVALUATION_DEMO`` / ``EVALUATION_IDLE_MINUTES``, else
``[accounts]`` in ``evaluation.toml`` (``demo``, ``idle_minutes``, ``lockout_failures``,
``lockout_minutes``, ``slowdown_after``, ``slowdown_max_seconds``, ``local_sign_in``), else
the defaults below.
"""

from evaluation.access import ACCOUNT_ROLES
from evaluation.accounts.common import (
    AccountInfo,
    AccountSettings,
    SignInRefused,
    audit_denied,
    normalise_email,
    record_sign_out,
)
from evaluation.accounts.manage import (
    add_user,
    demo_mode,
    disable_user,
    has_accounts,
    list_users,
)
from evaluation.accounts.signin import (
    active_principal,
    authenticate,
    is_idle,
    locked_until,
    password_hash,
    principal_for_email,
    slow_down,
)

__all__ = [
    "ACCOUNT_ROLES",
    "AccountInfo",
    "AccountSettings",
    "SignInRefused",
    "active_principal",
    "add_user",
    "audit_denied",
    "authenticate",
    "demo_mode",
    "disable_user",
    "has_accounts",
    "is_idle",
    "list_users",
    "locked_until",
    "normalise_email",
    "password_hash",
    "principal_for_email",
    "record_sign_out",
    "slow_down",
]
