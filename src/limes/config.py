"""One settings object, read once at start from ``LIMES_*`` environment variables.

Defaults are safe: no authentication method is configured, so every request is
refused until one is. ``unsafe-dev-headers`` (principal named in a request header,
no proof) exists for local demos only; its name says so, and it is refused unless
``LIMES_ENV=development`` and the server listens on loopback only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from limes.domain.categories import CategoryCode, ReviewRules


class AuthMode(StrEnum):
    NONE = "none"
    UNSAFE_DEV_HEADERS = "unsafe-dev-headers"


class Environment(StrEnum):
    PRODUCTION = "production"
    DEVELOPMENT = "development"


class SettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    var_dir: Path = Path("var")
    database_url: str | None = None
    environment: Environment = Environment.PRODUCTION
    auth: AuthMode = AuthMode.NONE
    review_overrides: Mapping[CategoryCode, int] = field(default_factory=dict)
    warning_months: int = 4
    max_body_bytes: int = 256 * 1024
    expiry_interval_seconds: int = 60

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'limes.db'}"

    @property
    def review(self) -> ReviewRules:
        return ReviewRules.defaults().with_overrides(self.review_overrides, self.warning_months)

    def check(self) -> None:
        """Refuse unsafe combinations before anything starts."""
        if (
            self.auth is AuthMode.UNSAFE_DEV_HEADERS
            and self.environment is not Environment.DEVELOPMENT
        ):
            raise SettingsError(
                "LIMES_AUTH=unsafe-dev-headers trusts a header without proof; "
                "it is refused unless LIMES_ENV=development"
            )
        if not 1 <= self.warning_months <= 12:
            raise SettingsError("LIMES_EXPIRY_WARNING_MONTHS must be 1 to 12")
        self.review  # noqa: B018 - validates the overrides

    def describe(self) -> dict[str, str]:
        """Settings as text for logs: the database URL without its password."""
        url = self.store_url
        if "@" in url and ":" in url.split("@", 1)[0].split("//", 1)[-1]:
            scheme, rest = url.split("//", 1)
            user = rest.split("@", 1)[0].split(":", 1)[0]
            url = f"{scheme}//{user}:***@{rest.split('@', 1)[1]}"
        return {
            "database": url,
            "environment": self.environment.value,
            "auth": self.auth.value,
            "var": str(self.var_dir),
        }


def _periods(text: str) -> dict[CategoryCode, int]:
    out = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        name, _, years = item.partition("=")
        try:
            out[CategoryCode(name.strip())] = int(years)
        except ValueError:
            raise SettingsError(
                f"LIMES_REVIEW_PERIODS: '{item}' is not category=years with a known category"
            ) from None
    return out


def from_env(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    e = os.environ if env is None else env
    try:
        settings = Settings(
            var_dir=Path(e.get("LIMES_VAR", "var")),
            database_url=e.get("LIMES_DATABASE_URL") or None,
            environment=Environment(e.get("LIMES_ENV", "production")),
            auth=AuthMode(e.get("LIMES_AUTH", "none")),
            review_overrides=_periods(e.get("LIMES_REVIEW_PERIODS", "")),
            warning_months=int(e.get("LIMES_EXPIRY_WARNING_MONTHS", "4")),
            max_body_bytes=int(e.get("LIMES_MAX_BODY_BYTES", str(256 * 1024))),
        )
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)  # type: ignore[arg-type]
    settings.check()
    return settings
