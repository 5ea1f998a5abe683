"""The shortcut for Chinese mobile numbers gives exactly what the general libphonenumber path gives."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import dunwatch.parties.numbers as numbers

mobiles = st.builds(lambda second, rest: f"1{second}{rest}", st.sampled_from("3456789"),
                    st.text("0123456789", min_size=9, max_size=9))


@settings(max_examples=300)
@given(number=mobiles, plus=st.booleans())
def test_fast_path_equals_general_path(number, plus):
    raw = ("+86" + number) if plus else number
    fast = numbers.normalize.__wrapped__(raw, "CN")
    saved = numbers._CN_MOBILE_E164, numbers._CN_MOBILE_NATIONAL
    never = re.compile("(?!)")
    numbers._CN_MOBILE_E164 = numbers._CN_MOBILE_NATIONAL = never
    try:
        general = numbers.normalize.__wrapped__(raw, "CN")
    finally:
        numbers._CN_MOBILE_E164, numbers._CN_MOBILE_NATIONAL = saved
    assert fast == general == "+86" + number
