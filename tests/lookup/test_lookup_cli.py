"""`sourcebridge greenhouse …` with a team's saved connection, and the index command's progress."""

from __future__ import annotations

import json

from tests.lookup.test_lookup_index import account_id_of
from tests.lookup.test_lookup_index import indexed_ids
from tests.support.apps import settings_of
from tests.support.cli import invoke


def saved_connection_env(gh_app, sandbox) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    """A CLI environment with no GREENHOUSE_* credentials (`invoke` unsets them), only the app's
    database."""
    return {
        "DATABASE_URL": settings_of(gh_app).database_url,
        "SECRET_KEY": settings_of(gh_app).secret_key,
        "SOURCEBRIDGE_INSTANCE": str(settings_of(gh_app).instance_dir),
        "GREENHOUSE_API_URL": sandbox.base_url,
        "GREENHOUSE_AUTH_URL": sandbox.base_url,
    }


def save_connection(gh_app, gh_auth, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = {
        "connection": {
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
            "user_id": sandbox.admin_user_id,
        }
    }
    response = gh_app.test_client().put(
        "/api/v1/integrations/greenhouse", json=body, headers=gh_auth
    )
    assert response.json["connection"]["source"] == "saved"


def test_find_uses_the_saved_connection_when_the_environment_has_none(
    gh_app, gh_auth, sandbox, gh_client
):
    save_connection(gh_app, gh_auth, sandbox)
    made = gh_client.candidates.create(
        first_name="Cli", last_name="Person", email_addresses=["cli.person@mollie.com"]
    )["candidate"]
    result = invoke(
        ["greenhouse", "find", "--email", "CLI.person@mollie.com"],
        env=saved_connection_env(gh_app, sandbox),
    )
    assert result.exit_code == 0, result.output
    assert [row["id"] for row in json.loads(result.output)] == [made["id"]]


def test_index_fills_the_team_index_with_a_progress_bar(gh_app, gh_auth, sandbox):
    save_connection(gh_app, gh_auth, sandbox)
    account_id = account_id_of(gh_app)
    result = invoke(
        ["greenhouse", "index", "--account", str(account_id)],
        env=saved_connection_env(gh_app, sandbox),
    )
    assert result.exit_code == 0, result.output
    total = len(indexed_ids(gh_app, account_id))
    assert f"indexed {total} candidates for team {account_id}" in result.output
    assert "indexing" in result.output  # tqdm's bar went to stderr (mixed into output here)


def test_index_for_a_team_without_a_connection_exits_2(gh_app, gh_auth, sandbox):
    result = invoke(
        ["greenhouse", "index", "--account", "424242"],
        env=saved_connection_env(gh_app, sandbox),
    )
    assert result.exit_code == 2
    assert "not connected" in result.output


def test_test_connection_names_the_acting_user_and_site_admin(gh_app, gh_auth, sandbox):
    response = gh_app.test_client().post("/api/v1/integrations/greenhouse/test", headers=gh_auth)
    assert response.status_code == 200
    body = response.json
    assert body["ok"] is True and body["site_admin"] is True
    assert body["user"]["id"] == sandbox.admin_user_id
    assert body["scopes"] and all(v is None for v in body["scopes"].values())


def test_test_connection_as_a_plain_user_reports_the_site_admin_problem(
    make_app, gh_config, sandbox
):
    from tests.support.accounts import make_user

    app = make_app({**gh_config, "GREENHOUSE_USER_ID": str(sandbox.plain_user_id)})
    headers = {"Authorization": f"Bearer {make_user(app, 'plain@example.com')[1]}"}
    body = app.test_client().post("/api/v1/integrations/greenhouse/test", headers=headers).json
    assert body["ok"] is False
    assert any("site admin" in p for p in body["problems"])


def test_test_connection_without_a_connection_is_409(client, auth):
    response = client.post("/api/v1/integrations/greenhouse/test", headers=auth)
    assert response.status_code == 409


def test_saving_a_connection_starts_the_index_backfill(gh_app, gh_auth, sandbox, deferred_tasks):
    save_connection(gh_app, gh_auth, sandbox)
    assert [t.name for t in deferred_tasks.pending()] == ["index_backfill"]


def test_email_find_learns_from_the_teams_confirmed_addresses(gh_app, gh_auth, sandbox, dns):
    from backend.lookups.known_emails import record_confirmed

    account_id = account_id_of(gh_app)
    with gh_app.extensions["sourcebridge"].db.session() as session:
        for first, last in (("Ada", "Byron"), ("Grace", "Hopper")):
            record_confirmed(
                session,
                account_id,
                address=f"{last.lower()}.{first.lower()}@mollie.com",
                first=first,
                last=last,
                company="Mollie",
                source="replied",
            )
    env = {**saved_connection_env(gh_app, sandbox), "DNS_NAMESERVERS": dns.address}
    args = ["email", "find", "--first", "Alan", "--last", "Turing", "--company", "Mollie"]
    learned = invoke([*args, "--account", str(account_id)], env=env)
    assert learned.exit_code == 0, learned.output
    assert json.loads(learned.output)["address"] == "turing.alan@mollie.com"
    unknown = invoke([*args, "--account", "424242"], env=env)
    assert unknown.exit_code == 2


def test_switching_to_another_greenhouse_forgets_the_old_index(
    gh_app, gh_auth, sandbox, deferred_tasks
):
    from tests.lookup.test_lookup_index import deliver

    client = gh_app.test_client()
    deliver(client, {"action": "update_candidate", "payload": {"candidate": {"id": 3131}}})
    assert 3131 in indexed_ids(gh_app, account_id_of(gh_app))
    body = {"connection": {"client_id": "other-greenhouse", "client_secret": "s", "user_id": 1}}
    client.put("/api/v1/integrations/greenhouse", json=body, headers=gh_auth)
    assert indexed_ids(gh_app, account_id_of(gh_app)) == set()
