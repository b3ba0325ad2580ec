"""Write the malformed-input corpus (tests/reliability_input/corpus/*.csv), once.

Run `python -m tests.reliability_input.make_corpus` after changing CORPUS; the test
checks that the files on disk are exactly what this script writes. The expected
line and field of every error are in test_corpus.py (EXPECTED).

The cases are built against the small world of tests/cli/conftest.py: products
A-100, B-200, C-300 and D-400 (discontinued); orders 1001 (shipped: A-100 6,
B-200 4), 1002 and 1003; receipt R-1.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent / "corpus"
BOM = b"\xef\xbb\xbf"

PRODUCTS = "sku,name,discontinued\n"
ORDERS = "order,customer,ordered_at,priority,ship_complete,line,sku,qty\n"
RECEIPTS = "receipt,received_at,sku,qty\n"
ADJUSTMENTS = "sku,qty,reason\n"
RETURNS = "order,sku,qty\n"

SQL = "x'); DROP TABLE product; --"
FORMULA = '"=HYPERLINK(""http://evil.example/"",""click me"")"'
LONG_SKU = "S" * 300
HUGE = str(10**30)


def order(
    number: str = "5001",
    customer: str = "New Co",
    when: str = "2026-11-23T09:00:00",
    priority: str = "5",
    ship_complete: str = "false",
    line: str = "1",
    sku: str = "A-100",
    qty: str = "1",
) -> str:
    return f"{number},{customer},{when},{priority},{ship_complete},{line},{sku},{qty}\n"


GOOD_ORDER = order()
GOOD_RECEIPT = "R-2,2026-11-23T07:00:00,C-300,3\n"


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


CORPUS: dict[str, bytes] = {
    # ---- products
    "products-latin1.csv": (PRODUCTS + "E-500,Endcaps,false\nE-501,Café cups,false\n").encode("latin-1"),
    "products-utf16-bom.csv": (PRODUCTS + "E-500,Endcaps,false\n").encode("utf-16"),
    "products-bom-extra-column.csv": BOM + utf8("sku,name,discontinued,colour\nE-500,Endcaps,false,red\n"),
    "products-missing-name-column.csv": utf8("sku,discontinued\nE-500,false\n"),
    "products-empty.csv": b"",
    "products-header-only.csv": utf8(PRODUCTS),
    "products-blank-sku.csv": utf8(PRODUCTS + "E-500,Endcaps,false\n,Blank,false\n"),
    "products-long-sku.csv": utf8(PRODUCTS + f"{LONG_SKU},Long one,false\n"),
    "products-duplicate-sku.csv": utf8(
        PRODUCTS + "E-500,Endcaps,false\nE-501,Washers,false\nE-500,Endcaps again,false\n"
    ),
    "products-sql-name-bad-boolean.csv": utf8(PRODUCTS + f"E-500,{SQL},false\nE-501,Washers,yes\n"),
    "products-formula-name-too-many-fields.csv": utf8(
        PRODUCTS + f"E-500,{FORMULA},false\nE-501,Washers,false,extra\n"
    ),
    "products-too-few-fields.csv": utf8(PRODUCTS + "E-500,Endcaps,false\nE-501\n"),
    "products-open-quote.csv": utf8(PRODUCTS + 'E-500,"Endcaps,false\nE-501,Washers,false\n'),
    # ---- orders
    "orders-latin1.csv": (ORDERS + GOOD_ORDER + order("5002", "Müller GmbH")).encode("latin-1"),
    "orders-utf16-bom.csv": (ORDERS + GOOD_ORDER).encode("utf-16"),
    "orders-bom-unknown-sku.csv": BOM + utf8(ORDERS + GOOD_ORDER + order("5002", sku="Z-999")),
    "orders-missing-qty-column.csv": utf8(ORDERS.replace(",qty", "") + GOOD_ORDER.rsplit(",", 1)[0] + "\n"),
    "orders-extra-column.csv": utf8(ORDERS.rstrip("\n") + ",note\n" + GOOD_ORDER.rstrip("\n") + ",rush\n"),
    "orders-header-only.csv": utf8(ORDERS),
    "orders-blank-lines-only.csv": utf8("\r\n   \r\n\r\n"),
    "orders-open-quote.csv": utf8(ORDERS + GOOD_ORDER + order("5002", '"Open Quote Ltd') + order("5003")),
    "orders-huge-qty.csv": utf8(ORDERS + order(qty=HUGE)),
    "orders-negative-qty.csv": utf8(ORDERS + GOOD_ORDER + order("5002", qty="-3")),
    "orders-qty-with-units.csv": utf8(ORDERS + order(qty="12 pcs")),
    "orders-qty-decimal.csv": utf8(ORDERS + order(qty="1.5")),
    "orders-date-us.csv": utf8(ORDERS + order(when="11/24/2026")),
    "orders-date-dotted.csv": utf8(ORDERS + order(when="24.11.2026")),
    "orders-date-month-13.csv": utf8(ORDERS + order(when="2026-13-01")),
    "orders-date-february-30.csv": utf8(ORDERS + order(when="2026-02-30")),
    "orders-date-year-10000-in-utc.csv": utf8(ORDERS + order(when="9999-12-31T23:59:59-14:00")),
    "orders-date-year-0-in-utc.csv": utf8(
        ORDERS + GOOD_ORDER + order("5002", when="0001-01-01T00:00:00+14:00")
    ),
    "orders-duplicate-line.csv": utf8(ORDERS + GOOD_ORDER + order(sku="B-200")),
    "orders-number-in-database.csv": utf8(ORDERS + GOOD_ORDER + order("1002")),
    "orders-discontinued-product.csv": utf8(ORDERS + order(sku="D-400")),
    "orders-unknown-sku.csv": utf8(ORDERS + order(sku="NOPE-1")),
    "orders-ship-complete-yes.csv": utf8(ORDERS + order(ship_complete="yes")),
    "orders-priority-0.csv": utf8(ORDERS + order(priority="0")),
    "orders-priority-10.csv": utf8(ORDERS + order(priority="10")),
    "orders-sql-customer-unknown-sku.csv": utf8(
        ORDERS + order(customer=SQL) + order(customer=SQL, line="2", sku="Z-999")
    ),
    "orders-formula-customer-bad-date.csv": utf8(
        ORDERS + order(customer=FORMULA) + order("5002", when="2026-11-24 9:30")
    ),
    "orders-too-many-fields.csv": utf8(ORDERS + GOOD_ORDER + order("5002").rstrip("\n") + ",surplus\n"),
    "orders-too-few-fields.csv": utf8(ORDERS + "5001,New Co,2026-11-23T09:00:00,5,false,1,A-100\n"),
    "orders-blank-sku.csv": utf8(ORDERS + order(sku="")),
    "orders-long-sku.csv": utf8(ORDERS + order(sku=LONG_SKU)),
    "orders-customer-differs.csv": utf8(ORDERS + GOOD_ORDER + order(customer="Other Co", line="2")),
    "orders-line-zero.csv": utf8(ORDERS + order(line="0")),
    # ---- receipts
    "receipts-number-in-database.csv": utf8(RECEIPTS + GOOD_RECEIPT + "R-1,2026-11-23T07:00:00,A-100,1\n"),
    "receipts-duplicate-sku.csv": utf8(RECEIPTS + GOOD_RECEIPT + "R-2,2026-11-23T07:00:00,C-300,1\n"),
    "receipts-unknown-sku.csv": utf8(RECEIPTS + "R-2,2026-11-23T07:00:00,Q-1,3\n"),
    "receipts-date-dotted.csv": utf8(RECEIPTS + "R-2,24.11.2026 08:00,C-300,3\n"),
    "receipts-huge-qty.csv": utf8(RECEIPTS + f"R-2,2026-11-23T07:00:00,C-300,{HUGE}\n"),
    "receipts-negative-qty.csv": utf8(RECEIPTS + "R-2,2026-11-23T07:00:00,C-300,-3\n"),
    "receipts-zero-qty.csv": utf8(RECEIPTS + "R-2,2026-11-23T07:00:00,C-300,0\n"),
    "receipts-qty-with-units.csv": utf8(RECEIPTS + "R-2,2026-11-23T07:00:00,C-300,5kg\n"),
    "receipts-latin1.csv": (RECEIPTS + GOOD_RECEIPT + "R-3,2026-11-23T07:00:00,C-300,3 Stück\n").encode(
        "latin-1"
    ),
    "receipts-missing-columns.csv": utf8("receipt,sku\nR-2,C-300\n"),
    "receipts-header-only.csv": utf8(RECEIPTS),
    "receipts-bom-column-twice.csv": BOM
    + utf8("receipt,received_at,sku,qty,qty\n" + "R-2,2026-11-23,C-300,3,3\n"),
    "receipts-received-at-differs.csv": utf8(RECEIPTS + GOOD_RECEIPT + "R-2,2026-11-24T07:00:00,A-100,1\n"),
    # ---- adjustments
    "adjustments-zero.csv": utf8(ADJUSTMENTS + "C-300,0,count correction\n"),
    "adjustments-qty-with-units.csv": utf8(ADJUSTMENTS + "C-300,5kg,count correction\n"),
    "adjustments-qty-decimal.csv": utf8(ADJUSTMENTS + "C-300,-1.5,damage\n"),
    "adjustments-huge.csv": utf8(ADJUSTMENTS + f"C-300,-{HUGE},damage\n"),
    "adjustments-below-zero.csv": utf8(ADJUSTMENTS + "A-100,2,found\nA-100,-7,damage\n"),
    "adjustments-blank-reason.csv": utf8(ADJUSTMENTS + "C-300,5,   \n"),
    "adjustments-unknown-sku.csv": utf8(ADJUSTMENTS + "C-300,5,found\nX-1,5,found\n"),
    "adjustments-sql-reason-unknown-sku.csv": utf8(
        ADJUSTMENTS + "C-300,5,x'); DROP TABLE ledger; --\nNOPE,1,x'); DELETE FROM product; --\n"
    ),
    "adjustments-empty.csv": b"",
    "adjustments-missing-reason-column.csv": utf8("sku,qty\nC-300,5\n"),
    # ---- returns
    "returns-above-shipped.csv": utf8(RETURNS + "1001,A-100,7\n"),
    "returns-total-above-shipped.csv": utf8(RETURNS + "1001,B-200,3\n1001,B-200,2\n"),
    "returns-nothing-shipped.csv": utf8(RETURNS + "1003,C-300,1\n"),
    "returns-unknown-order.csv": utf8(RETURNS + "9999,A-100,1\n"),
    "returns-unknown-sku.csv": utf8(RETURNS + "1001,ZZZ,1\n"),
    "returns-negative.csv": utf8(RETURNS + "1001,A-100,-1\n"),
    "returns-decimal.csv": utf8(RETURNS + "1001,A-100,1.5\n"),
    "returns-utf16-bom.csv": (RETURNS + "1001,A-100,1\n").encode("utf-16"),
    "returns-extra-column.csv": utf8("order,sku,qty,reason\n1001,A-100,1,broken\n"),
    "returns-formula-order-too-few-fields.csv": utf8(RETURNS + f"{FORMULA},A-100,1\n1001,A-100\n"),
}


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for old in HERE.glob("*.csv"):
        if old.name not in CORPUS:
            old.unlink()
    for name, data in CORPUS.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(CORPUS)} files to {HERE}")


if __name__ == "__main__":
    main()
