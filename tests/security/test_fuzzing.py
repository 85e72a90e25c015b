"""Bad input, generated: every form and JSON endpoint gets random, overlong, unicode,
null-byte, control-character and hostile values. Never a 500, and a rejected submission
changes nothing: each example runs in its own savepoint and compares every table's rows
before and after."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from brokerage.bulk.forms import MAX_UPLOAD_BYTES
from tests.factories import PASSWORD
from tests.helpers.authorisation_matrix import MATRIX, let_through
from tests.helpers.pages import where_a_browser_goes
from tests.security.routes import BACK, DONE, form_for, path_for, sends_to_login

# Derandomised, so that a run on one machine is the run on every machine (and in CI).
FUZZ = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE users; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(5)",
    "{{ 7*7 }}",
    "${7*7}",
    "../../../etc/passwd",
    "\x00",
    "a\x00b",
    "line\r\nSet-Cookie: hacked=1",
    "\u202eevil\u202c",
    "\ufeff",
    "\u200b",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🐝",
    "ＯＸ４ ４ＨＨ",
    "٣",
    "NaN",
    "-1",
    "1e309",
    "0x10",
    "99999999999999999999999",
    " ",
    "",
    "null",
    "true",
]
text = st.one_of(
    st.text(max_size=60),
    st.text(st.characters(max_codepoint=0x1F), max_size=8),
    st.sampled_from(HOSTILE),
    st.integers(min_value=100, max_value=10_000).map(lambda n: "x" * n),
    st.sampled_from(["é" * 10_000, "\x00" * 1_000, "<" * 5_000]),
)


def fuzzed(valid: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Each field valid, missing, or bad: so some submissions get past the first checks."""
    fields = {name: st.one_of(st.just(value), st.none(), text) for name, value in valid.items()}
    return st.fixed_dictionaries(fields).map(
        lambda form: {name: value for name, value in form.items() if value is not None}
    )


FORM_ROUTES = sorted(
    key for key in MATRIX if key.startswith("POST ") and not key.split()[1].startswith("api.")
)
# 500s found in work in progress, by name, until they are fixed: their deterministic tests
# below become strict xfails, so the mark has to go once the bug is fixed; the fuzzing that
# found them may or may not meet them again, so there the mark is not strict. None is open:
# the places edit form and the charter signees page were fixed.
KNOWN_CRASHES: dict[str, str] = {}


def _known(names: list[str], strict: bool = False) -> list[Any]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_CRASHES[name], strict=strict))
        if name in KNOWN_CRASHES
        else name
        for name in names
    ]


def _settings_for(name: str) -> settings:
    """A known crash is expected: finding it again is enough, without shrinking it."""
    return settings(FUZZ, phases=[Phase.generate]) if name in KNOWN_CRASHES else FUZZ


def _accepted(response: Any, outcome: Any, path: str) -> bool:
    if outcome == DONE:
        return response.status_code in (302, 303) and not sends_to_login(response, path)
    return response.status_code == outcome


NOT_UTF_8 = b"&name=\xff\xfe&email=\xc0\xaf%FF&title=%C0%AF&note=\xed\xa0\x80"


@pytest.mark.parametrize("route", _known(FORM_ROUTES))
def test_a_form_never_fails_and_a_rejected_submission_changes_nothing(
    route, app, security_world, security_client, isolated
):
    """Every form in the matrix, posted by someone it lets through, from its valid
    submission with fields left out or replaced by bad values; then a body that is not
    UTF-8 at all. Some examples must be accepted: else the fuzzing never got past the
    form's first checks, and tested only them."""
    endpoint = route.split()[1]
    role, outcome = let_through(route)
    path = path_for(app, endpoint, security_world)
    token = form_for(endpoint, security_world, security_world.csrf[role])
    csrf = {name: value for name, value in token.items() if name.endswith("csrf_token")}
    fields = {name: value for name, value in token.items() if name not in csrf}
    start = {}  # every example starts from the same state: snapshot it once
    accepted = []

    @_settings_for(route)
    @given(form=fuzzed(fields))
    def submit(form: dict[str, Any]) -> None:
        with isolated(start.get("before")) as database:
            start["before"] = database.before
            response = security_client(role).post(path, data={**csrf, **form})
            changes = database.changes()
        assert response.status_code < 500, response.get_data(as_text=True)[:2000]
        if _accepted(response, outcome, path):
            accepted.append(form)
        else:
            assert changes == [], f"{response.status_code} but changed {changes}"

    submit()
    assert accepted or outcome == BACK, f"no submission to {path} got past the form's checks"
    with isolated(start["before"]) as database:
        body = f"csrf_token={quote(security_world.csrf[role])}".encode() + NOT_UTF_8
        form_type = "application/x-www-form-urlencoded"
        response = security_client(role).post(path, data=body, content_type=form_type)
        assert response.status_code < 500
        assert database.changes() == []


