"""The roster page's filter (a GET form: no CSRF needed, nothing changes)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from .services import OFFICE_STATES


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that changes nothing

    state = SelectField("状态", choices=[("", "全部")] + [(s, s) for s in OFFICE_STATES], default="")
    q = StringField("机关名称")
