"""The pages' addresses. Profiles, posts and hashtags live where links in posts point
(chirvir/core/links.py): /@username, /@username/ID, /tags/NAME."""

from django.urls import path, re_path

from chirvir.web.views import accounts, auth, filters, leaving, lists, notifications, reports, search, settings
from chirvir.web.views import signins, statuses, timelines

app_name = "web"
USER = r"@(?P<username>[A-Za-z0-9_]{1,30})"
ID = r"(?P<status_id>[0-9]{1,20})"

urlpatterns = [
    path("", timelines.front, name="front"),
    path("home", timelines.home, name="home"),
    path("home/pending", timelines.home_pending, name="home_pending"),
    path("home/newer", timelines.home_newer, name="home_newer"),
    path("public", timelines.public, name="public"),
    path("tags/<str:name>", timelines.tag, name="tag"),
    path("tags/<str:name>/follow", timelines.follow_tag, name="tag_follow"),
    path("tags/<str:name>/unfollow", timelines.unfollow_tag, name="tag_unfollow"),
    path("search", search.search, name="search"),
    path("lists", lists.index, name="lists"),
    path("lists/new", lists.create, name="list_create"),
    path("lists/<int:list_id>", lists.detail, name="list"),
    path("lists/<int:list_id>/edit", lists.update, name="list_update"),
    path("lists/<int:list_id>/delete", lists.delete, name="list_delete"),
    path("lists/<int:list_id>/add", lists.add_member, name="list_add"),
    path("lists/<int:list_id>/remove", lists.remove_member, name="list_remove"),
    path("lists/<int:list_id>/subscribe", lists.subscribe, name="list_subscribe"),
    path("lists/<int:list_id>/unsubscribe", lists.unsubscribe, name="list_unsubscribe"),
    # Trends join here in their own issue.
    path("signup", auth.signup, name="signup"),
    path("login", auth.LoginView.as_view(), name="login"),
    path("login/code", auth.login_code, name="login_code"),
    path("logout", auth.LogoutView.as_view(), name="logout"),
    path("password/reset", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("language", auth.set_language, name="set_language"),
    # Links, block and mute (safety): the warning page, a profile's and a post's block and mute.
    path("leaving", leaving.leaving, name="leaving"),
    path("settings/blocks", accounts.blocks_and_mutes, name="blocks"),
    re_path(rf"^{USER}/block$", accounts.block, name="block"),
    re_path(rf"^{USER}/unblock$", accounts.unblock, name="unblock"),
    re_path(rf"^{USER}/mute$", accounts.mute, name="mute"),
    re_path(rf"^{USER}/unmute$", accounts.unmute, name="unmute"),
    path("auth/confirm/<str:token>", auth.confirm_email, name="confirm_email"),
    path("compose", statuses.compose, name="compose"),
    path("compose/count", statuses.count, name="count"),
    path("statuses/<int:status_id>/like", statuses.like, name="like"),
    path("statuses/<int:status_id>/unlike", statuses.unlike, name="unlike"),
    path("statuses/<int:status_id>/repost", statuses.repost, name="repost"),
    path("statuses/<int:status_id>/unrepost", statuses.unrepost, name="unrepost"),
    path("statuses/<int:status_id>/delete", statuses.delete, name="delete"),
    path("polls/<int:poll_id>/vote", statuses.vote, name="vote"),
    path("notifications", notifications.notification_list, name="notifications"),
    path("notifications/requests/<int:request_id>/accept", notifications.accept_request, name="request_accept"),
    path("notifications/requests/<int:request_id>/dismiss", notifications.dismiss_request, name="request_dismiss"),
    path("messages", notifications.conversations, name="conversations"),
    path("follow_requests", accounts.follow_requests, name="follow_requests"),
    re_path(rf"^follow_requests/{USER}/approve$", accounts.approve, name="approve"),
    re_path(rf"^follow_requests/{USER}/reject$", accounts.reject, name="reject"),
    path("settings", settings.settings_page, name="settings"),
    # filters
    path("settings/filters", filters.index, name="filters"),
    path("settings/filters/<int:filter_id>", filters.update, name="filter_update"),
    path("settings/filters/<int:filter_id>/delete", filters.delete, name="filter_delete"),
    # Signing in: the browsers and apps signed in to the account.
    path("settings/sessions", signins.sessions, name="sessions"),
    path("settings/sessions/end_others", signins.end_other_sessions, name="end_other_sessions"),
    path("settings/apps", signins.apps, name="apps"),
    path("settings/apps/<int:application_id>/revoke", signins.revoke_app, name="revoke_app"),
    path("settings/two_factor", signins.two_factor, name="two_factor"),
    path("settings/two_factor/enable", signins.two_factor_enable, name="two_factor_enable"),
    path("settings/two_factor/disable", signins.two_factor_disable, name="two_factor_disable"),
    re_path(r"^settings/(?P<section>profile|privacy|language|email|password)$", settings.save, name="settings_save"),
    re_path(rf"^{USER}$", accounts.profile, name="profile"),
    re_path(rf"^{USER}/(?P<tab>with_replies|likes|followers|following)$", accounts.profile, name="profile_tab"),
    re_path(rf"^{USER}/follow$", accounts.follow, name="follow"),
    re_path(rf"^{USER}/unfollow$", accounts.unfollow, name="unfollow"),
    # moderation: the report form (Report links on profiles and posts point here, with ?status=ID)
    re_path(rf"^{USER}/report$", reports.report, name="report"),
    re_path(rf"^{USER}/{ID}$", statuses.thread, name="status"),
    re_path(rf"^{USER}/{ID}/media/(?P<media_id>[0-9]{{1,20}})$", statuses.media_page, name="media"),
]
