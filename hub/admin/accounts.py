"""`hub user approve | role | password-reset`: account administration from the console.

Each goes through the same service as the API's mutation (approveUser, setUserRole), so the
rules and the audit records are the same; the actor on the trail is the console, acting with
the admin's rights (whoever can run the command can read the database's passwords anyway).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from hub.cli_support import database, print_user_errors
from hub.domain.accounts import Role, Viewer
from hub.services.outcome import Outcome
from hub.settings import Settings
from hub.store.accounts import UserRecord
from hub.store.db import Database

ROLES = [role.value for role in Role]


def console_actor() -> Viewer:
    """Who the audit trail names for a console command: `console (<system user>)`."""
    return Viewer(handle=f"console ({getpass.getuser()})", role=Role.ADMIN, approved=True)


def add_arguments(user_commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add approve, role and password-reset below `hub user`."""
    approve = user_commands.add_parser("approve", help="approve an account that signed up")
    approve.add_argument("email", help="the account's e-mail address")
    approve.set_defaults(handler=run)

    role = user_commands.add_parser("role", help="give an account a role")
    role.add_argument("email", help="the account's e-mail address")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(handler=run)

    reset = user_commands.add_parser(
        "password-reset", help="set a new password for an account and end its sessions"
    )
    reset.add_argument("email", help="the account's e-mail address")
    reset.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new password from standard input instead of a prompt",
    )
    reset.set_defaults(handler=run)


def read_password(from_stdin: bool, prompt: str = "password: ") -> str | None:
    """A new password from standard input, or typed twice; None when the two differ."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(prompt)
    if getpass.getpass("again: ") != password:
        print("hub: the passwords differ", file=sys.stderr)
        return None
    return password


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Run `hub user approve | role | password-reset` (on a running hub's database too)."""
    password = None
    if args.user_command == "password-reset":
        password = read_password(args.password_stdin, "new password: ")
        if password is None:
            return 1
    with database(settings) as ready:
        return asyncio.run(_administer(ready, args, password))


async def _change(
    db: Database, user: UserRecord, args: argparse.Namespace, password: str | None
) -> tuple[Outcome[UserRecord], str]:
    """The change asked for, through the API's own service; and how to say it was done."""
    from hub.services import accounts
    from hub.services.password_reset import reset_password

    actor = console_actor()
    if args.user_command == "approve":
        return await accounts.approve_user(db, actor, user.id), "is approved"
    if args.user_command == "role":
        role = Role(args.role)
        return await accounts.set_role(db, actor, user.id, role), f"is now {role.value}"
    outcome = await reset_password(db, actor, user.id, password or "")
    return outcome, "has a new password; their sessions ended"


async def _administer(settings: Settings, args: argparse.Namespace, password: str | None) -> int:
    from hub.services.accounts import user_by_email

    db = await Database.connect(settings.dsn(), min_size=1, max_size=1)
    try:
        user = await user_by_email(db, args.email)
        if user is None:
            print(f"hub: no enabled account with the e-mail address {args.email}", file=sys.stderr)
            return 1
        outcome, done = await _change(db, user, args, password)
    finally:
        await db.close()
    if outcome.value is None:
        return print_user_errors(outcome.errors)
    print(f"{user.handle} <{user.email}> {done}")
    return 0
