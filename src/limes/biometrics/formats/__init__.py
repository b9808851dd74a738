"""Standard biometric interchange formats, parsed strictly: a refusal names the byte
offset (or the record and field) at fault, and every size is bounded before it is read."""
