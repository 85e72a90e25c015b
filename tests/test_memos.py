"""The bounded memo the app's process memories share (brokerage/memos.py)."""

from __future__ import annotations

import pytest

from brokerage.memos import Memo


def test_a_memo_lets_the_least_recently_used_go_past_its_limit():
    memo: Memo[str, int] = Memo(2)
    memo.keep("a", 1)
    memo.keep("b", 2)
    assert memo.get("a") == 1  # "a" is now the most recently used
    memo.keep("c", 3)

    assert ("a" in memo, "b" in memo, "c" in memo) == (True, False, True)
    assert len(memo) == 2


def test_keeping_a_key_again_replaces_its_value_and_makes_it_the_newest():
    memo: Memo[str, int] = Memo(2)
    memo.keep("a", 1)
    memo.keep("b", 2)
    assert memo.keep("a", 10) == 10
    memo.keep("c", 3)

    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (10, None, 3)


def test_a_memo_that_could_keep_nothing_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        Memo(0)
