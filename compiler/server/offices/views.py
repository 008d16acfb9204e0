"""The 公开办's roster page (each office's state, counts, last change, the deadline; a filter),
``/api/progress``, and the reminders to offices that have not submitted."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for

from ..db import session as db_session
from ..audit.services import record
from ..authnz import Permissions, permission_required
from ..submissions.forms import ActionForm
from .forms import FilterForm
from .services import MISSING, office_states, progress

bp = Blueprint("offices", __name__)


def _settings():
    return current_app.config["NIANBAO_SETTINGS"]


@bp.get("/admin")
@permission_required(Permissions.ProgressRead)
def roster():
    settings = _settings()
    form = FilterForm(request.args)
    states = office_states(db_session(), settings.year)
    shown = [s for s in states if (not form.state.data or s.state == form.state.data)
             and (not form.q.data or form.q.data.strip() in s.office.name)]
    return render_template("server/roster.html.j2", states=shown, progress=progress(db_session(), settings.year),
                           form=form, action_form=ActionForm(), total=len(states))


@bp.get("/api/progress")
@permission_required(Permissions.ProgressRead)
def api_progress():
    return jsonify(progress(db_session(), _settings().year))


def send_reminders() -> str:
    settings = _settings()
    mailer = current_app.extensions["nianbao_mailer"]
    s = db_session()
    missing = [st.office for st in office_states(s, settings.year) if st.state == MISSING]
    if not missing:
        return "所有机关都已报送，没有发送提醒。"
    if not mailer.configured:
        return f"未配置发信服务器（设置文件的 [smtp]），没有发送提醒。未报送的机关：{'、'.join(o.name for o in missing)}。"
    from ...mail import MailError

    sent, failed, no_mail = [], [], []
    deadline = f"，截止日期为 {settings.deadline.isoformat()}" if settings.deadline else ""
    for office in missing:
        if not office.email:
            no_mail.append(office.name)
            continue
        try:
            mailer.send(office.email, f"【提醒】请报送{settings.year}年度政府信息公开工作年度报告",
                        f"{office.name}：\n\n您单位尚未在报送系统中报送 {settings.year} 年度政府信息公开工作年度报告{deadline}。"
                        "请登录报送系统上传填报表。\n")
            sent.append(office.name)
        except MailError as exc:
            failed.append(f"{office.name}（{exc}）")
    record(s, "发送提醒", f"{len(sent)} 个机关", "、".join(sent))
    s.commit()
    text = f"已向 {len(sent)} 个未报送的机关发送提醒。"
    if no_mail:
        text += f"没有邮箱：{'、'.join(no_mail)}。"
    if failed:
        text += f"未发出：{'、'.join(failed)}。"
    return text


@bp.post("/admin/remind")
@permission_required(Permissions.RemindersSend)
def remind_page():
    flash(send_reminders())
    return redirect(url_for("offices.roster"))


@bp.post("/api/remind")
@permission_required(Permissions.RemindersSend)
def api_remind():
    return jsonify({"message": send_reminders()})
