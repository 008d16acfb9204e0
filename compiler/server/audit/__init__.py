"""Who did what and when: every action of the server is one row, viewable and exportable by the 公开办."""