# Forms read from the query string: they change nothing, whatever they are given.
QUERY_FORMS = {
    "people search": ("staff", "/admin/people", {"q": "member", "page": "1"}),
    "organisations list": ("staff", "/admin/organisations", {"page": "1"}),
    "plan filters": (
        "staff",
        "/plan/actions",
        {
            "working_group": "data",
            "lead": "Data lead",
            "status": "not_started",
            "phase": "do",
            "overdue": "y",
            "due": "",
        },
    ),
    "plan export": ("staff", "/plan/actions/export.csv", {"status": "at_risk", "phase": "do"}),
    "toolkit search": (
        "anon",
        "/plan/toolkit",
        {"q": "data", "kind": "guide", "audience": "everyone", "page": "1"},
    ),
    "TOMs search": ("supplier", "/toms/", {"q": "local", "version": ""}),
    "postcode check": ("staff", "/places/priority-places", {"postcode": "OX4 6HU"}),
    "charter report": ("staff", "/charter/report", {"year": "2024"}),
    "charter report file": ("staff", "/charter/report.csv", {"year": "2024"}),
    "charter signees": ("staff", "/charter/signees", {"page": "1"}),
}


@pytest.mark.parametrize("name", _known(sorted(QUERY_FORMS)))
def test_a_query_never_fails_and_changes_nothing(name, security_world, security_client, isolated):
    """Each query form, fuzzed; then a query string that is not UTF-8 at all."""
    role, path, valid = QUERY_FORMS[name]
    start = {}

    @_settings_for(name)
    @given(query=fuzzed(valid))
    def search(query: dict[str, Any]) -> None:
        with isolated(start.get("before")) as database:
            start["before"] = database.before
            response = security_client(role).get(path, query_string=query)
            changes = database.changes()
        assert response.status_code in (200, 400, 404), response.get_data(as_text=True)[:2000]
        assert changes == []

    search()
    raw = NOT_UTF_8.decode("latin-1")  # WSGI carries the raw bytes as latin-1 text
    assert (
        security_client(role).get(path, environ_overrides={"QUERY_STRING": raw}).status_code == 400
    )


PAGINATED = [name for name, (_, _, valid) in QUERY_FORMS.items() if "page" in valid]


@pytest.mark.parametrize("name", _known(PAGINATED, strict=True))
def test_a_page_number_beyond_any_list_is_not_a_crash(name, security_client, security_world):
    role, path, _ = QUERY_FORMS[name]

    for page in ("1000001", str(2**63), "9" * 40):
        response = security_client(role).get(path, query_string={"page": page})
        assert response.status_code in (200, 404), (page, response.get_data(as_text=True)[:500])


def test_staff_cannot_remove_their_own_staff_role_whatever_they_send(
    security_world, security_client, isolated
):
    prefix = f"u{security_world.users['staff']}"
    start = {}

    @FUZZ
    @given(form=fuzzed({f"{prefix}-is_task_force": "y", f"{prefix}-is_staff": ""}))
    def submit(form: dict[str, Any]) -> None:
        data = {
            "csrf_token": security_world.csrf["staff"],
            f"{prefix}-csrf_token": security_world.csrf["staff"],
        }
        with isolated(start.get("before")) as database:
            start["before"] = database.before
            security_client("staff").post(
                f"/admin/people/{security_world.users['staff']}/roles", data=data | form
            )
            staff_now = security_client("staff").get("/admin/people").status_code
        assert staff_now == 200 or form.get(f"{prefix}-is_staff") not in (None, "", "false")

    submit()


@pytest.mark.parametrize(
    "template", ["/password-reset/{}", "/organisations/invitations/{}", "/static/{}"]
)
def test_a_link_token_or_file_name_of_any_text_is_refused_without_a_crash(
    template, security_world, security_client
):
    @FUZZ
    @given(value=text.filter(lambda value: value.strip("/")))
    def open_link(value: str) -> None:
        client = security_client("buyer")
        path = template.format(quote(value, safe=""))
        for response in (
            client.get(path),
            client.post(path, data={"csrf_token": security_world.csrf["buyer"]}),
        ):
            assert response.status_code < 500, path
            assert response.status_code != 200 or template == "/static/{}"

    open_link()


@given(next_page=text)
@FUZZ
def test_any_next_after_logging_in_stays_on_the_site(
    next_page, security_world, security_client, isolated
):
    with isolated():
        response = security_client("anon").post(
            "/login",
            query_string={"next": next_page},
            data={
                "csrf_token": security_world.csrf["anon"],
                "email": security_world.emails["member"],
                "password": PASSWORD,
            },
        )

    assert response.status_code == 302
    assert where_a_browser_goes(response.headers["Location"]) == ("http", "localhost")


# The JSON API -----------------------------------------------------------------------------

query_value = st.one_of(text, st.integers(-(10**30), 10**30).map(str))


@given(
    params=st.dictionaries(
        st.sampled_from(["page", "per_page", "q", "kind", "sort", "page[]", ""]),
        query_value,
        max_size=4,
    ),
    accept=st.sampled_from(["application/json", "text/html", "*/*", "", "\x00", "a/b;q=x"]),
)
@FUZZ
def test_the_api_lists_answer_any_query_with_json_never_a_crash(
    params, accept, security_world, security_client, isolated
):
    with isolated() as database:
        client = security_client("staff_token")
        responses = [
            client.get(path, query_string=params, headers={"Accept": accept})
            for path in ("/api/v1/organisations", "/api/v1/me")
        ]
        changes = database.changes()

    for response in responses:
        assert response.status_code in (200, 400), response.get_data(as_text=True)
        assert response.mimetype == "application/json"
        body = response.get_json()
        assert set(body) >= ({"results", "page", "per_page"} if "results" in body else set())
        if response.status_code == 400:
            assert body["error"] == "bad_request" and body["reason"]
    assert changes == []


