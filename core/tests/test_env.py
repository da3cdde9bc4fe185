import pytest
from django.core.exceptions import ImproperlyConfigured

from mingshi.env import database_from_url, env_bool, env_int, env_list


def test_missing_database_url_means_embedded_sqlite(tmp_path):
    config = database_from_url(None, sqlite_path=tmp_path / "db.sqlite3")
    assert config == {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "db.sqlite3"),
                      "OPTIONS": {"transaction_mode": "IMMEDIATE"}}


def test_postgres_url_is_parsed_with_health_checks(tmp_path):
    config = database_from_url("postgres://app:s%40cret@db.local:6543/mingshi?sslmode=require", sqlite_path=tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("mingshi", "app", "s@cret")
    assert (config["HOST"], config["PORT"]) == ("db.local", "6543")
    assert config["OPTIONS"] == {"sslmode": "require"}
    assert config["CONN_HEALTH_CHECKS"] is True


def test_unknown_database_scheme_fails_loudly(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://root@localhost/x", sqlite_path=tmp_path)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("off", False), ("", False)])
def test_booleans_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is expected


def test_a_bad_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG")


def test_a_bad_integer_fails_loudly(monkeypatch):
    monkeypatch.setenv("SIZE", "20MB")
    with pytest.raises(ImproperlyConfigured, match="SIZE"):
        env_int("SIZE", 1)


def test_lists_are_split_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
