# tests/audit/hostile.sh - sourced by run.sh: hostile products.
:
