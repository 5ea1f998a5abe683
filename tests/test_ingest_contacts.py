"""Address books (vCard, contacts2.db, AddressBook.sqlitedb) become contact parties."""

from __future__ import annotations

import pytest
from conftest import snapshot
from ingest_helpers import FIXTURES, english, import_one, parties  # noqa: F401 (english: autouse fixture)

from dunwatch.case import Case
from dunwatch.errors import UserError
from dunwatch.parties.tagging import tag_party


def test_vcard_3_4_and_quoted_printable_2_1(case_dir):
    result = import_one(case_dir, FIXTURES / "contacts.vcf")
    got = {k: v[:4] for k, v in parties(case_dir).items()}
    assert got == {
        "+8613900000002": ("contact", "李某", "", "家人"),
        "+8613700000003": ("contact", "Wang Wei", "Example Ltd", "同事"),  # folded TEL line, tel: URI
        "+8613600000004": ("contact", "张三", "", ""),                    # 2.1 QUOTED-PRINTABLE name
        "+861012345678": ("contact", "张三", "", ""),
    }
    assert parties(case_dir)["+861012345678"][4] == "address book (contacts.vcf): 010-12345678"  # raw number kept
    assert result.events == 0 and result.parties == 4


def test_android_contacts_groups_org_deleted_and_duplicates(case_dir):
    result = import_one(case_dir, FIXTURES / "contacts2.db")
    got = {k: v[:4] for k, v in parties(case_dir).items()}
    assert got == {"+8613900000002": ("contact", "李某", "", "家人"),
                   "+8613700000003": ("contact", "王某", "某某科技有限公司", "同事")}
    assert result.events == 2  # the pre-Android-7 calls table in the same database


def test_ios_address_book(case_dir):
    import_one(case_dir, FIXTURES / "AddressBook.sqlitedb")
    got = {k: v[:4] for k, v in parties(case_dir).items()}
    assert got == {"+8613900000002": ("contact", "李某", "", "家人"),
                   "+8613700000003": ("contact", "Wei Wang", "Example Ltd", "")}


def test_address_book_never_overrules_a_collector_tag(case_dir):
    with Case.open(case_dir) as c:
        tag_party(c, "+8613700000003", "collector", name="催收员")
    import_one(case_dir, FIXTURES / "contacts.vcf")
    assert parties(case_dir)["+8613700000003"][:2] == ("collector", "催收员")


@pytest.mark.parametrize("text, problem", [
    ("BEGIN:VCARD\nVERSION:3.0\nFN:A\nTEL:13800000001\n", r"vcard\[1\]: vCard structure error: END:VCARD missing"),
    ("BEGIN:VCARD\nFN:A\nEND:VCARD\nTEL:1\n", "line 4: vCard structure error: TEL outside"),
    ("BEGIN:VCARD\nFN:A\ngarbage line\nEND:VCARD\n", "line 3: vCard structure error"),
])
def test_broken_vcard_names_the_problem(case_dir, tmp_path, text, problem):
    path = tmp_path / "c.vcf"
    path.write_text(text, encoding="utf-8")
    before = snapshot(case_dir)
    with pytest.raises(UserError, match=problem):
        import_one(case_dir, path)
    assert snapshot(case_dir) == before
