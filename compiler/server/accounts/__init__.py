"""Accounts: the 公开办's admin and one account per office; argon2 passwords, login, password change."""