@given(
    organisation=st.one_of(
        st.integers(min_value=0, max_value=10**40).map(str),
        st.integers(min_value=-(10**12), max_value=-1).map(str),
        text.map(lambda value: quote(value, safe="")),
    )
)
@FUZZ
def test_the_api_detail_answers_any_id_with_json_never_a_crash(organisation, security_client):
    response = security_client("supplier_token").get(f"/api/v1/organisations/{organisation}")

    assert response.status_code in (200, 404), response.get_data(as_text=True)
    assert response.mimetype == "application/json"


@given(authorization=st.one_of(text, text.map(lambda value: f"Bearer {value}")))
@FUZZ
def test_the_api_refuses_any_made_up_credentials_with_401(authorization, app):
    try:
        response = app.test_client().get("/api/v1/me", headers={"Authorization": authorization})
    except ValueError:  # Werkzeug refuses to send a header with a newline; so would clients
        return

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorised"


# The bulk upload: any file, of any name and size ------------------------------------------

SUPPLIERS_HEADER = b"ref,name,postcode,sector,size,vcse,living_wage,description,website\n"
file_content = st.one_of(
    st.binary(max_size=2_000),
    st.binary(max_size=200).map(lambda tail: SUPPLIERS_HEADER + tail),
    st.sampled_from(
        [
            b"",
            b"\xef\xbb\xbf" + SUPPLIERS_HEADER,
            b"\xff\xfe" + SUPPLIERS_HEADER.decode().encode("utf-16-le"),
            SUPPLIERS_HEADER + b'X-1,=HYPERLINK("http://evil.example"),OX4 4HH,,,,,,\n',
            SUPPLIERS_HEADER + b'"unclosed,quote\n' * 50,
            SUPPLIERS_HEADER + b"a," * 10_000 + b"\n",
            b"\x00" * 5_000,
            b"\r\r\r\n\n\n",
        ]
    ),
)
file_name = st.one_of(
    st.just("suppliers.csv"),
    text.map(lambda name: f"{name}.csv"),
    text,
    st.sampled_from(["../../etc/passwd.csv", "a\x00b.csv", "CON.csv", ".csv", "x.CSV"]),
)


@pytest.fixture
def upload_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_UPLOAD_DIR", str(tmp_path))
    return tmp_path


def test_the_bulk_upload_takes_any_file_without_a_crash_and_a_refusal_changes_nothing(
    security_world, security_client, isolated, upload_folder
):
    """Random bytes, headers with junk after them, other encodings and hostile names: an
    import run (302), or the form again with a message (400); never a 500. Only an
    accepted upload changes anything, and its file lands in the upload folder only."""
    start, accepted = {}, []

    @FUZZ
    @given(
        content=file_content,
        filename=file_name,
        kind=st.one_of(st.just("suppliers"), text),
        skip=st.sampled_from(["", "y"]),
    )
    def upload(content: bytes, filename: str, kind: str, skip: str) -> None:
        form = {"csrf_token": security_world.csrf["staff"], "kind": kind, "skip_invalid": skip}
        with isolated(start.get("before")) as database:
            start["before"] = database.before
            response = security_client("staff").post(
                "/admin/import",
                data={**form, "file": (io.BytesIO(content), filename)},
                content_type="multipart/form-data",
            )
            changes = database.changes()
        assert response.status_code in (302, 400), response.get_data(as_text=True)[:2000]
        if response.status_code == 302:
            accepted.append(filename)
        else:
            assert changes == [], f"{response.status_code} but changed {changes}"
        assert all(path.parent == upload_folder for path in upload_folder.rglob("*"))

    upload()
    assert accepted, "no upload got past the form's checks"


@pytest.mark.parametrize(
    ("size", "status"),
    [(MAX_UPLOAD_BYTES + 1, 400), (2 * MAX_UPLOAD_BYTES + 1, 413)],
    ids=["beyond the form's limit", "beyond the request's limit"],
)
def test_an_upload_beyond_the_size_limit_is_refused_and_changes_nothing(
    security_world, security_client, isolated, upload_folder, size, status
):
    with isolated() as database:
        response = security_client("staff").post(
            "/admin/import",
            data={
                "csrf_token": security_world.csrf["staff"],
                "kind": "suppliers",
                "file": (io.BytesIO(SUPPLIERS_HEADER + b"x" * size), "suppliers.csv"),
            },
            content_type="multipart/form-data",
        )
        changes = database.changes()

    assert response.status_code == status
    assert changes == []
    assert list(upload_folder.iterdir()) == []
    if status == 400:
        assert "The file is larger than 20 MB: split it." in response.get_data(as_text=True)
