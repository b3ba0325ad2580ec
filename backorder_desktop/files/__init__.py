"""CSV and JSON files in and out, in the formats of SPEC section 7."""
