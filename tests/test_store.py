"""Store: a real SQLite file keeps items, article texts, model outputs, runs and briefs."""

from datetime import UTC, date, datetime, timedelta

from briefbot.models import Item, SourceResult
from briefbot.store import Store

NOW = datetime(2026, 7, 3, 12, 0, tzinfo=UTC)


def item(url: str, hours_ago: float = 1, **fields) -> Item:
    values = {
        "url": url,
        "title": f"Title of {url}",
        "source": "Feed",
        "source_type": "rss",
        "published": NOW - timedelta(hours=hours_ago),
        "teaser": "teaser",
    } | fields
    return Item(**values)


def test_items_survive_reopening_and_count_new_once(tmp_path):
    path = tmp_path / "brief.db"
    with Store(path) as store:
        assert (
            store.save_items([item("https://a.example/1"), item("https://a.example/2")], NOW) == 2
        )
    with Store(path) as store:
        later = NOW + timedelta(minutes=5)
        assert store.save_items([item("https://a.example/1", teaser="a longer teaser")], later) == 0
        [first, _] = sorted(store.items_between(NOW - timedelta(days=1), NOW), key=lambda i: i.url)
        assert first.teaser == "a longer teaser"
        assert first.published == NOW - timedelta(hours=1)


def test_same_url_from_two_sources_is_kept_per_source(tmp_path):
    with Store(tmp_path / "b.db") as store:
        store.save_items(
            [item("https://a.example/1"), item("https://a.example/1", source="r/x")], NOW
        )
        found = store.items_between(NOW - timedelta(days=1), NOW)
        assert sorted(i.source for i in found) == ["Feed", "r/x"]


def test_window_filters_items_and_briefs_remember_their_sources(tmp_path):
    with Store(tmp_path / "b.db") as store:
        store.save_items(
            [
                item("https://a.example/old", hours_ago=50),
                item("https://a.example/new"),
                item("https://a.example/undated", published=None),
            ],
            NOW,
        )
        window = (NOW - timedelta(hours=36), NOW + timedelta(seconds=1))
        today = {i.url for i in store.items_between(*window)}
        assert today == {"https://a.example/new", "https://a.example/undated"}
        store.mark_briefed(date(2026, 7, 2), [("https://a.example/new", "Feed")])
        store.mark_briefed(date(2026, 7, 3), [("https://a.example/undated", "Feed")])
        assert store.briefed_before(date(2026, 7, 3)) == {"https://a.example/new": {"Feed"}}
        # a re-run of a day replaces that day's record
        store.mark_briefed(date(2026, 7, 2), [("https://a.example/old", "Other")])
        assert store.briefed_before(date(2026, 7, 3)) == {"https://a.example/old": {"Other"}}


def test_outputs_articles_and_runs_round_trip(tmp_path):
    with Store(tmp_path / "b.db") as store:
        assert store.cached_output("k") is None
        store.save_output(
            cache_key="k",
            backend="embedded",
            model="m",
            prompt_version="v1",
            kind="story",
            input_hash="h",
            output={"summary": "S"},
            seconds=1.5,
        )
        assert store.cached_output("k") == {"summary": "S"}
        store.save_article_text("https://a.example/1", "Full text", NOW)
        assert store.article_text("https://a.example/1") == "Full text"
        run = store.start_run(date(2026, 7, 3), NOW)
        store.save_source_results(run, [SourceResult("Feed", "rss", error="HTTP 500")])
        store.finish_run(run, "ok", {"stories": 5}, NOW)
        assert store.last_run()["report"] == {"stories": 5}
