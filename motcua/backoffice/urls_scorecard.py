from django.urls import URLPattern, URLResolver, path

from .views import reports as report_views
from .views import scorecard as scorecard_views

urlpatterns: list[URLPattern | URLResolver] = []
# The dashboards (province, unit), the dossiers behind a figure, the ranking's downloads.
urlpatterns += [
    path("", scorecard_views.scorecard_province, name="scorecard_province"),
    path("don-vi/", scorecard_views.scorecard_unit, name="scorecard_unit"),
    path("ho-so/", scorecard_views.scorecard_drilldown, name="scorecard_drilldown"),
    path("xep-hang/tai-ve/", scorecard_views.scorecard_ranking_export, name="scorecard_ranking_export"),
]
# Biểu 06/VPCP/KSTT (06, 06a, 07a): the table and its downloads.
urlpatterns += [
    path("bao-cao/bieu-06/", report_views.report_b06, name="report_b06"),
    path("bao-cao/bieu-06/tai-ve/", report_views.report_b06_download, name="report_b06_download"),
]
