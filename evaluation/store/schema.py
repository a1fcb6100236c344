"""The schema: every table of the database, on one declarative ``Base`` (one ``MetaData``,
which Alembic's autogenerate and ``create_all`` read): initiatives, submissions (with their
raw files), the tidy rows each accepted submission contributes, the audit trail, and the
sign-in tables (accounts and sign-in attempts).

Rules the schema keeps (``submissions.py`` keeps them for submissions):

- rows are only ever inserted; the one column ever updated is ``submissions.superseded_by``,
  set once when a newer accepted submission for the same initiative and period arrives;
- identical raw files are stored once, in ``blobs``, keyed by their SHA-256;
- at most one *current* submission (accepted, not superseded) per initiative and period,
  guaranteed by a partial unique index, so two app replicas cannot both make one current;
- there is no target column anywhere.

The tidy tables hold the columns of ``evaluation.model.TIDY_COLUMNS`` except the period
columns (initiative, period, submission), which they take from their submission.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as naive UTC and read back as an aware UTC datetime (SQLite keeps
    no zone, PostgreSQL does; both then read the same)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """A model's table, typed as the Table it is (SQLAlchemy types it as a FromClause)."""
    return cast(Table, model.__table__)


def _submission_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("submissions.id"), index=True)


class Initiative(Base):
    """An initiative in the programme (added by an admin, or by its first accepted upload).
    Its row is also what PostgreSQL locks to serialise imports for one initiative."""

    __tablename__ = "initiatives"
    initiative_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str] = mapped_column(String(200))


class Blob(Base):
    """An uploaded file's exact bytes, stored once however often it is uploaded."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Submission(Base):
    """One upload: who, when, which file, the validation result; accepted or rejected."""

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    initiative_id: Mapped[str | None] = mapped_column(String(64))
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    period: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # accepted | rejected
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_role: Mapped[str] = mapped_column(String(16))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # the one column ever updated: set once, to the accepted submission that replaced this one
    superseded_by: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", deferrable=True, initially="DEFERRED")
    )
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    n_errors: Mapped[int] = mapped_column(Integer)
    n_warnings: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_submissions_initiative_period", "initiative_id", "period_start", "period_end"),
        # the current state: at most one accepted, not superseded submission per period
        Index(
            "uq_submissions_current",
            "initiative_id",
            "period_start",
            "period_end",
            unique=True,
            sqlite_where=text("status = 'accepted' AND superseded_by IS NULL"),
            postgresql_where=text("status = 'accepted' AND superseded_by IS NULL"),
        ),
        # what the name registry counts on every upload (registry.names): the accepted ones,
        # counted from this small index instead of a scan of every submission
        Index(
            "ix_submissions_accepted",
            "id",
            sqlite_where=text("status = 'accepted'"),
            postgresql_where=text("status = 'accepted'"),
        ),
    )


class Profile(Base):
    """The Profile sheet of an accepted submission (``TIDY_COLUMNS['initiatives']``)."""

    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = _submission_fk()
    name: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    founded_year: Mapped[int | None] = mapped_column(Integer)
    organisation_form: Mapped[str | None] = mapped_column(String(64))
    primary_phase: Mapped[str | None] = mapped_column(String(32))
    secondary_phases: Mapped[str | None] = mapped_column(String(100))
    mission: Mapped[str | None] = mapped_column(Text)
    intentions: Mapped[str | None] = mapped_column(Text)
    written_with: Mapped[str | None] = mapped_column(String(64))


class Observation(Base):
    __tablename__ = "observations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = _submission_fk()
    indicator: Mapped[str] = mapped_column(String(100))
    dimension: Mapped[str | None] = mapped_column(String(32))
    unit: Mapped[str | None] = mapped_column(String(32))
    own: Mapped[bool] = mapped_column(Boolean)
    phase: Mapped[str | None] = mapped_column(String(32))
    activity_type: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    text_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class OwnIndicator(Base):
    __tablename__ = "own_indicators"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = _submission_fk()
    indicator: Mapped[str] = mapped_column(String(100))
    label: Mapped[str | None] = mapped_column(Text)
    definition: Mapped[str | None] = mapped_column(Text)
    dimension: Mapped[str | None] = mapped_column(String(32))
    unit: Mapped[str | None] = mapped_column(String(32))
    phase: Mapped[str | None] = mapped_column(String(32))


class Story(Base):
    __tablename__ = "stories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = _submission_fk()
    story_no: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    voice: Mapped[str | None] = mapped_column(String(32))
    phase: Mapped[str | None] = mapped_column(String(32))
    themes: Mapped[str | None] = mapped_column(Text)
    why_it_matters: Mapped[str | None] = mapped_column(Text)
    consent_recorded: Mapped[bool] = mapped_column(Boolean)
    visibility: Mapped[str] = mapped_column(String(32))


class NetworkLink(Base):
    __tablename__ = "network"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = _submission_fk()
    partner: Mapped[str] = mapped_column(Text)
    partner_initiative_id: Mapped[str | None] = mapped_column(String(64))
    partner_type: Mapped[str | None] = mapped_column(String(32))
    relation: Mapped[str | None] = mapped_column(String(32))
    count: Mapped[int | None] = mapped_column(Integer)
    phase: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)


class Reflection(Base):
    __tablename__ = "reflections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = _submission_fk()
    question: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str | None] = mapped_column(Text)
    self_view: Mapped[int | None] = mapped_column(Integer)
    # who may read the answer (a visibility code); NULL = the question's default
    visibility: Mapped[str | None] = mapped_column(String(32))


class AuditEntry(Base):
    """One line of the audit trail: import, reject, supersede, duplicate, denied, raw_read,
    init, add_initiative."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    submission_id: Mapped[int | None] = mapped_column(Integer)
    initiative_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)


