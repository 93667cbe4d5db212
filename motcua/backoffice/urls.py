from django.urls import include, path

from .views import apikeys, catalogue, dashboard
from .views import dossiers as dv
from .views.calendar import calendar_admin
from .views.dossiers import bulk, paperwork

app_name = "backoffice"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("thu-tuc/", catalogue.catalogue_list, name="catalogue_list"),
    path("thu-tuc/them/", catalogue.procedure_new, name="procedure_new"),
    path("thu-tuc/<str:code>/", catalogue.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<str:code>/sua/", catalogue.procedure_edit, name="procedure_edit"),
    path("thu-tuc/<str:code>/cong-bo/", catalogue.procedure_publish_view, name="procedure_publish"),
    path("thu-tuc/<str:code>/ra-soat/", catalogue.procedure_review_view, name="procedure_review"),
    path("thu-tuc/<str:code>/so-sanh/", catalogue.procedure_diff, name="procedure_diff"),
    path("lich/", calendar_admin, name="calendar"),
    path("ho-so/", dv.dossier_queue, name="dossier_queue"),
    path("ho-so/<int:pk>/", dv.dossier_page, name="dossier_detail"),
    path("ho-so/phan-cong/", bulk.bulk_assign, name="dossier_bulk_assign"),
    path("ho-so/<int:pk>/giay-to/<int:component_id>/", dv.dossier_component_file, name="dossier_file"),
    path("ho-so/<int:pk>/tiep-nhan/", dv.dossier_receive, name="dossier_receive"),
    path("ho-so/<int:pk>/tu-choi/", dv.dossier_refuse, name="dossier_refuse"),
    path("ho-so/<int:pk>/chuyen-xu-ly/", dv.dossier_route, name="dossier_route"),
    path("ho-so/<int:pk>/phan-cong/", dv.dossier_assign, name="dossier_assign"),
    path("ho-so/<int:pk>/chuyen-buoc/", dv.dossier_forward, name="dossier_forward"),
    path("ho-so/<int:pk>/tra-lai/", dv.dossier_send_back, name="dossier_send_back"),
    path("ho-so/<int:pk>/yeu-cau-bo-sung/", dv.dossier_request_supplement, name="dossier_request_supplement"),
    path("ho-so/<int:pk>/bo-sung/", dv.dossier_supplement, name="dossier_supplement"),
    path("ho-so/<int:pk>/tam-dung/", dv.dossier_suspend, name="dossier_suspend"),
    path("ho-so/<int:pk>/tiep-tuc/", dv.dossier_resume, name="dossier_resume"),
    path("ho-so/<int:pk>/xin-loi/", dv.dossier_apologise, name="dossier_apologise"),
    path("ho-so/<int:pk>/quyet-dinh/", dv.dossier_decide, name="dossier_decide"),
    path("ho-so/<int:pk>/tra-ket-qua/", dv.dossier_return_result, name="dossier_return_result"),
    path("ho-so/<int:pk>/dung-xu-ly/", dv.dossier_withdraw, name="dossier_withdraw"),
    path("ho-so/<int:pk>/bieu-mau/<str:key>/", paperwork.dossier_form, name="dossier_form"),
    path("so-theo-doi/", paperwork.ledger, name="ledger"),
    path("tiep-nhan/", dv.counter_intake, name="counter_intake"),
    # The scorecard (issue 6): dashboards and reports, early warning, the reform-plan targets.
    path("chi-so/", include("motcua.backoffice.urls_scorecard")),
    path("canh-bao/", include("motcua.backoffice.urls_risk")),
    path("ke-hoach/", include("motcua.backoffice.urls_plan")),
    path("thanh-toan/", include("motcua.backoffice.urls_payments")),
    # Issue 7: data store at the counter, issued results, national registry look-ups.
    path("kho-du-lieu/", include("motcua.backoffice.urls_wallet")),
    path("ket-qua/", include("motcua.backoffice.urls_results")),
    path("tra-cuu-csdl/", include("motcua.backoffice.urls_registries")),
    # Issue 9: feedback and complaints (PAKN), the counter evaluation tablet.
    path("phan-anh/", include("motcua.backoffice.urls_feedback")),
    path("thong-bao/", include("motcua.backoffice.urls_notifications")),
    path("dong-bo-dvcqg/", include("motcua.backoffice.urls_dvcqg")),
    path("webhook/", include("motcua.backoffice.urls_webhooks")),
    path("khoa-api/", apikeys.apikey_list, name="apikey_list"),
]
