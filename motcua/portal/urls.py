from django.urls import include, path

from .views import home, open_data, quality, transparency
from .views.calendar import working_calendar
from .views.catalogue import procedure_detail, procedure_list
from .views.dossiers import mine as my_dossier_views
from .views.dossiers import public as dossier_public_views
from .views.dossiers import wizard as dossier_wizard
from .views.inbox import inbox, notification_channels

urlpatterns = [
    path("", home.home, name="home"),
    path("thu-tuc/", procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", procedure_detail, name="procedure_detail"),
    path("lich-lam-viec/", working_calendar, name="working_calendar"),
    path("thong-bao/", inbox, name="inbox"),
    path("thong-bao/kenh-nhan/", notification_channels, name="notification_channels"),
    # Online application wizard, "Hồ sơ của tôi", public status page (motcua.portal.views.dossiers).
    path("thu-tuc/<str:code>/nop-ho-so/", dossier_wizard.apply_start, name="dossier_apply"),
    path(
        "thu-tuc/<str:code>/nop-ho-so/thong-tin/", dossier_wizard.apply_details, name="dossier_apply_details"
    ),
    path("ho-so-cua-toi/", my_dossier_views.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<int:pk>/", my_dossier_views.dossier_detail, name="my_dossier"),
    path("ho-so-cua-toi/<int:pk>/thong-tin/", dossier_wizard.draft_details, name="dossier_draft_details"),
    path("ho-so-cua-toi/<int:pk>/giay-to/", dossier_wizard.draft_components, name="dossier_draft_components"),
    path("ho-so-cua-toi/<int:pk>/kiem-tra/", dossier_wizard.draft_review, name="dossier_draft_review"),
    path("ho-so-cua-toi/<int:pk>/da-nop/", dossier_wizard.confirmation, name="dossier_confirmation"),
    path(
        "ho-so-cua-toi/<int:pk>/tai-len/", my_dossier_views.component_upload, name="dossier_component_upload"
    ),
    path(
        "ho-so-cua-toi/<int:pk>/giay-to/<int:component_id>/tai-ve/",
        my_dossier_views.component_download,
        name="dossier_component_download",
    ),
    path("ho-so-cua-toi/<int:pk>/bieu-mau/<str:key>/", my_dossier_views.dossier_form, name="my_dossier_form"),
    path("ho-so-cua-toi/<int:pk>/bo-sung/", my_dossier_views.supplement_send, name="dossier_supplement_send"),
    path("ho-so-cua-toi/<int:pk>/dung-giai-quyet/", my_dossier_views.withdraw, name="dossier_withdraw"),
    path("tra-cuu-ho-so/", dossier_public_views.status_lookup, name="dossier_status_lookup"),
    path("danh-gia-chat-luong/", quality.quality, name="quality"),
    # Issue 12: the transparency page, open data (CSV/JSON, docs/open-data.md).
    path("minh-bach/", transparency.transparency, name="transparency"),
    path("du-lieu-mo/", open_data.open_data, name="open_data"),
    path("du-lieu-mo/<slug:dataset>.<str:fmt>", open_data.open_data_file, name="open_data_file"),
    # Issue 7: the citizen's data store and access ledger; public verification of issued results.
    path("kho-du-lieu/", include("motcua.portal.urls_wallet")),
    path("verify/", include("motcua.portal.urls_verify")),
    path("ket-qua-cua-toi/", include("motcua.portal.urls_results")),
    path("ai-da-xem-du-lieu/", include("motcua.portal.urls_ledger")),
    # Issue 9: evaluation of returned dossiers and feedback/complaints (PAKN).
    path("danh-gia/", include("motcua.portal.urls_evaluation")),
    path("phan-anh-kien-nghi/", include("motcua.portal.urls_feedback")),
    # The local fakes of the national registries, spoken to over HTTP like the real gateway (dev/demo/tests).
    path("sandbox/csdl/", include("motcua.portal.urls_registry_sandbox")),
    path("sandbox/dvcqg/", include("motcua.portal.urls_dvcqg_sandbox")),
    path("sandbox/vneid/", include("motcua.portal.urls_vneid_sandbox")),
    # Issue 10: sign-in with VNeID (OpenID Connect) and linking it to a citizen account.
    path("vneid/", include("motcua.portal.urls_vneid")),
]
