"""Property: any events/parties we can write, import, export gives back the same bytes."""

from datetime import datetime, timedelta, timezone

from conftest import write_events, write_parties
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwatch.case import Case, catalog
from dunwatch.ingest.importer import import_files
from dunwatch.interchange.export import export

# Any Unicode text a message can hold. NUL never occurs in SMS or chat text and DuckDB's CSV
# reader ends a field at it, so it is left out; lone surrogates cannot be written as UTF-8.
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.builds(lambda d, tz: d.replace(tzinfo=tz).isoformat(),
                    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)), offsets)


@st.composite
def event_rows(draw):
    kind = draw(st.sampled_from(catalog.EVENT_KINDS))
    status = draw(st.sampled_from(catalog.CALL_STATUSES)) if kind == "call" else draw(st.sampled_from(["", "sent", "received"]))
    duration = draw(st.one_of(st.just(""), st.integers(0, 10_000).map(str), st.floats(0, 1e5).map(lambda f: f"{f:.1f}")))
    return [kind, draw(text), draw(text), draw(moments), duration, status, draw(text), draw(text)]


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(event_rows(), max_size=12), parties=st.lists(st.tuples(
    text.filter(lambda s: s.strip() != "" and s == s.strip()), st.sampled_from(catalog.PARTY_ROLES), text, text, text),
    max_size=6, unique_by=lambda p: p[0]))
def test_round_trip_is_byte_exact(tmp_path_factory, rows, parties):
    tmp = tmp_path_factory.mktemp("rt")
    events = write_events(tmp / "events.csv", [(f"e{i}", *r) for i, r in enumerate(rows)])
    party_file = write_parties(tmp / "parties.csv", parties)
    with Case.init(tmp / "case") as c:
        import_files(c, [events, party_file])
        export(c, events=tmp / "out-events.csv", parties=tmp / "out-parties.csv")
    assert (tmp / "out-events.csv").read_bytes() == events.read_bytes()
    assert (tmp / "out-parties.csv").read_bytes() == party_file.read_bytes()
