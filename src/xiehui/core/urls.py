from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_signup

app_name = "core"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views_signup.signup, name="signup"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("profile/", views.profile, name="profile"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="core/form_page.html",
            success_url=reverse_lazy("core:password_change_done"),
            extra_context={"title": "修改密码"},
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="core/message_page.html", extra_context={"title": "密码已修改", "message": "您的密码已修改。"}
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="core/form_page.html",
            email_template_name="core/password_reset_email.txt",
            subject_template_name="core/password_reset_subject.txt",
            success_url=reverse_lazy("core:password_reset_done"),
            extra_context={"title": "找回密码"},
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="core/message_page.html",
            extra_context={
                "title": "重置邮件已发送",
                "message": "如该邮箱对应平台账户，您将收到一封含重置链接的邮件。",
            },
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/form_page.html",
            success_url=reverse_lazy("core:password_reset_complete"),
            extra_context={"title": "设置新密码"},
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/message_page.html",
            extra_context={"title": "密码已重置", "message": "密码已重置，请用新密码登录。"},
        ),
        name="password_reset_complete",
    ),
]
