from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("mine/", views.my_records, name="mine"),
    path("works/new/", views.work_create, name="work_create"),
    path("works/<int:pk>/", views.work_detail, name="work"),
    path("works/<int:pk>/edit/", views.work_edit, name="work_edit"),
    path("works/<int:pk>/delete/", views.work_delete, name="work_delete"),
    path("pairs/new/", views.pair_create, name="pair_create"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair"),
    path("pairs/<int:pk>/edit/", views.pair_edit, name="pair_edit"),
    path("pairs/<int:pk>/delete/", views.pair_delete, name="pair_delete"),
    path("assignments/<int:pk>/done/", views.task_done, name="task_done"),
    path("studio/<str:code>/", views.studio_records, name="studio"),
    path("studio/<str:code>/people/<str:teacher_code>/", views.person_records, name="person"),
    path("studio/<str:code>/lock/", views.year_lock, name="year_lock"),
    path("studio/<str:code>/unlock/", views.year_unlock, name="year_unlock"),
    path("studio/<str:code>/documents/", views.document_list, name="documents"),
    path("studio/<str:code>/documents/new/", views.document_create, name="document_create"),
    path("studio/<str:code>/documents/<int:pk>/", views.document_detail, name="document"),
    path("studio/<str:code>/documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("studio/<str:code>/documents/<int:pk>/submit/", views.document_submit, name="document_submit"),
    path("studio/<str:code>/documents/<int:pk>/review/", views.document_review, name="document_review"),
    path("studio/<str:code>/documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("studio/<str:code>/projects/", views.project_list, name="projects"),
    path("studio/<str:code>/projects/new/", views.project_create, name="project_create"),
    path("studio/<str:code>/projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("studio/<str:code>/projects/<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("studio/<str:code>/tasks/", views.task_list, name="tasks"),
    path("studio/<str:code>/tasks/new/", views.task_create, name="task_create"),
    path("studio/<str:code>/tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("studio/<str:code>/tasks/assignments/<int:pk>/done/", views.task_record_done, name="task_record_done"),
    path("studio/<str:code>/evaluations/", views.evaluation_list, name="evaluations"),
    path("studio/<str:code>/evaluations/<str:year>/<str:teacher_code>/", views.evaluation_edit,
         name="evaluation_edit"),
    path("studio/<str:code>/funds/", views.fund_usage, name="funds"),
    path("studio/<str:code>/funds/allocations/new/", views.fund_allocate, name="fund_allocate"),
    path("studio/<str:code>/funds/expenses/new/", views.expense_create, name="expense_create"),
    path("studio/<str:code>/funds/<int:pk>/delete/", views.fund_delete, name="fund_delete"),
]
