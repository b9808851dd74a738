"""The gateway's configuration is strict and has no place for a Limes secret."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.gateway.helpers import Pki, config_text, pki

from limes.gateway.config import GatewayConfigError, check_environment, load_config


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return pki(tmp_path_factory.mktemp("pki"))


def test_the_example_loads(keys: Pki) -> None:
    config = load_config(config_text(keys))
    assert [s.name for s in config.systems] == ["etias", "ees"]
    assert config.by_certificate(keys.etias.fingerprint).name == "etias"  # type: ignore[union-attr]
    assert config.by_certificate(keys.gateway_client.fingerprint) is None
    assert config.upstream.cert == Path(keys.gateway_client.cert)
    assert config.upstream.urls == ("https://127.0.0.1:9",)


def test_the_upstream_may_be_the_central_sites_servers_in_order(keys: Pki) -> None:
    text = re.sub(
        r'url = "([^"]+)"',
        'url = ["https://limes-a.test:8443/", "https://limes-b.test:8443"]',
        config_text(keys),
        count=1,
    )
    config = load_config(text)
    assert config.upstream.urls == ("https://limes-a.test:8443", "https://limes-b.test:8443")
    assert config.upstream.url == "https://limes-a.test:8443"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda t: t + '\n[store]\nurl = "postgresql://limes@db/limes"\n', "unknown key 'store'"),
        (
            lambda t: t.replace("[upstream]\n", '[upstream]\nkeyring = "/var/lib/limes/keys"\n'),
            "[upstream].keyring: unknown",
        ),
        (
            lambda t: t.replace('name = "ees"\n', 'name = "ees"\naudit_key = "x"\n'),
            "audit_key: unknown",
        ),
        (
            lambda t: t.replace(
                'profiles = ["ees-border-check"]', 'profiles = ["etias-screening"]'
            ),
            "etias-screening is a profile of etias",
        ),
        (
            lambda t: t.replace('profiles = ["ees-border-check"]', 'profiles = ["nothing"]'),
            "no profile 'nothing'",
        ),
        (lambda t: t.replace('url = "https://', 'url = "http://'), "https only"),
        (
            lambda t: re.sub(r'url = "([^"]+)"', r'url = ["\1", "\1/"]', t, count=1),
            "named twice",
        ),
        (
            lambda t: re.sub(r'url = "([^"]+)"', 'url = ["https://a.test", 8]', t, count=1),
            "list of strings",
        ),
        (lambda t: re.sub(r'url = "([^"]+)"', "url = []", t, count=1), "at least one centre URL"),
        (
            lambda t: re.sub(r'url = "([^"]+)"', 'url = ["https://a.test?x=1"]', t, count=1),
            "no user, query",
        ),
        (
            lambda t: re.sub(
                r'token_sha256 = "[0-9a-f]+"', 'token_sha256 = "plain-token"', t, count=1
            ),
            "token_sha256",
        ),
        (lambda t: t.replace("per_second = 50.0", "per_second = 0.0", 1), "per_second"),
        (lambda t: t.replace("burst = 200", "burst = true", 1), "burst"),
        (lambda t: t.replace("[[system]]", "[[sys]]"), "at least one external system"),
        (lambda t: "not = toml = at all", "line 1"),
    ],
)
def test_mistakes_are_refused(keys: Pki, change: object, problem: str) -> None:
    with pytest.raises(GatewayConfigError) as refused:
        load_config(change(config_text(keys)))  # type: ignore[operator]
    assert problem in str(refused.value)


def test_a_certificate_is_pinned_on_one_system_only(keys: Pki) -> None:
    text = config_text(keys).replace(keys.ees.fingerprint, keys.etias.fingerprint)
    with pytest.raises(GatewayConfigError, match="pinned on two systems"):
        load_config(text)


@pytest.mark.parametrize(
    "name",
    [
        "LIMES_KEYRING",
        "LIMES_DATABASE_URL",
        "LIMES_VAR",
        "LIMES_AUDIT_DATABASE_URL",
        "LIMES_TEST_ONLY_FIXED_KEYRING",
        "PGPASSWORD",
        "VAULT_TOKEN",
        "DATABASE_URL",
    ],
)
def test_the_gateway_refuses_an_environment_with_limes_settings(name: str) -> None:
    with pytest.raises(GatewayConfigError, match=name):
        check_environment({"PATH": "/usr/bin", name: "x"})


def test_its_own_setting_is_all_it_takes() -> None:
    check_environment({"PATH": "/usr/bin", "LIMES_GATEWAY_CONFIG": "/etc/limes-gateway/g.toml"})