class StateSnapshot(Base):
    """The whole current state as read at one data version (``snapshot.py``), kept so a new
    process reads it instead of deriving it again: a cache of what the tables above hold,
    never the record. The one table whose rows are deleted (all but the newest)."""

    __tablename__ = "state_snapshots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # the data version it was read at (``queries._VERSION``)
    n_submissions: Mapped[int] = mapped_column(Integer)
    last_submission: Mapped[int] = mapped_column(Integer)
    n_initiatives: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    data: Mapped[bytes] = mapped_column(LargeBinary)


# tidy frame name (model.TIDY_COLUMNS) -> the table that stores it
TIDY_TABLES = {
    "initiatives": table_of(Profile),
    "observations": table_of(Observation),
    "own_indicators": table_of(OwnIndicator),
    "stories": table_of(Story),
    "network": table_of(NetworkLink),
    "reflections": table_of(Reflection),
}


# --- sign-in (issue 8) ------------------------------------------------------------------------
# The rules (``evaluation.accounts``) keep these:
# - an account is keyed by its e-mail address, lower-case; it is never deleted, only disabled
#   (so the audit trail always names someone who existed);
# - a password is stored only as an argon2 hash, and only for local accounts (an account that
#   signs in through single sign-on has none);
# - every sign-in attempt is a row in ``sign_in_attempts``, also for an unknown address, with
#   its source, so lock-outs hold across app replicas that share one database.


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


# --- the network's own words and the funders' reflection (issue 14) -----------------------
# Rows are only ever inserted: every save of a narrative is a new version, every save of a
# reflection a new row (the latest per funder and period is the one read).


class NarrativeVersion(Base):
    """One saved version of a period's shared narrative: rows are only ever inserted."""

    __tablename__ = "narrative_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per period
    status: Mapped[str] = mapped_column(String(16))  # draft | published
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    written_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        Index("uq_narrative_versions_period_version", "period", "version", unique=True),
    )


class NarrativeComment(Base):
    """An initiative's comment on a draft version."""

    __tablename__ = "narrative_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("narrative_versions.id"), index=True)
    initiative_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    written_by: Mapped[str] = mapped_column(String(200))


class FunderReflection(Base):
    """A funder's reflection on its own demands for one period (the latest row counts)."""

    __tablename__ = "funder_reflections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    funder: Mapped[str] = mapped_column(String(200))  # the signed-in funder (its label)
    funder_name: Mapped[str] = mapped_column(String(200))  # how it signs: fund, municipality
    period: Mapped[str] = mapped_column(String(32))
    pulled: Mapped[str] = mapped_column(Text)  # where its demands pulled against the work
    loosened: Mapped[str] = mapped_column(Text)  # what it loosened
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_funder_reflections_funder_period", "funder", "period"),)


# --- the reporting arrangement of an initiative (issue 15) -------------------------------


class ReportingArrangement(Base):
    """How often an initiative reports and whether a light report will do, as its funder
    agreed ("de kunst van het loslaten"). Rows are only ever inserted: the latest row per
    initiative counts; without one, the initiative reports each quarter in full."""

    __tablename__ = "reporting_arrangements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    initiative_id: Mapped[str] = mapped_column(String(64), index=True)
    rhythm: Mapped[str] = mapped_column(String(16))  # quarter | half_year | year
    light_allowed: Mapped[bool] = mapped_column(Boolean)
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    set_by: Mapped[str] = mapped_column(String(200))


# --- API tokens (issue 18) ---------------------------------------------------------------
# A token acts as its account (evaluation/accounts/tokens.py). Only a hash is kept: SHA-256
# of a token that is 256 random bits, so no slow password hash is needed (nobody can guess
# such a token, hashed or not); ``prefix`` is its first characters, to tell tokens apart.


class ApiToken(Base):
    """An API token an administrator issued for an account; revoked once, never deleted."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), index=True, unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(254), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(200))


# --- portfolios (issue 17) -----------------------------------------------------------------
# A portfolio (a fund's programme, a municipality's scheme) holds initiatives, and funder and
# evaluator accounts belong to it (evaluation/portfolios.py). Memberships are rows that an
# administrator adds and removes; what changed is in the audit log. Their ids are never used
# twice (AUTOINCREMENT in SQLite, a sequence in PostgreSQL), so the newest id and the row
# count of each table tell its states apart (``Store.data_version``).


class Portfolio(Base):
    __tablename__ = "portfolios"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), index=True, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class PortfolioInitiative(Base):
    """An initiative in a portfolio (an initiative may be in several)."""

    __tablename__ = "portfolio_initiatives"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    portfolio: Mapped[str] = mapped_column(String(64), index=True)
    initiative_id: Mapped[str] = mapped_column(String(64), index=True)

    __table_args__ = (
        UniqueConstraint("portfolio", "initiative_id"),
        {"sqlite_autoincrement": True},
    )


class PortfolioMember(Base):
    """A funder's or an evaluator's account in a portfolio (by its address)."""

    __tablename__ = "portfolio_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    portfolio: Mapped[str] = mapped_column(String(64), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)

    __table_args__ = (UniqueConstraint("portfolio", "email"), {"sqlite_autoincrement": True})
