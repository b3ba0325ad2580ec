"""How a --db value is shown, copied and given to the driver: a password never shows."""

from __future__ import annotations

import pytest

from backorder_desktop.store.urls import connection_settings, shown, without_password

CASES = [
    # (--db value, shown, without the password)
    (
        "postgresql://ann:s3cret@db:5432/shop",
        "postgresql://ann:***@db:5432/shop",
        "postgresql://ann@db:5432/shop",
    ),
    ("postgresql://ann:p@ss/w#rd@db/shop", "postgresql://ann:***@db/shop", "postgresql://ann@db/shop"),
    (
        "postgresql://ann@db/shop?password=s3cret&sslmode=require",
        "postgresql://ann@db/shop?password=***&sslmode=require",
        "postgresql://ann@db/shop?sslmode=require",
    ),
    ("postgresql://ann@db/shop", "postgresql://ann@db/shop", "postgresql://ann@db/shop"),
    ("/home/ann/shop.sqlite3", "/home/ann/shop.sqlite3", "/home/ann/shop.sqlite3"),
]


@pytest.mark.parametrize(("target", "as_shown", "to_copy"), CASES)
def test_a_password_is_shown_as_stars_and_left_out_of_a_command_to_copy(
    target: str, as_shown: str, to_copy: str
) -> None:
    assert shown(target) == as_shown
    assert without_password(target) == to_copy


def test_a_url_encoded_password_reaches_the_driver_decoded() -> None:
    settings = connection_settings("postgresql://ann:p%40ss%3Aw%2Frd%25@db.example:6432/shop")
    assert settings == {
        "database": "shop",
        "user": "ann",
        "password": "p@ss:w/rd%",
        "host": "db.example",
        "port": 6432,
    }
