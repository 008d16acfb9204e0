"""The submission forms (Flask-WTF; CSRF on each).  The upload's own limits and .zip checks are
``compiler.uploads``' (``save_upload``/``extract_zip``), applied by the service."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from .services import MAX_NOTE


class UploadForm(FlaskForm):
    file = FileField("填报表（.xlsx）或报告（.docx、.pdf）", validators=[FileRequired("请选择要报送的文件。")])


class ReturnForm(FlaskForm):
    note = TextAreaField("退回说明（机关会看到）", validators=[DataRequired("退回时请写明原因。"), Length(max=MAX_NOTE)])


class ActionForm(FlaskForm):
    """A button that changes something (accept, remind, log out): only its CSRF token."""
