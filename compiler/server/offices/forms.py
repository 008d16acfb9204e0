"""The roster page's filter (a GET form: no CSRF needed, nothing changes)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from .services import OFFICE_STATES


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that changes nothing

    state = SelectField("状态", choices=[SelectChoice("", "全部")] + [SelectChoice(s, s) for s in OFFICE_STATES],
                        default="")
    q = StringField("机关名称")
