"""The login and password forms (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名。"), Length(max=80)])
    password = PasswordField("密码", validators=[DataRequired("请填写密码。"), Length(max=200)])


class PasswordForm(FlaskForm):
    old = PasswordField("原密码（首次登录时为初始密码）", validators=[DataRequired("请填写原密码。")])
    new = PasswordField("新密码（至少 10 个字符）", validators=[DataRequired("请填写新密码。"), Length(max=200)])
    again = PasswordField("再输入一次新密码", validators=[EqualTo("new", "两次输入的新密码不一样。")])
