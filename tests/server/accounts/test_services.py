"""Passwords: one-time passwords a clerk can copy from a printout, and the rules for a new one."""

from __future__ import annotations

import pytest

from compiler.server.accounts.services import PasswordRefused, check_new_password, one_time_password


def test_one_time_passwords_are_long_random_and_unambiguous():
    made = {one_time_password() for _ in range(200)}
    assert len(made) == 200 and all(len(p) == 12 for p in made)
    assert not set("".join(made)) & set("0O1lI")


@pytest.mark.parametrize("new,old,said", [("short", "x", "至少 10 个字符"),
                                          ("same-password-1", "same-password-1", "不能与原密码相同"),
                                          ("jg001-password", "x", "不能含有用户名")])
def test_a_weak_new_password_is_refused_with_the_reason(new, old, said):
    with pytest.raises(PasswordRefused, match=said):
        check_new_password(new, "jg001", old)
