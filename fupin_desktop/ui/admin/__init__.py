"""系统 and the way in: users, audit log, backup, division table, first-run wizard, login, idle lock, help."""
