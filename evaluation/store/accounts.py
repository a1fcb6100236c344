"""Tables for sign-in: accounts and sign-in attempts (issue 8).

Why a separate module: the store's schema (``tables.py``) is about submissions; accounts are
about people signing in. Both share one ``Base.metadata`` so Alembic and ``create_all`` see
every table. The rules (``evaluation.accounts``) keep these:

- an account is keyed by its e-mail address, lower-case; it is never deleted, only disabled
  (so the audit trail always names someone who existed);
- a password is stored only as an argon2 hash, and only for local accounts (an account that
  signs in through single sign-on has none);
- every sign-in attempt is a row in ``sign_in_attempts``, also for an unknown address, with
  its source, so lock-outs hold across app replicas that share one database.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from evaluation.store.tables import Base, UTCDateTime


class Account(Base):
    """A person who may sign in: a role and, for an initiative, which one."""

    __tablename__ = "accounts"
    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    initiative_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SignInAttempt(Base):
    """One sign-in attempt: when, for which address, and whether it succeeded (``reason``
    is the stable refusal code, or ``ok``)."""

    __tablename__ = "sign_in_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(32))
    # where it came from (the client's address; "" when unknown): the lock-out holds for a
    # source and an address together (issue 21), so nobody can lock the owner out
    source: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_sign_in_attempts_email_at", "email", "at"),)
