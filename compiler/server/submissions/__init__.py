"""Submissions: each upload of an office is a new version, stored under its content hash, checked at
once, and reviewed by the 公开办 (已提交 / 通过 / 已退回 / 已采用)."""
