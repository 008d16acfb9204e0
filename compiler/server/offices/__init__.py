"""Offices: the county's roster (机关名称, 联系人, 邮箱), each office's state, progress and reminders."""
