"""Number normalisation: the Chinese writings collectors and carriers use, and what stays as written."""

import pytest

from dunwatch.parties.numbers import normalize


@pytest.mark.parametrize("raw, e164", [
    ("13800138000", "+8613800138000"),
    ("+86 138 0013 8000", "+8613800138000"),
    ("008613800138000", "+8613800138000"),
    ("8613800138000", "+8613800138000"),
    ("138-0013-8000", "+8613800138000"),
    ("1795113800138000", "+8613800138000"),      # 17951 IP-dialling prefix (China Mobile)
    ("12593 13800138000", "+8613800138000"),     # 12593
    ("1791113800138000", "+8613800138000"),      # 17911
    ("17951008613800138000", "+8613800138000"),  # IP prefix before an international 00 number
    ("1259301012345678", "+861012345678"),       # IP prefix before a landline with its trunk 0
    ("010-12345678", "+861012345678"),           # Beijing landline with area code
    ("0755 1234 5678", "+8675512345678"),        # Shenzhen
    ("4008123123", "+864008123123"),             # 400 service number: valid E.164
    ("95588", "95588"),                          # 95xxx bank line: national only
    ("+86 95588", "95588"),
    ("10086", "10086"),
    ("1069000000015", "1069000000015"),          # 106 SMS gateway of a platform
    ("106900001234567890", "106900001234567890"),
    ("12345678", "12345678"),                    # landline without area code: cannot be placed
    ("17951234567", "+8617951234567"),           # a plain 11-digit 179 mobile is not a prefix
    ("017100000012", "+8617100000012"),
    ("zhang@example.com", "zhang@example.com"),
    ("-2", "-2"),
    ("", ""),
])
def test_chinese_writings(raw, e164):
    assert normalize(raw, "CN") == e164


def test_other_regions_and_test_ranges():
    assert normalize("+15550000001", "CN") == "+15550000001"
    assert normalize("5550000001", "US") == "+15550000001"
    assert normalize("07700 900123", "GB") == "+447700900123"
