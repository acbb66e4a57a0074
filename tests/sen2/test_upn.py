"""The UPN check letter (DfE UPN standard, sen2-return.md section 7) on published examples."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from send_desktop.sen2.codes import UPN_LETTERS, upn_check_letter


def test_the_published_example_is_valid() -> None:
    # B801200005001: 8x2 + 1x4 + 2x5 + 5x10 + 1x13 = 93; 93 mod 23 = 1 -> B (DfE; python-stdnum).
    assert upn_check_letter("B801200005001") == "B"


def test_the_help_page_example_is_wrong_as_the_spec_notes() -> None:
    # Q207000016049 circulates on supplier help pages; its weighted sum is 266 -> P, not Q.
    assert upn_check_letter("Q207000016049") == "P"


def test_a_temporary_upn_counts_its_final_letter_by_position() -> None:
    # Final letter A counts 0, so a temporary UPN ending in A has the same letter as one ending 0.
    assert upn_check_letter("X80120000500A") == upn_check_letter("X801200005000")
    # Final letter B counts 1, like a final digit 1.
    assert upn_check_letter("X80120000500B") == "B"


def test_shapes_that_are_not_a_upn_have_no_check_letter() -> None:
    for text in ("", "B80120000500", "B8012000050011", "B80120000500I", "B8012X0005001"):
        assert upn_check_letter(text) is None


@given(
    st.text("0123456789", min_size=12, max_size=12),
    st.integers(0, 11),
    st.integers(1, 9),
)
def test_any_single_mistyped_digit_is_caught(body: str, where: int, delta: int) -> None:
    # Character n carries weight n (2..13); changing one digit by d shifts the sum by n*d,
    # never a multiple of 23 (prime, larger than both): the letter always changes.
    changed = body[:where] + str((int(body[where]) + delta) % 10) + body[where + 1 :]
    assert upn_check_letter("A" + body) != upn_check_letter("A" + changed)
    assert upn_check_letter("A" + body) in UPN_LETTERS


def test_the_import_synonyms_name_real_sen2_columns() -> None:
    from send_desktop.store.models import Case, Child
    from send_desktop.workbooks.headers import SEN2_SYNONYMS, normalise

    columns = set(Child.__table__.c.keys()) | set(Case.__table__.c.keys())
    assert set(SEN2_SYNONYMS) <= columns
    seen = [normalise(s) for names in SEN2_SYNONYMS.values() for s in names]
    assert len(seen) == len(set(seen))  # no header means two things
