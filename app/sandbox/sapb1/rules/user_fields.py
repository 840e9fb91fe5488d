"""Rules for adding user-defined fields (``POST UserFieldsMD``), refusals included.

SAP adds a field only for a user with the authorization to manage
user-defined fields, only while no other user is connected to the company
(the database structure changes), and never twice under one name on a table.
The sandbox's switches ``other_users_connected`` and ``user_fields_denied``
(on ``Rules``) let tests meet the first two; a field already registered meets
the third.
"""

from __future__ import annotations

from typing import Any

from app.sandbox.sapb1.entities import EntitySet
from app.sandbox.sapb1.errors import SlError
from app.sandbox.sapb1.rules.base import RuleBase
from app.sandbox.sapb1.seed import new_body
from app.sandbox.sapb1.store import Tx

NOT_PERMITTED = "You are not permitted to perform this action"
OTHER_USERS = "Ref count for this object is higher then 0"
VALID_TYPES = frozenset({"db_Alpha", "db_Numeric", "db_Date", "db_Float", "db_Memo"})


class UserFieldRules(RuleBase):
    """Adds a user-defined field to a table, or refuses as SAP does."""

    def _create_user_field(self, tx: Tx, es: EntitySet, body: dict[str, Any]) -> dict[str, Any]:
        if self.user_name in self.user_fields_denied:
            raise SlError(403, -6006, NOT_PERMITTED)
        if self.other_users_connected:
            raise SlError(400, -1120, OTHER_USERS)
        table, name = body.get("TableName"), body.get("Name")
        if not table or not name:
            raise SlError.business("Enter a table name and a field name [CUFD.TableID]")
        kind = body.get("Type", "db_Alpha")
        if kind not in VALID_TYPES:
            raise SlError.malformed(f"Invalid value '{kind}' for property 'Type' of 'UserFieldMD'")
        table = str(table)
        if f"U_{name}" in self.user_fields(tx, table):
            raise SlError.duplicate()
        doc = new_body(es.name)
        doc.update(body)
        doc["TableName"] = table
        if "EditSize" in body and "Size" not in body:
            doc["Size"] = body["EditSize"]
        doc["FieldID"] = (
            max([f["FieldID"] for f in tx.query(es) if f.get("TableName") == table], default=-1) + 1
        )
        self.user_fields_changed(tx)
        return doc
