"""Schema version 6: customers and their ship-to addresses (SPEC 7, `import customers`).

`customer.name` is the text orders name as their customer (unique); the address fields are what
a packing slip prints under "Ship to". An order names its customer by text, with no key to this
table, so that an order may name a customer whose address is not on file yet. Fields left empty
in the file are stored as empty texts.

A frozen copy, like 0001: the table as it is named at version 6.
"""

from typing import Any

import peewee as pw


def up(migrator: Any, db: pw.Database) -> None:
    class Customer(pw.Model):
        name = pw.CharField(unique=True)
        address = pw.CharField()
        city = pw.CharField()
        region = pw.CharField()
        postal_code = pw.CharField()
        country = pw.CharField()

        class Meta:
            database = db
            legacy_table_names = False

    db.create_tables([Customer])
