"""Every knob is an environment variable with a default that runs on a laptop."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DAY_MS = 86_400_000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ATELIER_", env_file=None, extra="ignore")

    data_dir: Path = Path("data")
    # DATABASE_URL and REDIS_URL are read without the prefix: that is how hosts name them.
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    public_url: str | None = None  # e.g. https://atelier.example.org, for the QR code behind a proxy
    allowed_origins: list[str] = []  # besides the board's own site
    # Hosts the QR code may name when public_url is unset (empty: whatever well-formed host was used)
    allowed_hosts: list[str] = []
    replay_limit: int = 1000  # events a resume may replay before a fresh snapshot is sent instead
    snapshot_every: int = 200  # events between two snapshots
    # bytes written to one client and not yet taken by its network before it is closed and must resume
    send_buffer: int = 512 * 1024
    heartbeat_seconds: float = 15.0
    delivery_pace_ms: float = 30.0  # a room of 200 that delivered this recently gathers what comes next (hub.py)
    hello_timeout: float = 10.0
    # Bytes of any HTTP request body but a board import's (which has its own bound, 32 MiB): the largest
    # body the API takes otherwise is a few KiB (a board's title, a name, a programme's eight tokens).
    max_body_bytes: int = 64 * 1024
    rate_per_second: float = 30.0  # commands per connection, sustained
    rate_burst: int = 60
    ws_per_message_deflate: bool = False  # halves broadcast throughput for post-it-sized frames
    # --- rates and connections (docs/protocol.md, "Rates and connections") ---
    # Proxies whose X-Forwarded-For is believed (addresses or networks; "*" = every peer, for a
    # replica only a proxy can reach). uvicorn's FORWARDED_ALLOW_IPS is set from it.
    trusted_proxies: list[str] = ["127.0.0.1", "::1"]
    throttle: bool = True  # per-address HTTP throttling (api/throttle.py)
    join_burst: int = 200  # joins of one board from one address at once (a room behind one NAT) ...
    join_per_minute: float = 180.0  # ... then this many a minute
    lookup_failure_burst: int = 30  # unknown codes (404) and refused tokens (401) per address at once ...
    lookup_failures_per_hour: float = 180.0  # ... then this many an hour: guessing a code takes months
    max_sockets_per_token: int = 4  # past it, the credential's oldest socket is closed (4002)
    max_connections_per_address: int = 1000  # open TCP connections from one address (proxies exempt)
    header_timeout: float = 10.0  # seconds a connection has to send a complete request head
    keep_alive_seconds: float = 5.0  # an idle keep-alive HTTP connection is closed after this
    max_header_bytes: int = 16 * 1024  # a request head larger than this is refused (400)
    log_level: str = "info"
    # --- personal data (docs/privacy.md) ---
    retention_days: int = Field(default=180, ge=0)  # boards erased this long after their last activity; 0: kept
    retention_max_days: int = Field(default=365, ge=0)  # the latest erasure date a facilitator may choose
    retention_sweep_seconds: float = Field(default=3600.0, gt=0)  # how often each process looks for boards to erase
    controller_name: str = ""  # the data controller named in the privacy notice
    controller_contact: str = ""  # where participants ask for access or erasure
    legal_notice_file: Path | None = None  # a text file shown as is under the privacy notice
    # Tests only: a file holding milliseconds added to the system clock, so a subprocess server's time
    # can be moved forward without sleeping (clock.py). Unset in production.
    clock_offset_file: Path | None = None

    def retention_max_ms(self) -> int:
        return max(self.retention_days, self.retention_max_days) * DAY_MS

    def alone(self) -> bool:
        """No shared broker: this process is the only one writing its database (docs/deploy), so
        what it holds in memory of the database (boards, credentials) is never behind another's."""
        return not self.redis_url or self.redis_url.startswith("memory://")

    def resolved_database_url(self) -> str:
        return async_database_url(self.database_url or f"sqlite:///{self.data_dir / 'atelier.db'}")


def async_database_url(url: str) -> str:
    """Map the URLs people write to the async drivers SQLAlchemy needs."""
    for plain, driver in (
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
