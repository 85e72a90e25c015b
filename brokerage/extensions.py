"""The Flask extensions, created once here and bound to an app by create_app()."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, request
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Executable, MetaData, Row, Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# The base class of every model. At run time it is `db.Model` (Flask-SQLAlchemy's subclass of
# Base, bound to `db`); a type checker cannot follow that assignment, so it is told Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def table_of(model: type[Base]) -> Table:
    """A model's table, as Core's insert() and delete() take it (a bulk write of many rows):
    DeclarativeBase types `__table__` as any FromClause, though each model here maps a Table."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to one table.")
    return table


def read_rows(
    statement: Executable, parameters: dict[str, Any], compiled: CompiledOnce | None = None
) -> Sequence[Row[Any]]:
    """A statement's rows, read on the session's connection, in its transaction, but not
    through the ORM: plain rows need none of its work (a fifth of each statement's time);
    its compiled form kept in `compiled` if given."""
    options = None if compiled is None else {"compiled_cache": compiled}
    return db.session.connection().execute(statement, parameters, execution_options=options).all()


class CompiledOnce:
    """Where SQLAlchemy keeps one statement's compiled form (its `compiled_cache` option), for
    a statement built once and read often: its own cache hashes the statement's whole cache
    key on every execution (50 us for a matches page's read of some thirty columns), while
    the statement keeps that key, so this knows it by identity. Another key (another
    statement or dialect) is compiled and kept in its place."""

    def __init__(self) -> None:
        self._kept: tuple[Any, Any] | None = None  # one tuple: a thread reads a whole pair

    def get(self, key: Any) -> Any:
        kept = self._kept
        if kept is None:
            return None
        kept_key, compiled = kept
        same = kept_key[1] is key[1] and kept_key[0] is key[0] and kept_key[2:] == key[2:]
        return compiled if same else None

    def __setitem__(self, key: Any, compiled: Any) -> None:
        self._kept = (key, compiled)


# In `app.extensions`: the app's database URL as text, written once (`database_name`).
_DATABASE_NAME = "extensions.database_name"


def database_name() -> str:
    """The current app's database URL as text (its password hidden): what a process's memory
    of the database keeps apart, since tests and tools may build apps on other databases.
    Written once per app, not per call: rendering a URL takes some 15 us."""
    extensions = current_app.extensions
    name: str | None = extensions.get(_DATABASE_NAME)
    if name is None:
        name = extensions[_DATABASE_NAME] = str(db.engine.url)
    return name


migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()


class FormLimiter(Limiter):
    """Flask-Limiter for an app whose every limit counts a form's submissions (each is
    declared `methods=["POST"]`): a page read (GET or HEAD), which no limit counts, skips the
    limiter's per-request work, a twentieth of a signed-in page's floor. Unless settings add
    limits for every request, which count reads too."""

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        if request.method in ("GET", "HEAD") and not (
            current_app.config.get("RATELIMIT_DEFAULT")
            or current_app.config.get("RATELIMIT_APPLICATION")
        ):
            return
        super()._check_request_limit(callable_name, in_middleware)


limiter = FormLimiter(key_func=get_remote_address)
bootstrap = Bootstrap5()


class PolicyKeptTalisman(Talisman):
    """Flask-Talisman, with each Content-Security-Policy written out once rather than for
    every response (a sixtieth of a signed-in page's floor). Not when the policy carries a
    nonce, which is new for every request. The options of a view that sets none of its own
    (every view here) are gathered once after `init_app`, not three times a request."""

    # The options of a view without `talisman_view_options`, once gathered.
    _app_options: dict[str, Any] | None = None

    def init_app(self, app: Flask, **options: Any) -> None:
        self._app_options = None
        super().init_app(app, **options)

    def _get_local_options(self) -> dict[str, Any]:
        view = current_app.view_functions.get(request.endpoint or "")
        if hasattr(view, "talisman_view_options"):
            return super()._get_local_options()
        if self._app_options is None:
            self._app_options = dict(super()._get_local_options())
        return self._app_options

    def _parse_policy(self, policy: str | dict[str, Any]) -> str:
        if self.content_security_policy_nonce_in:
            return str(super()._parse_policy(policy))
        written = _WRITTEN_POLICIES.get(repr(policy))
        if written is None:
            written = _WRITTEN_POLICIES[repr(policy)] = str(super()._parse_policy(policy))
        return written


# Each policy PolicyKeptTalisman has written out, by its repr: as many as apps configure.
_WRITTEN_POLICIES: dict[str, str] = {}
talisman = PolicyKeptTalisman()
# Configured by caching.init_app: Redis when REDIS_URL is set, else this process's memory.
cache = Cache()

# No inline script or style anywhere: everything is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = {"camera": "()", "microphone": "()", "geolocation": "()", "payment": "()"}
# Seconds to wait for PostgreSQL to accept a connection before the request answers 503.
DATABASE_CONNECT_TIMEOUT = 5


def init_sqlite(app: Flask) -> None:
    """After `db.init_app`: the SQLite recipe on the app's SQLite engines. Not on the Engine
    class: a connection event listened for there runs on every connection of every engine
    (PostgreSQL's too), and puts each of their statements through SQLAlchemy's event checks."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _configure_sqlite_connection)
            event.listen(engine, "begin", _begin_sqlite_transaction)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    """Enforce foreign keys on SQLite and let SQLAlchemy own its transactions.

    pysqlite's own transaction handling breaks SAVEPOINT; this is the recipe from
    SQLAlchemy's SQLite dialect documentation.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


@event.listens_for(Engine, "do_connect")
def _bound_postgresql_connect(
    dialect: Any, _record: Any, _args: Any, params: dict[str, Any]
) -> None:
    """A database host that does not answer fails the request in seconds (a 503 page),
    rather than holding a web worker until gunicorn kills it."""
    if dialect.name == "postgresql":
        params.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
