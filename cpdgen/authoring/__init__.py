"""The write side into records/: `init`, `new`, `import`, the declaration file (start, acknowledge, submit), and the byte-preserving editor, all through `transaction` or atomic writes."""
