"""Share links: random tokens stored only as hashes, expiry, revocation, forgery."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from sqlalchemy import text

from legday.store import (
    ShareLinkError,
    ShareLinkExpired,
    ShareLinkRevoked,
    ShareLinkUnknown,
    Store,
    StoreError,
    create_share,
    list_activities,
    list_shares,
    load_efforts,
    revoke_share,
)
from legday.store.share import new_token, token_hash
from tests.store.conftest import Clock, Database


def test_tokens_are_long_random_and_open_the_view(store: Store):
    me = store.athlete()
    links = [create_share(me) for _ in range(5)]
    assert len({link.token for link in links}) == 5
    for link in links:
        raw = base64.urlsafe_b64decode(link.token + "=" * (-len(link.token) % 4))
        assert len(raw) * 8 >= 128
        assert link.url == f"https://legday.example/?share={link.token}"
        assert store.share(link.token).athlete_id == me.athlete_id


def test_default_expiry_is_30_days(store: Store, clock: Clock):
    me = store.athlete()
    link = create_share(me, label="coach")
    assert (link.expires_utc - clock.now).days == 30
    clock.advance(days=29, hours=23)
    store.share(link.token)
    clock.advance(hours=1)
    with pytest.raises(ShareLinkExpired, match="expired on"):
        store.share(link.token)
    assert [s.status(clock.now) for s in list_shares(me)] == ["expired"]


@pytest.mark.parametrize("days", [1e-9, 0.0005, 0.0, -1.0, float("nan"), float("inf"),
                                  float("-inf"), 366.5])
def test_a_link_shorter_than_a_minute_or_not_a_length_is_refused(store: Store, days: float):
    me = store.athlete()
    with pytest.raises(StoreError, match="between 1 minute"):
        create_share(me, days=days)
    assert list_shares(me) == []


def test_a_one_minute_link_lasts_one_minute(store: Store, clock: Clock):
    me = store.athlete()
    link = create_share(me, days=1 / 1440)
    assert (link.expires_utc - clock.now).total_seconds() == pytest.approx(60.0)
    clock.advance(seconds=59)
    store.share(link.token)
    clock.advance(seconds=1)
    with pytest.raises(ShareLinkExpired):
        store.share(link.token)


def test_an_open_view_closes_when_the_link_expires_or_is_revoked(store: Store, clock: Clock):
    me = store.athlete()
    short = store.share(create_share(me, days=1).token)
    link = create_share(me, days=10)
    coach = store.share(link.token)
    list_activities(coach)
    clock.advance(days=2)
    with pytest.raises(ShareLinkExpired):
        list_activities(short)
    revoke_share(me, link.token)
    with pytest.raises(ShareLinkRevoked, match="revoked"):
        load_efforts(coach)
    with pytest.raises(ShareLinkRevoked):
        store.share(link.token)
    assert [s.status(clock.now) for s in list_shares(me)] == ["revoked", "expired"]


def test_revoke_by_id_and_other_links_keep_working(store: Store):
    me = store.athlete()
    a, b = create_share(me, label="a"), create_share(me, label="b")
    info = revoke_share(me, a.id)
    assert info.id == a.id and info.revoked_utc is not None
    with pytest.raises(ShareLinkRevoked):
        store.share(a.token)
    assert store.share(b.token).share_id == b.id


@pytest.mark.parametrize("forged", [
    "", "x", "not a token at all", "A" * 43,
    "../../etc/passwd" + "A" * 30,
])
def test_unknown_or_forged_tokens_show_nothing(store: Store, forged: str):
    me = store.athlete()
    create_share(me)
    with pytest.raises(ShareLinkUnknown, match="not valid"):
        store.share(forged)


def test_the_hash_of_a_token_is_no_token(store: Store):
    me = store.athlete()
    link = create_share(me)
    with pytest.raises(ShareLinkError):
        store.share(token_hash(link.token))
    # A token that differs in one character is a different token.
    flipped = link.token[:-1] + ("A" if link.token[-1] != "A" else "B")
    with pytest.raises(ShareLinkUnknown):
        store.share(flipped)


def _database_text(database: Database, store: Store) -> str:
    if database.sqlite_path is not None:
        store.close()  # checkpoint the WAL into the file
        chunks = [p.read_bytes() for p in database.sqlite_path.parent.glob(
            database.sqlite_path.name + "*")]
        return b"".join(chunks).decode("latin-1")
    with store.engine.connect() as conn:
        tables = conn.execute(text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
            {"s": database.schema}).scalars().all()
        return "\n".join(str(conn.execute(text(f'SELECT * FROM "{t}"')).all())
                         for t in tables)


def test_only_the_hash_is_stored(store: Store, database: Database, tmp_path: Path):
    me = store.athlete()
    link = create_share(me, label="coach")
    dump = _database_text(database, store)
    assert token_hash(link.token) in dump
    assert link.token not in dump
    assert link.token[:16] not in dump


def test_tokens_never_start_with_a_dash_so_the_command_line_takes_them():
    tokens = [new_token() for _ in range(2000)]  # with 1 in 64 starting with "-" before
    assert not [t for t in tokens if t.startswith("-")]
    assert len(set(tokens)) == 2000 and min(map(len, tokens)) >= 43
