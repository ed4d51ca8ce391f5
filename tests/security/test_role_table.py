"""The role x action table, every cell written out: what each role may do on a case.

This table is the expected answer for the gate (`access.can`) and for the URL matrix in
test_access_matrix.py, which imports it. Nothing here is read from incidents/access.py: a new role or a new
action fails `test_the_code_has_exactly_the_roles_and_actions_of_the_table` until it is added below.
"""

import pytest

from incidents import access
from incidents.models import Role

ROLES = ("owner", "editor", "advocate", "viewer")
ACTIONS = ("view", "edit", "withdraw", "comment", "export", "manage", "share")

# fmt: off
TABLE: dict[str, dict[str, bool]] = {
    "owner":    {"view": True, "edit": True,  "withdraw": True,  "comment": True,  "export": True,  "manage": True,  "share": True},   # noqa: E501
    "editor":   {"view": True, "edit": True,  "withdraw": True,  "comment": True,  "export": True,  "manage": False, "share": False},  # noqa: E501
    "advocate": {"view": True, "edit": False, "withdraw": False, "comment": True,  "export": True,  "manage": False, "share": False},  # noqa: E501
    "viewer":   {"view": True, "edit": False, "withdraw": False, "comment": False, "export": False, "manage": False, "share": False},  # noqa: E501
}
# Not a member, or a role string the code does not know: nothing at all.
NO_ROLE: dict[str, bool] = {
    "view": False, "edit": False, "withdraw": False, "comment": False, "export": False, "manage": False, "share": False,
}
# fmt: on
UNKNOWN_ROLES = ("", "outsider", "stranger", "OWNER", "Owner", " owner", "owner ", "admin", "superuser")
UNKNOWN_ACTIONS = ("", "VIEW", "View", "delete", "fly", "read", "write", "admin", "*")


def allowed(role: str, action: str) -> bool:
    """The written-out answer for any role and action (unknown ones: False)."""
    return TABLE.get(role, NO_ROLE).get(action, False)


def test_the_table_is_complete():
    assert tuple(TABLE) == ROLES
    for role, row in TABLE.items():
        assert tuple(row) == ACTIONS, role
    assert tuple(NO_ROLE) == ACTIONS
    assert not any(NO_ROLE.values())


def _code_actions() -> set[str]:
    """Every action the gate's module names: the granted ones, the refused ones, and its constants."""
    granted = set().union(*access.PERMISSIONS.values())
    constants = {
        value
        for name, value in vars(access).items()
        if name.isupper() and isinstance(value, str) and value.isalpha() and value.islower()
    }
    return granted | set(access.REFUSALS) | constants


def test_the_code_has_exactly_the_roles_and_actions_of_the_table():
    assert set(access.PERMISSIONS) == set(ROLES)
    assert set(Role.values) == set(ROLES)
    assert _code_actions() == set(ACTIONS)
    # Every action but VIEW is refused with words of its own.
    assert set(access.REFUSALS) == set(ACTIONS) - {"view"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_cell(role, action):
    assert access.can(role, action) is TABLE[role][action]


@pytest.mark.parametrize("role", ROLES)
def test_each_row_whole(role):
    assert {action: access.can(role, action) for action in ACTIONS} == TABLE[role]


@pytest.mark.parametrize("role", UNKNOWN_ROLES)
def test_a_non_member_or_unknown_role_may_do_nothing(role):
    assert {action: access.can(role, action) for action in ACTIONS} == NO_ROLE


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", UNKNOWN_ACTIONS)
def test_no_role_may_do_an_unknown_action(role, action):
    assert access.can(role, action) is False


def test_the_table_reads_as_the_rules_say():
    """The same table, read as sentences: a check on the table itself."""
    assert [role for role in ROLES if TABLE[role]["share"]] == ["owner"]
    assert [role for role in ROLES if TABLE[role]["manage"]] == ["owner"]
    assert [role for role in ROLES if TABLE[role]["edit"]] == ["owner", "editor"]
    assert [role for role in ROLES if TABLE[role]["withdraw"]] == ["owner", "editor"]
    assert [role for role in ROLES if TABLE[role]["export"]] == ["owner", "editor", "advocate"]
    assert [role for role in ROLES if TABLE[role]["comment"]] == ["owner", "editor", "advocate"]
    assert [role for role in ROLES if TABLE[role]["view"]] == ["owner", "editor", "advocate", "viewer"]
