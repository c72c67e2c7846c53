"""The served OpenAPI spec is checked against the running app with Schemathesis (property-based
calls)."""

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from rempart.app import create_app
from rempart.settings import Settings
from rempart.store import Store
from rempart.store.keys import ApiKeys, Role


def test_every_operation_keeps_its_documented_contract(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", api_anonymous_burst=1_000_000)
    store = Store.open(settings)
    key = ApiKeys(store).create("schemathesis", Role.ADMIN)
    store.create_bank("TEST_BANK")
    store.close()
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings))
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()
        checked.append(operation.label)

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def call(case: schemathesis.Case) -> None:
            # no server error, documented status codes, responses that match their schemas. Not
            # checked:
            # "schema-valid data is accepted" — a well-formed hash of an unknown bank is rightly a
            # 404.
            case.call_and_validate(
                headers={"Authorization": f"Bearer {key}"},
                excluded_checks=[positive_data_acceptance],
            )

        call()
    assert len(checked) >= 15 and any("raw_lookup" in label for label in checked)
